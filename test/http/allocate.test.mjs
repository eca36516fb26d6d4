// allocate.test.mjs — distributing services by rank (docs/allocation.md):
// the CLI on a small hand-made nation with published result sets
// (versioning and diff), then the pages and the API over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pk, freshData, startServer, addUser, login, get } from './lib.mjs';

let dir, srv;

function sql(q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
function ok(args, input) {
  const r = pk([...args, '--data', dir], { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A published result set (inserted directly: the ranks are the input here,
// not what this test is about). rows: [office, score, rank, status].
function publish(version, rows) {
  sql(`INSERT INTO result_set(period_id,version,state,inputs_hash,scheme_json,snapshot_json,n_offices,
         n_rank1,n_rank2,n_rank3,n_unranked,created_at,published_at)
       VALUES((SELECT id FROM period WHERE code='1399-1'),${version},'draft','h${version}','{}','{}',
              ${rows.length},0,0,0,0,'2020-10-01T00:00:00Z',NULL);` +
      rows.map(([o, s, r, st]) => `INSERT INTO result(result_set_id,office_code,score,rank,place,status,breakdown)
         VALUES((SELECT max(id) FROM result_set),'${o}',${s},${r},0,'${st}','{}');`).join('') +
      `UPDATE result_set SET state='published', published_at='2020-10-02T00:00:00Z' WHERE id=(SELECT max(id) FROM result_set);`);
}

const RANKS = [
  ['F-1', 90, 1, 'ranked'], ['F-2', 65, 2, 'ranked'], ['F-3', 40, 3, 'ranked'],
  ['F-4', 45, 3, 'ranked'], ['V-1', 60, 2, 'ranked'], ['T-1', 0, 0, 'revoked'],
  ['T-2', 0, 3, 'did_not_participate'], ['T-3', 0, 0, 'suspended'],
];

before(async () => {
  dir = freshData();
  const csv = path.join(dir, 'nation.csv');
  writeFileSync(csv, 'code,type,name,province,city,address,postal_code,phone,licence_no,licence_date,holder_name,holder_national_id,status\n' +
    'F-1,urban,دفتر یک,fars,شیراز,,,,,,,,active\n' +
    'F-2,urban,دفتر دو,fars,شیراز,,,,,,,,active\n' +
    'F-3,urban,دفتر سه,fars,شیراز,,,,,,,,active\n' +
    'F-4,urban,دفتر چهار,fars,مرودشت,,,,,,,,active\n' +
    'V-1,rural_ict,دفتر روستایی,fars,قلات,,,,,,,,active\n' +
    'T-1,urban,دفتر لغوشده,tehran,تهران,,,,,,,,revoked\n' +
    'T-2,urban,دفتر غایب,tehran,تهران,,,,,,,,active\n' +
    'T-3,urban,دفتر تعلیقی,tehran,تهران,,,,,,,,active\n');
  ok(['office', 'import', csv]);
  ok(['period', 'create', '1399-1', '--declare-from', '1399/05/01', '--declare-to', '1399/05/30',
      '--review-to', '1399/06/20']);
  ok(['agency', 'add', 'gov', 'دستگاه آزمایشی']);
  ok(['agency', 'add', 'post', 'شرکت ملی پست']);
  for (let i = 1; i <= 10; i++) ok(['service', 'add', `s${i}`, '--agency', 'gov', '--name', `خدمت ${i}`]);
  ok(['service', 'add', 'gold', '--agency', 'gov', '--name', 'خدمت ویژه', '--min-rank', '1']);
  ok(['service', 'add', 'farsonly', '--agency', 'post', '--name', 'پست فارس', '--provinces', 'فارس']);
  ok(['service', 'add', 'rur', '--agency', 'post', '--name', 'پست روستایی', '--channel', 'rural_ict']);
  ok(['service', 'prefs', 'F-2', 'gold', 's3', 's1']);
  ok(['service', 'prefs', 'F-3', 's9', 's8', 's7', 's6']);
  ok(['service', 'prefs', 'V-1', 'rur']);
});
after(async () => { if (srv) await srv.stop(); });

test('service and preference input is validated', () => {
  let r = pk(['service', 'add', 'Bad Code!', '--agency', 'gov', '--name', 'x', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /code:/);
  r = pk(['service', 'add', 'zz', '--agency', 'gov', '--name', 'x', '--channel', 'air', '--data', dir]);
  assert.match(r.stderr, /channel:/);
  r = pk(['service', 'add', 'zz', '--agency', 'gov', '--name', 'x', '--localities', 'fars', '--data', dir]);
  assert.match(r.stderr, /areas: "fars" needs a city/);
  r = pk(['service', 'add', 'zz', '--agency', 'nope', '--name', 'x', '--data', dir]);
  assert.match(r.stderr, /agency:/);
  // a rural-only service is not available to an urban office; duplicates refused
  r = pk(['service', 'prefs', 'F-1', 'rur', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a service available to office F-1/);
  r = pk(['service', 'prefs', 'F-1', 's1', 's1', '--data', dir]);
  assert.match(r.stderr, /listed twice/);
  assert.equal(ok(['service', 'prefs', 'F-1']), '');
});

test('allocation needs published ranks', () => {
  const r = pk(['allocate', '--period', '1399-1', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no published result set/);
  assert.equal(pk(['allocate', '--period', '1388-1', '--data', dir]).status, 1);
});

const V1 = [
  'office_code,rank,available,cap,granted,services',
  'F-1,1,12,12,7,farsonly;gold;s10;s2;s4;s5;s6',  // coverage of everything no one in Shiraz chose
  'F-2,2,12,8,2,s3;s1',                           // gold needs rank 1: skipped
  'F-3,3,12,3,3,s9;s8;s7',                        // cap floor(0.3 x 12) = 3: s6 refused
  'F-4,3,12,3,3,farsonly;s1;s10',                 // alone in Marvdasht: coverage up to its cap
  'T-1,,11,0,0,',                                 // revoked: nothing
  'T-2,3,11,3,3,s1;s10;s2',                       // did not participate: rank 3
  'T-3,,11,0,0,',                                 // suspended: nothing
  'V-1,2,13,9,9,rur;farsonly;s1;s10;s2;s3;s4;s5;s6', // rural: its own channel too
  '',
].join('\n');

test('caps, minimum ranks, preference order, coverage, unranked offices', () => {
  publish(1, RANKS);
  const out = ok(['allocate', '--period', '1399-1']);
  assert.match(out, /version 1 stored/);
  assert.equal(ok(['allocate', '--period', '1399-1', '--show', '--format', 'csv']), V1);
  // reasons
  const j = JSON.parse(ok(['allocate', '--period', '1399-1', '--show', '--format', 'json']));
  const f2 = j.offices.find((o) => o.code === 'F-2');
  assert.deepEqual(f2.granted[0], { service: 's3', kind: 'preference', preference: 2, reason: 'preference 2, within cap 8 of 12' });
  assert.equal(f2.unmet_preferences[0].why, 'below_min_rank');
  const f1 = j.offices.find((o) => o.code === 'F-1');
  assert.equal(f1.granted[0].reason, 'coverage of شیراز');
  assert.equal(j.offices.find((o) => o.code === 'T-2').status, 'did_not_participate');
  assert.equal(j.offices.find((o) => o.code === 'T-1').rank, null);
  // gaps: gold in Marvdasht (min rank), s2..s9 there (no room)
  const cov = ok(['allocate', '--period', '1399-1', '--coverage', '--agency', 'post']);
  assert.match(cov, /^service_code,province_code,offices,uncovered_localities\n/);
  assert.match(cov, /\nfarsonly,fars,3,0\n/);
  assert.match(cov, /\nrur,fars,1,0\n/);
});

test('a re-run with the same inputs changes nothing; the CSV is deterministic', () => {
  const r = pk(['allocate', '--period', '1399-1', '--format', 'csv', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, V1);
  assert.match(r.stderr, /inputs unchanged, version 1 stands/);
  assert.equal(sql("SELECT count(*) FROM allocation;").trim(), '1');
});

test('an objection that changes a rank makes a new version with its diff', () => {
  // F-3 goes from rank 3 to 2 in a new published result set.
  publish(2, RANKS.map((x) => (x[0] === 'F-3' ? ['F-3', 55, 2, 'ranked'] : x)));
  const dry = ok(['allocate', '--period', '1399-1', '--dry-run']);
  assert.match(dry, /dry run, would be version 2: .* 1 added and 1 removed against version 1/);
  assert.equal(sql("SELECT count(*) FROM allocation;").trim(), '1');
  const out = ok(['allocate', '--period', '1399-1']);
  assert.match(out, /version 2 stored \(1 added, 1 removed\)/);
  assert.match(out, /diff from version 1 to 2: 1 added, 1 removed/);
  assert.match(out, /\n\+ F-3 s6 \(preference 4, within cap 8 of 12\)\n/);
  assert.match(out, /\n- F-1 s6\n/);
  const v2 = ok(['allocate', '--period', '1399-1', '--show', '--format', 'csv']);
  assert.match(v2, /\nF-3,2,12,8,4,s9;s8;s7;s6\n/);
  assert.match(v2, /\nF-1,1,12,12,6,farsonly;gold;s10;s2;s4;s5\n/);
  // the old version is kept as it was
  assert.equal(ok(['allocate', '--period', '1399-1', '--show', '--version', '1', '--format', 'csv']), V1);
  // every run is in the audit trail, which still verifies
  assert.equal(sql("SELECT count(*) FROM audit WHERE action='allocation.run';").trim(), '2');
  assert.match(ok(['audit', 'verify']), /chain intact/);
});

test('pages and API: office preferences, agency coverage, HQ run', async () => {
  ok(['service', 'facility', 'F-1', 'civil_booth']);
  addUser(dir, 'off2', 'office', ['--office', 'F-2']);
  addUser(dir, 'agp', 'agency', ['--agency', 'post']);
  addUser(dir, 'hqa', 'hq_admin', []);
  srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0' } });
  const off = (await login(srv.url, 'off2')).client;
  const ag = (await login(srv.url, 'agp')).client;
  const hq = (await login(srv.url, 'hqa')).client;

  // The office sees its grants with reasons, in Persian.
  let r = await off.get('/offices/F-2/services');
  assert.equal(r.status, 200);
  assert.match(r.text, /<html lang="fa" dir="rtl">/);
  assert.match(r.text, /اولویت ۲ شما، در سقف ۸ خدمت از ۱۲/);
  assert.match(r.text, /رتبهٔ دفتر به کمینهٔ رتبهٔ این خدمت نمی‌رسد/);
  assert.match(r.text, /badge rank2/);
  // ... but not another office's
  assert.equal((await off.get('/offices/F-1/services')).status, 403);
  assert.equal((await off.post('/offices/F-1/services', { act: 'add:s5' })).status, 403);

  // Preferences by buttons: add s5, move it up, remove gold.
  r = await off.post('/offices/F-2/services', { act: 'add:s5' });
  assert.equal(r.status, 303);
  r = await off.post('/offices/F-2/services', { act: 'up:s5' });
  assert.equal(r.status, 303);
  r = await off.post('/offices/F-2/services', { act: 'remove:gold' });
  assert.equal(r.status, 303);
  r = await off.post('/offices/F-2/services', { act: 'down:nope' });
  assert.equal(r.status, 422);
  r = await off.post('/offices/F-2/services', { act: 'add:rur' });   // not available to an urban office
  assert.equal(r.status, 422);
  assert.equal(ok(['service', 'prefs', 'F-2']), '1\ts3\n2\ts5\n3\ts1\n');

  // The agency manages its own services and sees their coverage.
  r = await ag.get('/agency');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/agencies/post');
  r = await ag.get('/agencies/post');
  assert.equal(r.status, 200);
  assert.match(r.text, /پست فارس/);
  assert.equal((await ag.get('/agencies/gov')).status, 403);
  r = await ag.post('/agencies/post/services', { code: 'parcel', name: 'مرسوله <b>', channel: 'both',
    min_rank: '2', facility: '', area: 'localities', areas: 'fars/شیراز، tehran/تهران', active: '1' });
  assert.equal(r.status, 303, r.text);
  r = await ag.get('/agencies/post/services/parcel');
  assert.equal(r.status, 200);
  assert.match(r.text, /مرسوله &lt;b&gt;/);
  assert.doesNotMatch(r.text, /مرسوله <b>/);
  r = await ag.post('/agencies/post/services/parcel', { name: 'مرسوله', channel: 'both', area: 'provinces', areas: 'Narnia' });
  assert.equal(r.status, 422);
  assert.match(r.text, /استان/);
  assert.match(ok(['service', 'list', '--agency', 'post']), /\nparcel,post,.*,both,2,,localities,"fars\/شیراز, tehran\/تهران",1\n/);

  // HQ runs the allocation from its page: a new version with the changes.
  r = await hq.get('/admin/allocate?period=1399-1');
  assert.equal(r.status, 200);
  assert.match(r.text, /به تفکیک استان/);
  assert.match(r.text, /تغییر نسبت به نسخهٔ ۱/);
  r = await hq.post('/admin/allocate', { period: '1399-1' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /ok=new/);
  r = await hq.post('/admin/allocate', { period: '1399-1' });
  assert.match(r.headers.get('location'), /ok=same/);
  r = await hq.post('/admin/allocate', { period: '1300-1' });
  assert.equal(r.status, 422);

  // API: the whole nation for HQ, one office for itself, coverage for an agency.
  r = await hq.get('/api/v1/periods/1399-1/allocation.csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  assert.equal(r.text, ok(['allocate', '--period', '1399-1', '--show', '--format', 'csv']));
  r = await hq.get('/api/v1/periods/1399-1/allocation?version=1');
  assert.equal(r.json.version, 1);
  assert.equal(r.json.offices.length, 8);
  r = await off.get('/api/v1/periods/1399-1/allocation?office=F-2');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.offices.map((o) => o.code), ['F-2']);
  assert.equal((await off.get('/api/v1/periods/1399-1/allocation')).status, 403);
  assert.equal((await off.get('/api/v1/periods/1399-1/allocation.csv?office=F-1')).status, 403);
  r = await ag.get('/api/v1/periods/1399-1/coverage?agency=post');
  assert.equal(r.status, 200);
  assert.ok(r.json.services.every((s) => ['farsonly', 'rur', 'parcel'].includes(s.service)));
  r = await ag.get('/api/v1/periods/1399-1/coverage.csv?agency=post');
  assert.match(r.text, /^service_code,province_code,offices,uncovered_localities\n/);
  assert.equal((await ag.get('/api/v1/periods/1399-1/coverage?agency=gov')).status, 403);
  assert.equal((await hq.get('/api/v1/periods/1399-1/allocation?version=99')).status, 404);
  r = await get(srv.url + '/api/v1/periods/1399-1/allocation');
  assert.equal(r.status, 401);
});
