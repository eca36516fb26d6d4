// lib.mjs — helpers for the browser journeys (issue [10]): Debian's
// Chromium driven by playwright-core against `pishkhan serve` on a fresh
// demo nation, and the checks made on every page a journey visits:
//
//   - <html lang="fa" dir="rtl">;
//   - no console error (a CSP violation is one: the CSP stays on), no failed
//     request, no response >= 400 unless the step says it expects one;
//   - no horizontal scroll at 390 px width (the phone viewport is the
//     default; desktop is only used for screenshots);
//   - no serious or critical axe-core violation;
//   - dates in the visible text are Jalali with Persian digits: no ASCII
//     2020-08-01 or 1399/05/11 anywhere, and where the step says a date is
//     shown, at least one ۱۳۹۹/۰۵/۱۱;
//   - no markup shown as text (HTML passed through an escaping %s);
//   - every image loads, the lazy ones too.
//
// Screenshots of key pages go to test-output/e2e/<journey>-<page>-{desktop,phone}.png.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = path.resolve(ROOT, process.env.PISHKHAN_BIN || 'pishkhan');
// Debian's Chromium (scripts/deps installs it); PISHKHAN_CHROMIUM overrides.
export const CHROMIUM = process.env.PISHKHAN_CHROMIUM ||
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) || '/usr/bin/chromium';
export const OUT = path.join(ROOT, 'test-output', 'e2e');
export const PASSWORD = 'demo-pishkhan';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
const MAX_SHOT = 4000;

const DEBUG = !!process.env.PK_E2E_DEBUG;
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

// Why the journeys cannot run here, or null when they can.
export function whyNoBrowser() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(AXE)) return `${AXE} is missing (npm ci)`;
  try {
    import.meta.resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
  }
  return null;
}

// Print a banner that nobody can miss in the test log.
export function loudSkip(why) {
  const line = '!'.repeat(78);
  console.error(`\n${line}\n!!! BROWSER JOURNEYS SKIPPED: ${why}\n!!! test/e2e did not run; ` +
                `scripts/deps installs Chromium, CI must have it.\n${line}\n`);
}

// A fresh demo nation in a temp directory; returns {dir, period, office, log}.
export function buildDemo() {
  const base = mkdtempSync(path.join(tmpdir(), 'pk-e2e-'));
  const dir = path.join(base, 'data');
  const r = spawnSync(BIN, ['demo', '--data', dir, '--surveys', '20000'],
                      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `pishkhan demo failed: ${r.stderr}`);
  const out = r.stdout + r.stderr;
  const period = out.match(/current period (\d{4}-[12])/)?.[1];
  const office = out.match(/office operator of (\S+)/)?.[1];
  assert.ok(period, `no current period in the demo output:\n${out}`);
  assert.ok(office, `no office login in the demo output:\n${out}`);
  return { base, dir, period, office, log: out, remove: () => rmSync(base, { recursive: true, force: true }) };
}

