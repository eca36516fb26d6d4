// rank.test.mjs — scoring, ranks, publication, --verify, objections and the
// what-if simulator (docs/ranking.md), on a small hand-made period over the
// sample registry. The period's inputs are written with the sqlite3 shell
// (declarations finalised as the review workflow would leave them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pk, freshData, startServer, get, SAMPLE, addUser, login } from './lib.mjs';

let dir, srv;

function sql(q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const NOW = '2020-10-01T08:00:00Z';

// The state of a period, as `pishkhan period list` prints it.
function periodState(code) {
  const r = pk(['period', 'list', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith(code + '\t'));
  return line && line.split('\t')[1];
}

// A 1x1 PNG, a minimal PDF, an HTML page (not a document type).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><head><title>x</title></head><body><p>x</p></body></html>\n');
const sha = (b) => createHash('sha256').update(b).digest('hex');

// U-1001 and U-1002 and R-2001 finalised; U-1003 submitted only (a
// non-participant); U-1004 suspended and R-2003 revoked in the registry.
const SETUP = `
INSERT INTO declaration(period_id,office_code,state,created_at,updated_at) VALUES
 (1,'U-1001','finalised','${NOW}','${NOW}'),(1,'U-1002','finalised','${NOW}','${NOW}'),
 (1,'U-1003','submitted','${NOW}','${NOW}'),(1,'R-2001','finalised','${NOW}','${NOW}');
INSERT INTO claim(declaration_id,indicator,declared,verified,decision) VALUES
 (1,'floor_area','55',NULL,'accept'),(1,'location','"ground_main"',NULL,'accept'),
 (1,'accessibility','true',NULL,'accept'),(1,'holder_years','12',NULL,'accept'),
 (2,'floor_area','35','25','adjust'),(2,'location','"ground_side"',NULL,'accept'),
 (2,'accessibility','false',NULL,'accept'),(2,'holder_years','3',NULL,'reject'),
 (4,'floor_area','22',NULL,'accept'),(4,'location','"upper_floor"',NULL,'accept'),
 (4,'accessibility','true',NULL,'accept'),(4,'holder_years','6',NULL,'accept');
INSERT INTO staff(declaration_id,seq,name,national_id,insured,disability) VALUES
 (1,1,'a','0000000001',1,0),(1,2,'b','0000000002',1,1),(1,3,'c','0000000003',1,0),
 (2,1,'d','0000000004',0,0);
INSERT INTO association_score(period_id,office_code,score,entered_at) VALUES
 (1,'U-1001',18,'${NOW}'),(1,'U-1002',12,'${NOW}'),(1,'R-2001',15,'${NOW}');
INSERT INTO ruling(office_code,kind,ruling_no,ruling_date,points,state,final_date,created_at,updated_at) VALUES
 ('U-1002','overcharging','12/99','2020-06-01',-10,'final','2020-07-01','${NOW}','${NOW}'),
 ('U-1002','forgery','13/99','2020-06-01',-20,'under_appeal',NULL,'${NOW}','${NOW}');
`;

const LINE = /^result set (\d+): inputs ([0-9a-f]{64}), (\d+) offices, rank1 (\d+), rank2 (\d+), rank3 (\d+), unranked (\d+)$/m;

before(async () => {
  dir = freshData();
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/30', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  sql(SETUP);
  // Declarations done and reviewed: the period is reviewing.
  for (const want of ['declaring', 'reviewing']) {
    r = pk(['period', 'advance', '1399-1', '--data', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), want);
  }
});
after(async () => { if (srv) await srv.stop(); });

test('rank stores a draft and prints its summary; publish; verify MATCH', () => {
  let r = pk(['rank', '--data', dir, '--period', '1399-1']);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(LINE);
  assert.ok(m, r.stdout);
  const [, v, , n, r1, r2, r3, un] = m.map((x, i) => (i === 2 ? x : Number(x)));
  assert.equal(v, 1);
  assert.equal(n, 9);
  assert.equal(r1 + r2 + r3 + un, n);          // every office in exactly one column
  assert.equal(un, 2);                          // U-1004 suspended, R-2003 revoked
  // A stored draft makes the reviewing period ranked.
  assert.equal(periodState('1399-1'), 'ranked');
  // Nothing is published yet: --verify has nothing to check.
  r = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no published result set/);
  // Each office's breakdown: declared, verified, points and rule per indicator.
  const b = JSON.parse(sql("SELECT breakdown FROM result WHERE office_code='U-1002' AND result_set_id=1"));
  const area = b.indicators.find((x) => x.key === 'floor_area');
  assert.deepEqual([area.declared, area.verified, area.points, area.basis], [35, 25, 4, 'adjusted']);
  assert.match(area.rule, /band 20 to under 30: 4/);
  assert.equal(b.indicators.find((x) => x.key === 'holder_years').basis, 'rejected');
  assert.deepEqual(b.penalties.map((p) => [p.no, p.points]), [['12/99', -10]]);   // the appeal does not count
  assert.equal(sql("SELECT status||','||rank||','||score FROM result WHERE office_code='U-1003'"),
               'did_not_participate,3,0.0');
  assert.equal(sql("SELECT status||','||ifnull(rank,'-') FROM result WHERE office_code='U-1004'"), 'suspended,-');

  r = pk(['rank', '--data', dir, '--period', '1399-1', '--publish']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^published result set 1: inputs [0-9a-f]{64}, 9 offices/);
  // ... and publishing makes it published, with its audit entry.
  assert.equal(periodState('1399-1'), 'published');
  assert.deepEqual(sql("SELECT json_extract(before,'$.state')||'>'||json_extract(after,'$.state')||':'||json_extract(after,'$.cause') FROM audit WHERE action='period.advance' AND object='1399-1' ORDER BY id DESC LIMIT 2").split('\n'),
                   ['ranked>published:result.publish', 'reviewing>ranked:result.rank']);
  r = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, 'MATCH\n');
  // Nothing newer to publish.
  r = pk(['rank', '--data', dir, '--period', '1399-1', '--publish']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already published/);
});

