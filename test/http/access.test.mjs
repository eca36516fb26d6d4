// access.test.mjs — the permission matrix: every route × every role × an
// object inside and an object outside the role's scope.
//
// The matrix lives in test/http/access-matrix.json:
//
//   "actions": { ACTION: [ROLE, ...] }   which roles may do each action
//              (the same table as src/domain/access.c, written out again).
//   "routes":  { "METHOD PATTERN": ENTRY }  one entry per line of
//              `pishkhan routes`; the test fails when a route is missing here
//              or listed here but gone. ENTRY is
//     "public"                       anyone, logged in or not
//     { "public": true, ... }        the same, with options below
//     { "action": ACTION, ... }      a protected route: the handler calls
//                                    req_allow(r, ACT_<ACTION>, object)
//   options:
//     "args": [KIND or literal, ...]  what to put for each '*' of the pattern.
//              KIND is office | province | region | agency (scoped objects:
//              the test tries one inside and one outside the role's scope)
//              or user | token (national objects: judged by role only).
//              Anything else is used literally.
//     "form": { field: value }        form fields to send (POST etc.; the
//              CSRF token is always added)
//     "fresh_session": true           the request ends the session (logout):
//              use a fresh login for it
//
// Expectations: anonymous on a protected route gets 401, or a 303 to /login
// for a page requested with GET; a logged-in role without the action, or
// with it but the object outside its scope, gets 403; an allowed request
// gets anything but 401/403 and below 500 (404 and 422 are fine: the test
// sends no meaningful input). Public routes never answer 401/403.
//
// Fixture (the names a matrix entry may rely on): offices of
// data/sample-offices.csv; U-1001 is in province tehran, region tehran
// (inside every scope below), U-1003 in fars, region south (outside).
// Users, password TEST_PASSWORD: off (office U-1001), rev (region_reviewer
// tehran), mgr (region_manager tehran), assoc (association tehran), comm
// (committee tehran), agency (agency post), hqr (hq_reviewer), hqa
// (hq_admin), and target (an office user that admin routes act upon).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SAMPLE, pk, freshData, startServer, addUser, ensureAgency, login, anonymous } from './lib.mjs';

const MATRIX = JSON.parse(readFileSync(path.join(ROOT, 'test/http/access-matrix.json'), 'utf8'));

const ROLES = [
  { role: 'office',          user: 'off',    scope: ['--office', 'U-1001'],   kind: 'office' },
  { role: 'region_reviewer', user: 'rev',    scope: ['--region', 'tehran'],   kind: 'region' },
  { role: 'region_manager',  user: 'mgr',    scope: ['--region', 'tehran'],   kind: 'region' },
  { role: 'association',     user: 'assoc',  scope: ['--province', 'tehran'], kind: 'province' },
  { role: 'committee',       user: 'comm',   scope: ['--province', 'tehran'], kind: 'province' },
  { role: 'agency',          user: 'agency', scope: ['--agency', 'post'],     kind: 'agency' },
  { role: 'hq_reviewer',     user: 'hqr',    scope: [],                       kind: 'nation' },
  { role: 'hq_admin',        user: 'hqa',    scope: [],                       kind: 'nation' },
];

const KINDS = {
  office:   { inside: 'U-1001', outside: 'U-1003' },
  province: { inside: 'tehran', outside: 'fars' },
  region:   { inside: 'tehran', outside: 'south' },
  agency:   { inside: 'post',   outside: 'tax' },
  user:     { value: 'target' },
  token:    { value: '999999' },
};

// Which object kinds a role's scope can contain.
const BINDS = {
  office: ['office'],
  region: ['office', 'province', 'region'],
  province: ['office', 'province'],
  agency: ['agency'],
};

function entryOf(v) {
  return typeof v === 'string' ? { public: v === 'public' } : v;
}

