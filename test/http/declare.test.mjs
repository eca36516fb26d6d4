// declare.test.mjs — periods, self-declaration and documents over HTTP:
// the whole office journey through the JSON API, the version conflict,
// upload limits and content sniffing, the window in Tehran time, the
// no-JavaScript page, and the period CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE, pk, freshData, startServer, addUser, login, get } from './lib.mjs';

// 1x1 PNG, a minimal PDF, an HTML page.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n');

// Inside the window of 1399-1 below (Tehran 1399/05/11 12:30).
const NOW_OPEN = '2020-08-01T08:00:00Z';
// 1399/05/31 is 2020-08-21; Tehran was UTC+04:30 then, so the day ends at 19:30Z.
const NOW_LAST_SECOND = '2020-08-21T19:29:59Z';
const NOW_CLOSED = '2020-08-21T19:30:00Z';

const STAFF = [
  { name: 'علی رضایی', national_id: '0499370899', insured: true, disability: false, start_date: '1396/02/15' },
  { name: 'مریم احمدی', national_id: '0790419904', insured: true, disability: false },
];
const VALUES = { floor_area: 45, location: 'ground_main', accessibility: true, holder_years: 7 };

// A data directory with the sample registry, period 1399-1 (declaring),
// an operator of U-1001 and one of U-1003.
function setup(t) {
  const dir = freshData(t);
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'advance', '1399-1', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'declaring');
  addUser(dir, 'off', 'office', ['--office', 'U-1001']);
  addUser(dir, 'off3', 'office', ['--office', 'U-1003']);
  return dir;
}

const API = '/api/v1/periods/1399-1/declarations/U-1001';