test('the same inputs give the same hash and byte-identical results', () => {
  const r = pk(['rank', '--data', dir, '--period', '1399-1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.match(LINE)[1], '2');
  assert.equal(sql('SELECT count(DISTINCT inputs_hash) FROM result_set'), '1');
  assert.equal(sql(`SELECT count(*) FROM result a JOIN result b ON a.office_code=b.office_code
    AND a.result_set_id=1 AND b.result_set_id=2 WHERE a.breakdown IS NOT b.breakdown
    OR a.score IS NOT b.score OR a.rank IS NOT b.rank OR a.place<>b.place`), '0');
  assert.equal(sql('SELECT count(*) FROM result WHERE result_set_id=2'), '9');
  // Drafts may be thrown away; a published set never changes.
  const u = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'),
    "UPDATE result SET score=99 WHERE result_set_id=1 AND office_code='U-1001'"], { encoding: 'utf8' });
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /never changes/);
  sql('DELETE FROM result WHERE result_set_id=2; DELETE FROM result_set WHERE id=2');
});

test('--verify names the office whose input changed after publication', () => {
  sql("UPDATE association_score SET score=20 WHERE office_code='U-1002'");
  let r = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^DIFFERS: office U-1002: inputs changed after publication/);
  sql("UPDATE association_score SET score=12 WHERE office_code='U-1002'");
  sql("UPDATE ruling SET state='overturned' WHERE ruling_no='12/99'");
  r = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /office U-1002/);
  sql("UPDATE ruling SET state='final' WHERE ruling_no='12/99'");
  r = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(r.status, 0, r.stdout);
});

test('public office page and API carry the published result', async () => {
  srv = await startServer(dir);
  const api = await get(srv.url + '/api/v1/offices/U-1001');
  assert.equal(api.status, 200);
  assert.equal(api.json.result.period, '1399-1');
  assert.ok([1, 2, 3].includes(api.json.result.rank));
  assert.equal(typeof api.json.result.score, 'number');
  assert.equal(api.json.result.status, 'ranked');
  const sus = await get(srv.url + '/api/v1/offices/U-1004');
  assert.deepEqual([sus.json.result.status, sus.json.result.rank], ['suspended', null]);
  // The breakdown is not public.
  assert.equal((await get(srv.url + '/api/v1/offices/U-1001/result')).status, 401);
});