// One SQL query through the sqlite3 shell (read-only look-ups for the tests).
export function sql(dir, q) {
  const r = spawnSync('sqlite3', [path.join(dir, 'pishkhan.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Start `pishkhan serve` on a free port; returns {url, stop()}. stop()
// sends SIGTERM and asserts a clean exit.
async function startServer(dir) {
  const child = spawn(BIN, ['serve', '--data', dir, '--port', '0', '--quiet'],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/([0-9.]+):(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}:${m[2]}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const { code, sig } = await exited;
      assert.equal(code, 0, `server exit code ${code} signal ${sig}\n${err}`);
    },
    kill() { child.kill('SIGKILL'); },
  };
}

// Start everything: demo nation, server, browser. Returns a World.
export async function startWorld() {
  const { chromium } = await import('playwright-core');
  const demo = buildDemo();
  let server, browser;
  try {
    server = await startServer(demo.dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  } catch (e) {
    // Leave nothing running that would keep the test runner waiting.
    server?.kill();
    demo.remove();
    throw e;
  }
  rmSync(OUT, { recursive: true, force: true });   // this run's screenshots only
  mkdirSync(OUT, { recursive: true });
  return {
    ...demo, server, browser, url: server.url,
    async close() {
      await browser.close().catch(() => {});
      try {
        await server.stop();
      } finally {
        demo.remove();
      }
    },
  };
}

const AXE_SOURCE = () => (AXE_SOURCE.text ??= readFileSync(AXE, 'utf8'));

// Visible text dates that are not Jalali in Persian digits.
const ISO_DATE = /\b(?:19|20)\d\d-[01]\d-[0-3]\d\b/;
const ASCII_JALALI = /\b1[34]\d\d\/[01]\d\/[0-3]\d\b/;
const FA_DATE = /[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/;
const MARKUP = /<\/?(?:a|b|br|code|dd|div|dt|em|form|input|li|p|span|strong|svg|table|td|th|tr|ul)\b[^<>]*>|&(?:amp|lt|gt|quot|nbsp|#\d+);/i;

// A browser context for one user ("who") in one journey, with the page
// checks. Navigation goes through goto() and follow(), each of which
// checks the page it lands on; check() checks the page as it is now.
export async function session(world, journey, who) {
  const context = await world.browser.newContext({
    viewport: PHONE, locale: 'fa-IR', timezoneId: 'Asia/Tehran', acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.setDefaultNavigationTimeout(60000);   // a loaded 2-core CI box, the 1,300-row association form
  const problems = [];          // since the last check
  let expect = new Set();       // statuses the current step expects
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (req) => {
    const f = req.failure()?.errorText ?? '';
    // The browser's own resources (chrome://, e.g. its PDF viewer) are not ours.
    if (!/^https?:/.test(req.url())) return;
    // The browser cancels on purpose: a download, the load of a PDF into an
    // <object> (its viewer takes the stream over), the requests of a page
    // we leave. An HTTP error is still caught by the response handler below,
    // and check() makes every image of the page load and fails a broken one.
    if (/ERR_ABORTED/.test(f)) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${f}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !expect.has(res.status())) {
      problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    }
  });

  const s = {
    world, journey, who, context, page,

    // Check the page now shown. opts: {name} (screenshot), {dates: true}
    // (a Jalali date must be shown), {status} (expected HTTP status),
    // {axeExclude: [...selectors]}.
    async check(opts = {}) {
      const where = `${journey}/${who} ${page.url().replace(world.url, '')}`;
      const t0 = Date.now();
      await page.waitForLoadState('load');
      const root = await page.evaluate(() => ({
        lang: document.documentElement.getAttribute('lang'),
        dir: document.documentElement.getAttribute('dir'),
      }));
      assert.equal(root.lang, 'fa', `${where}: <html lang> is ${root.lang}`);
      assert.equal(root.dir, 'rtl', `${where}: <html dir> is ${root.dir}`);

      // Every image loads, the lazy ones too.
      const broken = await page.evaluate(async () => {
        const imgs = [...document.images];
        imgs.forEach((i) => { if (i.loading === 'lazy') i.loading = 'eager'; });
        await Promise.all(imgs.map((i) => i.complete ? null
          : new Promise((ok) => { i.addEventListener('load', ok); i.addEventListener('error', ok); })));
        return imgs.filter((i) => i.naturalWidth === 0).map((i) => i.currentSrc || i.src);
      });
      assert.deepEqual(broken, [], `${where}: images that do not load`);

      // Horizontal scroll at phone width.
      const vp = page.viewportSize();
      if (vp.width !== PHONE.width) await page.setViewportSize(PHONE);
      const scroll = await page.evaluate(() => {
        const d = document.documentElement;
        const wide = [];
        if (d.scrollWidth > d.clientWidth) {
          // Name the widest elements that stick out, to make the failure useful.
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > d.clientWidth + 1 || r.left < -1) {
              const id = el.id ? `#${el.id}` : el.className && typeof el.className === 'string'
                ? `.${el.className.split(/\s+/).join('.')}` : '';
              wide.push(`${el.tagName.toLowerCase()}${id} [${Math.round(r.left)},${Math.round(r.right)}]`);
              if (wide.length > 8) break;
            }
          }
        }
        return { sw: d.scrollWidth, cw: d.clientWidth, wide };
      });
      assert.ok(scroll.sw <= scroll.cw,
        `${where}: horizontal scroll at ${PHONE.width}px: scrollWidth ${scroll.sw} > ${scroll.cw}; ${scroll.wide.join(', ')}`);

      // No markup shown as text (HTML passed through an escaping %s).
      const text = await page.evaluate(() => document.body.innerText);
      const tag = text.match(MARKUP);
      assert.ok(!tag, `${where}: markup shown as text: "${tag?.[0]}"`);

      // Dates: Jalali with Persian digits.
      const iso = text.match(ISO_DATE) || text.match(ASCII_JALALI);
      assert.ok(!iso, `${where}: a date in ASCII digits in the visible text: "${iso?.[0]}"`);
      if (opts.dates) assert.match(text, FA_DATE, `${where}: no Jalali date in Persian digits is shown`);

      // axe-core: serious and critical violations fail.
      const has = await page.evaluate(() => typeof window.axe !== 'undefined');
      if (!has) await page.evaluate(AXE_SOURCE());
      // Rows past the 25th of a long table repeat the markup of the first
      // ones; they are taken out of the document while axe runs (the
      // association's form of 1,300 offices would take it 15 s) and put
      // back after, the same nodes in the same order.
      const { bad, minor } = await page.evaluate(async (ex) => {
        const aside = [...document.querySelectorAll('table tbody')].map((tb) => {
          const rows = [...tb.rows].slice(25);
          rows.forEach((tr) => tr.remove());
          return [tb, rows];
        });
        let r;
        try {
          r = await window.axe.run(ex.length ? { exclude: ex.map((x) => [x]) } : document,
                                   { resultTypes: ['violations'] });
        } finally {
          aside.forEach(([tb, rows]) => tb.append(...rows));
        }
        const fmt = (v) => `${v.impact} ${v.id}: ${v.help} — ` +
          v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
        return {
          bad: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map(fmt),
          minor: r.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map(fmt),
        };
      }, opts.axeExclude ?? []);
      if (DEBUG && minor.length) console.error(`e2e: ${where}: minor axe findings:\n  ${minor.join('\n  ')}`);
      assert.deepEqual(bad, [], `${where}: axe violations:\n  ${bad.join('\n  ')}`);

      // Console errors and failed requests since the last check.
      await page.waitForTimeout(50);
      const p = problems.splice(0);
      assert.deepEqual(p, [], `${where}:\n  ${p.join('\n  ')}`);
      expect = new Set();

      const t1 = Date.now();
      if (opts.name) await s.shoot(opts.name);
      if (DEBUG) console.error(`e2e: ${where}: checked in ${t1 - t0} ms, screenshots ${Date.now() - t1} ms`);
      return text;
    },

    // Screenshots at desktop and phone width: the whole page, cut at
    // MAX_SHOT px for very long pages.
    async shoot(name) {
      const base = path.join(OUT, `${journey}-${name}`);
      for (const [vp, suffix] of [[DESKTOP, 'desktop'], [PHONE, 'phone']]) {
        await page.setViewportSize(vp);
        const h = await page.evaluate(() => document.documentElement.scrollHeight);
        if (h <= MAX_SHOT) {
          await page.screenshot({ path: `${base}-${suffix}.png`, fullPage: true });
        } else {
          // A tall viewport is much faster than fullPage on a huge page.
          await page.setViewportSize({ width: vp.width, height: MAX_SHOT });
          await page.screenshot({ path: `${base}-${suffix}.png` });
        }
      }
      await page.setViewportSize(PHONE);
    },

    // Go to a path and check the page.
    async goto(p, opts = {}) {
      if (opts.status) expect = new Set([opts.status]);
      const res = await page.goto(world.url + p);
      assert.equal(res.status(), opts.status ?? 200, `${journey}/${who} GET ${p}: HTTP ${res.status()}`);
      return s.check(opts);
    },

    // Click something that navigates (a link or a submit button), wait for
    // the page it leads to and check it.
    async follow(locator, opts = {}) {
      const t0 = Date.now();
      if (opts.status) expect = new Set([opts.status]);
      const [res] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        locator.click(),
      ]);
      if (opts.status) assert.equal(res?.status(), opts.status, `${journey}/${who}: expected HTTP ${opts.status}`);
      if (DEBUG) console.error(`e2e: click+load ${Date.now() - t0} ms`);
      return s.check(opts);
    },

    // The page's main text (the part under <main>, else body).
    async mainText() {
      return page.evaluate(() => (document.querySelector('main') || document.body).innerText);
    },

    // Forget the console errors and failed requests seen so far.
    reset() { problems.splice(0); expect = new Set(); },

    async close() { await context.close(); },
  };
  return s;
}

// Log in through the login form as USER and check the page after it.
export async function loginAs(world, journey, user, opts = {}) {
  const s = await session(world, journey, user);
  await s.goto('/login');
  await s.page.getByLabel(/نام کاربری/).fill(user);
  await s.page.getByLabel(/گذرواژه/).fill(PASSWORD);
  await s.follow(s.page.getByRole('button', { name: /ورود/ }), opts);
  return s;
}
