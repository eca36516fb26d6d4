// demo.test.mjs — issue [02]: the demo nation is complete, reproducible and
// refuses a non-empty data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pk } from './lib.mjs';

function tmp(t) {
  const d = mkdtempSync(path.join(tmpdir(), 'pk-demo-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return path.join(d, 'data');
}

test('the same seed gives a byte-identical nation; another seed does not', (t) => {
  const a = tmp(t), b = tmp(t), c = tmp(t);
  let r = pk(['demo', '--data', a, '--surveys', '1000']);
  assert.equal(r.status, 0, r.stderr);
  r = pk(['demo', '--data', b, '--surveys', '1000']);
  assert.equal(r.status, 0, r.stderr);
  const ea = pk(['office', 'export', '--data', a]).stdout;
  const eb = pk(['office', 'export', '--data', b]).stdout;
  assert.equal(ea, eb);
  r = pk(['demo', '--data', c, '--seed', '7', '--surveys', '1000']);
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(pk(['office', 'export', '--data', c]).stdout, ea);

  // 7,943 offices: 6,630 urban and 1,313 rural ICT, over all 31 provinces.
  const rows = ea.trim().split('\n').slice(1);
  assert.equal(rows.length, 7943);
  assert.equal(rows.filter((l) => l.split(',')[1] === 'urban').length, 6630);
  assert.equal(rows.filter((l) => l.split(',')[1] === 'rural_ict').length, 1313);
  assert.equal(new Set(rows.map((l) => l.split(',')[3])).size, 31);
  // Every generated holder national ID passed the checksum on the way in,
  // and the audit chain covers every office.
  assert.match(pk(['audit', 'verify', '--data', a]).stdout, /chain intact/);

  // A non-empty data directory is refused, and left as it was.
  r = pk(['demo', '--data', a]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not empty/);
  assert.equal(pk(['office', 'export', '--data', a]).stdout, ea);
});

test('demo refuses bad options', () => {
  const r = pk(['demo', '--seed', 'x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--seed x/);
});
