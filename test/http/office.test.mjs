// office.test.mjs — issue [01]: public office search over HTTP, escaping,
// 404s, security headers, body limits; and the registry import/export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { pk, freshData, startServer, get, SAMPLE } from './lib.mjs';

// Send a raw request and return the response's status code (the server may
// close the connection before the whole body is sent).
function rawStatus(u, head, body) {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname);
    let data = '';
    s.on('connect', () => { s.write(head); s.write(body, () => {}); });
    s.on('data', (d) => { data += d; const m = data.match(/^HTTP\/1\.[01] (\d{3})/); if (m) { s.destroy(); resolve(Number(m[1])); } });
    s.on('error', () => { const m = data.match(/^HTTP\/1\.[01] (\d{3})/); m ? resolve(Number(m[1])) : reject(new Error('no response')); });
    s.on('close', () => { const m = data.match(/^HTTP\/1\.[01] (\d{3})/); m ? resolve(Number(m[1])) : reject(new Error('closed without response')); });
  });
}

let dir, srv;
before(async () => {
  dir = freshData();
  const r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  // A hostile name, to check escaping everywhere it shows.
  const evil = path.join(dir, 'evil.csv');
  writeFileSync(evil, 'code,type,name,province,city\n' +
    'X-666,urban,"<script>alert(1)</script> ""q"" \'a\' & b",تهران,<b>تهران</b>\n');
  const r2 = pk(['office', 'import', '--data', dir, evil]);
  assert.equal(r2.status, 0, r2.stderr);
  srv = await startServer(dir);
});
after(async () => { if (srv) await srv.stop(); });

test('healthz answers ok', async () => {
  const r = await get(srv.url + '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.text, 'ok');
});

test('every response carries the security headers', async () => {
  for (const p of ['/', '/offices', '/offices/U-1001', '/api/v1/offices', '/nope', '/healthz']) {
    const r = await get(srv.url + p);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, p + ': CSP');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /script-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.ok(r.headers.get('referrer-policy'), p + ': Referrer-Policy');
  }
});

test('pages are Persian, right to left, with Persian digits', async () => {
  const r = await get(srv.url + '/offices?q=' + encodeURIComponent('کوثر'));
  assert.equal(r.status, 200);
  assert.match(r.text, /<html lang="fa" dir="rtl">/);
  assert.match(r.text, /۱ دفتر پیدا شد/);
  assert.doesNotMatch(r.text, /<script/i);
});

test('search with Arabic letters finds the Persian spelling', async () => {
  // «كوثر» with Arabic kaf matches «کوثر»; «يزد»-style ي likewise.
  const r = await get(srv.url + '/api/v1/offices?q=' + encodeURIComponent('كوثر'));
  assert.equal(r.status, 200);
  assert.equal(r.json.total, 1);
  assert.equal(r.json.offices[0].code, 'U-1001');
  assert.deepEqual(Object.keys(r.json.offices[0]).sort(),
    ['city', 'code', 'name', 'province', 'status', 'type']);
  const h = await get(srv.url + '/offices?q=' + encodeURIComponent('پیشخوان كوثر'));
  assert.match(h.text, /U-1001/);
});

test('search with Persian digits matches ASCII codes', async () => {
  const r = await get(srv.url + '/api/v1/offices?q=' + encodeURIComponent('U-۱۰۰۲'));
  assert.equal(r.json.total, 1);
  assert.equal(r.json.offices[0].code, 'U-1002');
  const a = await get(srv.url + '/api/v1/offices?q=' + encodeURIComponent('u-١٠٠٣')); // Arabic-Indic
  assert.equal(a.json.total, 1);
  assert.equal(a.json.offices[0].code, 'U-1003');
});

test('search by city, filter by province and type', async () => {
  let r = await get(srv.url + '/api/v1/offices?q=' + encodeURIComponent('شیراز'));
  assert.deepEqual(r.json.offices.map((o) => o.code), ['U-1003']);
  r = await get(srv.url + '/api/v1/offices?province=fars');
  assert.deepEqual(r.json.offices.map((o) => o.code).sort(), ['R-2001', 'U-1003']);
  r = await get(srv.url + '/api/v1/offices?province=fars&type=rural_ict');
  assert.deepEqual(r.json.offices.map((o) => o.code), ['R-2001']);
});

