// rank.test.mjs — scoring, ranks, publication, --verify, objections and the
// what-if simulator (docs/ranking.md), on a small hand-made period over the
// sample registry. The period's inputs are written with the sqlite3 shell
// (declarations finalised as the review workflow would leave them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
