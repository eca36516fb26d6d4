import { chromium } from 'playwright-core';
const url = process.argv[2], user = process.argv[3], path = process.argv[4];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage();
p.on('console', m => console.log('CONSOLE', m.type(), m.text()));
if (user !== '-') {
  await p.goto(url + '/login');
  await p.fill('#username', user); await p.fill('#password', 'demo-pishkhan');
  await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
}
const r = await p.goto(url + path);
console.log('STATUS', r.status(), p.url());
console.log(await p.evaluate(() => document.querySelector('main').innerText));
if (process.argv[5]) console.log(await p.evaluate(() => document.querySelector('main').innerHTML));
await b.close();
