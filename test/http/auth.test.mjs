// auth.test.mjs — logins, logouts, session expiry, throttling and locks,
// CSRF refusal, API tokens and the HQ admin's users page, over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SAMPLE, pk, freshData, startServer, get, addUser, ensureAgency, login, anonymous, client, setCookie,
  TEST_PASSWORD,
} from './lib.mjs';

const BAD = 'wrong-password-9';

// A data directory with the sample registry and a few users.
function fixture(t) {
  const dir = freshData(t);
  assert.equal(pk(['office', 'import', SAMPLE, '--data', dir]).status, 0);
  addUser(dir, 'admin', 'hq_admin');
  addUser(dir, 'off', 'office', ['--office', 'U-1001']);
  addUser(dir, 'rev', 'region_reviewer', ['--region', 'south']);
  return dir;
}

test('user CLI: add, list, passwd, disable, errors; password never on the command line', (t) => {
  const dir = fixture(t);
  let r = pk(['user', 'list', '--data', dir]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^USERNAME\s+ROLE\s+SCOPE/m);
  assert.match(r.stdout, /^off\s+office\s+U-1001\s+active/m);
  assert.match(r.stdout, /^rev\s+region_reviewer\s+south/m);
  r = pk(['user', 'add', '--data', dir, '--username', 'x-short', '--role', 'hq_admin'], { input: 'short\n' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /at least 10 characters/);
  r = pk(['user', 'add', '--data', dir, '--username', 'nooff', '--role', 'office', '--office', 'U-9999'], { input: TEST_PASSWORD + '\n' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no office with code "U-9999"/);
  r = pk(['user', 'add', '--data', dir, '--username', 'wrong', '--role', 'office', '--region', 'tehran'], { input: TEST_PASSWORD + '\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /takes --office/);
  r = pk(['user', 'add', '--data', dir, '--username', 'off', '--role', 'hq_admin'], { input: TEST_PASSWORD + '\n' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /taken/);
  r = pk(['user', 'add', '--data', dir, '--username', 'who', '--role', 'king'], { input: TEST_PASSWORD + '\n' });
  assert.equal(r.status, 2);
  r = pk(['user', 'add', '--data', dir, '--username', 'nopw', '--role', 'hq_admin', '--password', 'x'], { input: TEST_PASSWORD + '\n' });
  assert.equal(r.status, 2, 'there is no --password option');
  r = pk(['user', 'passwd', '--data', dir, 'off'], { input: 'a-new-password\n' });
  assert.equal(r.status, 0, r.stderr);
  r = pk(['user', 'disable', '--data', dir, 'rev']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(pk(['user', 'list', '--data', dir]).stdout, /^rev\s+\S+\s+\S+\s+disabled/m);
  r = pk(['user', 'disable', '--data', dir, 'nobody']);
  assert.notEqual(r.status, 0);
  assert.equal(pk(['audit', 'verify', '--data', dir]).status, 0);
});

test('login page, login, /api/v1/me, logout', async (t) => {
  const dir = fixture(t);
  const srv = await startServer(dir);
  t.after(() => srv.stop());

  const page = await get(srv.url + '/login');
  assert.equal(page.status, 200);
  assert.match(page.text, /<html lang="fa" dir="rtl">/);
  assert.match(page.text, /ورود به سامانه/);
  assert.match(page.text, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
  assert.match(page.text, /name="username"/);
  assert.match(page.text, /name="password" type="password"/);
  const pre = page.headers.getSetCookie().find((c) => c.startsWith('pk_csrf='));
  assert.match(pre, /HttpOnly/);
  assert.match(pre, /SameSite=Strict/);

  // Anonymous: 401 JSON for the API.
  let r = await get(srv.url + '/api/v1/me');
  assert.equal(r.status, 401);
  assert.equal(typeof r.json.error, 'string');

  const a = await anonymous(srv.url);
  r = await a.post('/login', { username: 'off', password: TEST_PASSWORD, next: '/offices/U-1001' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/offices/U-1001');
  const sc = r.headers.getSetCookie().find((c) => c.startsWith('pk_session='));
  assert.match(sc, /^pk_session=[A-Za-z0-9_-]{43};/);
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  assert.match(sc, /Path=\//);
  assert.doesNotMatch(sc, /Secure/);
  const tok = setCookie(r, 'pk_session');

  const c = client(srv.url, `pk_session=${tok}`);
  r = await c.get('/api/v1/me');
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ['csrf', 'role', 'scope', 'username']);
  assert.equal(r.json.username, 'off');
  assert.equal(r.json.role, 'office');
  assert.deepEqual(r.json.scope, { office: 'U-1001', province: 'tehran', region: 'tehran' });
  assert.match(r.json.csrf, /^[0-9a-f]{64}$/);
  c.csrf = r.json.csrf;

  // Pages show who is logged in, with a logout form carrying the token.
  r = await c.get('/');
  assert.match(r.text, /<form class="logout" method="post" action="\/logout"><input type="hidden" name="csrf" value="[0-9a-f]{64}">/);

  // Case-insensitive username; case-sensitive password.
  const l2 = await login(srv.url, 'OFF');
  assert.equal(l2.status, 303);
  assert.equal((await login(srv.url, 'off', TEST_PASSWORD.toUpperCase())).status, 401);

  // Scopes of other roles.
  const lr = await login(srv.url, 'rev');
  assert.deepEqual(lr.client.me.scope, { region: 'south' });
  const la = await login(srv.url, 'admin');
  assert.deepEqual(la.client.me.scope, {});

  // Open redirects are refused.
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const b = await anonymous(srv.url);
    r = await b.post('/login', { username: 'off', password: TEST_PASSWORD, next });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/', next);
  }

  // Secure cookie behind a proxy that says so.
  const b = await anonymous(srv.url);
  r = await b.post('/login', { username: 'off', password: TEST_PASSWORD }, { headers: { 'X-Forwarded-Proto': 'https' } });
  assert.match(r.headers.getSetCookie().find((x) => x.startsWith('pk_session=')), /; Secure/);

  // Logout deletes the session: the same cookie is no good afterwards.
  r = await c.post('/logout');
  assert.equal(r.status, 303);
  assert.match(r.headers.getSetCookie().find((x) => x.startsWith('pk_session=')), /Max-Age=0/);
  r = await c.get('/api/v1/me');
  assert.equal(r.status, 401);
  // The other session of the same user lives on.
  assert.equal((await l2.client.get('/api/v1/me')).status, 200);

  // Protected pages redirect to the login form, with next.
  r = await get(srv.url + '/admin/users');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?next=%2Fadmin%2Fusers');
});

test('wrong password and unknown user: the same 401, about the same time; disabled says so', async (t) => {
  const dir = fixture(t);
  pk(['user', 'disable', '--data', dir, 'rev']);
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const timed = async (username, password) => {
    const a = await anonymous(srv.url);
    const t0 = performance.now();
    const r = await a.post('/login', { username, password });
    return { r, ms: performance.now() - t0 };
  };
  const w = await timed('off', BAD);
  const u = await timed('no-such-user', BAD);
  assert.equal(w.r.status, 401);
  assert.equal(u.r.status, 401);
  const msg = (x) => x.r.text.match(/<p class="flash error" role="alert">([^<]*)<\/p>/)[1];
  assert.equal(msg(w), msg(u));
  assert.equal(msg(w), 'نام کاربری یا گذرواژه نادرست است.');
  // Both paths compute one Argon2id hash: neither is much faster.
  assert.ok(u.ms > w.ms / 4 && w.ms > u.ms / 4, `wrong ${w.ms} ms, unknown ${u.ms} ms`);
  // The form keeps the username and never the password.
  assert.match(w.r.text, /name="username"[^>]*value="off"/);
  assert.doesNotMatch(w.r.text, new RegExp(BAD));

  const d = await timed('rev', TEST_PASSWORD);
  assert.equal(d.r.status, 403);
  assert.match(d.r.text, /غیرفعال/);
  // A wrong password on a disabled account says nothing more than 401.
  assert.equal((await timed('rev', BAD)).r.status, 401);
});

test('session expiry: idle and absolute', async (t) => {
  // Idle 3 s, absolute 8 s: room for slow Argon2id logins on a loaded machine.
  const dir = fixture(t);
  const srv = await startServer(dir, [], { env: { PISHKHAN_SESSION_IDLE: '3', PISHKHAN_SESSION_MAX: '8' } });
  t.after(() => srv.stop());
  const busy = (await login(srv.url, 'off')).client;
  const tBusy = Date.now();             // the session is at least this old from here
  const idle = (await login(srv.url, 'admin')).client;
  const tIdle = Date.now();
  for (let i = 0; i < 4; i++) {
    await sleep(1000);
    assert.equal((await busy.get('/api/v1/me')).status, 200, `busy session after ${i + 1} s`);
  }
  // idle has not been used for 4 s > 3 s.
  assert.ok(Date.now() - tIdle > 3000);
  const r = await idle.get('/api/v1/me');
  assert.equal(r.status, 401);
  assert.match(r.headers.getSetCookie().join('\n'), /pk_session=;.*Max-Age=0/);
  // busy was used every second but is older than 8 s now.
  await sleep(Math.max(0, 8600 - (Date.now() - tBusy)));
  assert.equal((await busy.get('/api/v1/me')).status, 401);
});

test('throttling: growing delay, then a lock that HQ lifts', async (t) => {
  const dir = fixture(t);
  // Delays of 4 s, doubling, on one server (long enough that the slow
  // Argon2id checks of a loaded machine cannot outlast them) ...
  let srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '4000' } });
  const first = srv;
  t.after(() => first.stop());
  for (let i = 0; i < 3; i++) {
    assert.equal((await (await anonymous(srv.url)).post('/login', { username: 'off', password: BAD })).status, 401);
  }
  // ... the 4th attempt right away is refused even with the right password.
  let r = await (await anonymous(srv.url)).post('/login', { username: 'off', password: TEST_PASSWORD });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.match(r.text, /ثانیهٔ دیگر/);
  // Unknown usernames are throttled the same way.
  for (let i = 0; i < 3; i++) await (await anonymous(srv.url)).post('/login', { username: 'ghost', password: BAD });
  assert.equal((await (await anonymous(srv.url)).post('/login', { username: 'ghost', password: BAD })).status, 429);
  await sleep(4200);
  r = await (await anonymous(srv.url)).post('/login', { username: 'off', password: TEST_PASSWORD });
  assert.equal(r.status, 303, 'after the delay the right password works');
  await srv.stop();

  // Without delays, 10 failures lock the username.
  srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => srv.stop());
  for (let i = 0; i < 10; i++) {
    assert.equal((await (await anonymous(srv.url)).post('/login', { username: 'off', password: BAD })).status, 401);
  }
  r = await (await anonymous(srv.url)).post('/login', { username: 'off', password: TEST_PASSWORD });
  assert.equal(r.status, 403);
  assert.match(r.text, /قفل/);
  assert.match(pk(['user', 'list', '--data', dir]).stdout, /^off\s+\S+\s+\S+\s+locked/m);
  // HQ lifts it from the users page.
  const admin = (await login(srv.url, 'admin')).client;
  r = await admin.get('/admin/users');
  assert.match(r.text, /قفل‌های ورود/);
  assert.match(r.text, /<input type="hidden" name="key" value="off">/);
  r = await admin.post('/admin/unlock', { kind: 'user', key: 'off' });
  assert.equal(r.status, 303);
  assert.equal((await login(srv.url, 'off')).status, 303);
  // ... or with the CLI.
  for (let i = 0; i < 10; i++) await (await anonymous(srv.url)).post('/login', { username: 'off', password: BAD });
  assert.equal((await login(srv.url, 'off')).status, 403);
  r = pk(['user', 'unlock', '--data', dir, 'off']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /lifted/);
  assert.equal((await login(srv.url, 'off')).status, 303);
  assert.equal(pk(['audit', 'verify', '--data', dir]).status, 0);
});

test('CSRF: state changes without the token or from another origin are refused before the handler', async (t) => {
  const dir = fixture(t);
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const c = (await login(srv.url, 'admin')).client;
  const form = { username: 'newbie', role: 'hq_reviewer', scope: '', password: TEST_PASSWORD };
  // No token, a wrong token, another session's token.
  let r = await c.post('/admin/users', form, { csrfToken: '' });
  assert.equal(r.status, 403);
  assert.match(r.text, /CSRF/);
  r = await c.post('/admin/users', form, { csrfToken: 'f'.repeat(64) });
  assert.equal(r.status, 403);
  const other = (await login(srv.url, 'admin')).client;
  r = await c.post('/admin/users', form, { csrfToken: other.csrf });
  assert.equal(r.status, 403);
  // Right token, but from another origin.
  r = await c.post('/admin/users', form, { headers: { Origin: 'http://evil.example' } });
  assert.equal(r.status, 403);
  r = await c.post('/admin/users', form, { headers: { Referer: 'http://evil.example/page' } });
  assert.equal(r.status, 403);
  assert.doesNotMatch(pk(['user', 'list', '--data', dir]).stdout, /newbie/, 'nothing was created');
  // Same origin and the right token (as a header this time): accepted.
  const host = new URL(srv.url).host;
  r = await c.req('POST', '/admin/users', {
    form: { ...form }, csrfToken: '', headers: { Origin: `http://${host}`, 'X-CSRF-Token': c.csrf },
  });
  assert.equal(r.status, 303, r.text);
  assert.match(pk(['user', 'list', '--data', dir]).stdout, /newbie/);
  // Logout needs the token too.
  r = await c.post('/logout', {}, { csrfToken: '' });
  assert.equal(r.status, 403);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  // The login form: without its cookie-bound token, refused.
  r = await get(srv.url + '/login', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: TEST_PASSWORD, csrf: 'a'.repeat(64) }).toString(),
  });
  assert.equal(r.status, 403);
  // A method the route does not have is not a way around it.
  r = await get(srv.url + '/admin/users', { method: 'DELETE' });
  assert.equal(r.status, 405);
});

test('API tokens: bearer authentication, no CSRF, revocable', async (t) => {
  const dir = fixture(t);
  ensureAgency(dir, 'post');
  addUser(dir, 'post', 'agency', ['--agency', 'post']);
  let r = pk(['user', 'token', '--data', dir, 'post', '--label', 'sync']);
  assert.equal(r.status, 0, r.stderr);
  const tok = r.stdout.trim();
  assert.match(tok, /^pk_[A-Za-z0-9_-]{43}$/);
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const bearer = (x) => ({ headers: { Authorization: `Bearer ${x}` } });
  r = await get(srv.url + '/api/v1/me', bearer(tok));
  assert.equal(r.status, 200);
  assert.equal(r.json.role, 'agency');
  assert.deepEqual(r.json.scope, { agency: 'post' });
  assert.equal(r.json.csrf, '');
  // No CSRF token needed with a bearer token (browsers cannot send one cross-site).
  r = await get(srv.url + '/logout', { method: 'POST', ...bearer(tok) });
  assert.equal(r.status, 303);
  assert.equal((await get(srv.url + '/api/v1/me', bearer(tok))).status, 200, 'logout does not end tokens');
  // A bad token is 401, and never falls back to a cookie.
  const c = (await login(srv.url, 'admin')).client;
  r = await get(srv.url + '/api/v1/me', { headers: { Authorization: 'Bearer pk_nope', cookie: c.cookie } });
  assert.equal(r.status, 401);
  // The admin page lists it and revokes it.
  r = await c.get('/admin/users');
  assert.match(r.text, /توکن‌های API/);
  const id = r.text.match(/action="\/admin\/tokens\/(\d+)\/revoke"/)[1];
  r = await c.post(`/admin/tokens/${id}/revoke`);
  assert.equal(r.status, 303);
  assert.equal((await get(srv.url + '/api/v1/me', bearer(tok))).status, 401);
  assert.equal((await c.post(`/admin/tokens/${id}/revoke`)).status, 404);
  // A new one from the admin page, shown once.
  r = await c.post('/admin/users/post/token', { label: 'second' });
  assert.equal(r.status, 200);
  const tok2 = r.text.match(/<code dir="ltr" id="token">(pk_[A-Za-z0-9_-]{43})<\/code>/)[1];
  assert.equal((await get(srv.url + '/api/v1/me', bearer(tok2))).status, 200);
  // Revoked by the CLI too.
  r = pk(['user', 'tokens', '--data', dir, 'post']);
  const id2 = r.stdout.match(/^(\d+)\s+post\s+second/m)[1];
  assert.equal(pk(['user', 'revoke-token', '--data', dir, id2]).status, 0);
  assert.equal((await get(srv.url + '/api/v1/me', bearer(tok2))).status, 401);
});

test('admin users page: add, errors, reset password, disable ends sessions', async (t) => {
  const dir = fixture(t);
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const c = (await login(srv.url, 'admin')).client;
  let r = await c.get('/admin/users');
  assert.equal(r.status, 200);
  assert.match(r.text, /<a href="\/admin\/users" aria-current="page">کاربران<\/a>/);
  assert.match(r.text, /<div class="table-wrap" tabindex="0" role="region" aria-label="فهرست کاربران"><table class="list">/);
  assert.match(r.text, /<td dir="ltr">off<\/td><td>متصدی دفتر<\/td><td dir="ltr">U-1001<\/td>/);
  // Other roles do not see the link.
  const off = (await login(srv.url, 'off')).client;
  assert.doesNotMatch((await off.get('/')).text, /href="\/admin\/users"/);
  assert.equal((await off.get('/admin/users')).status, 403);

  r = await c.post('/admin/users', { username: 'Fars.Assoc', role: 'association', scope: 'فارس', password: TEST_PASSWORD });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/users?ok=added');
  r = await c.get('/admin/users?ok=added');
  assert.match(r.text, /<p class="flash ok" role="status">کاربر افزوده شد.<\/p>/);
  assert.match(r.text, /<td dir="ltr">fars.assoc<\/td><td>انجمن صنفی استان<\/td><td dir="ltr">fars<\/td>/);
  assert.equal((await login(srv.url, 'fars.assoc')).client.me.scope.province, 'fars');

  r = await c.post('/admin/users', { username: 'x2<b>', role: 'hq_admin', scope: '', password: TEST_PASSWORD });
  assert.equal(r.status, 422);
  assert.match(r.text, /<ul class="errors" role="alert"><li>نام کاربری/);
  assert.match(r.text, /value="x2&lt;b&gt;"/);
  r = await c.post('/admin/users', { username: 'short', role: 'hq_admin', scope: '', password: '123' });
  assert.equal(r.status, 422);
  assert.match(r.text, /دست‌کم ۱۰ نویسه/);
  r = await c.post('/admin/users', { username: 'noscope', role: 'office', scope: 'U-9999', password: TEST_PASSWORD });
  assert.equal(r.status, 422);
  r = await c.post('/admin/users', { username: 'off', role: 'office', scope: 'U-1001', password: TEST_PASSWORD });
  assert.equal(r.status, 422);
  assert.match(r.text, /پیش‌تر ثبت شده/);

  // Reset a password: old sessions end, the new password works.
  r = await c.post('/admin/users/off/password', { password: 'brand-new-password' });
  assert.equal(r.status, 303);
  assert.equal((await off.get('/api/v1/me')).status, 401);
  assert.equal((await login(srv.url, 'off', 'brand-new-password')).status, 303);
  assert.equal((await c.post('/admin/users/nobody/password', { password: 'brand-new-password' })).status, 404);

  // Disable ends sessions and logins; enable restores logins.
  const off2 = (await login(srv.url, 'off', 'brand-new-password')).client;
  r = await c.post('/admin/users/off/disable');
  assert.equal(r.status, 303);
  assert.equal((await off2.get('/api/v1/me')).status, 401);
  assert.equal((await login(srv.url, 'off', 'brand-new-password')).status, 403);
  r = await c.post('/admin/users/off/enable');
  assert.equal(r.status, 303);
  assert.equal((await login(srv.url, 'off', 'brand-new-password')).status, 303);
  // An admin cannot disable themself.
  assert.equal((await c.post('/admin/users/admin/disable')).status, 409);
  assert.equal(pk(['audit', 'verify', '--data', dir]).status, 0);
});
