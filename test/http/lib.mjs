// lib.mjs — helpers for the HTTP tests: fresh data directories, running the
// pishkhan binary, and a server on a free loopback port that is stopped
// (and must exit cleanly) after the test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after } from 'node:test';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = path.resolve(ROOT, process.env.PISHKHAN_BIN || 'pishkhan');

// Run `pishkhan ARGS...`; returns {status, stdout, stderr}.
export function pk(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...(env || {}) },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A new data directory, initialised; removed when the process exits.
export function freshData(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-test-'));
  const r = pk(['init', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  if (t && t.after) t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Servers still running. A test that fails before its stop() must not keep
// the runner waiting for ever: whatever is left is killed after the file.
// They are stopped the normal way (SIGTERM, so a sanitizer build still
// reports), and killed only if they do not go within 10 s.
const live = new Set();
after(async () => {
  for (const c of [...live]) {
    c.kill('SIGTERM');
    const gone = new Promise((resolve) => c.on('exit', resolve));
    const timer = new Promise((resolve) => setTimeout(resolve, 10000));
    await Promise.race([gone, timer]);
    if (live.has(c)) c.kill('SIGKILL');
  }
});

// Start `pishkhan serve` on a free port. Returns {url, stop, stderr()}.
// stop() sends SIGTERM and asserts a clean exit (sanitizer reports fail it).
// env: extra environment (e.g. PISHKHAN_SESSION_IDLE, see docs/users.md).
export async function startServer(dir, extra = [], { env } = {}) {
  const child = spawn(BIN, ['serve', '--data', dir, '--port', '0', '--quiet', ...extra],
                      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(env || {}) } });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/([0-9.]+):(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}:${m[2]}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  live.add(child);
  child.on('exit', () => live.delete(child));
  return {
    url,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const { code, sig } = await exited;
      assert.equal(code, 0, `server exit code ${code} signal ${sig}\n${err}`);
    },
  };
}

// fetch with manual redirects; returns {status, headers, text, json}.
export async function get(url, opts = {}) {
  const res = await fetch(url, { redirect: 'manual', ...opts });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// A small registry CSV for tests (the same as data/sample-offices.csv).
export const SAMPLE = path.join(ROOT, 'data', 'sample-offices.csv');

// ---- Users and logins (docs/users.md) ----------------------------------

export const TEST_PASSWORD = 'test-password-1';

// Create a user with the CLI, the password on stdin. scope: [] or e.g.
// ['--office', 'U-1001'], ['--region', 'tehran'], ['--province', 'fars'].
export function addUser(dir, username, role, scope = [], password = TEST_PASSWORD) {
  const r = pk(['user', 'add', '--data', dir, '--username', username, '--role', role, ...scope],
               { input: password + '\n' });
  assert.equal(r.status, 0, r.stderr);
}

// Make sure agency CODE exists (agency users' scopes are checked against
// the agency table). Uses the sqlite3 shell until pishkhan has a command
// for agencies.
export function ensureAgency(dir, code, nameFa = 'دستگاه آزمایشی') {
  const sql = `INSERT OR IGNORE INTO agency(code,name_fa,created_at,updated_at) VALUES('${code}','${nameFa}','2020-01-01T00:00:00Z','2020-01-01T00:00:00Z');`;
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), sql], { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
}

// The value of cookie NAME among a response's Set-Cookie headers, or undefined.
export function setCookie(res, name) {
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(/^([^=]+)=([^;]*)/);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

// A client that keeps a cookie header and a CSRF token and sends both.
// req(method, path, {form, headers}) -> {status, headers, text, json}.
export function client(url, cookie = '', csrf = '') {
  const c = {
    url, cookie, csrf,
    async req(method, path, { form, headers = {}, csrfToken } = {}) {
      const h = { ...headers };
      if (c.cookie) h.cookie = c.cookie;
      let body;
      if (form !== undefined || (method !== 'GET' && method !== 'HEAD')) {
        h['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams({ csrf: csrfToken ?? c.csrf, ...(form || {}) }).toString();
      }
      return get(url + path, { method, headers: h, body });
    },
    get(path, opts) { return c.req('GET', path, opts); },
    post(path, form, opts = {}) { return c.req('POST', path, { ...opts, form }); },
  };
  return c;
}

// An anonymous client holding the login form's CSRF cookie and token.
export async function anonymous(url) {
  const res = await fetch(url + '/login', { redirect: 'manual' });
  const html = await res.text();
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  return client(url, `pk_csrf=${setCookie(res, 'pk_csrf') ?? csrf}`, csrf);
}

// Log in through POST /login; returns {status, client} where client carries
// the session cookie and its CSRF token (from GET /api/v1/me).
export async function login(url, username, password = TEST_PASSWORD) {
  const a = await anonymous(url);
  const r = await a.post('/login', { username, password });
  if (r.status !== 303) return { status: r.status, res: r };
  const tok = setCookie(r, 'pk_session');
  const c = client(url, `pk_session=${tok}`);
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200, me.text);
  c.csrf = me.json.csrf;
  c.me = me.json;
  return { status: r.status, client: c, res: r };
}
