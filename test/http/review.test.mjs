// review.test.mjs — the review over HTTP (docs/review.md): the reviewer's
// and the manager's journeys through the JSON API, reasons required, a
// send-back answered by the office with every round kept, four eyes, HQ's
// send-down and finalisation, 409 naming the current state for transitions
// outside the table, region scope, and the no-JavaScript pages (queue,
// review page with documents shown inline, timeline, HQ finalisation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { SAMPLE, pk, freshData, startServer, addUser, login, get } from './lib.mjs';
import { assertValidHtml } from './htmlcheck.mjs';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const NOW = '2020-08-01T08:00:00Z';          // Tehran 1399/05/11, inside the window
const STAFF = [
  { name: 'علی رضایی', national_id: '0499370899', insured: true, disability: false },
  { name: 'مریم احمدی', national_id: '0790419904', insured: true, disability: false },
];
const VALUES = { floor_area: 45, location: 'ground_main', accessibility: true, holder_years: 7 };
const DECL = '/api/v1/periods/1399-1/declarations/U-1001';

function sql(dir, q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function json(c, method, p, body) {
  return get(c.url + p, {
    method,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function upload(c, p, indicator, bytes, name) {
  const fd = new FormData();
  fd.append('indicator', indicator);
  fd.append('file', new Blob([bytes]), name);
  return get(c.url + p, { method: 'POST', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf }, body: fd });
}

// Sample registry, period 1399-1 declaring, the people of region tehran
// (U-1001) and a reviewer of south; a server at NOW; U-1001 submitted.
async function setup(t) {
  const dir = freshData(t);
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(pk(['period', 'advance', '1399-1', '--data', dir]).status, 0);
  addUser(dir, 'off', 'office', ['--office', 'U-1001']);
  addUser(dir, 'rev', 'region_reviewer', ['--region', 'tehran']);
  addUser(dir, 'rev2', 'region_reviewer', ['--region', 'tehran']);
  addUser(dir, 'mgr', 'region_manager', ['--region', 'tehran']);
  addUser(dir, 'hqr', 'hq_reviewer');
  addUser(dir, 'revs', 'region_reviewer', ['--region', 'south']);
  const srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW, PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => srv.stop());
  const c = {};
  for (const u of ['off', 'rev', 'rev2', 'mgr', 'hqr', 'revs']) c[u] = (await login(srv.url, u)).client;
  r = await json(c.off, 'PUT', DECL, { version: 0, values: VALUES, staff: STAFF });
  assert.equal(r.status, 200, r.text);
  const shas = {};
  for (const [ind, bytes, name] of [['floor_area', PNG, 'lease.png'], ['insured_staff', PDF, 'bime.pdf'],
                                    ['accessibility', PNG, 'ramp.png'], ['holder_years', PDF, 'licence.pdf']]) {
    r = await upload(c.off, DECL + '/documents', ind, bytes, name);
    assert.equal(r.status, 201, r.text);
    shas[ind] = r.json.sha256;
  }
  r = await json(c.off, 'POST', DECL + '/submit');
  assert.equal(r.status, 200, r.text);
  return { dir, srv, c, shas };
}

test('reviewer and manager journey over the API: decisions, send-back, rounds, four eyes, finalise', async (t) => {
  const { dir, c } = await setup(t);

  let r = await json(c.rev, 'GET', DECL + '/review');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'submitted');
  assert.equal(r.json.round, 1);
  assert.deepEqual(r.json.claims.map((x) => x.indicator),
                   ['floor_area', 'insured_staff', 'disabled_staff', 'location', 'accessibility', 'holder_years']);
  assert.equal(r.json.claims[0].declared, 45);
  assert.equal(r.json.claims[0].decision, null);

  // roles and scope before state: the reviewer cannot confirm, the south reviewer cannot decide
  r = await json(c.rev, 'POST', DECL + '/confirm');
  assert.equal(r.status, 403);
  r = await json(c.revs, 'POST', DECL + '/claims/floor_area', { decision: 'accept' });
  assert.equal(r.status, 403);
  // outside the table: 409 naming the current state
  r = await json(c.mgr, 'POST', DECL + '/confirm');
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /cannot confirm: the declaration is submitted/);
  r = await json(c.hqr, 'POST', '/api/v1/periods/1399-1/regions/tehran/finalise');
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /1 of its 1 participating declarations are not confirmed \(the first: U-1001, submitted\)/);

  // reasons are required for adjust and reject; a value for adjust
  r = await json(c.rev, 'POST', DECL + '/claims/floor_area', { decision: 'adjust', value: 40 });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'reason');
  r = await json(c.rev, 'POST', DECL + '/claims/floor_area', { decision: 'adjust', reason: 'کمتر است' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'value');
  r = await json(c.rev, 'POST', DECL + '/claims/floor_area', { decision: 'adjust', value: 20000, reason: 'x' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /out of range/);
  r = await json(c.rev, 'POST', DECL + '/claims/location', { decision: 'reject' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'reason');
  r = await json(c.rev, 'POST', DECL + '/claims/location', { decision: 'maybe' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'decision');
  r = await json(c.rev, 'POST', DECL + '/claims/satisfaction', { decision: 'accept' });
  assert.equal(r.status, 404);
  assert.equal(sql(dir, "SELECT count(*) FROM audit WHERE action LIKE 'review.%'"), '0', 'refusals keep nothing');

  r = await json(c.rev, 'POST', DECL + '/claims/floor_area', { decision: 'adjust', value: 40, reason: 'اجاره‌نامه ۴۰ متر مربع است' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { state: 'in_review', indicator: 'floor_area', decision: 'adjust' });

  // send back: reason and deadline required, the deadline not in the past
  r = await json(c.rev, 'POST', DECL + '/return', { reason: 'فهرست بیمه ناخواناست' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'deadline');
  r = await json(c.rev, 'POST', DECL + '/return', { deadline: '1399/05/20' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'reason');
  r = await json(c.rev, 'POST', DECL + '/return', { reason: 'x', deadline: '1399/05/01' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /in the past/);
  r = await json(c.rev, 'POST', DECL + '/return', { reason: 'فهرست بیمه ناخواناست', deadline: '۱۳۹۹/۰۵/۲۰' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { state: 'returned', deadline: '2020-08-10' });
  r = await json(c.rev, 'POST', DECL + '/claims/location', { decision: 'accept' });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /the declaration is returned/);

  // the office sees why, corrects and resubmits
  r = await json(c.off, 'GET', DECL);
  assert.equal(r.json.state, 'returned');
  assert.equal(r.json.editable, true);
  r = await c.off.get('/periods/1399-1/declarations/U-1001');
  assert.match(r.text, /فهرست بیمه ناخواناست/);
  r = await upload(c.off, DECL + '/documents', 'insured_staff', Buffer.concat([PDF, Buffer.from('% clearer\n')]), 'bime-2.pdf');
  assert.equal(r.status, 201, r.text);
  r = await json(c.off, 'POST', DECL + '/submit');
  assert.equal(r.status, 200, r.text);
  r = await json(c.off, 'POST', DECL + '/submit');
  assert.equal(r.status, 409);
  assert.match(r.json.error, /cannot submit: the declaration is submitted/);

  // every round is kept
  r = await json(c.rev, 'GET', DECL + '/review');
  assert.equal(r.json.state, 'submitted');
  assert.equal(r.json.round, 2);
  assert.equal(r.json.rounds.length, 1);
  assert.equal(r.json.rounds[0].reason, 'فهرست بیمه ناخواناست');
  assert.equal(r.json.rounds[0].deadline, '2020-08-10');
  assert.equal(r.json.rounds[0].returned_by, 'rev');
  assert.ok(r.json.rounds[0].resubmitted_at);
  const old = r.json.rounds[0].claims.find((x) => x.indicator === 'floor_area');
  assert.equal(old.decision, 'adjust');
  assert.equal(old.verified, 40);
  assert.equal(r.json.claims.every((x) => x.decision === null), true, 'a new round starts undecided');

  // the bulk action by another reviewer: every claim has its documents
  r = await json(c.rev2, 'POST', DECL + '/accept-all');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { accepted: 6, state: 'reviewed' });
  assert.equal(sql(dir, "SELECT count(*) FROM audit WHERE action='review.decide' AND after LIKE '%\"bulk\":true%'"), '6');

  // the manager may send it back to the reviewer, with a reason
  r = await json(c.mgr, 'POST', DECL + '/reopen', {});
  assert.equal(r.status, 422);
  r = await json(c.mgr, 'POST', DECL + '/reopen', { reason: 'سابقهٔ پروانه را دوباره ببینید' });
  assert.deepEqual(r.json, { state: 'in_review' });
  r = await json(c.rev2, 'POST', DECL + '/claims/holder_years', { decision: 'adjust', value: 5, reason: 'پروانه از ۱۳۹۴' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'reviewed', 'the decision that leaves nothing undecided completes the review');
  r = await json(c.rev2, 'POST', DECL + '/complete');
  assert.equal(r.status, 409);
  assert.match(r.json.error, /cannot complete: the declaration is reviewed/);

  // four eyes: a manager who decided a claim of it (rev2, made a manager by hand) may not confirm
  sql(dir, "UPDATE users SET role='region_manager' WHERE username='rev2'");
  r = await json(c.rev2, 'POST', DECL + '/confirm');
  assert.equal(r.status, 403, r.text);
  assert.match(r.json.error, /four eyes/);
  sql(dir, "UPDATE users SET role='region_manager' WHERE username='rev'");   // decided in round 1 only
  r = await json(c.rev, 'POST', DECL + '/confirm');
  assert.equal(r.status, 403, r.text);
  sql(dir, "UPDATE users SET role='region_reviewer' WHERE username IN ('rev','rev2')");
  r = await json(c.mgr, 'POST', DECL + '/confirm');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { state: 'confirmed' });
  r = await json(c.rev, 'POST', DECL + '/claims/location', { decision: 'reject', reason: 'x' });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /the declaration is confirmed/);

  // HQ sends it back down (reason required), the region confirms again, HQ finalises
  r = await json(c.hqr, 'POST', DECL + '/send-down', { reason: '' });
  assert.equal(r.status, 422);
  r = await json(c.hqr, 'POST', DECL + '/send-down', { reason: 'مساحت با بازدید ستاد نمی‌خواند' });
  assert.deepEqual(r.json, { state: 'in_review' });
  r = await json(c.mgr, 'POST', DECL + '/confirm');
  assert.equal(r.status, 409);
  assert.match(r.json.error, /the declaration is in_review/);
  r = await json(c.rev2, 'POST', DECL + '/claims/floor_area', { decision: 'adjust', value: 38, reason: 'بازدید ستاد' });
  assert.equal(r.json.state, 'reviewed');
  r = await json(c.mgr, 'POST', DECL + '/confirm');
  assert.equal(r.status, 200);
  r = await json(c.hqr, 'POST', '/api/v1/periods/1399-1/regions/tehran/finalise');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { period: '1399-1', region: 'tehran', finalised: 1 });
  r = await json(c.hqr, 'POST', '/api/v1/periods/1399-1/regions/tehran/finalise');
  assert.equal(r.status, 409);
  assert.match(r.json.error, /already finalised/);
  r = await json(c.hqr, 'POST', '/api/v1/periods/1399-1/regions/south/finalise');
  assert.equal(r.status, 409);
  r = await json(c.hqr, 'POST', '/api/v1/periods/1399-1/regions/nowhere/finalise');
  assert.equal(r.status, 404);
  for (const [who, what, body] of [['hqr', 'send-down', { reason: 'x' }], ['mgr', 'confirm'], ['mgr', 'reopen', { reason: 'x' }],
                                   ['rev', 'complete'], ['rev', 'accept-all'], ['rev', 'return', { reason: 'x', deadline: '1399/05/20' }],
                                   ['off', 'submit']]) {
    r = await json(c[who], 'POST', DECL + '/' + what, body);
    assert.equal(r.status, 409, `${what}: ${r.text}`);
    assert.match(r.json.error, /the declaration is finalised/);
  }
  r = await c.rev.get('/periods/1399-1/review/U-1001');
  assert.equal(r.status, 200);
  assertValidHtml(r.text, 'review page with a round');
  assert.match(r.text, /دورهای برگشت به دفتر/);
  assert.match(r.text, /فهرست بیمه ناخواناست/);
  assert.match(r.text, /دلیل برگشت از ستاد|data-state="finalised"/);
  r = await json(c.rev, 'GET', DECL + '/review');
  assert.equal(r.json.state, 'finalised');
  assert.equal(r.json.confirmed_by, 'mgr');
  assert.equal(r.json.finalised_by, 'hqr');
  const fa = r.json.claims.find((x) => x.indicator === 'floor_area');
  assert.deepEqual([fa.decision, fa.verified, fa.reviewer], ['adjust', 38, 'rev2']);
  assert.equal(sql(dir, "SELECT state||'/'||confirmed_by||'/'||(finalised_by IS NOT NULL) FROM declaration d JOIN users u ON u.username='mgr' AND u.id=d.confirmed_by"), 'finalised/' + sql(dir, "SELECT id FROM users WHERE username='mgr'") + '/1');

  // every state change is in the audit chain, and the chain verifies
  const actions = sql(dir, "SELECT group_concat(DISTINCT action) FROM (SELECT action FROM audit WHERE office_code='U-1001' ORDER BY id)");
  for (const a of ['declaration.submit', 'review.decide', 'review.return', 'review.reopen', 'review.complete',
                   'review.confirm', 'review.send_down', 'review.finalise']) assert.ok(actions.includes(a), a);
  r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /^audit: \d+ entries, chain intact\n$/);
  r = pk(['review', 'status', '--period', '1399-1', '--region', 'tehran', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /tehran\t0\t0\t0\t0\t0\t1\n/);
});

test('the pages: queue, review page with documents inline, forms, timeline, HQ finalisation', async (t) => {
  const { c, shas, srv } = await setup(t);
  let r = await c.rev.get('/review');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/review/tehran');
  r = await c.rev.get('/review/tehran');
  assert.equal(r.status, 200);
  assert.match(r.text, /U-1001/);
  assert.match(r.text, /<b>۱<\/b> در انتظار بررسی/);
  assertValidHtml(r.text, 'queue');
  r = await c.rev.get('/review/tehran?state=confirmed&type=urban');
  assert.doesNotMatch(r.text, /periods\/1399-1\/review\/U-1001/);
  r = await c.rev.get('/review/south');
  assert.equal(r.status, 403);
  r = await c.off.get('/review/tehran');
  assert.equal(r.status, 403);

  r = await c.rev.get('/periods/1399-1/review/U-1001');
  assert.equal(r.status, 200);
  assert.match(r.text, /data-state="submitted"/);
  assert.match(r.text, new RegExp(`<img src="/periods/1399-1/declarations/U-1001/documents/${shas.floor_area}\\?inline=1"`));
  assert.match(r.text, new RegExp(`<object data="/periods/1399-1/declarations/U-1001/documents/${shas.insured_staff}\\?inline=1" type="application/pdf"`));
  assert.match(r.headers.get('content-security-policy'), /object-src 'self'/);
  assert.match(r.text, /action="\/periods\/1399-1\/review\/U-1001\/claims\/floor_area"/);
  assert.match(r.text, /پذیرش ادعاهای دارای مدرک/);
  assertValidHtml(r.text, 'review page');

  // the inline variant: images sandboxed, PDF framable by our pages only
  r = await get(srv.url + `/periods/1399-1/declarations/U-1001/documents/${shas.floor_area}?inline=1`, { headers: { cookie: c.rev.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.match(r.headers.get('content-disposition'), /^inline;/);
  assert.match(r.headers.get('content-security-policy'), /sandbox/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  r = await get(srv.url + `/periods/1399-1/declarations/U-1001/documents/${shas.insured_staff}?inline=1`, { headers: { cookie: c.rev.cookie } });
  assert.match(r.headers.get('content-disposition'), /^inline;/);
  assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'self'/);
  r = await get(srv.url + `/periods/1399-1/declarations/U-1001/documents/${shas.insured_staff}`, { headers: { cookie: c.rev.cookie } });
  assert.match(r.headers.get('content-disposition'), /^attachment;/);
  assert.equal(r.headers.get('x-frame-options'), 'DENY');

  // a form without its reason: the page again, in Persian, 422
  r = await c.rev.post('/periods/1399-1/review/U-1001/claims/location', { decision: 'reject', reason: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /دلیل را بنویسید/);
  r = await c.rev.post('/periods/1399-1/review/U-1001/claims/floor_area', { decision: 'adjust', value: '۴۰', reason: 'اجاره‌نامه' });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/periods/1399-1/review/U-1001?ok=decided#c_floor_area');
  r = await c.rev.post('/periods/1399-1/review/U-1001/accept-all', {});
  assert.equal(r.status, 303);
  r = await c.mgr.get('/periods/1399-1/review/U-1001');
  assert.match(r.text, /data-state="reviewed"/);
  assert.match(r.text, /تأیید منطقه<\/button>/);
  assert.match(r.text, /اجاره‌نامه/);
  r = await c.mgr.post('/periods/1399-1/review/U-1001/confirm', {});
  assert.equal(r.status, 303);
  r = await c.mgr.post('/periods/1399-1/review/U-1001/confirm', {});
  assert.equal(r.status, 409);
  assert.match(r.text, /خوداظهاری در وضعیت «تأییدشدهٔ منطقه» است/);

  r = await c.hqr.get('/hq/finalise');
  assert.equal(r.status, 200);
  assert.match(r.text, /action="\/hq\/finalise\/1399-1\/tehran"/);
  assertValidHtml(r.text, 'hq finalise');
  r = await c.hqr.post('/hq/finalise/1399-1/tehran', {});
  assert.equal(r.status, 303, r.text);
  r = await c.hqr.get('/hq/finalise?period=1399-1');
  assert.match(r.text, /نهایی شده/);

  // the timeline: the office's entries, to those allowed to see the office
  r = await c.off.get('/offices/U-1001/timeline');
  assert.equal(r.status, 200);
  for (const a of ['declaration.submit', 'review.decide', 'review.confirm', 'review.finalise']) assert.match(r.text, new RegExp(a.replace('.', '\\.')));
  assert.doesNotMatch(r.text, /<th>نشانی<\/th>/, 'client addresses only for HQ');
  assert.doesNotMatch(r.text, /0499370899/, 'national IDs masked');
  assert.match(r.text, /holder_national_id&quot;:&quot;[^&]*0899/);
  r = await c.hqr.get('/offices/U-1001/timeline');
  assert.match(r.text, /<th>نشانی<\/th>/);
  assertValidHtml(r.text, 'timeline');
  r = await c.revs.get('/offices/U-1001/timeline');
  assert.equal(r.status, 403);
  r = await get(srv.url + '/offices/U-1001/timeline');
  assert.equal(r.status, 303);
});

test('a send-back whose deadline lapses: the reviewer takes it back and the region can be finalised', async (t) => {
  const { dir, c, srv } = await setup(t);
  let r = await json(c.rev, 'POST', DECL + '/accept-all');
  assert.equal(r.status, 200, r.text);
  r = await json(c.rev, 'GET', DECL + '/review');
  for (const cl of r.json.claims.filter((x) => x.decision === null)) {
    r = await json(c.rev, 'POST', DECL + `/claims/${cl.indicator}`, { decision: 'reject', reason: 'مدرک ندارد' });
    assert.equal(r.status, 200, r.text);
  }
  r = await json(c.rev, 'POST', DECL + '/return', { reason: 'فهرست بیمه ناخواناست', deadline: '1399/05/15' });
  assert.equal(r.status, 200, r.text);
  // before the deadline ends the office may still resubmit: refused, and no form
  r = await json(c.rev, 'POST', DECL + '/resume');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.field, 'deadline');
  assert.match(r.json.error, /has not passed yet/);
  r = await c.rev.get('/periods/1399-1/review/U-1001');
  assert.doesNotMatch(r.text, /\/resume"/);
  await srv.stop();

  // nine days later (1399/05/20): the office did not answer
  const later = await startServer(dir, [], { env: { PISHKHAN_NOW: '2020-08-10T08:00:00Z', PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => later.stop());
  const rev = (await login(later.url, 'rev')).client;
  const mgr = (await login(later.url, 'mgr')).client;
  const hqr = (await login(later.url, 'hqr')).client;
  const off = (await login(later.url, 'off')).client;
  r = await json(off, 'POST', DECL + '/submit');
  assert.equal(r.status, 409, r.text);
  r = await json(hqr, 'POST', '/api/v1/periods/1399-1/regions/tehran/finalise');
  assert.equal(r.status, 409, 'a lapsed send-back still holds the region until it is taken back');
  r = await rev.get('/periods/1399-1/review/U-1001');
  assert.equal(r.status, 200);
  assert.match(r.text, /action="\/periods\/1399-1\/review\/U-1001\/resume"/);
  assert.match(r.text, /مهلت اصلاح گذشته است/);
  assertValidHtml(r.text, 'review page, lapsed send-back');
  r = await mgr.post('/periods/1399-1/review/U-1001/resume', {});
  assert.equal(r.status, 403, 'a manager does not take back a send-back');
  r = await rev.post('/periods/1399-1/review/U-1001/resume', {});
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/periods/1399-1/review/U-1001?ok=resumed');
  r = await rev.get('/periods/1399-1/review/U-1001?ok=resumed');
  assert.match(r.text, /data-state="reviewed"/, 'every claim was decided: reviewed at once');
  assert.match(r.text, /بررسی با همان مقادیر پیشین ادامه یافت/);
  r = await json(rev, 'POST', DECL + '/resume');
  assert.equal(r.status, 409);
  assert.equal(sql(dir, "SELECT count(*) FROM review_round WHERE resubmitted_at IS NULL"), '1');
  r = await json(mgr, 'POST', DECL + '/confirm');
  assert.equal(r.status, 200, r.text);
  r = await json(hqr, 'POST', '/api/v1/periods/1399-1/regions/tehran/finalise');
  assert.equal(r.status, 200, r.text);
  r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