test('objections: filed by the office, decided by an independent HQ reviewer', async () => {
  addUser(dir, 'off1', 'office', ['--office', 'U-1002']);
  addUser(dir, 'hqr1', 'hq_reviewer');
  addUser(dir, 'hqr2', 'hq_reviewer');
  addUser(dir, 'hqa', 'hq_admin');
  const hqr1 = sql("SELECT id FROM users WHERE username='hqr1'");
  // hqr1 reviewed one of U-1002's claims: it may not decide the objection.
  sql(`UPDATE claim SET reviewer_id=${hqr1} WHERE declaration_id=2 AND indicator='location'`);

  const off = (await login(srv.url, 'off1')).client;
  let r = await off.get('/offices/U-1002/result?period=1399-1');
  assert.equal(r.status, 200);
  assert.match(r.text, /ریز امتیازهای نتیجهٔ منتشرشده/);
  assert.match(r.text, /مساحت دفتر/);
  assert.match(r.text, /name="indicator" value="floor_area"/);
  // Another office's result is out of scope.
  assert.equal((await off.get('/offices/U-1001/result')).status, 403);

  // Refused: no indicator named; then filed with two indicators.
  r = await off.post('/offices/U-1002/objections', { period: '1399-1', text: 'x' });
  assert.equal(r.status, 422);
  const body = new URLSearchParams([['csrf', off.csrf], ['period', '1399-1'],
    ['indicator', 'floor_area'], ['indicator', 'holder_years'], ['text', 'مساحت ۳۵ متر است؛ سند پیوست شد.']]);
  r = await get(srv.url + '/offices/U-1002/objections', { method: 'POST',
    headers: { cookie: off.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  assert.equal(r.status, 303, r.text);
  const id = sql("SELECT id FROM objection WHERE office_code='U-1002'");
  assert.equal(sql(`SELECT indicators FROM objection WHERE id=${id}`), '["floor_area","holder_years"]');
  // One pending objection at a time.
  r = await off.post('/offices/U-1002/objections', { period: '1399-1', indicator: 'location', text: 'y' });
  assert.equal(r.status, 422);
  // The office cannot decide it.
  assert.equal((await off.post(`/objections/${id}/decide`, { decision: 'reject', reason: 'x' })).status, 403);

  // hqr1 took part in the review: refused, and told why.
  const c1 = (await login(srv.url, 'hqr1')).client;
  r = await c1.get(`/objections/${id}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /نقش داشته‌اید/);
  r = await c1.post(`/objections/${id}/decide`, { decision: 'uphold', reason: 'ok', value_floor_area: '35', value_holder_years: '3' });
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT state FROM objection WHERE id=${id}`), 'filed');

  // hqr2 is independent: the reason is mandatory, values are checked.
  const c2 = (await login(srv.url, 'hqr2')).client;
  r = await c2.post(`/objections/${id}/decide`, { decision: 'uphold', reason: '', value_floor_area: '35', value_holder_years: '3' });
  assert.equal(r.status, 422);
  r = await c2.post(`/objections/${id}/decide`, { decision: 'uphold', reason: 'سند اجاره ۳۵ متر را نشان می‌دهد.', value_floor_area: 'abc', value_holder_years: '3' });
  assert.equal(r.status, 422);
  const before = sql("SELECT score||','||rank FROM result WHERE result_set_id=1 AND office_code='U-1002'");
  r = await c2.post(`/objections/${id}/decide`, { decision: 'uphold', reason: 'سند اجاره ۳۵ متر را نشان می‌دهد.', value_floor_area: '35', value_holder_years: '3' });
  assert.equal(r.status, 303, r.text);
  assert.equal(sql(`SELECT state FROM objection WHERE id=${id}`), 'upheld');

  // A new published version; the old one stays as it was.
  assert.equal(sql("SELECT max(version)||','||count(*) FROM result_set WHERE state='published'"), '2,2');
  assert.equal(sql("SELECT score||','||rank FROM result WHERE result_set_id=1 AND office_code='U-1002'"), before);
  const after2 = JSON.parse(sql("SELECT breakdown FROM result r JOIN result_set s ON s.id=r.result_set_id WHERE s.version=2 AND office_code='U-1002'"));
  const area = after2.indicators.find((x) => x.key === 'floor_area');
  assert.deepEqual([area.verified, area.points], [35, 7]);
  assert.equal(after2.indicators.find((x) => x.key === 'holder_years').points, 5);
  assert.equal(after2.score - Number(before.split(',')[0]), 3 + 5);
  // Other offices are unchanged; the claims carry the new verified values.
  assert.equal(sql(`SELECT count(*) FROM result a JOIN result b ON a.office_code=b.office_code
    AND a.result_set_id=1 AND b.result_set_id=(SELECT id FROM result_set WHERE version=2)
    WHERE a.office_code<>'U-1002' AND (a.score IS NOT b.score OR a.rank IS NOT b.rank)`), '0');
  assert.equal(sql("SELECT verified||decision FROM claim WHERE declaration_id=2 AND indicator='floor_area'"), '35adjust');
  // --verify checks the new version against today's inputs.
  const v = pk(['rank', '--data', dir, '--period', '1399-1', '--verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);

  // Old and new side by side on the public page; the API has the new one.
  r = await get(srv.url + '/offices/U-1002');
  assert.match(r.text, /بازنگری نتیجه پس از اعتراض/);
  assert.match(r.text, /نتیجهٔ نخست/);
  assert.match(r.text, /نتیجهٔ کنونی/);
  assert.equal((await get(srv.url + '/api/v1/offices/U-1002')).json.result.version, 2);
  // Deciding twice is refused.
  r = await c2.post(`/objections/${id}/decide`, { decision: 'reject', reason: 'x' });
  assert.equal(r.status, 409);
  // The office sees both versions and the decision.
  r = await off.get('/api/v1/offices/U-1002/result?period=1399-1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.history.map((h) => h.version), [1, 2]);
  assert.equal(r.json.objections[0].state, 'upheld');
  assert.equal(r.json.draft, null);
});

test('the objection window closes after the scheme\'s number of days', async () => {
  addUser(dir, 'off2', 'office', ['--office', 'U-1001']);
  const old = process.env.PISHKHAN_NOW;
  process.env.PISHKHAN_NOW = '2099-01-01T00:00:00Z';
  const late = await startServer(dir);
  try {
    const c = (await login(late.url, 'off2')).client;
    const r = await c.post('/offices/U-1001/objections', { period: '1399-1', indicator: 'floor_area', text: 'x' });
    assert.equal(r.status, 422);
    assert.match(r.text, /مهلت اعتراض/);
  } finally {
    if (old === undefined) delete process.env.PISHKHAN_NOW; else process.env.PISHKHAN_NOW = old;
    await late.stop();
  }
});

// Every file under DATA/docs and DATA/tmp.
function storedFiles() {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(path.join(d, f.name)); else out.push(path.join(d, f.name));
    }
  };
  walk(path.join(dir, 'docs'));
  walk(path.join(dir, 'tmp'));
  return out.sort();
}

// POST an objection as multipart: fields [[name, value]..], files [[bytes, name]..].
async function fileObjection(c, url, fields, files, { api = false } = {}) {
  const fd = new FormData();
  if (!api) fd.append('csrf', c.csrf);
  for (const [k, v] of fields) fd.append(k, v);
  for (const [bytes, name] of files) fd.append('file', new Blob([bytes]), name);
  const headers = { cookie: c.cookie };
  if (api) headers['x-csrf-token'] = c.csrf;
  return get(c.url + url, { method: 'POST', headers, body: fd });
}

test('objections with new documents: all or nothing, stored by content, seen only by those who may', async () => {
  addUser(dir, 'off3', 'office', ['--office', 'U-1001']);
  const c = (await login(srv.url, 'off3')).client;
  const FIELDS = [['period', '1399-1'], ['indicator', 'floor_area'], ['text', 'نقشهٔ تازه و سند اجاره پیوست است.']];
  let r = await c.get('/offices/U-1001/result?period=1399-1');
  assert.match(r.text, /enctype="multipart\/form-data"/);
  assert.match(r.text, /type="file" name="file" multiple/);
  const before = storedFiles();
  const nDocs = sql('SELECT count(*) FROM document');

  // A file that is not PDF/JPEG/PNG (named .pdf) among good ones: nothing is filed or kept.
  r = await fileObjection(c, '/offices/U-1001/objections', FIELDS, [[PNG, 'plan.png'], [HTML, 'lease.pdf']]);
  assert.equal(r.status, 415, r.text);
  assert.match(r.text, /پروندهٔ «lease\.pdf»: محتوای پرونده PDF، JPEG یا PNG نیست \(text\/html\)/);
  assert.match(r.text, /نقشهٔ تازه و سند اجاره پیوست است\./);          // the form keeps the text
  assert.match(r.text, /value="floor_area" checked/);
  assert.equal(sql("SELECT count(*) FROM objection WHERE office_code='U-1001'"), '0');
  assert.equal(sql('SELECT count(*) FROM document'), nDocs);
  assert.deepEqual(storedFiles(), before);

  // Larger than 5 MB: 413, the file named, nothing kept.
  const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
  r = await fileObjection(c, '/offices/U-1001/objections', FIELDS, [[PDF, 'ok.pdf'], [big, 'scan.pdf']]);
  assert.equal(r.status, 413, r.text);
  assert.match(r.text, /پروندهٔ «scan\.pdf»: حجم پرونده بیش از ۵ مگابایت است/);
  assert.equal(sql("SELECT count(*) FROM objection WHERE office_code='U-1001'"), '0');
  assert.deepEqual(storedFiles(), before);

  // At most 8 files with one objection.
  r = await fileObjection(c, '/offices/U-1001/objections', FIELDS, Array.from({ length: 9 }, (_, i) => [PNG, `p${i}.png`]));
  assert.equal(r.status, 413, r.text);
  assert.match(r.text, /حداکثر ۸ پرونده/);
  assert.deepEqual(storedFiles(), before);

  // A refusal that is not about a file (no indicator) keeps no file either.
  r = await fileObjection(c, '/offices/U-1001/objections', FIELDS.filter(([k]) => k !== 'indicator'), [[PNG, 'plan.png']]);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(storedFiles(), before);

  // Two good files, and an empty file input (no file chosen) that is ignored.
  r = await fileObjection(c, '/offices/U-1001/objections', FIELDS, [[PNG, 'نقشه.png'], [PDF, 'lease.pdf'], [Buffer.alloc(0), '']]);
  assert.equal(r.status, 303, r.text);
  const id = sql("SELECT id FROM objection WHERE office_code='U-1001'");
  assert.equal(sql(`SELECT group_concat(od.name||':'||d.mime, ',') FROM objection_document od JOIN document d ON d.sha256=od.sha256 WHERE objection_id=${id} ORDER BY od.rowid`),
               'نقشه.png:image/png,lease.pdf:application/pdf');
  // Content-addressed under DATA/docs, and nothing left in DATA/tmp.
  assert.ok(existsSync(path.join(dir, 'docs', sha(PNG).slice(0, 2), sha(PNG).slice(2))));
  assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
  const audit = JSON.parse(sql(`SELECT after FROM audit WHERE action='objection.file' AND object='objection:${id}'`));
  assert.deepEqual(audit.uploaded.map((u) => [u.name, u.sha256, u.type]),
                   [['نقشه.png', sha(PNG), 'image/png'], ['lease.pdf', sha(PDF), 'application/pdf']]);

  // The office sees and downloads them.
  const DOC = `/offices/U-1001/objections/${id}/documents/${sha(PNG)}`;
  r = await c.get('/offices/U-1001/result?period=1399-1');
  assert.ok(r.text.includes(`href="${DOC}"`), 'the office result page links the document');
  const dl = await fetch(srv.url + DOC, { headers: { cookie: c.cookie } });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'image/png');
  assert.match(dl.headers.get('content-disposition'), /^attachment/);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), PNG);
  r = await c.get('/api/v1/offices/U-1001/result?period=1399-1');
  assert.deepEqual(r.json.objections[0].documents.map((d) => d.name), ['نقشه.png', 'lease.pdf']);
  assert.equal((await c.get(`/api/v1/offices/U-1001/objections/${id}/documents/${sha(PDF)}`)).status, 200);

  // The independent HQ reviewer sees them on the objection and downloads them.
  const hq = (await login(srv.url, 'hqr2')).client;
  r = await hq.get(`/objections/${id}`);
  assert.ok(r.text.includes(`href="${DOC}"`));
  assert.match(r.text, /نقشه\.png/);
  assert.equal((await hq.get(DOC)).status, 200);

  // Another office: 403 under this office's URL, 404 under its own.
  const other = (await login(srv.url, 'off1')).client;
  assert.equal((await other.get(DOC)).status, 403);
  assert.equal((await other.get(`/offices/U-1002/objections/${id}/documents/${sha(PNG)}`)).status, 404);
  assert.equal((await other.get(`/api/v1/offices/U-1001/objections/${id}/documents/${sha(PNG)}`)).status, 403);
  // Nobody logged in: 401 (API) or the login page.
  assert.equal((await get(srv.url + `/api/v1/offices/U-1001/objections/${id}/documents/${sha(PNG)}`)).status, 401);
  // A document of no objection, or of another objection: 404.
  assert.equal((await c.get(`/offices/U-1001/objections/${id}/documents/${sha(HTML)}`)).status, 404);
  assert.equal((await c.get(`/offices/U-1001/objections/999/documents/${sha(PNG)}`)).status, 404);

  // Attaching a document of the declaration keeps working, alongside a new file (API, multipart).
  assert.equal((await hq.post(`/objections/${id}/decide`, { decision: 'reject', reason: 'نقشه با سند ثبتی نمی‌خواند.' })).status, 303);
  sql(`INSERT INTO document(sha256,mime,size,created_at) VALUES('${sha(PDF)}','application/pdf',${PDF.length},'${NOW}') ON CONFLICT DO NOTHING;
       INSERT INTO declaration_document(declaration_id,indicator,sha256,name,uploaded_at) VALUES(1,'floor_area','${sha(PDF)}','اجاره‌نامه.pdf','${NOW}');`);
  r = await fileObjection(c, '/api/v1/offices/U-1001/objections',
    [['period', '1399-1'], ['indicator', 'floor_area'], ['text', 'دوباره'], ['document', sha(PDF)]], [[HTML, 'x.pdf']], { api: true });
  assert.equal(r.status, 415, r.text);
  assert.equal(r.json.field, 'file');
  assert.match(r.json.error, /file "x\.pdf": the content is text\/html/);
  r = await fileObjection(c, '/api/v1/offices/U-1001/objections',
    [['period', '1399-1'], ['indicator', 'floor_area'], ['text', 'دوباره'], ['document', sha(PDF)]], [[PNG, 'plan2.png']], { api: true });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.documents.map((d) => [d.name, d.type]), [['اجاره‌نامه.pdf', 'application/pdf'], ['plan2.png', 'image/png']]);
  // JSON without files still works (one pending at a time: refused here).
  r = await get(srv.url + '/api/v1/offices/U-1001/objections', { method: 'POST',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ period: '1399-1', indicators: ['floor_area'], text: 'x' }) });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /pending/);
  const id2 = sql("SELECT max(id) FROM objection");
  assert.equal(sql(`SELECT count(*) FROM objection_document WHERE objection_id=${id2}`), '2');
  assert.equal((await hq.post(`/objections/${id2}/decide`, { decision: 'reject', reason: 'تکراری' })).status, 303);
});

