// external.test.mjs — external scores (docs/external.md): the survey import
// (idempotence, export, unsorted files, each bad-row message, bounded
// memory), association scores
// (cap, window, HQ override, page and CSV), committee rulings (states,
// revocation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, SAMPLE, pk, freshData, startServer, addUser, login } from './lib.mjs';

const HEADER = 'tracking_no,office_code,service_code,rating,answered_at\n';
const IN_WINDOW = '2020-08-15T08:00:00Z';    // 1399/05/25, inside 1399/05/01..1399/06/20
const AFTER_WINDOW = '2020-09-15T08:00:00Z';  // 1399/06/25

function sql(dir, q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// The sample registry and period 1399-1 (declaring).
function setup(t) {
  const dir = freshData(t);
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
          '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['period', 'advance', '1399-1', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

function tmpFile(t, name, text) {
  const d = mkdtempSync(path.join(tmpdir(), 'pk-ext-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const f = path.join(d, name);
  writeFileSync(f, text);
  return f;
}

function survey(dir, file) {
  return pk(['survey', 'import', '--period', '1399-1', '--data', dir, file]);
}

function exportCsv(dir, extra = []) {
  const r = pk(['survey', 'export', '--period', '1399-1', '--data', dir, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('survey import: stored once per tracking number, idempotent, overlapping files', (t) => {
  const dir = setup(t);
  const a = tmpFile(t, 'a.csv', HEADER +
    '1001,U-1001,sabt-01,5,1399/02/10 09:15\n' +
    '1002,U-1001,sabt-01,4,1399/02/10 10:00:30\n' +
    '۱۰۰۳,U-1003,post-01,2,۱۳۹۹/۰۳/۰۱ ۱۱:۰۰\n' +          // Persian digits
    '1002,U-1001,sabt-01,4,1399/02/10 10:00:30\n');         // repeated in the file
  let r = survey(dir, a);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').pop(), 'survey import: read 4, new 3, duplicate 1, rejected 0');
  r = survey(dir, a);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'survey import: read 4, new 0, duplicate 4, rejected 0');
  const b = tmpFile(t, 'b.csv', HEADER +
    '1003,U-1003,post-01,2,1399/03/01 11:00\n' +
    '0001004,U-1003,post-01,1,1399/06/31 23:59:59\n');     // leading zeros are kept
  r = survey(dir, b);
  assert.equal(r.stdout.trim(), 'survey import: read 2, new 1, duplicate 1, rejected 0');
  assert.equal(sql(dir, "SELECT n||','||sum||','||sumsq FROM survey_stat WHERE office_code='U-1001'"), '2,9,41');
  assert.equal(sql(dir, "SELECT n||','||sum||','||sumsq FROM survey_stat WHERE office_code='U-1003'"), '2,3,5');
  // every response kept, given back in the import's own format
  const all = HEADER +
    '1001,U-1001,sabt-01,5,1399/02/10 09:15:00\n' +
    '1002,U-1001,sabt-01,4,1399/02/10 10:00:30\n' +
    '1003,U-1003,post-01,2,1399/03/01 11:00:00\n' +
    '0001004,U-1003,post-01,1,1399/06/31 23:59:59\n';
  assert.equal(exportCsv(dir), all);
  assert.equal(exportCsv(dir, ['--office', 'U-1003']), HEADER +
    '1003,U-1003,post-01,2,1399/03/01 11:00:00\n0001004,U-1003,post-01,1,1399/06/31 23:59:59\n');
  assert.equal(exportCsv(dir, ['--office', 'U-1002']), HEADER);
  r = pk(['survey', 'export', '--period', '1399-1', '--data', dir, '--office', 'U-9999']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no office U-9999/);
  // the export imports again as it is, into a fresh store, and adds nothing here
  const dir2 = setup(t);
  const e = tmpFile(t, 'e.csv', all);
  r = survey(dir2, e);
  assert.equal(r.stdout.trim(), 'survey import: read 4, new 4, duplicate 0, rejected 0');
  assert.equal(exportCsv(dir2), all);
  r = survey(dir, e);
  assert.equal(r.stdout.trim(), 'survey import: read 4, new 0, duplicate 4, rejected 0');
  // stdin works too, and an unknown period is refused
  r = pk(['survey', 'import', '--period', '1399-1', '--data', dir, '-'],
         { input: HEADER + '1005,U-1001,x,3,1399/01/05 12:00\n' });
  assert.equal(r.stdout.trim(), 'survey import: read 1, new 1, duplicate 0, rejected 0');
  r = pk(['survey', 'import', '--period', '1400-1', '--data', dir, a]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no period 1400-1/);
  // one audit entry per import
  assert.equal(sql(dir, "SELECT count(*) FROM audit WHERE action='survey.import'"), '5');
});

// Files in any order, larger than a chunk: each chunk is sorted and merged
// into the stored blocks (PISHKHAN_SURVEY_CHUNK makes chunks small).
test('survey import: unsorted files over many chunks merge exactly', (t) => {
  const dir = setup(t);
  const codes = ['U-1001', 'U-1002', 'U-1003', 'U-1004', 'U-1005', 'R-2001'];
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const kept = new Map();           // tracking number -> line, the first stays
  const file = (n, span) => {
    let text = HEADER, nNew = 0;
    for (let i = 0; i < n; i++) {
      const key = String(5000000 + rnd(span));
      const line = `${key},${codes[rnd(6)]},svc-${rnd(3)},${1 + rnd(5)},1399/0${1 + rnd(6)}/1${rnd(10)} 1${rnd(10)}:0${rnd(10)}:00\n`;
      if (!kept.has(key)) { kept.set(key, line); nNew++; }
      text += line;
    }
    return { text, nNew };
  };
  const env = { PISHKHAN_SURVEY_CHUNK: '1024' };
  for (const [n, span] of [[20000, 30000], [15000, 60000], [5000, 200000]]) {
    const f = file(n, span);
    const r = pk(['survey', 'import', '--period', '1399-1', '--data', dir, tmpFile(t, 'u.csv', f.text)], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `survey import: read ${n}, new ${f.nNew}, duplicate ${n - f.nNew}, rejected 0`);
  }
  const want = [...kept.keys()].sort((x, y) => Number(x) - Number(y)).map((k) => kept.get(k)).join('');
  assert.equal(exportCsv(dir), HEADER + want);
  let sum = 0;
  for (const line of kept.values()) sum += Number(line.split(',')[3]);
  assert.equal(sql(dir, 'SELECT sum(n)||\',\'||sum(sum) FROM survey_stat'), `${kept.size},${sum}`);
  // blocks stay within their size, and do not overlap
  assert.equal(sql(dir, 'SELECT max(n) <= 4096 FROM survey_block'), '1');
  assert.equal(sql(dir, 'SELECT count(*) FROM survey_block a JOIN survey_block b ON a.period_id=b.period_id' +
                        ' AND a.lo < b.lo AND a.hi >= b.lo'), '0');
});

// Responses stored one row each (schema 5) before blocks are still kept,
// exported and count as stored.
test('survey import: responses of the old row-per-response table stay', (t) => {
  const dir = setup(t);
  sql(dir, "INSERT INTO survey_response VALUES((SELECT id FROM period WHERE code='1399-1'),'T-1','U-1001','sabt-01',5,'2020-04-29T04:45:00Z')," +
           "((SELECT id FROM period WHERE code='1399-1'),'2002','U-1003','post-01',2,'2020-09-21T20:29:59Z');" +
           "INSERT INTO survey_stat VALUES((SELECT id FROM period WHERE code='1399-1'),'U-1001',1,5,25)," +
           "((SELECT id FROM period WHERE code='1399-1'),'U-1003',1,2,4)");
  const f = tmpFile(t, 'o.csv', HEADER + '2001,U-1001,s,4,1399/02/10 09:15\n2002,U-1003,post-01,2,1399/06/31 23:59:59\n');
  const r = survey(dir, f);
  assert.equal(r.stdout.trim(), 'survey import: read 2, new 1, duplicate 1, rejected 0');
  assert.equal(exportCsv(dir), HEADER +
    '2001,U-1001,s,4,1399/02/10 09:15:00\n' +
    '2002,U-1003,post-01,2,1399/06/31 23:59:59\n' +
    'T-1,U-1001,sabt-01,5,1399/02/10 09:15:00\n');
  assert.equal(sql(dir, 'SELECT sum(n) FROM survey_stat'), '3');
});

test('survey import: each bad row named LINE:COLUMN, nothing stored', (t) => {
  const dir = setup(t);
  const bad = tmpFile(t, 'bad.csv', HEADER +
    '1,U-1001,sabt-01,5,1399/02/10 09:15\n' +           // 2 good
    '2,U-9999,sabt-01,5,1399/02/10 09:15\n' +           // 3 unknown office
    '3,U-1001,sabt-01,6,1399/02/10 09:15\n' +           // 4 rating
    '4,U-1001,sabt-01,0,1399/02/10 09:15\n' +           // 5 rating
    '5,U-1001,sabt-01,5,1399/02/32 09:15\n' +           // 6 bad date
    '6,U-1001,sabt-01,5,yesterday\n' +                  // 7 bad date
    '7,U-1001,sabt-01,5,1399/07/02 10:00\n' +           // 8 outside the period
    '8,U-1001,sabt-01,5\n' +                            // 9 ragged, short
    '9,U-1001,sabt-01,5,1399/02/10 09:15,extra\n' +     // 10 ragged, long
    ',U-1001,sabt-01,5,1399/02/10 09:15\n' +            // 11 empty tracking number
    '11,U-1001,,5,1399/02/10 09:15\n' +                 // 12 empty service
    '12,U-1001,sabt-01,5,1399/02/10 25:00\n' +          // 13 time of day
    '13,"U-1001,sabt-01,5,1399/02/10 09:15\n');        // 14 unterminated quote
  const r = survey(dir, bad);
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  const want = [
    /^3:2: office_code: unknown office "U-9999"$/,
    /^4:4: rating: "6" is not a whole number from 1 to 5$/,
    /^5:4: rating: "0" is not a whole number from 1 to 5$/,
    /^6:5: answered_at: "1399\/02\/32 09:15": no such Jalali date$/,
    /^7:5: answered_at: "yesterday": not a Jalali date and time/,
    /^8:5: answered_at: 1399\/07\/02 is outside period 1399-1 \(1399\/01\/01 to 1399\/06\/31\)$/,
    /^9:5: expected 5 fields, found 4$/,
    /^10:6: expected 5 fields, found 6$/,
    /^11:1: tracking_no: "" is not a number of 1 to 18 digits$/,
    /^12:3: service_code: "" is not 1 to 64 letters/,
    /^13:5: answered_at: "1399\/02\/10 25:00": time of day out of range$/,
    /^14:2: unterminated quoted field$/,
  ];
  for (const re of want) assert.ok(lines.some((l) => re.test(l)), `missing ${re}\n${r.stderr}`);
  assert.match(r.stderr, /12 bad rows; nothing was stored/);
  assert.equal(r.stdout.trim(), 'survey import: read 13, new 0, duplicate 0, rejected 12');
  assert.equal(sql(dir, 'SELECT count(*) FROM survey_block'), '0');
  assert.equal(sql(dir, 'SELECT count(*) FROM survey_stat'), '0');
  // tracking numbers are numbers of 1 to 18 digits
  const tn = tmpFile(t, 'tn.csv', HEADER +
    'T-1,U-1001,sabt-01,5,1399/02/10 09:15\n' +
    '1234567890123456789,U-1001,sabt-01,5,1399/02/10 09:15\n' +
    '123456789012345678,U-1001,sabt-01,5,1399/02/10 09:15\n' +
    '12 34,U-1001,sabt-01,5,1399/02/10 09:15\n');
  const r3 = survey(dir, tn);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /^2:1: tracking_no: "T-1" is not a number of 1 to 18 digits$/m);
  assert.match(r3.stderr, /^3:1: tracking_no: "1234567890123456789" is not a number of 1 to 18 digits$/m);
  assert.match(r3.stderr, /^5:1: tracking_no: "12 34" is not a number/m);
  assert.doesNotMatch(r3.stderr, /^4:/m);
  assert.equal(r3.stdout.trim(), 'survey import: read 4, new 0, duplicate 0, rejected 3');
  // a wrong header
  const h = tmpFile(t, 'h.csv', 'tracking,office_code,service_code,rating,answered_at\n1,U-1001,s,5,1399/02/10 09:15\n');
  const r2 = survey(dir, h);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /^1:1: expected the header tracking_no,office_code,service_code,rating,answered_at/m);
});

// Peak memory of an import of n rows, in chunks of 16,384 rows.
function importRss(t, n) {
  const dir = setup(t);
  const codes = ['U-1001', 'U-1002', 'U-1003', 'U-1004', 'U-1005', 'R-2001'];
  const parts = [HEADER];
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const day = 1 + Math.floor(i * 186 / n);
    chunk += `${100000000 + i},${codes[i % 6]},svc-${i % 7},${1 + (i * 7) % 5},1399/${String(1 + Math.floor((day - 1) / 31)).padStart(2, '0')}/${String(1 + (day - 1) % 31).padStart(2, '0')} ${String(8 + i % 10).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}\n`;
    if (chunk.length > 1 << 20) { parts.push(chunk); chunk = ''; }
  }
  parts.push(chunk);
  const f = tmpFile(t, 'big.csv', parts.join(''));
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', BIN, 'survey', 'import', '--period', '1399-1',
                                        '--data', dir, f],
                      { encoding: 'utf8', env: { ...process.env, PISHKHAN_SURVEY_CHUNK: '16384' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `survey import: read ${n}, new ${n}, duplicate 0, rejected 0`);
  assert.equal(sql(dir, 'SELECT sum(n) FROM survey_stat'), String(n));
  return Number(r.stderr.match(/maxrss_kb=(\d+)/)[1]);
}

test('survey import: memory stays bounded on a large file', (t) => {
  // 100,000 and 500,000 rows (6 MB and 30 MB of CSV), 7 and 31 chunks: the
  // import holds a few batches of text, one chunk with its sort buffers,
  // one block and SQLite's page cache, so the larger file needs hardly more
  // memory than the smaller (the page cache fills a little more). Holding
  // the file, or every record (16 bytes each), would cost the larger one
  // 6 MB to 24 MB more.
  const small = importRss(t, 100000);
  const large = importRss(t, 500000);
  // Under AddressSanitizer freed memory waits in its quarantine (up to
  // 256 MB), so there peak RSS follows the work done, not what is held:
  // only the absolute limit is checked.
  const san = BIN.includes('build-san');
  assert.ok(large < (san ? 400 : 64) * 1024, `peak RSS ${large} KB`);
  if (!san) assert.ok(large - small < 6 * 1024, `peak RSS ${small} KB for 100,000 rows, ${large} KB for 500,000`);
});

test('association scores: page, cap, window, HQ override, CSV upload and CLI', async (t) => {
  const dir = setup(t);
  addUser(dir, 'assoc', 'association', ['--province', 'tehran']);
  addUser(dir, 'hqa', 'hq_admin', []);
  let srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0', PISHKHAN_NOW: IN_WINDOW } });
  let { client: c } = await login(srv.url, 'assoc');
  let res = await c.get('/association?sort=score');
  assert.equal(res.status, 200);
  assert.match(res.text, /U-1001/);
  assert.doesNotMatch(res.text, /U-1003/);        // fars: another province
  assert.match(res.text, /name="s_U-1001"/);
  // within the cap
  res = await c.post('/association', { period: '1399-1', 's_U-1001': '17', 'n_U-1001': 'خوب' });
  assert.equal(res.status, 303, res.text);
  assert.equal(sql(dir, "SELECT score||'|'||note FROM association_score WHERE office_code='U-1001'"), '17.0|خوب');
  // over the cap (the default scheme: 0..20, whole numbers): nothing stored
  res = await c.post('/association', { period: '1399-1', 's_U-1001': '15', 's_U-1006': '21' });
  assert.equal(res.status, 422);
  assert.match(res.text, /امتیاز باید عددی صحیح از ۰ تا ۲۰ باشد/);
  assert.equal(sql(dir, "SELECT score FROM association_score WHERE office_code='U-1001'"), '17.0');
  res = await c.post('/association', { period: '1399-1', 's_U-1001': '12.5' });
  assert.equal(res.status, 422);
  // an office of another province cannot be reached through the form
  res = await c.post('/association', { period: '1399-1', 's_U-1003': '10' });
  assert.equal(res.status, 303);
  assert.equal(sql(dir, "SELECT count(*) FROM association_score WHERE office_code='U-1003'"), '0');
  // CSV upload
  const fd = new FormData();
  fd.append('csrf', c.csrf);
  fd.append('period', '1399-1');
  fd.append('file', new Blob(['office_code,score,note\nU-1006,9,\nU-1001,18,دوباره\n']), 'a.csv');
  let up = await fetch(srv.url + '/association/upload', { method: 'POST', body: fd, redirect: 'manual',
                                                         headers: { cookie: c.cookie } });
  assert.equal(up.status, 303, await up.text());
  assert.equal(sql(dir, "SELECT score FROM association_score WHERE office_code='U-1006'"), '9.0');
  const fd2 = new FormData();
  fd2.append('csrf', c.csrf);
  fd2.append('period', '1399-1');
  fd2.append('file', new Blob(['office_code,score,note\nU-1006,5,\nU-1003,9,\n']), 'b.csv');
  up = await fetch(srv.url + '/association/upload', { method: 'POST', body: fd2, redirect: 'manual',
                                                     headers: { cookie: c.cookie } });
  assert.equal(up.status, 422);
  assert.match(await up.text(), /3:1: office_code: the office is not in your province/);
  assert.equal(sql(dir, "SELECT score FROM association_score WHERE office_code='U-1006'"), '9.0');
  await srv.stop();

  // after the window: the association is refused, HQ may change it
  srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0', PISHKHAN_NOW: AFTER_WINDOW } });
  t.after(() => srv.stop());
  ({ client: c } = await login(srv.url, 'assoc'));
  res = await c.post('/association', { period: '1399-1', 's_U-1001': '5' });
  assert.equal(res.status, 422);
  assert.match(res.text, /مهلت ثبت امتیاز انجمن/);
  assert.equal(sql(dir, "SELECT score FROM association_score WHERE office_code='U-1001'"), '18.0');
  const { client: hq } = await login(srv.url, 'hqa');
  res = await hq.get('/admin/association?province=tehran');
  assert.equal(res.status, 200);
  res = await hq.post('/admin/association', { period: '1399-1', province: 'tehran', 's_U-1001': '5', 'n_U-1001': 'رأی ستاد' });
  assert.equal(res.status, 303, res.text);
  assert.equal(sql(dir, "SELECT score FROM association_score WHERE office_code='U-1001'"), '5.0');
  assert.match(sql(dir, "SELECT after FROM audit WHERE action='association.change' ORDER BY id DESC LIMIT 1"), /hq_override/);
  assert.equal((await hq.get('/association')).status, 403);

  // the CLI: refused after the window unless --override
  const f = tmpFile(t, 'a.csv', 'office_code,score,note\nU-1003,14,\nU-1002,30,\n');
  let r = pk(['association', 'import', '--period', '1399-1', '--data', dir, f], { env: { PISHKHAN_NOW: AFTER_WINDOW } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /2:1: the association window of this period is closed/);
  r = pk(['association', 'import', '--period', '1399-1', '--override', '--data', dir, f], { env: { PISHKHAN_NOW: AFTER_WINDOW } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /3:2: score: must be a whole number from 0 to 20/);
  writeFileSync(f, 'office_code,score,note\nU-1003,14,\nU-1002,20,\n');
  r = pk(['association', 'import', '--period', '1399-1', '--override', '--data', dir, f], { env: { PISHKHAN_NOW: AFTER_WINDOW } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'association import: read 2, changed 2, unchanged 0, rejected 0');
  r = pk(['association', 'list', '--period', '1399-1', '--province', 'fars', '--data', dir]);
  assert.match(r.stdout, /^U-1003,14,$/m);
});

test('rulings: states, only final counts, revocation and its undoing', async (t) => {
  const dir = setup(t);
  // overcharging, final: no revocation
  let r = pk(['ruling', 'add', '--data', dir, '--office', 'U-1001', '--kind', 'overcharging',
              '--no', '99/101', '--date', '1399/04/10']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql(dir, "SELECT state||'|'||final_date||'|'||points FROM ruling WHERE id=1"), 'final|2020-06-30|-10.0');
  // unapproved address under appeal: the office stays active
  r = pk(['ruling', 'add', '--data', dir, '--office', 'U-1003', '--kind', 'unapproved_address',
          '--no', '99/102', '--date', '1399/05/01', '--state', 'under_appeal']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql(dir, "SELECT status FROM office WHERE code='U-1003'"), 'active');
  assert.equal(sql(dir, 'SELECT final_date IS NULL FROM ruling WHERE id=2'), '1');
  // it becomes final: revoked, with the ruling as the reason
  r = pk(['ruling', 'state', '2', 'final', '--date', '1399/06/15', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql(dir, "SELECT status FROM office WHERE code='U-1003'"), 'revoked');
  assert.match(sql(dir, "SELECT status_reason FROM office WHERE code='U-1003'"), /ruling #2 \(no\. 99\/102 of 1399\/05\/01\): unapproved_address/);
  // overturned: restored
  r = pk(['ruling', 'state', '2', 'overturned', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql(dir, "SELECT status||'|'||status_reason FROM office WHERE code='U-1003'"), 'active|');
  assert.equal(sql(dir, 'SELECT final_date IS NULL FROM ruling WHERE id=2'), '1');
  // overturned is the end
  r = pk(['ruling', 'state', '2', 'final', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /state:/);
  // bad input
  r = pk(['ruling', 'add', '--data', dir, '--office', 'U-1001', '--kind', 'littering', '--no', '1', '--date', '1399/04/10']);
  assert.match(r.stderr, /kind: not in the scheme's penalty catalogue/);
  r = pk(['ruling', 'add', '--data', dir, '--office', 'U-9999', '--kind', 'other', '--no', '1', '--date', '1399/04/10']);
  assert.match(r.stderr, /office: no such office/);
  r = pk(['ruling', 'add', '--data', dir, '--office', 'U-1001', '--kind', 'other', '--no', '1', '--date', '1399/13/10']);
  assert.match(r.stderr, /date: not a date/);
  r = pk(['ruling', 'list', '--data', dir]);
  assert.match(r.stdout, /^1,U-1001,overcharging,99\/101,2020-06-30,-10,final,2020-06-30,$/m);
  // every change audited
  assert.equal(sql(dir, "SELECT count(*) FROM audit WHERE action LIKE 'ruling.%'"), '4');
  assert.equal(sql(dir, "SELECT count(*) FROM audit WHERE action IN ('office.revoke','office.restore')"), '2');

  // the committee page: its own province only
  addUser(dir, 'comm', 'committee', ['--province', 'tehran']);
  const srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => srv.stop());
  const { client: c } = await login(srv.url, 'comm');
  let res = await c.get('/committee');
  assert.equal(res.status, 200);
  assert.match(res.text, /99\/101/);
  assert.doesNotMatch(res.text, /99\/102/);     // fars
  res = await c.post('/committee', { office: 'U-1006', kind: 'forgery', no: '99/200', date: '۱۳۹۹/۰۶/۰۱', state: 'final', note: 'x' });
  assert.equal(res.status, 303, res.text);
  assert.equal(sql(dir, "SELECT points||'|'||state FROM ruling WHERE ruling_no='99/200'"), '-20.0|final');
  res = await c.post('/committee', { office: 'U-1003', kind: 'forgery', no: '99/201', date: '1399/06/01' });
  assert.equal(res.status, 403);
  res = await c.post('/committee/2/state', { state: 'under_appeal' });
  assert.equal(res.status, 403);                 // a fars ruling
  res = await c.post('/committee/1/state', { state: 'under_appeal' });
  assert.equal(res.status, 303);
  assert.equal(sql(dir, 'SELECT state FROM ruling WHERE id=1'), 'under_appeal');
});

test('satisfaction page: count, mean, interval, shrunk score; private', async (t) => {
  const dir = setup(t);
  const f = tmpFile(t, 's.csv', HEADER +
    '11,U-1001,s,5,1399/02/10 09:15\n12,U-1001,s,4,1399/02/10 09:15\n13,U-1001,s,3,1399/02/10 09:15\n' +
    '21,U-1003,s,1,1399/02/10 09:15\n');
  assert.equal(survey(dir, f).status, 0);
  addUser(dir, 'off', 'office', ['--office', 'U-1001']);
  const srv = await startServer(dir, [], { env: { PISHKHAN_LOGIN_DELAY_MS: '0' } });
  t.after(() => srv.stop());
  const { client: c } = await login(srv.url, 'off');
  let res = await c.get('/offices/U-1001/satisfaction');
  assert.equal(res.status, 200);
  // n 3, mean 4.00, national 13/4 = 3.25, shrunk (20*3.25 + 12)/23 = 3.35
  assert.match(res.text, /<td class="num">۳<\/td><td class="num">۴٫۰۰|<td class="num">۳<\/td><td class="num">۴\.۰۰/);
  assert.match(res.text, /۳\.۲۵|۳٫۲۵/);
  assert.match(res.text, /۳\.۳۵|۳٫۳۵/);
  res = await c.get('/offices/U-1003/satisfaction');
  assert.equal(res.status, 403);
  const anon = await fetch(srv.url + '/offices/U-1001/satisfaction', { redirect: 'manual' });
  assert.equal(anon.status, 303);
});
