// stats.test.mjs — issue [09]: national statistics and public transparency.
// `pishkhan report` in every format on a small hand-made nation (results
// written straight into the result tables), the XLSX workbook, tables that
// reconcile and ones that do not, the statistics pages (valid HTML), the
// open-data endpoint and its paging, certificates and their verification,
// the right to reply, and — once the demo nation has a ranked 1399-1 — the
// published 1399 figures from the demo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, SAMPLE, pk, freshData, startServer, addUser, login, get } from './lib.mjs';
import { checkHtml, assertValidHtml } from './htmlcheck.mjs';

// ---- SQL straight into the store ------------------------------------------

function sqlite(dir, args, input) {
  const r = spawnSync('sqlite3', ['-bail', ...args, path.join(dir, 'pishkhan.db')],
                      { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr + '\n' + (input || '').slice(0, 400));
  return r.stdout;
}
const sql = (dir, s) => sqlite(dir, [], s);
const sqlRows = (dir, s) => { const o = sqlite(dir, ['-json'], s).trim(); return o ? JSON.parse(o) : []; };
const q = (v) => v === null || v === undefined ? 'NULL' : typeof v === 'object' ? v.sql
  : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;

// INSERT a row; columns the table requires (NOT NULL without a default)
// that the row does not name get a neutral value, so that the helper
// keeps working whatever else the ranking engine's tables carry.
const colCache = new Map();
function insert(dir, table, row) {
  const key = dir + '|' + table;
  if (!colCache.has(key)) colCache.set(key, sqlRows(dir, `PRAGMA table_info(${table});`));
  const full = { ...row };
  for (const c of colCache.get(key)) {
    if (c.name in full || !c.notnull || c.dflt_value !== null || c.pk) continue;
    const ty = (c.type || '').toUpperCase();
    full[c.name] = /INT|REAL|NUM/.test(ty) ? 0 : /json|breakdown/.test(c.name) ? '{}' : '';
  }
  const names = Object.keys(full);
  return `INSERT INTO ${table}(${names.join(',')}) VALUES(${names.map((n) => q(full[n])).join(',')});\n`;
}

function periodId(dir, code) {
  return sqlRows(dir, `SELECT id FROM period WHERE code=${q(code)};`)[0].id;
}

// Publish a result set: rows [office, status, rank, score].
function publish(dir, code, version, rows, publishedAt = '2020-10-05T08:20:35Z') {
  const pid = periodId(dir, code);
  let s = 'BEGIN;\n' + insert(dir, 'result_set', {
    period_id: pid, version, state: 'published', inputs_hash: `hash-${code}-${version}`,
    created_at: publishedAt, published_at: publishedAt,
  });
  for (const [office, status, rank, score] of rows) {
    s += insert(dir, 'result', {
      result_set_id: { sql: `(SELECT id FROM result_set WHERE period_id=${pid} AND version=${version})` },
      office_code: office, status, rank, score, breakdown: '{}',
    });
  }
  sql(dir, s + 'COMMIT;\n');
}

// The hand-made nation's period 1399-1 (data/sample-offices.csv):
//   urban  U-1001 r1 82.5, U-1002 r1 71, U-1003 r2 55.25, U-1006 r3 40 (participants),
//          U-1004 suspended, U-1005 did not participate;
//   rural  R-2002 r2 68.5 (participant), R-2003 revoked after declaring,
//          R-2001 did not participate.
const R1399 = [
  ['U-1001', 'ranked', 1, 82.5], ['U-1002', 'ranked', 1, 71], ['U-1003', 'ranked', 2, 55.25],
  ['U-1004', 'suspended', null, null], ['U-1005', 'did_not_participate', 3, 0],
  ['U-1006', 'ranked', 3, 40], ['R-2001', 'did_not_participate', 3, 0],
  ['R-2002', 'ranked', 2, 68.5], ['R-2003', 'revoked', null, null],
];
const FINALISED = ['U-1001', 'U-1002', 'U-1003', 'U-1006', 'R-2002', 'R-2003'];

let dir, srv, off, hqa, hqr, rev;
let tmp;

before(async () => {
  dir = freshData();
  tmp = mkdtempSync(path.join(tmpdir(), 'pk-stats-'));
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  for (const [code, from, to, rv] of [['1399-1', '1399/05/01', '1399/05/31', '1399/06/20'],
                                      ['1399-2', '1399/11/01', '1399/11/30', '1399/12/20'],
                                      ['1400-1', '1400/05/01', '1400/05/31', '1400/06/20'],
                                      ['1400-2', '1400/11/01', '1400/11/30', '1400/12/20']]) {
    r = pk(['period', 'create', code, '--data', dir, '--declare-from', from, '--declare-to', to,
            '--review-to', rv]);
    assert.equal(r.status, 0, r.stderr);
  }
  addUser(dir, 'off', 'office', ['--office', 'U-1001']);
  addUser(dir, 'hqa', 'hq_admin');
  addUser(dir, 'hqr', 'hq_reviewer');
  addUser(dir, 'rev', 'region_reviewer', ['--region', 'tehran']);
  addUser(dir, 'rev2', 'region_reviewer', ['--region', 'south']);

  // Declarations and reviewed claims of 1399-1.
  const pid = periodId(dir, '1399-1');
  const users = Object.fromEntries(sqlRows(dir, 'SELECT id, username FROM users;').map((u) => [u.username, u.id]));
  let s = 'BEGIN;\n';
  for (const o of FINALISED) {
    s += insert(dir, 'declaration', { period_id: pid, office_code: o, state: 'finalised',
      created_at: '2020-08-01T00:00:00Z', updated_at: '2020-09-01T00:00:00Z' });
  }
  // rev (tehran): U-1001 accept, adjust, reject, accept; U-1006 accept, accept.
  // rev2 (south): U-1003 reject, reject.
  const claims = [['U-1001', 'rev', ['accept', 'adjust', 'reject', 'accept']],
                  ['U-1006', 'rev', ['accept', 'accept']],
                  ['U-1003', 'rev2', ['reject', 'reject']]];
  for (const [o, u, ds] of claims) {
    ds.forEach((d, k) => {
      s += insert(dir, 'claim', {
        declaration_id: { sql: `(SELECT id FROM declaration WHERE period_id=${pid} AND office_code=${q(o)})` },
        indicator: `ind${k}`, decision: d, reason: 'آزمون', reviewer_id: users[u] });
    });
  }
  sql(dir, s + 'COMMIT;\n');
  publish(dir, '1399-1', 1, R1399);
  // 1399-2: more participants, for the trends.
  publish(dir, '1399-2', 1, R1399.map(([o, st, rk, sc]) =>
    st === 'did_not_participate' ? [o, 'ranked', 2, 60] : [o, st, rk, sc]), '2021-04-10T08:00:00Z');
  srv = await startServer(dir);
  off = (await login(srv.url, 'off')).client;
  hqa = (await login(srv.url, 'hqa')).client;
  hqr = (await login(srv.url, 'hqr')).client;
  rev = (await login(srv.url, 'rev')).client;
});
after(async () => {
  if (srv) await srv.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function report(args) {
  return pk(['report', '--data', dir, ...args]);
}

// ---- The report -------------------------------------------------------------

test('report --format json: the hand-made nation, every number, reconciles', () => {
  const r = report(['--period', '1399-1', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.period, '1399-1');
  assert.deepEqual(j.offices, { urban: 6, rural_ict: 3, total: 9 });
  assert.deepEqual(j.participated, { urban: 4, rural_ict: 2, total: 6 });
  assert.deepEqual(j.participation_pct, { urban: 66.7, rural_ict: 66.7, total: 66.7 });
  assert.match(r.stdout, /"participation_pct":\{"urban":66.7,/);   // one decimal, as written
  assert.deepEqual(j.ranks_participants.urban, { 1: 2, 2: 1, 3: 1, out_of_ranking: 0, total: 4 });
  assert.deepEqual(j.ranks_participants.rural_ict, { 1: 0, 2: 1, 3: 0, out_of_ranking: 1, total: 2 });
  // non-participants are counted in rank 3 among all offices
  assert.deepEqual(j.ranks_all.urban, { 1: 2, 2: 1, 3: 2, out_of_ranking: 1, total: 6 });
  assert.deepEqual(j.ranks_all.rural_ict, { 1: 0, 2: 1, 3: 1, out_of_ranking: 1, total: 3 });
  assert.deepEqual(j.ranks_all.total, { 1: 2, 2: 2, 3: 3, out_of_ranking: 2, total: 9 });
  assert.deepEqual(j.unranked.urban, { did_not_participate: 1, revoked: 0, suspended: 1, other: 0, total: 2 });
  assert.deepEqual(j.unranked.rural_ict, { did_not_participate: 1, revoked: 1, suspended: 0, other: 0, total: 2 });
  assert.equal(j.reconciles, true);
  assert.ok(j.checks.sums > 100);
  assert.equal(j.checks.failed, 0);
  // by region: every region, and the regions add up to the nation
  assert.equal(j.by_region.length, 9);
  const teh = j.by_region.find((g) => g.region === 'tehran');
  assert.equal(teh.offices, 2);
  assert.equal(teh.participated, 2);
  assert.deepEqual(teh.ranks_all, { 1: 1, 2: 0, 3: 1, out_of_ranking: 0, total: 2 });
  for (const k of ['offices', 'participated']) {
    assert.equal(j.by_region.reduce((a, g) => a + g[k], 0), j[k].total, k);
    assert.equal(j.by_province.reduce((a, g) => a + g[k], 0), j[k].total, k);
  }
  for (const k of ['1', '2', '3', 'out_of_ranking']) {
    assert.equal(j.by_region.reduce((a, g) => a + g.ranks_all[k], 0), j.ranks_all.total[k], k);
  }
  // trends: both published periods, oldest first
  assert.deepEqual(j.trends.map((t) => t.period), ['1399-1', '1399-2']);
  // 1399-2: the two non-participants now ranked; R-2003 (revoked) declared
  // nothing in 1399-2, so it is no participant there
  assert.equal(j.trends[1].participated.total, 7);
});

test('report --format text prints the tables and the checks; csv has ASCII digits', () => {
  let r = report(['--period', '1399-1', '--by', 'region']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Ranks among participants/);
  assert.match(r.stdout, /Ranks among all offices \(non-participants counted in rank 3\)/);
  assert.match(r.stdout, /Checks: \d+ sums checked .*all hold — the tables reconcile\./);
  assert.match(r.stdout, /tehran urban/);
  // the published 1399 figures and where their difference goes
  assert.match(r.stdout, /2070 \+ rank 2 1600 \+ rank 3 202 = 3872; reported difference \(unexplained\) -12/);
  assert.match(r.stdout, /145 \+ rank 2 89 \+ rank 3 35 = 269; reported difference \(unexplained\) 27/);
  r = report(['--period', '1399-1', '--format', 'csv', '--by', 'province']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\r\n');
  assert.match(lines[0], /^scope,code,name_en,name_fa,type,offices,participated,participation_pct,rank1,/);
  assert.equal(lines[1], 'nation,IR,Iran,ایران,urban,6,4,66.7,2,1,1,0,1,2,1,2,1,0,1,0,0,0');
  assert.equal(lines.filter((l) => l.startsWith('province,')).length, 31 * 3);
  assert.doesNotMatch(r.stdout, /[۰-۹]/);
  // the default period is the newest published one
  r = report(['--format', 'json']);
  assert.equal(JSON.parse(r.stdout).period, '1399-2');
});

test('report --format xlsx: a valid workbook, Persian right-to-left sheets, numbers as numbers', () => {
  const f = path.join(tmp, 'r.xlsx');
  const r = report(['--period', '1399-1', '--format', 'xlsx', '--out', f]);
  assert.equal(r.status, 0, r.stderr);
  const t = spawnSync('unzip', ['-t', f], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  const part = (name) => spawnSync('unzip', ['-p', f, name], { encoding: 'utf8' }).stdout;
  const wb = part('xl/workbook.xml');
  for (const name of ['خلاصه', 'مناطق', 'استان‌ها', 'روند']) assert.ok(wb.includes(`name="${name}"`), name);
  for (let i = 1; i <= 4; i++) assert.match(part(`xl/worksheets/sheet${i}.xml`), /rightToLeft="1"/);
  const s1 = part('xl/worksheets/sheet1.xml');
  // B4: urban offices, a number cell (no t="s"); D4 the participation share
  assert.match(s1, /<c r="B4"(?: s="\d+")?><v>6<\/v><\/c>/);
  assert.match(s1, /<c r="D4" s="\d+"><v>66.7<\/v><\/c>/);
  const shared = part('xl/sharedStrings.xml');
  assert.ok(shared.includes('تعداد دفاتر') && shared.includes('درصد مشارکت'));
  // without --out to a pipe: the same bytes on stdout
  const p = spawnSync(BIN, ['report', '--data', dir, '--period', '1399-1', '--format', 'xlsx']);
  assert.equal(p.status, 0);
  assert.equal(p.stdout.subarray(0, 2).toString(), 'PK');
});

test('report refuses bad options and periods without results', () => {
  let r = report(['--period', '1399-1', '--format', 'pdf']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--format pdf/);
  r = report(['--period', '1399-1', '--by', 'city']);
  assert.equal(r.status, 2);
  r = report(['--period', '1388-1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no such period/);
  r = report(['--period', '1400-2']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no published result set/);
});

test('a result set that does not add up is reported, not hidden', () => {
  // 1400-1: a "ranked" office without a rank falls in no bucket
  publish(dir, '1400-1', 1, R1399.map(([o, st, rk, sc]) => o === 'U-1003' ? [o, 'ranked', null, 55] : [o, st, rk, sc]),
          '2021-10-01T08:00:00Z');
  let r = report(['--period', '1400-1', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.reconciles, false);
  assert.ok(j.checks.failed > 0);
  assert.equal(j.difference.urban.participants, 1);
  assert.ok(j.checks.failures.some((f) => /province fars, urban/.test(f.what)));
  r = report(['--period', '1400-1']);
  assert.match(r.stdout, /do NOT reconcile/);
  assert.match(r.stdout, /province fars, urban: participants = rank 1 \+ 2 \+ 3 \+ out of ranking: expected 1, the parts add up to 0 \(difference 1\)/);
});

// ---- Pages ------------------------------------------------------------------

test('the HTML checker catches what it should', () => {
  const ok = '<!doctype html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>t</title></head><body><p>x</p></body></html>';
  assert.deepEqual(checkHtml(ok), []);
  const bad = [
    ok.replace('<p>x</p>', '<p>x'),                       // unclosed
    ok.replace('<p>x</p>', '<p id="a"></p><p id="a"></p>'), // duplicate id
    ok.replace('<p>x</p>', '<p class=a>x</p>'),            // unquoted
    ok.replace('<p>x</p>', '<p>a & b</p>'),                 // bare &
    ok.replace('<p>x</p>', '<p><div></div></p>'),           // block in p
    ok.replace(' dir="rtl"', ''),                           // no dir
    ok.replace('<title>t</title>', '<title></title>'),      // empty title
    ok.replace('<p>x</p>', '<br></br>'),                    // void closed
    ok.replace('<p>x</p>', '<span/>'),                      // self-closed outside svg
  ];
  for (const b of bad) assert.notDeepEqual(checkHtml(b), [], b);
});

test('statistics pages: public and HQ, valid HTML, Persian digits, charts, access', async () => {
  const pub = await get(srv.url + '/stats?period=1399-1');
  assert.equal(pub.status, 200);
  assertValidHtml(pub.text, '/stats');
  assert.match(pub.text, /id="reconciles"/);
  assert.match(pub.text, /class="flash ok" id="reconciles"/);
  assert.equal((pub.text.match(/<figure class="chart"><svg /g) || []).length, 5);
  assert.match(pub.text, /<td class="num">۶۶٫۷٪<\/td>/);
  assert.match(pub.text, /نیمهٔ نخست ۱۳۹۹/);
  assert.doesNotMatch(pub.text, /id="fairness"/);
  assert.doesNotMatch(pub.text, /id="by-province"/);
  // the published figures with their difference
  assert.match(pub.text, /<td class="num">−۱۲<\/td>/);
  // numbers in table cells are in Persian digits
  for (const m of pub.text.matchAll(/<td class="num">([^<]*)<\/td>/g)) assert.doesNotMatch(m[1], /[0-9]/, m[1]);

  let r = await get(srv.url + '/hq/stats?period=1399-1');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login\?next=/);
  r = await off.get('/hq/stats?period=1399-1');
  assert.equal(r.status, 403);
  r = await rev.get('/hq/stats?period=1399-1');
  assert.equal(r.status, 403);
  const hq = await hqr.get('/hq/stats?period=1399-1');
  assert.equal(hq.status, 200);
  assertValidHtml(hq.text, '/hq/stats');
  assert.match(hq.text, /id="fairness"/);
  assert.match(hq.text, /id="by-province"/);
  // reviewers beside their region: rev 6 claims (1 adjust, 1 reject) in tehran
  const revRow = hq.text.match(/<tr><th scope="row" dir="ltr">rev<\/th>.*?<\/tr>/)[0];
  assert.match(revRow, /<td>tehran<\/td><td class="num">۶<\/td><td class="num">۱۶٫۷٪<\/td><td class="num muted">۱۶٫۷٪<\/td>/);
  const rev2Row = hq.text.match(/<tr><th scope="row" dir="ltr">rev2<\/th>.*?<\/tr>/)[0];
  assert.match(rev2Row, /<td class="num">۱۰۰٫۰٪<\/td><td class="num muted">۱۰۰٫۰٪<\/td><\/tr>$/);
  // within two points of a threshold: U-1002 (71) and R-2002 (68.5)
  assert.match(hq.text, /id="near-count">پیشخوان شهری: ۱، ICT روستایی: ۱، همه: ۲ دفتر/);
  assert.match(hq.text, /href="\/offices\/U-1002"/);
  assert.match(hq.text, /href="\/offices\/R-2002"/);
  // the share of rank 1: urban 2 of 4 ranked, no ceiling; 1399-2 ceilings nowhere either
  assert.match(hq.text, /id="t-ceiling"/);
  const hqa2 = await hqa.get('/hq/stats');
  assert.equal(hqa2.status, 200);

  // no period with results yet on a fresh directory: a page that says so
  const empty = freshData();
  const s2 = await startServer(empty);
  try {
    const e = await get(s2.url + '/stats');
    assert.equal(e.status, 200);
    assertValidHtml(e.text, '/stats (empty)');
    assert.match(e.text, /id="no-results"/);
    assert.equal((await get(s2.url + '/stats?period=1399-1')).status, 404);
  } finally {
    await s2.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('downloads: CSV, XLSX and JSON of the statistics', async () => {
  let r = await get(srv.url + '/stats/export?period=1399-1&format=csv&by=region');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="pishkhan-1399-1.csv"/);
  assert.match(r.text, /\r\nregion,tehran,/);
  const x = await fetch(srv.url + '/stats/export?period=1399-1&format=xlsx');
  assert.equal(x.status, 200);
  assert.equal(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  r = await get(srv.url + '/api/v1/periods/1399-1/stats');
  assert.equal(r.status, 200);
  assert.equal(r.json.reconciles, true);
  assert.deepEqual(r.json.offices, { urban: 6, rural_ict: 3, total: 9 });
  assert.equal((await get(srv.url + '/api/v1/periods/1400-2/stats')).status, 404);
  assert.equal((await get(srv.url + '/api/v1/periods/1388-1/stats')).status, 404);
  assert.equal((await get(srv.url + '/stats/export?period=1399-1&format=pdf')).status, 400);
});

// ---- Open data ----------------------------------------------------------------

test('open data: published results, paginated, no personal data', async () => {
  const seen = [];
  let pages;
  for (let p = 1; ; p++) {
    const r = await get(srv.url + `/api/v1/periods/1399-1/results?page=${p}&per_page=4`);
    assert.equal(r.status, 200);
    assert.equal(r.json.total, 9);
    assert.equal(r.json.per_page, 4);
    pages = r.json.pages;
    if (p < 3) assert.match(r.headers.get('link'), new RegExp(`page=${p + 1}&per_page=4>; rel="next"`));
    else assert.equal(r.headers.get('link'), null);
    for (const o of r.json.results) {
      assert.deepEqual(Object.keys(o).sort(),
        ['city', 'name', 'office', 'province', 'rank', 'region', 'score', 'status', 'type']);
      seen.push(o.office);
    }
    if (r.json.results.length < 4) break;
  }
  assert.equal(pages, 3);
  assert.equal(seen.length, 9);
  assert.equal(new Set(seen).size, 9);
  assert.deepEqual([...seen].sort(), seen);
  const all = await get(srv.url + '/api/v1/periods/1399-1/results');
  assert.equal(all.json.result_set.version, 1);
  const u1 = all.json.results.find((o) => o.office === 'U-1001');
  assert.equal(u1.rank, 1);
  assert.equal(u1.score, 82.5);
  assert.equal(all.json.results.find((o) => o.office === 'U-1004').rank, null);
  // nothing personal anywhere: holder names, national IDs, phones
  assert.doesNotMatch(all.text, /0499370899|علی رضایی|02166001122|holder|national|phone/);
  assert.equal((await get(srv.url + '/api/v1/periods/1399-1/results?per_page=5000')).status, 400);
  assert.equal((await get(srv.url + '/api/v1/periods/1399-1/results?page=0')).status, 400);
  assert.equal((await get(srv.url + '/api/v1/periods/1388-1/results')).status, 404);
  assert.equal((await get(srv.url + '/api/v1/periods/1400-2/results')).status, 404);
  const beyond = await get(srv.url + '/api/v1/periods/1399-1/results?page=9&per_page=4');
  assert.equal(beyond.status, 200);
  assert.deepEqual(beyond.json.results, []);
});

// ---- Right to reply -------------------------------------------------------------

test('right to reply: the office writes, HQ approves, the public sees it', async () => {
  const evil = 'نتیجه را می‌پذیریم <script>alert(1)</script> & سپاس';
  let r = await off.get('/offices/U-1001/reply');
  assert.equal(r.status, 200);
  assertValidHtml(r.text, '/offices/U-1001/reply');
  // another office's page: not this operator's
  assert.equal((await off.get('/offices/U-1003/reply')).status, 403);
  assert.equal((await hqa.get('/offices/U-1001/reply')).status, 403);
  r = await off.post('/offices/U-1001/reply', { period: '1399-1', text: '' });
  assert.equal(r.status, 422);
  assertValidHtml(r.text, 'reply with an error');
  r = await off.post('/offices/U-1001/reply', { period: '1399-1', text: 'نخست' });
  assert.equal(r.status, 303);
  r = await off.post('/offices/U-1001/reply', { period: '1399-1', text: evil });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/offices/U-1001/reply?ok=1');
  // a rewrite of the pending reply, not a second one
  r = await off.get('/offices/U-1001/reply');
  assert.equal((r.text.match(/data-state="pending"/g) || []).length, 1);
  // not public before HQ approves
  let pub = await get(srv.url + '/offices/U-1001');
  assert.doesNotMatch(pub.text, /id="replies"/);
  // HQ admin only
  assert.equal((await hqr.get('/admin/replies')).status, 403);
  assert.equal((await off.get('/admin/replies')).status, 403);
  r = await hqa.get('/admin/replies');
  assert.equal(r.status, 200);
  assertValidHtml(r.text, '/admin/replies');
  const id = r.text.match(/id="reply-(\d+)"/)[1];
  assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; سپاس'));
  // rejecting needs a reason
  r = await hqa.post(`/admin/replies/${id}/reject`, { reason: '' });
  assert.equal(r.status, 422);
  assertValidHtml(r.text, 'reject without a reason');
  assert.match(r.text, /id="errors"><li>دلیل: برای رد پاسخ، دلیل لازم است\.<\/li>/);
  assert.equal((await off.post(`/admin/replies/${id}/approve`, {})).status, 403);
  r = await hqa.post(`/admin/replies/${id}/approve`, {});
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/replies?done=1');
  // twice is refused
  r = await hqa.post(`/admin/replies/${id}/approve`, {});
  assert.equal(r.status, 422);
  assert.match(r.text, /پیش‌تر بررسی شده/);
  assert.equal((await hqa.post('/admin/replies/999/approve', {})).status, 422);
  pub = await get(srv.url + '/offices/U-1001');
  assertValidHtml(pub.text, '/offices/U-1001');
  assert.match(pub.text, /id="replies"/);
  assert.ok(pub.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; سپاس'));
  assert.doesNotMatch(pub.text, /<script>/);
  // the audit chain holds the writes and the decision
  const a = pk(['audit', 'verify', '--data', dir]);
  assert.equal(a.status, 0, a.stdout + a.stderr);
  const acts = sqlRows(dir, "SELECT action FROM audit WHERE action LIKE 'reply_%' ORDER BY id;").map((x) => x.action);
  assert.deepEqual(acts, ['reply_write', 'reply_write', 'reply_approve']);
});

// ---- Certificates ---------------------------------------------------------------

function token(link) {
  return new URL(link).searchParams.get('c');
}
function altered(tok, from, to) {
  const [pay, mac] = tok.split('.');
  const p = Buffer.from(pay, 'base64url').toString().replace(from, to);
  return Buffer.from(p).toString('base64url') + '.' + mac;
}

test('certificates: printable with a QR code; verification confirms the genuine and denies the altered', async () => {
  const pub = await get(srv.url + '/offices/U-1001');
  assert.match(pub.text, /href="\/offices\/U-1001\/certificate\/1399-1"/);
  assert.match(pub.text, /<span class="badge rank1">رتبهٔ ۱<\/span>/);
  assert.match(pub.text, /۸۲٫۵۰/);
  const c = await get(srv.url + '/offices/U-1001/certificate/1399-1');
  assert.equal(c.status, 200);
  assertValidHtml(c.text, 'certificate');
  assert.match(c.text, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="qr"/);
  const link = c.text.match(/id="verify-link">([^<]+)</)[1].replace(/&amp;/g, '&');
  assert.ok(link.startsWith(srv.url + '/verify?c='), link);
  const tok = token(link);
  // the same certificate twice: the same token (the key is made once)
  const c2 = await get(srv.url + '/offices/U-1001/certificate/1399-1');
  assert.equal(token(c2.text.match(/id="verify-link">([^<]+)</)[1]), tok);

  let v = await get(link);
  assert.equal(v.status, 200);
  assertValidHtml(v.text, 'verify (genuine)');
  assert.match(v.text, /data-verdict="genuine"/);
  v = await get(srv.url + '/api/v1/verify?c=' + encodeURIComponent(tok));
  assert.deepEqual(v.json.certificate, { office: 'U-1001', period: '1399-1', rank: 1, score: '82.50', version: 1 });
  assert.equal(v.json.verdict, 'genuine');

  for (const [from, to] of [['|1|82.50', '|2|82.50'], ['82.50', '92.50'], ['U-1001', 'U-1002'], ['1399-1', '1399-2']]) {
    const bad = altered(tok, from, to);
    v = await get(srv.url + '/verify?c=' + encodeURIComponent(bad));
    assertValidHtml(v.text, 'verify (forged)');
    assert.match(v.text, /data-verdict="forged"/, from);
    assert.doesNotMatch(v.text, /data-verdict="genuine"/);
    v = await get(srv.url + '/api/v1/verify?c=' + encodeURIComponent(bad));
    assert.equal(v.json.verdict, 'forged');
    assert.equal(v.json.genuine, false);
  }
  v = await get(srv.url + '/verify?c=not-a-token');
  assert.match(v.text, /data-verdict="malformed"/);
  assert.equal((await get(srv.url + '/api/v1/verify')).status, 400);
  const form = await get(srv.url + '/verify');
  assertValidHtml(form.text, '/verify');

  // no certificate without a published rank
  assert.equal((await get(srv.url + '/offices/U-1005/certificate/1399-1')).status, 404);
  assert.equal((await get(srv.url + '/offices/U-1004/certificate/1399-1')).status, 404);
  assert.equal((await get(srv.url + '/offices/U-1001/certificate/1400-2')).status, 404);
  assert.equal((await get(srv.url + '/offices/NOPE/certificate/1399-1')).status, 404);

  // an objection upheld: version 2 gives U-1001 rank 2; the old certificate
  // was genuine for version 1 but is now superseded; the new one is genuine
  publish(dir, '1399-1', 2, R1399.map(([o, st, rk, sc]) => o === 'U-1001' ? [o, st, 2, 65] : [o, st, rk, sc]),
          '2020-11-01T08:00:00Z');
  v = await get(srv.url + '/api/v1/verify?c=' + encodeURIComponent(tok));
  assert.equal(v.json.verdict, 'superseded');
  assert.deepEqual(v.json.current, { version: 2, rank: 2, score: '65.00' });
  v = await get(link);
  assert.match(v.text, /data-verdict="superseded"/);
  const c3 = await get(srv.url + '/offices/U-1001/certificate/1399-1');
  const tok3 = token(c3.text.match(/id="verify-link">([^<]+)</)[1]);
  assert.notEqual(tok3, tok);
  assert.equal((await get(srv.url + '/api/v1/verify?c=' + encodeURIComponent(tok3))).json.verdict, 'genuine');
});

// ---- The API description ------------------------------------------------------

test('docs/openapi.yaml documents every API route of `pishkhan routes`', () => {
  const yaml = readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
  const documented = new Set();
  let cur = null;
  for (const line of yaml.split('\n')) {
    let m = line.match(/^  (\/[^:]+):\s*$/);
    if (m) { cur = m[1].replace(/\{[^}]+\}/g, '*'); continue; }
    if (/^\S/.test(line)) cur = null;
    m = line.match(/^    (get|put|post|delete|patch):/);
    if (m && cur) documented.add(`${m[1].toUpperCase()} ${cur}`);
  }
  const routes = pk(['routes']).stdout.trim().split('\n').filter((l) => / \/api\//.test(l));
  assert.ok(routes.length >= 10);
  const missing = routes.filter((r) => !documented.has(r));
  assert.deepEqual(missing, [], 'API routes missing from docs/openapi.yaml');
  const stale = [...documented].filter((d) => !routes.includes(d));
  assert.deepEqual(stale, [], 'docs/openapi.yaml documents routes that do not exist');
});

// ---- The demo nation ------------------------------------------------------------

test('the demo nation\'s 1399-1 reads as published: 6630/1313 offices, 3860/296 participants', async (t) => {
  const help = pk(['help']).stdout;
  if (!/pishkhan rank /.test(help)) { t.skip('`pishkhan rank` is not a command yet'); return; }
  const demo = path.join(tmp, 'demo');
  let r = pk(['demo', '--data', demo, '--surveys', '2000']);
  assert.equal(r.status, 0, r.stderr);
  const fin = sqlRows(demo, "SELECT count(*) AS n FROM declaration d JOIN period p ON p.id=d.period_id WHERE p.code='1399-1' AND d.state='finalised';");
  if (!fin.length || fin[0].n === 0) {
    t.skip('the demo does not create finalised 1399-1 declarations yet');
    return;
  }
  const published = sqlRows(demo, "SELECT count(*) AS n FROM result_set rs JOIN period p ON p.id=rs.period_id WHERE p.code='1399-1' AND rs.state='published';");
  if (published[0].n === 0) {
    r = pk(['rank', '--data', demo, '--period', '1399-1']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    r = pk(['rank', '--data', demo, '--period', '1399-1', '--publish']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
  r = pk(['report', '--data', demo, '--period', '1399-1', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.period, '1399-1');
  assert.deepEqual(j.offices, { urban: 6630, rural_ict: 1313, total: 7943 });
  assert.deepEqual(j.participated, { urban: 3860, rural_ict: 296, total: 4156 });
  assert.deepEqual(j.participation_pct, { urban: 58.2, rural_ict: 22.5, total: 52.3 });
  for (const ty of ['urban', 'rural_ict']) {
    for (const k of ['1', '2', '3']) assert.equal(typeof j.ranks_participants[ty][k], 'number');
    const rp = j.ranks_participants[ty];
    assert.equal(rp[1] + rp[2] + rp[3] + rp.out_of_ranking, j.participated[ty]);
    const ra = j.ranks_all[ty];
    assert.equal(ra[1] + ra[2] + ra[3] + ra.out_of_ranking, j.offices[ty]);
  }
  assert.equal(j.by_region.length, 9);
  assert.equal(j.by_region.reduce((a, g) => a + g.offices, 0), 7943);
  assert.equal(j.reconciles, true);
});
