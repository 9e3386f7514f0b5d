// make bench, the browser's side: one chromium, the token gateway.
//   URL (the gateway's address with its token), TARGET, SECS, GATEWAY_PID
// Prints "setup_ms X" (median of 5: Call pressed to the first update
// drawn, which is the full screen) and, with ANIMATED=1, "updates U
// seconds S gateway_ns NS" for SECS seconds of the page drawing.
import puppeteer from 'puppeteer-core';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// CPU time of every thread, in ns (schedstat): the 10 ms ticks of
// /proc/PID/stat are a few dozen per run, too coarse for a ratio
const ticks = () => readdirSync(`/proc/${env.GATEWAY_PID}/task`).reduce((sum, t) =>
    sum + +readFileSync(`/proc/${env.GATEWAY_PID}/task/${t}/schedstat`, 'utf8').split(' ')[0], 0);
const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    userDataDir: mkdtempSync(join(env.T || tmpdir(), 'chromium-')),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
async function connect(trace) {
    const page = await browser.newPage();
    await page.setViewport({ width: 2000, height: 1200 });
    await page.goto(env.URL);
    await page.type('#target', env.TARGET);
    // a person clicks Call some time after typing: the page asks for its
    // ticket meanwhile (app.js askAhead; NOAHEAD=1: click at once, which
    // then waits for the ticket)
    if (env.NOAHEAD !== '1') await sleep(500);
    if (trace) await page.tracing.start({ path: trace, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler', 'blink', 'blink.user_timing', 'cc', 'toplevel'] });
    await page.click('#call');
    await page.waitForFunction(() => typeof window.sipvnc.firstFrameAt === 'number', { timeout: 30000, polling: 'raf' });
    if (trace) await page.tracing.stop();
    return page;
}
try {
    if (env.ANIMATED === '1') {
        const page = await connect();
        await sleep(1000);
        const f0 = await page.evaluate(() => window.sipvnc.frames);
        const t0 = ticks(), s0 = Date.now();
        await sleep(+env.SECS * 1000);
        const f1 = await page.evaluate(() => window.sipvnc.frames);
        const t1 = ticks(), s1 = Date.now();
        console.log(`updates ${f1 - f0} seconds ${(s1 - s0) / 1000} gateway_ns ${t1 - t0}`);
        await page.close();
    } else {
        const ms = [], marks = [];
        for (let i = 0; i < 5; i++) {
            // TRACE=FILE: Chrome's trace of the third setup (DevTools'
            // Performance panel opens it), to see where the page's time goes
            const page = await connect(env.TRACE && i === 2 ? env.TRACE : null);
            ms.push(await page.evaluate(() => window.sipvnc.firstFrameAt - window.sipvnc.callAt));
            marks.push(await page.evaluate(() => window.sipvnc.marks));
            await page.close();
            await sleep(500);
        }
        const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
        console.log(`setup_ms ${median(ms).toFixed(0)} all ${ms.map((x) => x.toFixed(0)).join(',')}`);
        // each step of the page's setup (app.js's marks), ms since Call,
        // median and range of the 5
        for (const k of Object.keys(marks[0]).sort((a, b) => marks[0][a] - marks[0][b])) {
            const a = marks.map((m) => (k in m ? m[k] - m.call : NaN));
            console.log(`step ${k} ${median(a).toFixed(1)} ${Math.min(...a).toFixed(1)}-${Math.max(...a).toFixed(1)}`);
        }
    }
} finally {
    await browser.close();
}
