// lib.mjs — helpers for the HTTP tests: fresh data directories, running the
// pishkhan binary, and a server on a free loopback port that is stopped
// (and must exit cleanly) after the test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = path.resolve(ROOT, process.env.PISHKHAN_BIN || 'pishkhan');

// Run `pishkhan ARGS...`; returns {status, stdout, stderr}.
export function pk(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...(env || {}) },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A new data directory, initialised; removed when the process exits.
export function freshData(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-test-'));
  const r = pk(['init', '--data', dir]);
  assert.equal(r.status, 0, r.stderr);
  if (t && t.after) t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Start `pishkhan serve` on a free port. Returns {url, stop, stderr()}.
// stop() sends SIGTERM and asserts a clean exit (sanitizer reports fail it).
export async function startServer(dir, extra = []) {
  const child = spawn(BIN, ['serve', '--data', dir, '--port', '0', '--quiet', ...extra],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/([0-9.]+):(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}:${m[2]}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  return {
    url,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const { code, sig } = await exited;
      assert.equal(code, 0, `server exit code ${code} signal ${sig}\n${err}`);
    },
  };
}

// fetch with manual redirects; returns {status, headers, text, json}.
export async function get(url, opts = {}) {
  const res = await fetch(url, { redirect: 'manual', ...opts });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// A small registry CSV for tests (the same as data/sample-offices.csv).
export const SAMPLE = path.join(ROOT, 'data', 'sample-offices.csv');