test('what-if: counts by type and region, changed offices, nothing stored', async () => {
  const dump = () => sql('SELECT id,version,state,inputs_hash FROM result_set ORDER BY id') + '|' +
    sql('SELECT count(*), total(score), total(rank), group_concat(length(breakdown)) FROM result');
  const before = dump();
  const a = (await login(srv.url, 'hqa')).client;
  let r = await a.get('/admin/whatif?period=1399-1');
  assert.equal(r.status, 200);
  assert.match(r.text, /id="by-type"/);
  assert.match(r.text, /id="by-region"/);
  assert.match(r.headers.get('server-timing'), /rank;dur=/);
  // Raise the urban rank-2 threshold above every urban score: ranks change.
  r = await a.get('/api/v1/whatif?period=1399-1&thr_urban_1=99&thr_urban_2=98&w_association=2');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.offices, 9);
  const t = r.json.whatif.by_type.urban;
  assert.equal(t.rank1 + t.rank2 + t.rank3 + t.unranked, 6);
  assert.equal(t.rank1 + t.rank2, 0);
  assert.ok(r.json.changed.length >= 1);
  assert.ok(r.json.changed.every((c) => c.type !== 'urban' || (c.to === 3 && c.from < 3)));
  // Doubling the association's weight lifts R-2001 (40 → 55) to rank 2.
  assert.ok(r.json.changed.some((c) => c.office === 'R-2001' && c.from === 3 && c.to === 2));
  assert.ok(r.json.ms.load + r.json.ms.rank < 1000);
  // Bad input is refused with the field named.
  r = await a.get('/api/v1/whatif?period=1399-1&thr_urban_1=10&thr_urban_2=20');
  assert.equal(r.status, 422);
  assert.match(r.json.error, /thr_urban/);
  r = await a.get('/admin/whatif?period=1399-1&w_floor_area=-1');
  assert.equal(r.status, 422);
  // Only HQ admins.
  const off = (await login(srv.url, 'off1')).client;
  assert.equal((await off.get('/admin/whatif')).status, 403);
  assert.equal(dump(), before);
});

