// bench/whatif.mjs — server time of the what-if simulator on a demo nation
// (docs/ranking.md, "What-if"). Not a test: it prints figures.
//
//   node bench/whatif.mjs --data DIR [--n 10] [--bin ./pishkhan] [--user admin]
//
// DIR holds a `pishkhan demo` nation (password demo-pishkhan). Starts
// `pishkhan serve` on a free loopback port, logs in as an HQ admin, then
// times, from the Server-Timing header of each response, the first request
// of the server (it loads everything), then N requests of each kind:
//   office  the API right after one office's input changed (`UPDATE
//           association_score SET score=score` on one row): that office is
//           read again;
//   all     the API right after a change that concerns every office
//           (`UPDATE province SET region_code=region_code` on one row):
//           everything is read again;
//   warm    the API, then the page, with nothing changed.
// The writes go through the sqlite3 shell and keep every value: the data
// directory is written to, its data stay the same. Prints each request's
// parts (load, rank, render, total, in ms) and the median and worst total
// of each kind, with the load average before and after.
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';

const arg = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const DIR = arg('data');
const N = Number(arg('n', 10));
const BIN = path.resolve(arg('bin', './pishkhan'));
const USER = arg('user', 'admin');
if (!DIR) {
  console.error('usage: node bench/whatif.mjs --data DIR [--n 10] [--bin ./pishkhan] [--user admin]');
  process.exit(2);
}
const Q = 'period=1399-1&thr_urban_1=60&thr_urban_2=40&w_association=2';

function cookieOf(res, name) {
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(/^([^=]+)=([^;]*)/);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

function touch(zSql) {
  const r = spawnSync('sqlite3', [path.join(DIR, 'pishkhan.db'), zSql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('sqlite3: ' + r.stderr);
}
const OFFICE = 'UPDATE association_score SET score=score WHERE rowid=(SELECT min(rowid) FROM association_score)';
const ALL = 'UPDATE province SET region_code=region_code WHERE rowid=(SELECT min(rowid) FROM province)';

// "load;dur=1.2;desc=\"inputs kept\", rank;dur=..." -> {load, rank, render, total, desc}
function parts(h) {
  const o = {};
  for (const p of (h || '').split(',')) {
    const m = p.trim().match(/^(\w+);dur=([\d.]+)(?:;desc="([^"]*)")?/);
    if (m) { o[m[1]] = Number(m[2]); if (m[3]) o.desc = m[3]; }
  }
  if (o.total === undefined) o.total = (o.load ?? 0) + (o.rank ?? 0);   // before "total" was sent
  return o;
}

const srv = spawn(BIN, ['serve', '--data', DIR, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  srv.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/([0-9.]+):(\d+)\//);
    if (m) resolve(`http://${m[1]}:${m[2]}`);
  });
  srv.on('exit', (c) => reject(new Error('server exited ' + c)));
});
try {
  let res = await fetch(url + '/login', { redirect: 'manual' });
  const csrf = (await res.text()).match(/name="csrf" value="([0-9a-f]+)"/)[1];
  res = await fetch(url + '/login', {
    method: 'POST', redirect: 'manual',
    headers: { cookie: `pk_csrf=${cookieOf(res, 'pk_csrf') ?? csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, username: USER, password: 'demo-pishkhan' }).toString(),
  });
  if (res.status !== 303) throw new Error('login failed: ' + res.status);
  const cookie = `pk_session=${cookieOf(res, 'pk_session')}`;
  const one = async (p) => {
    const r = await fetch(url + p, { headers: { cookie } });
    await r.text();
    if (r.status !== 200) throw new Error(p + ': ' + r.status);
    return parts(r.headers.get('server-timing'));
  };
  const la0 = loadavg().map((x) => x.toFixed(2)).join(' ');
  const runs = { first: [], office: [], all: [], 'warm api': [], 'warm page': [] };
  runs.first.push(await one('/api/v1/whatif?' + Q));
  for (let i = 0; i < N; i++) {
    touch(OFFICE);
    runs.office.push(await one('/api/v1/whatif?' + Q));
  }
  for (let i = 0; i < N; i++) {
    touch(ALL);
    runs.all.push(await one('/api/v1/whatif?' + Q));
  }
  for (let i = 0; i < N; i++) runs['warm api'].push(await one('/api/v1/whatif?' + Q));
  for (let i = 0; i < N; i++) runs['warm page'].push(await one('/admin/whatif?' + Q));
  const la1 = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load average before: ${la0}; after: ${la1}`);
  const f = (x) => (x === undefined ? '-' : x.toFixed(1));
  for (const [k, v] of Object.entries(runs)) {
    const tot = v.map((x) => x.total).sort((a, b) => a - b);
    console.log(`${k}: median total ${f(tot[Math.floor((tot.length - 1) / 2)])} ms, worst ${f(tot[tot.length - 1])} ms`);
    for (const x of v) console.log(`  load ${f(x.load)} (${x.desc})  rank ${f(x.rank)}  render ${f(x.render)}  total ${f(x.total)}`);
  }
} finally {
  srv.kill('SIGTERM');
}