async function json(c, method, p, body) {
  return get(c.url + p, {
    method,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function upload(c, p, indicator, bytes, name) {
  const fd = new FormData();
  if (indicator !== undefined) fd.append('indicator', indicator);
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return get(c.url + p, { method: 'POST', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf }, body: fd });
}

// Every file under DATA/docs and DATA/tmp.
function storedFiles(dir) {
  const out = [];
  for (const sub of ['docs', 'tmp']) {
    const walk = (d) => {
      if (!existsSync(d)) return;
      for (const f of readdirSync(d)) {
        const full = path.join(d, f);
        if (statSync(full).isDirectory()) walk(full); else out.push(path.relative(dir, full));
      }
    };
    walk(path.join(dir, sub));
  }
  return out.sort();
}

test('period CLI: create, list, advance, frozen scheme, bad input', (t) => {
  const dir = freshData(t);
  let r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
              '--declare-to', '1399/04/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /declare_to: must not be before declare_from/);
  r = pk(['period', 'create', '99-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /code: "99-1"/);
  r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'list', '--data', dir]);
  assert.match(r.stdout, /^1399-1\tdraft\t2020-07-22\t2020-08-21\t2020-09-10\t/);
  // a draft's scheme may still be replaced
  r = pk(['period', 'scheme', '1399-1', path.join(path.dirname(SAMPLE), 'schemes', 'default.json'), '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  for (const want of ['declaring', 'reviewing']) {
    r = pk(['period', 'advance', '1399-1', '--data', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), want);
  }
  // ranked and published follow the results (docs/ranking.md), not a hand
  r = pk(['period', 'advance', '1399-1', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /period 1399-1 cannot advance: it has no result set/);
  assert.equal(pk(['rank', '--period', '1399-1', '--data', dir]).status, 0);
  assert.match(pk(['period', 'list', '--data', dir]).stdout, /^1399-1\tranked\t/);
  assert.equal(pk(['rank', '--period', '1399-1', '--publish', '--data', dir]).status, 0);
  assert.match(pk(['period', 'list', '--data', dir]).stdout, /^1399-1\tpublished\t/);
  r = pk(['period', 'advance', '1399-1', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'closed');
  r = pk(['period', 'advance', '1399-1', '--data', dir]);
  assert.equal(r.status, 1);
  r = pk(['period', 'scheme', '1399-1', path.join(path.dirname(SAMPLE), 'schemes', 'default.json'), '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /frozen/);
  r = pk(['scheme', 'check', 'default']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /9 indicators, 6 penalties, max score 100/);
  r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout);
});

test('office journey over the API: save, conflict, refusals, documents, submit', async (t) => {
  const dir = setup(t);
  const srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW_OPEN } });
  t.after(() => srv.stop());
  const { client: c } = await login(srv.url, 'off');

  let r = await json(c, 'GET', API);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.office, 'U-1001');
  assert.equal(r.json.period, '1399-1');
  assert.equal(r.json.state, 'draft');
  assert.equal(r.json.version, 0);
  assert.deepEqual(r.json.values, {});
  assert.equal(r.json.editable, true);

  r = await json(c, 'PUT', API, { version: 0, values: VALUES, staff: STAFF });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 1);

  // a stale version: someone else saved first; nothing changes
  r = await json(c, 'PUT', API, { version: 0, values: { ...VALUES, floor_area: 10 }, staff: [] });
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /someone else saved first/);

  // a value out of range names the indicator and the rule; nothing half-saved
  r = await json(c, 'PUT', API, { version: 1, values: { ...VALUES, floor_area: 20000 }, staff: [] });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.field, 'values.floor_area');
  assert.match(r.json.error, /floor_area: 20000 is out of range: must be from 0 to 10000/);
  r = await json(c, 'PUT', API, { version: 1, values: { ...VALUES, location: 'roof' }, staff: STAFF });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /location: must be one of ground_main, ground_side, upper_floor/);
  r = await json(c, 'PUT', API, { version: 1, values: VALUES, staff: [{ ...STAFF[0], national_id: '0499370898' }] });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'staff[0].national_id');
  r = await json(c, 'PUT', API, { version: 1, values: { satisfaction: 90 }, staff: [] });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /values.satisfaction/);
  r = await json(c, 'GET', API);
  assert.equal(r.json.version, 1);
  assert.deepEqual(r.json.values, VALUES);
  assert.equal(r.json.staff.length, 2);
  assert.equal(r.json.staff[0].national_id, '0499370899');
  assert.equal(r.json.staff[0].start_date, '2017-05-05');

  // submitting without the required documents names the indicator
  r = await json(c, 'POST', API + '/submit');
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error, /floor_area: a document is required/);

  // uploads: too large, HTML named .pdf, PNG named .pdf, no such indicator
  const before = storedFiles(dir);
  r = await upload(c, API + '/documents', 'floor_area', Buffer.alloc(6 * 1000 * 1000, 0x25), 'big.pdf');
  assert.equal(r.status, 413, r.text);
  r = await upload(c, API + '/documents', 'floor_area', HTML, 'lease.pdf');
  assert.equal(r.status, 415, r.text);
  assert.match(r.json.error, /text\/html/);
  r = await upload(c, API + '/documents', 'satisfaction', PDF, 'x.pdf');
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(storedFiles(dir), before, 'nothing stored after a refusal');
  r = await upload(c, API + '/documents', 'floor_area', PNG, 'lease.pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.type, 'image/png');
  assert.equal(r.json.size, PNG.length);
  const shaPng = r.json.sha256;
  assert.match(shaPng, /^[0-9a-f]{64}$/);
  assert.ok(existsSync(path.join(dir, 'docs', shaPng.slice(0, 2), shaPng.slice(2))));

  // still one document missing (insured staff)
  r = await json(c, 'POST', API + '/submit');
  assert.equal(r.status, 422);
  assert.match(r.json.error, /insured_staff/);
  for (const ind of ['insured_staff', 'accessibility', 'holder_years']) {
    r = await upload(c, API + '/documents', ind, PDF, ind + '.pdf');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.type, 'application/pdf');
  }
  r = await json(c, 'GET', API);
  assert.equal(r.json.documents.length, 4);
  assert.deepEqual(r.json.documents[0], { indicator: 'floor_area', sha256: shaPng, name: 'lease.pdf', size: PNG.length, type: 'image/png' });

  // documents are served as attachments with nosniff, only to those allowed
  r = await get(srv.url + API + '/documents/' + shaPng, { headers: { cookie: c.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.match(r.headers.get('content-disposition'), /^attachment;/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.text.length > 0, true);
  const { client: c3 } = await login(srv.url, 'off3');
  r = await get(srv.url + API + '/documents/' + shaPng, { headers: { cookie: c3.cookie } });
  assert.equal(r.status, 403);
  r = await json(c3, 'GET', API);
  assert.equal(r.status, 403);
  r = await get(srv.url + API + '/documents/' + shaPng);
  assert.equal(r.status, 401);

  // submit; afterwards read-only
  r = await json(c, 'POST', API + '/submit');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { state: 'submitted' });
  r = await json(c, 'PUT', API, { version: 1, values: VALUES, staff: STAFF });
  assert.equal(r.status, 409);
  r = await json(c, 'GET', API);
  assert.equal(r.json.state, 'submitted');
  assert.equal(r.json.editable, false);
  r = await c.get('/periods/1399-1/declarations/U-1001');
  assert.equal(r.status, 200);
  assert.match(r.text, /ارسال شده است و دیگر تغییر نمی‌کند/);

  // CSRF is required
  r = await get(srv.url + API, { method: 'PUT', headers: { cookie: c.cookie, 'content-type': 'application/json' },
                                 body: JSON.stringify({ version: 1, values: {}, staff: [] }) });
  assert.equal(r.status, 403);

  r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout);
});