test('what-if keeps the period\'s inputs until one changes, and sees the change at once', async () => {
  const a = (await login(srv.url, 'hqa')).client;
  const q = '/api/v1/whatif?period=1399-1&w_association=2';
  const r2001 = (j) => j.changed.find((c) => c.office === 'R-2001');
  await a.get(q);
  let r = await a.get(q);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.inputs_kept, true);
  assert.match(r.headers.get('server-timing'), /load;dur=[\d.]+;desc="inputs kept", rank;dur=[\d.]+, render;dur=[\d.]+, total;dur=/);
  assert.deepEqual([r2001(r.json).from, r2001(r.json).to], [3, 2]);
  r = await a.get('/admin/whatif?period=1399-1&w_association=2');
  assert.match(r.text, /href="\/offices\/R-2001"/);
  // A write that is not a ranking input (another process) keeps them.
  sql("UPDATE office SET name=name||' ' WHERE code='R-2001'");
  r = await a.get(q);
  assert.equal(r.json.inputs_kept, true);
  // A new association score, written by another process: that office is
  // read again at once. 5 doubled is 10 points: R-2001 stays in rank 3.
  const score = sql("SELECT score FROM association_score WHERE office_code='R-2001'");
  sql("UPDATE association_score SET score=5 WHERE office_code='R-2001'");
  r = await a.get(q);
  assert.equal(r.json.inputs_kept, false);
  assert.equal(r.json.inputs_refreshed, 1);
  assert.match(r.headers.get('server-timing'), /desc="inputs refreshed: 1 office"/);
  assert.equal(r2001(r.json), undefined);
  // The page sees it too (the same kept inputs), then the old score is back.
  r = await a.get('/admin/whatif?period=1399-1&w_association=2');
  assert.match(r.headers.get('server-timing'), /desc="inputs kept"/);
  assert.doesNotMatch(r.text, /href="\/offices\/R-2001"/);
  sql(`UPDATE association_score SET score=${score} WHERE office_code='R-2001'`);
  r = await a.get(q);
  assert.equal(r.json.inputs_kept, false);
  assert.deepEqual([r2001(r.json).from, r2001(r.json).to], [3, 2]);
  // A change for every office (a province moves region) loads them whole.
  sql("UPDATE province SET region_code=region_code WHERE code=(SELECT province_code FROM office WHERE code='R-2001')");
  r = await a.get(q);
  assert.equal(r.json.inputs_refreshed, null);
  assert.match(r.headers.get('server-timing'), /desc="inputs loaded"/);
  assert.deepEqual([r2001(r.json).from, r2001(r.json).to], [3, 2]);
});