test('results sort by Persian collation, not code point', async () => {
  const r = await get(srv.url + '/api/v1/offices?type=urban&per_page=50');
  const names = r.json.offices.map((o) => o.name);
  // پارس (پ) must come before چمران (چ) before ژاله (ژ) before کوثر (ک) before گلستان (گ).
  const order = ['پارس', 'چمران', 'ژاله', 'کوثر', 'گلستان'].map(
    (w) => names.findIndex((n) => n.includes(w)));
  assert.ok(order.every((i) => i >= 0), JSON.stringify(names));
  assert.deepEqual([...order].sort((a, b) => a - b), order, JSON.stringify(names));
});

test('pagination reports the total and pages', async () => {
  const r = await get(srv.url + '/api/v1/offices?per_page=4&page=3');
  assert.equal(r.json.total, 10);
  assert.equal(r.json.offices.length, 2);
  const h = await get(srv.url + '/offices?page=1');
  assert.equal(h.status, 200);
  const past = await get(srv.url + '/api/v1/offices?per_page=4&page=9');
  assert.equal(past.json.total, 10);
  assert.equal(past.json.offices.length, 0);
});

test('office card and its JSON twin', async () => {
  const r = await get(srv.url + '/offices/U-1001');
  assert.equal(r.status, 200);
  assert.match(r.text, /دفتر پیشخوان کوثر/);
  assert.match(r.text, /۱۳۹۵\/۰۴\/۱۲/);       // Jalali licence date, Persian digits
  assert.doesNotMatch(r.text, /0499370899/);  // holder national ID never public
  const j = await get(srv.url + '/api/v1/offices/U-1001');
  assert.equal(j.status, 200);
  assert.equal(j.json.code, 'U-1001');
  assert.equal(j.json.province, 'tehran');
  assert.equal(j.json.type, 'urban');
});

test('unknown office: 404 page and 404 JSON', async () => {
  const r = await get(srv.url + '/offices/NOPE-1');
  assert.equal(r.status, 404);
  assert.match(r.text, /dir="rtl"/);
  const j = await get(srv.url + '/api/v1/offices/NOPE-1');
  assert.equal(j.status, 404);
  assert.equal(typeof j.json.error, 'string');
  const n = await get(srv.url + '/no/such/page');
  assert.equal(n.status, 404);
});

test('a hostile office name shows as text everywhere', async () => {
  for (const p of ['/offices/X-666', '/offices?q=X-666', '/offices?q=' + encodeURIComponent('<script>')]) {
    const r = await get(srv.url + p);
    assert.equal(r.status, 200, p);
    assert.doesNotMatch(r.text, /<script>alert/, p);
    assert.doesNotMatch(r.text, /<b>تهران/, p);
    assert.match(r.text, /&lt;script&gt;alert\([1۱]\)&lt;\/script&gt;/, p);
  }
  const q = await get(srv.url + '/offices?q=' + encodeURIComponent('"><img src=x>'));
  assert.doesNotMatch(q.text, /<img src=x>/);
  assert.match(q.text, /&quot;&gt;&lt;img src=x&gt;/);
  const j = await get(srv.url + '/api/v1/offices/X-666');
  assert.equal(j.json.name, '<script>alert(1)</script> "q" \'a\' & b');
  assert.match(j.headers.get('content-type'), /application\/json/);
});

test('request bodies over the limit are refused with 413', async () => {
  // Declared too large: refused before the body is read.
  const u = new URL(srv.url);
  let st = await rawStatus(u, 'POST /offices HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n', 'x'.repeat(1000));
  assert.equal(st, 413);
  // Chunked, no length given: refused once it passes the limit.
  const chunk = 'x'.repeat(64 * 1024);
  let body = '';
  for (let i = 0; i < 20; i++) body += (chunk.length).toString(16) + '\r\n' + chunk + '\r\n';
  body += '0\r\n\r\n';
  st = await rawStatus(u, 'POST /offices HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n', body);
  assert.equal(st, 413);
});

test('static assets are served with content hashes and long cache', async () => {
  const page = await get(srv.url + '/');
  const m = page.text.match(/href="(\/static\/style\.[0-9a-f]+\.css)"/);
  assert.ok(m, 'hashed stylesheet link');
  const css = await get(srv.url + m[1]);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type'), /text\/css/);
  assert.match(css.headers.get('cache-control'), /immutable/);
  const again = await get(srv.url + m[1], { headers: { 'if-none-match': css.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.ok(page.text.length < 30 * 1024, 'home page under 30 KB');
});
