// audit.test.mjs — the hash-chained audit trail (docs/review.md, "Audit
// chain"): `pishkhan audit verify` on an intact chain, then on copies
// tampered with by hand through the sqlite3 shell — one row's `after`
// changed, a middle row deleted, the last row deleted, a link changed —
// each detected (exit 1) and the entry named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE, pk, freshData, addUser } from './lib.mjs';

function sql(dir, q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// A data directory with a few dozen audit entries: the registry, users,
// a period.
function populated(t) {
  const dir = freshData(t);
  assert.equal(pk(['office', 'import', '--data', dir, SAMPLE]).status, 0);
  addUser(dir, 'rev', 'region_reviewer', ['--region', 'tehran']);
  addUser(dir, 'mgr', 'region_manager', ['--region', 'tehran']);
  const r = pk(['period', 'create', '1399-1', '--data', dir, '--declare-from', '1399/05/01',
                '--declare-to', '1399/05/31', '--review-to', '1399/06/20']);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

// A copy of dir, removed after the test.
function copyOf(t, dir) {
  const c = mkdtempSync(path.join(tmpdir(), 'pk-audit-'));
  cpSync(dir, c, { recursive: true });
  t.after(() => rmSync(c, { recursive: true, force: true }));
  return c;
}

test('audit verify: intact, then each kind of tampering detected and named', (t) => {
  const dir = populated(t);
  const n = Number(sql(dir, 'SELECT count(*) FROM audit'));
  assert.ok(n >= 10, `only ${n} entries`);
  let r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout);
  assert.equal(r.stdout, `audit: ${n} entries, chain intact\n`);

  // every entry carries time, user, address, action, object, before/after and both hashes
  const row = sql(dir, "SELECT at, username, action, object, length(hash), length(prev_hash) FROM audit WHERE id=2");
  assert.match(row, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|cli:[^|]+\|office\.create\|U-\d+\|64\|64$/);

  // one row's after, changed by hand
  let d = copyOf(t, dir);
  sql(d, `UPDATE audit SET after='{"status":"revoked"}' WHERE id=3`);
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^audit: entry 3 does not verify: its content, hash or link to the previous entry was changed/);

  // a change that keeps the content but rewrites the hash: the next entry's link breaks
  d = copyOf(t, dir);
  sql(d, `UPDATE audit SET hash='${'0'.repeat(64)}' WHERE id=5`);
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^audit: entry 5 does not verify/);

  // a middle row deleted
  d = copyOf(t, dir);
  sql(d, 'DELETE FROM audit WHERE id=4');
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^audit: entry 4 does not verify: it is missing: deleted from the middle of the chain/);

  // the last row deleted
  d = copyOf(t, dir);
  sql(d, `DELETE FROM audit WHERE id=${n}`);
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^audit: entry ${n} does not verify: it is missing: the last entries were deleted`));

  // the last three rows deleted
  d = copyOf(t, dir);
  sql(d, `DELETE FROM audit WHERE id>${n - 3}`);
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^audit: entry ${n - 2} does not verify: it is missing`));

  // a row inserted at the end with a made-up hash
  d = copyOf(t, dir);
  sql(d, `INSERT INTO audit(id,at,user_id,username,addr,action,object,prev_hash,hash)
          SELECT ${n + 1},'2020-01-01T00:00:00Z',0,'x','','office.update','U-1001',hash,'${'1'.repeat(64)}' FROM audit WHERE id=${n}`);
  r = pk(['audit', 'verify', '--data', d]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^audit: entry ${n + 1} does not verify`));

  // the original is still intact, and further changes extend the chain
  addUser(dir, 'hqr', 'hq_reviewer');
  r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout);
  assert.equal(r.stdout, `audit: ${n + 1} entries, chain intact\n`);
});

test('audit verify: usage and an empty chain', (t) => {
  const dir = freshData(t);
  let r = pk(['audit', 'verify', '--data', dir]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^audit: \d+ entries, chain intact\n$/);
  r = pk(['audit', '--data', dir]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: pishkhan audit verify/);
});

test('audit head and --anchor: a head kept outside catches a rewritten or cut-back chain', (t) => {
  const dir = populated(t);
  let r = pk(['audit', 'head', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  const head = r.stdout.trim();
  const [id, hash] = head.split(' ');
  assert.equal(id, sql(dir, 'SELECT max(id) FROM audit'));
  assert.equal(hash, sql(dir, `SELECT hash FROM audit WHERE id=${id}`));
  r = pk(['audit', 'verify', '--data', dir, '--anchor', head]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `audit: ${id} entries, chain intact, extends the anchor at entry ${id}\n`);
  // later entries extend the anchor
  addUser(dir, 'later', 'hq_reviewer');
  r = pk(['audit', 'verify', '--data', dir, '--anchor', head]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, new RegExp(`^audit: ${Number(id) + 1} entries, chain intact, extends the anchor at entry ${id}\\n$`));
  // a chain whose entry differs from the anchor (rebuilt wholesale): the
  // chain itself verifies, the anchor does not
  r = pk(['audit', 'verify', '--data', dir, '--anchor', `${id} ${'0'.repeat(64)}`]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `audit: entry ${id} does not match the anchor: the chain was rewritten since the anchor was taken\n`);
  r = pk(['audit', 'verify', '--data', dir, '--anchor', `999999 ${hash}`]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^audit: entry 999999 of the anchor is missing: the chain now has \d+ entries/);
  r = pk(['audit', 'verify', '--data', dir, '--anchor', 'yesterday']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--anchor: must be "ID HASH"/);
  r = pk(['audit', 'head', '--data', dir, '--anchor', head]);
  assert.equal(r.status, 2);
});