test('HQ can rank and publish from the results page', async () => {
  const a = (await login(srv.url, 'hqa')).client;
  let r = await a.get('/admin/results');
  assert.equal(r.status, 200);
  assert.match(r.text, /1399-1/);
  r = await a.post('/admin/results/1399-1/rank', {});
  assert.equal(r.status, 303);
  assert.equal(periodState('1399-1'), 'published');   // a newer draft: the period stays published
  const v = sql("SELECT max(version) FROM result_set");
  assert.equal(sql(`SELECT state FROM result_set WHERE version=${v}`), 'draft');
  // The office sees the draft (factual-accuracy window) before publication.
  const off = (await login(srv.url, 'off1')).client;
  r = await off.get('/offices/U-1002/result?period=1399-1');
  assert.match(r.text, /پیش‌نویس نتیجه/);
  r = await a.post('/admin/results/1399-1/publish', {});
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT state FROM result_set WHERE version=${v}`), 'published');
  r = await a.post('/admin/results/1399-1/publish', {});
  assert.equal(r.status, 409);
  assert.equal(pk(['rank', '--data', dir, '--period', '1399-1', '--verify']).status, 0);
});

test('period states follow the results: ranked by a stored set, published by publication', async () => {
  const adv = (code) => pk(['period', 'advance', code, '--data', dir]);
  // A dry run while offices still declare: stored, but the period stays and cannot publish.
  let r = pk(['period', 'create', '1400-2', '--data', dir, '--declare-from', '1400/08/01',
              '--declare-to', '1400/08/30', '--review-to', '1400/09/20']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(adv('1400-2').stdout.trim(), 'declaring');
  assert.equal(pk(['rank', '--data', dir, '--period', '1400-2']).status, 0);
  assert.equal(periodState('1400-2'), 'declaring');
  r = pk(['rank', '--data', dir, '--period', '1400-2', '--publish']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /period 1400-2 is declaring: results are published once it is ranked/);
  const a = (await login(srv.url, 'hqa')).client;
  r = await a.get('/admin/results');
  assert.match(r.text, /نتیجه تنها پس از پایان خوداظهاری منتشر می‌شود/);
  assert.doesNotMatch(r.text, /action="\/admin\/results\/1400-2\/publish"/);
  r = await a.post('/admin/results/1400-2/publish', {});
  assert.equal(r.status, 409);
  assert.equal(sql("SELECT count(*) FROM result_set s JOIN period p ON p.id=s.period_id WHERE p.code='1400-2' AND s.state='published'"), '0');

  // The whole way by hand and by the results, on a fresh period.
  r = pk(['period', 'create', '1400-1', '--data', dir, '--declare-from', '1400/02/01',
          '--declare-to', '1400/02/30', '--review-to', '1400/03/20']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(adv('1400-1').stdout.trim(), 'declaring');
  assert.equal(adv('1400-1').stdout.trim(), 'reviewing');
  r = adv('1400-1');                                  // not ranked by hand without a result set
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no result set: rank it/);
  r = await a.get('/admin/periods/1400-1');
  assert.match(r.text, /id="advance-blocked"/);
  assert.doesNotMatch(r.text, /action="\/admin\/periods\/1400-1\/advance"/);
  r = await a.post('/admin/periods/1400-1/advance', {});
  assert.equal(r.status, 409);
  assert.match(r.text, /دوره به وضعیت بعدی نرفت: این دوره هنوز نتیجه‌ای ندارد/);
  // HQ ranks on the page: the period is ranked.
  assert.equal((await a.post('/admin/results/1400-1/rank', {})).status, 303);
  assert.equal(periodState('1400-1'), 'ranked');
  r = adv('1400-1');                                  // not published by hand either
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nothing is published: publish its result set/);
  r = await a.get('/admin/periods/1400-1');
  assert.match(r.text, /رتبه‌بندی‌شده/);
  // HQ publishes on the page: the period is published, in the same transaction.
  r = await a.post('/admin/results/1400-1/publish', {});
  assert.equal(r.status, 303);
  assert.equal(periodState('1400-1'), 'published');
  r = await a.get('/admin/periods/1400-1');
  assert.match(r.text, /منتشرشده/);
  assert.match(r.text, /action="\/admin\/periods\/1400-1\/advance"/);
  assert.equal(JSON.parse(sql("SELECT after FROM audit WHERE action='period.advance' AND object='1400-1' ORDER BY id DESC LIMIT 1")).cause,
               'result.publish');
  // Closing ends it: no more ranking or publishing.
  assert.equal(adv('1400-1').stdout.trim(), 'closed');
  r = pk(['rank', '--data', dir, '--period', '1400-1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /closed/);
  assert.equal((await a.post('/admin/results/1400-1/rank', {})).status, 409);
  assert.equal(adv('1400-1').status, 1);
  assert.equal(pk(['audit', 'verify', '--data', dir]).status, 0);
});
