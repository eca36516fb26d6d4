// registry.test.mjs — issue [01]: `pishkhan office import/export`: every kind
// of bad row gives LINE:COLUMN and leaves the store unchanged; idempotent
// re-import; BOM, CRLF, quoted fields; exact round trip; store refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pk, freshData, SAMPLE } from './lib.mjs';

const HEADER = 'code,type,name,province,city,address,postal_code,phone,licence_no,licence_date,holder_name,holder_national_id,status\n';
const GOOD = 'G-1,urban,دفتر خوب,تهران,تهران,,,,,1399/12/30,,0499370899,active\n';

function csvFile(dir, name, text) {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

test('sample registry imports, re-import changes nothing, export round-trips', (t) => {
  const dir = freshData(t);
  let r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /read 9, new 9, changed 0, unchanged 0/);
  const ex1 = pk(['office', 'export', '--data', dir]).stdout;
  r = pk(['office', 'import', '--data', dir, SAMPLE]);
  assert.match(r.stdout, /read 9, new 0, changed 0, unchanged 9/);
  const audit1 = pk(['audit', 'verify', '--data', dir]).stdout;
  assert.match(audit1, /audit: 10 entries, chain intact/, 'the region map once, nine offices once');
  // Export then import into a fresh store round-trips exactly.
  const dir2 = freshData(t);
  const f = csvFile(dir2, 'export.csv', ex1);
  r = pk(['office', 'import', '--data', dir2, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(pk(['office', 'export', '--data', dir2]).stdout, ex1);
  assert.match(ex1, /^code,type,name,province,city,address,postal_code,phone,licence_no,licence_date,holder_name,holder_national_id,status\n/);
  assert.match(ex1, /1399\/12\/30/);  // Esfand 30 of leap year 1399 survives
});

test('BOM, CRLF and quoted fields with commas and newlines', (t) => {
  const dir = freshData(t);
  const text = '\uFEFF' + HEADER.replace('\n', '\r\n') +
    'Q-1,urban,"دفتر ""نمونه"", شعبه ۲",تهران,تهران,"خیابان یک،\r\nکوچه دو, پلاک 3",,,,,,,\r\n';
  const f = csvFile(dir, 'q.csv', text);
  const r = pk(['office', 'import', '--data', dir, f]);
  assert.equal(r.status, 0, r.stderr);
  const ex = pk(['office', 'export', '--data', dir]).stdout;
  assert.match(ex, /"دفتر ""نمونه"", شعبه 2"/);
  // The embedded newline was read inside the field; normalisation folds
  // white space in text fields to one space (docs/registry.md).
  assert.match(ex, /"خیابان یک، کوچه دو, پلاک 3"/);
  assert.equal(ex.trim().split('\n').length, 2);
  const dir2 = freshData(t);
  pk(['office', 'import', '--data', dir2, csvFile(dir2, 'e.csv', ex)]);
  assert.equal(pk(['office', 'export', '--data', dir2]).stdout, ex);
});

const BAD = [
  ['unknown province', 'B-1,urban,x,Atlantis,y,,,,,,,,\n', /^3:4: province: unknown province "Atlantis"/m],
  ['bad type', 'B-1,shop,x,تهران,y,,,,,,,,\n', /^3:2: type: "shop": must be urban or rural_ict/m],
  ['bad date', 'B-1,urban,x,تهران,y,,,,,1400/12/30,,,\n', /^3:10: licence_date: "1400\/12\/30"/m],
  ['bad national ID', 'B-1,urban,x,تهران,y,,,,,,,0499370898,\n', /^3:12: holder_national_id: "0499370898": not a valid national ID/m],
  ['duplicate code', 'G-1,urban,x,تهران,y,,,,,,,,\n', /^3:1: code: duplicate code "G-1" \(first on line 2\)/m],
  ['wrong column count', 'B-1,urban,x,تهران\n', /^3:5: expected 13 columns, found 4/m],
  ['broken UTF-8', Buffer.concat([Buffer.from('B-1,urban,'), Buffer.from([0xd8, 0x28]), Buffer.from(',تهران,y,,,,,,,,\n')]), /^3:3: name: broken UTF-8/m],
  ['empty required field', 'B-1,urban,,تهران,y,,,,,,,,\n', /^3:3: name: required/m],
  ['bad status', 'B-1,urban,x,تهران,y,,,,,,,,closed\n', /^3:13: status: "closed"/m],
  ['unterminated quote', 'B-1,urban,"x,تهران,y,,,,,,,,\n', /^3:\d+: .*quote/m],
];

for (const [name, row, re] of BAD) {
  test(`bad row (${name}) names LINE:COLUMN and stores nothing`, (t) => {
    const dir = freshData(t);
    pk(['office', 'import', '--data', dir, SAMPLE]);
    const before = pk(['office', 'export', '--data', dir]).stdout;
    const auditBefore = pk(['audit', 'verify', '--data', dir]).stdout;
    const body = Buffer.concat([Buffer.from(HEADER + GOOD), Buffer.isBuffer(row) ? row : Buffer.from(row)]);
    const f = csvFile(dir, 'bad.csv', body);
    const r = pk(['office', 'import', '--data', dir, f]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, re);
    assert.match(r.stderr, /nothing was stored/);
    assert.equal(pk(['office', 'export', '--data', dir]).stdout, before);
    assert.equal(pk(['audit', 'verify', '--data', dir]).stdout, auditBefore);
  });
}

test('every bad row is reported, not only the first', (t) => {
  const dir = freshData(t);
  const f = csvFile(dir, 'bad.csv', HEADER +
    'B-1,urbn,x,تهران,y,,,,,,,,\n' + GOOD + 'B-3,urban,x,Nowhere,y,,,,,,,,\n');
  const r = pk(['office', 'import', '--data', dir, f]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^2:2: /m);
  assert.match(r.stderr, /^4:4: /m);
  assert.equal(pk(['office', 'export', '--data', dir]).stdout, HEADER);
});

test('commands refuse a missing data directory and a newer schema', (t) => {
  const missing = path.join(mkdtempSync(path.join(tmpdir(), 'pk-')), 'none');
  let r = pk(['office', 'export', '--data', missing]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no data directory at .*pishkhan init/);
  const dir = freshData(t);
  // Pretend a newer pishkhan wrote it.
  const sq = pk(['office', 'export', '--data', dir]);
  assert.equal(sq.status, 0);
  const { spawnSync } = require_child();
  spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), 'PRAGMA user_version=999']);
  r = pk(['office', 'export', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /newer pishkhan/);
});

test('PISHKHAN_DATA names the default data directory', (t) => {
  const dir = freshData(t);
  pk(['office', 'import', '--data', dir, SAMPLE]);
  const r = pk(['office', 'export'], { env: { PISHKHAN_DATA: dir } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /U-1001/);
});

import { createRequire } from 'node:module';
function require_child() { return createRequire(import.meta.url)('node:child_process'); }