// The concrete path for a pattern and variant ('inside' | 'outside').
function fill(pattern, args = [], variant) {
  let i = 0;
  return pattern.replace(/\*/g, () => {
    const a = args[i++];
    assert.ok(a !== undefined, `${pattern}: the matrix entry needs "args" for each *`);
    const k = KINDS[a];
    if (!k) return encodeURIComponent(a);
    return k.value ?? k[variant];
  });
}

function scopedKinds(e) {
  return (e.args || []).filter((a) => KINDS[a] && !KINDS[a].value);
}

test('every route is in the access matrix and every entry is a route', () => {
  const r = pk(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const routes = r.stdout.trim().split('\n').filter(Boolean);
  const missing = routes.filter((x) => !(x in MATRIX.routes));
  assert.deepEqual(missing, [], 'routes missing from test/http/access-matrix.json');
  const stale = Object.keys(MATRIX.routes).filter((x) => !routes.includes(x));
  assert.deepEqual(stale, [], 'matrix entries for routes that do not exist');
  for (const [k, v] of Object.entries(MATRIX.routes)) {
    const e = entryOf(v);
    assert.ok(e.public || MATRIX.actions[e.action], `${k}: unknown action ${e.action}`);
  }
});

test('route × role × inside/outside scope', async (t) => {
  const dir = freshData(t);
  assert.equal(pk(['office', 'import', SAMPLE, '--data', dir]).status, 0);
  ensureAgency(dir, 'post');
  ensureAgency(dir, 'tax');
  for (const p of ROLES) addUser(dir, p.user, p.role, p.scope);
  addUser(dir, 'target', 'office', ['--office', 'U-1003']);
  const srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => srv.stop());

  const clients = { anonymous: await anonymous(srv.url) };
  for (const p of ROLES) {
    const l = await login(srv.url, p.user);
    assert.equal(l.status, 303, `login ${p.user}`);
    clients[p.role] = l.client;
  }

  const failures = [];
  let nChecked = 0;
  const routes = pk(['routes']).stdout.trim().split('\n').filter(Boolean);
  // One principal's walk over every route (principals run side by side:
  // only hq_admin changes anything, so they do not disturb each other).
  async function walk(who) {
    const p = ROLES.find((x) => x.role === who);
    for (const route of routes) {
      const e = entryOf(MATRIX.routes[route]);
      if (!e) continue;             // reported by the test above
      const [method, pattern] = route.split(' ');
      const scoped = scopedKinds(e);
      const variants = scoped.length ? ['inside', 'outside'] : ['inside'];
      for (const variant of variants) {
        const url = fill(pattern, e.args, variant);
        let c = clients[who];
        if (e.fresh_session && p) c = (await login(srv.url, p.user)).client;
        const res = await c.req(method, url, { form: e.form });
        nChecked++;
        let want;   // 'allow' | 'deny-anon' | 'forbid'
        if (e.public) want = 'allow';
        else if (!p) want = 'deny-anon';
        else if (!MATRIX.actions[e.action].includes(who)) want = 'forbid';
        else if (p.kind === 'nation' || scoped.length === 0) want = 'allow';
        else if (variant === 'inside' && scoped.every((k) => BINDS[p.kind].includes(k))) want = 'allow';
        else want = 'forbid';
        const s = res.status;
        const loc = res.headers.get('location') || '';
        let ok;
        if (want === 'allow') ok = s !== 401 && s !== 403 && s < 500;
        else if (want === 'forbid') ok = s === 403;
        else ok = s === 401 || (s === 303 && loc.startsWith('/login'));
        if (!ok) failures.push(`${method} ${url} as ${who} (${variant}): got ${s}, want ${want}`);
      }
    }
  }
  await Promise.all(['anonymous', ...ROLES.map((p) => p.role)].map(walk));
  assert.deepEqual(failures, []);
  const nListed = routes.filter((x) => x in MATRIX.routes).length;
  assert.ok(nChecked >= nListed * 9, `checked ${nChecked} requests for ${nListed} routes`);
});