test('window edges in Tehran time: the last second of the last day, then closed', async (t) => {
  const dir = setup(t);
  let srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW_LAST_SECOND } });
  let { client: c } = await login(srv.url, 'off');
  let r = await json(c, 'PUT', API, { version: 0, values: VALUES, staff: [] });
  assert.equal(r.status, 200, r.text);
  await srv.stop();

  srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW_CLOSED } });
  t.after(() => srv.stop());
  ({ client: c } = await login(srv.url, 'off'));
  r = await json(c, 'PUT', API, { version: 1, values: VALUES, staff: [] });
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /window closed at the end of 2020-08-21/);
  r = await json(c, 'POST', API + '/submit');
  assert.equal(r.status, 409);
  r = await upload(c, API + '/documents', 'floor_area', PDF, 'a.pdf');
  assert.equal(r.status, 409);
  r = await c.get('/periods/1399-1/declarations/U-1001');
  assert.match(r.text, /مهلت خوداظهاری در پایان روز .* به سر رسیده است/);
  assert.doesNotMatch(r.text, /ذخیرهٔ پیش‌نویس/);

  // an extension by HQ reopens it for this office only
  addUser(dir, 'hqa', 'hq_admin');
  const { client: h } = await login(srv.url, 'hqa');
  r = await h.post('/periods/1399-1/declarations/U-1001/extend', { until: '1399/06/03', reason: 'قطع برق' });
  assert.equal(r.status, 303, r.text);
  r = await json(c, 'PUT', API, { version: 1, values: VALUES, staff: [] });
  assert.equal(r.status, 200, r.text);
});

test('the page works without JavaScript: save a draft with a form, errors in Persian', async (t) => {
  const dir = setup(t);
  const srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW_OPEN } });
  t.after(() => srv.stop());
  const { client: c } = await login(srv.url, 'off');
  let r = await c.get('/declare');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/periods/1399-1/declarations/U-1001');
  r = await c.get('/periods/1399-1/declarations/U-1001');
  assert.equal(r.status, 200);
  assert.match(r.text, /class="note assumption"/);
  assert.match(r.text, /name="v_floor_area"/);
  assert.match(r.text, /enctype="multipart\/form-data"/);
  r = await c.post('/periods/1399-1/declarations/U-1001', {
    version: '0', v_floor_area: '۴۵', v_location: 'ground_side', v_accessibility: 'no', v_holder_years: '3',
    staff_n: '3', name_0: 'علی رضایی', nid_0: '۰۴۹۹۳۷۰۸۹۹', insured_0: '1', start_0: '1396/02/15',
    action: 'save' });
  assert.equal(r.status, 303, r.text);
  r = await json(c, 'GET', API);
  assert.deepEqual(r.json.values, { floor_area: 45, location: 'ground_side', accessibility: false, holder_years: 3 });
  assert.equal(r.json.staff[0].national_id, '0499370899');
  r = await c.post('/periods/1399-1/declarations/U-1001', { version: '1', v_floor_area: 'abc', staff_n: '0', action: 'save' });
  assert.equal(r.status, 422);
  assert.match(r.text, /«مساحت دفتر»: مقدار باید عدد باشد/);
  // the page upload
  const fd = new FormData();
  fd.append('csrf', c.csrf);
  fd.append('indicator', 'floor_area');
  fd.append('file', new Blob([PDF]), 'اجاره‌نامه.pdf');
  r = await get(srv.url + '/periods/1399-1/declarations/U-1001/documents', { method: 'POST', headers: { cookie: c.cookie }, body: fd });
  assert.equal(r.status, 303, r.text);
  r = await json(c, 'GET', API);
  assert.equal(r.json.documents[0].name, 'اجاره‌نامه.pdf');
});

test('change requests: filed by the office, decided by its region, applied', async (t) => {
  const dir = setup(t);
  addUser(dir, 'rev', 'region_reviewer', ['--region', 'tehran']);
  const srv = await startServer(dir, [], { env: { PISHKHAN_NOW: NOW_OPEN } });
  t.after(() => srv.stop());
  const { client: c } = await login(srv.url, 'off');
  let r = await c.post('/offices/U-1001/changes', { field: 'address', new_value: 'خیابان انقلاب، پلاک ۵', reason: 'جابه‌جایی با موافقت منطقه' });
  assert.equal(r.status, 303, r.text);
  r = await c.post('/offices/U-1001/changes', { field: 'status', new_value: 'active', reason: 'x' });
  assert.equal(r.status, 422);
  const { client: rv } = await login(srv.url, 'rev');
  r = await rv.get('/changes');
  assert.equal(r.status, 200);
  const id = r.text.match(/\/changes\/(\d+)\/decide/)[1];
  r = await rv.post(`/changes/${id}/decide`, { decision: 'accept', reason: 'تأیید شد' });
  assert.equal(r.status, 303, r.text);
  r = pk(['office', 'export', '--data', dir]);
  assert.match(r.stdout, /U-1001,urban,[^\n]*خیابان انقلاب، پلاک 5/);
});
