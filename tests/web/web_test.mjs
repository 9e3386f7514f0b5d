// Drives Debian's chromium (puppeteer-core, nothing downloaded) against
// `sipvnc web`; run by tests/integration/web_browser_test.sh, which starts
// the X servers, desktops and gateways and passes them in the environment.
// Prints "ok ..." / "FAIL ..." lines; the shell counts them.
import puppeteer from 'puppeteer-core';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
let failed = 0;
const ok = (what) => console.log(`  ok   ${what}`);
const bad = (what) => { failed++; console.log(`  FAIL ${what}`); };
const check = (what, cond) => (cond ? ok(what) : bad(what));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(seconds, fn) {
    const end = Date.now() + seconds * 1000;
    for (;;) {
        try { if (await fn()) return true; } catch (e) { /* not yet */ }
        if (Date.now() > end) return false;
        await sleep(100);
    }
}
const fileHas = (path, re) => existsSync(path) && re.test(readFileSync(path, 'utf8'));
const count = (path, re) => existsSync(path) ?
    (readFileSync(path, 'utf8').match(new RegExp(re, 'g')) || []).length : 0;

function readPpm(path) {
    const buf = readFileSync(path);
    const m = buf.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
    return { w: +m[1], h: +m[2], data: buf.subarray(m[0].length) };
}

// The canvas' RGB pixels compared with a PPM: count of pixels whose any
// channel differs by more than tol.
async function canvasDiff(page, ppm, tol) {
    const px = await page.evaluate(() => {
        const c = document.querySelector('#screen canvas');
        if (!c || !c.width) return null;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let s = '';
        for (let i = 0; i < d.data.length; i += 4) {
            s += String.fromCharCode(d.data[i], d.data[i + 1], d.data[i + 2]);
        }
        return { w: c.width, h: c.height, b: btoa(s) };
    });
    if (!px || px.w !== ppm.w || px.h !== ppm.h) return Infinity;
    const got = Buffer.from(px.b, 'base64');
    let bad = 0;
    for (let i = 0; i < got.length; i += 3) {
        for (let k = 0; k < 3; k++) {
            if (Math.abs(got[i + k] - ppm.data[i + k]) > tol) { bad++; break; }
        }
    }
    return bad;
}

const phase = (page) => page.evaluate(() => window.sipvnc && window.sipvnc.phase);
const status = (page) => page.evaluate(() => document.getElementById('status').textContent);

async function canvasBox(page) {
    return page.evaluate(() => {
        const r = document.querySelector('#screen canvas').getBoundingClientRect();
        return { x: r.x, y: r.y };
    });
}

const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    userDataDir: mkdtempSync(join(env.T || tmpdir(), 'chromium-')),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function newPage(creds) {
    const ctx = await browser.createBrowserContext();   // own sessionStorage
    const page = await ctx.newPage();
    await page.setViewport({ width: 1024, height: 768 });
    if (creds) await page.authenticate(creds);
    return page;
}

// -- through Kamailio: the registered gateway calls an AOR --
async function kamailio() {
    const exp = readPpm(env.EXPECT_A);
    const pk = await newPage();
    await pk.goto(`${env.KAM_URL}&lossless=1&call=${encodeURIComponent(env.KAM_AOR)}`);
    check('through Kamailio the page connects to the AOR',
          await until(30, async () => await phase(pk) === 'connected'));
    let dk = Infinity;
    await until(20, async () => (dk = await canvasDiff(pk, exp, 0)) === 0);
    check(`through Kamailio the canvas shows X's pixels exactly (${dk} differ)`, dk === 0);
    const box = await canvasBox(pk);
    await pk.mouse.click(box.x + 33.5, box.y + 44.5);
    await pk.keyboard.type('k');
    check('through Kamailio clicks and keys reach X',
          await until(10, () => fileHas(env.KEYS_A, /button 1 33 44/) && fileHas(env.KEYS_A, /key 0x6b/)));
    const ended = count(env.SERVE_A_LOG, 'call with .* ended');
    await pk.close();
    check('through Kamailio closing the tab hangs up',
          await until(5, () => count(env.SERVE_A_LOG, 'call with .* ended') > ended));
    await pk.browserContext().close();
}

// -- a tab that stops reading while B animates: the gateway's RSS flat --
async function stall() {
    const rss = () => +readFileSync(`/proc/${env.GATEWAY_PID}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1];
    const anim = spawn(env.XDEMO, ['--animate', '300x200', '30', '--seconds', '40'],
                       { env: { ...env, DISPLAY: env.DISPLAY_B }, stdio: 'ignore' });
    const ps = await newPage();
    await ps.goto(`${env.STALL_URL}&call=${encodeURIComponent(env.TARGET_B)}`);
    const up = await until(20, async () => await phase(ps) === 'connected');
    await sleep(1000);
    const fr0 = await ps.evaluate(() => window.sipvnc.frames);
    await sleep(2000);   // updates flowing: Tight JPEG drawn (data: images)
    const fr1 = await ps.evaluate(() => window.sipvnc.frames);
    check(`JPEG updates keep coming while B animates (${fr1 - fr0} in 2 s)`, fr1 - fr0 >= 5);
    const cdp = await ps.createCDPSession();
    await cdp.send('Debugger.enable');
    cdp.send('Debugger.pause').catch(() => {});
    await sleep(2000);
    const r0 = rss();
    let peak = r0;
    for (let i = 0; i < 18; i++) { await sleep(1000); peak = Math.max(peak, rss()); }
    const r1 = rss();
    await cdp.send('Debugger.resume').catch(() => {});
    check(`a tab that stops reading for 20 s leaves the gateway's RSS flat (${r0} -> peak ${peak}, end ${r1} KiB)`,
          up && peak - r0 < 8192);
    anim.kill();
    await ps.browserContext().close();
}

try {
  if (env.KAM_URL) {
    await kamailio();
  } else if (env.STALL_URL) {
    await stall();
  } else {
    const open = env.OPEN_URL;             // http://127.0.0.1:P/?token=...
    const base = open.replace(/\/\?.*$/, '');
    const token = open.replace(/^.*token=/, '');
    const A = env.TARGET_A, B = env.TARGET_B;
    const expA = readPpm(env.EXPECT_A), expB = readPpm(env.EXPECT_B);

    // -- the status line in words: three desks that never let us in,
    // each in its own tab at once (the no-answer one waits 5 s), while
    // the tabs below use desktops A and B --
    async function statusLine(target, checks) {
        const pr = await newPage();
        await pr.goto(`${open}&call=${encodeURIComponent(target)}`);
        for (const [what, seconds, re, info] of checks) {
            let st = '';
            check(what, await until(seconds, async () => re.test(st = await status(pr))));
            if (info) console.log(`  info status: ${st}`);
        }
        await pr.browserContext().close();
    }
    const statusLines = env.TARGET_REFUSED ? Promise.all([
        statusLine(env.TARGET_REFUSED, [['a refusing desktop: the status says "refused: 403 Forbidden"',
                                         15, /^refused: 403 Forbidden/, true]]),
        statusLine(env.TARGET_RING, [['a ringing desktop: "ringing — waiting for the person at the screen"',
                                      15, /^ringing \u2014 waiting for the person at the screen$/],
                                     ['then the decline in words', 15, /^(refused|busy): [4-6]\d\d /, true]]),
        statusLine(env.TARGET_NOANSWER, [['nobody answers within web_answer_timeout: "no answer"',
                                          15, /^no answer/, true]]),
    ]) : Promise.resolve();

    // -- the token --
    const invitesBefore = count(env.SERVE_A_LOG, 'call from');
    const p0 = await newPage();
    await p0.goto(`${base}/?call=${encodeURIComponent(A)}`);
    check('without the token the page asks for it',
          await until(10, async () => /token/.test(await status(p0)) &&
              await p0.evaluate(() => !document.getElementById('tokenform').hidden)));
    await sleep(500);
    check('without the token no call is placed',
          count(env.SERVE_A_LOG, 'call from') === invitesBefore);
    await p0.browserContext().close();

    // -- pixels, keys, clicks (control, lossless) --
    const p1 = await newPage();
    const t0 = Date.now();
    await p1.goto(`${open}&lossless=1&call=${encodeURIComponent(A)}`);
    check('the page connects to desktop A', await until(20, async () => await phase(p1) === 'connected'));
    check('the token left the address bar', !/token=/.test(p1.url()));
    let diff = Infinity;
    await until(20, async () => (diff = await canvasDiff(p1, expA, 0)) === 0);
    check(`the canvas shows X's pixels exactly (lossless; ${diff} differ)`, diff === 0);
    console.log(`  info page load to full frame: ${Date.now() - t0} ms`);
    await p1.focus('#screen canvas').catch(() => {});
    const box = await canvasBox(p1);
    // the middle of pixel (101, 57): a fractional layout must not move it
    await p1.mouse.click(box.x + 101.5, box.y + 57.5);
    check('a click lands at the pixel clicked',
          await until(10, () => fileHas(env.KEYS_A, /button 1 101 57/)));
    await p1.keyboard.type('hi');
    check('typed text reaches the X client',
          await until(10, () => fileHas(env.KEYS_A, /key 0x68/) && fileHas(env.KEYS_A, /key 0x69/)));

    // clipboard: 1 MiB from the page reaches X's CLIPBOARD
    if (env.XCLIP) {
        const n = 1024 * 1024;
        await p1.evaluate((n) => window.sipvnc.rfb.clipboardPasteFrom('x'.repeat(n - 3) + 'end'), n);
        const got = await until(20, () => {
            const out = execFileSync(env.XCLIP, ['get', '--timeout', '2'],
                                     { env: { ...env, DISPLAY: env.DISPLAY_A }, maxBuffer: 4 << 20 });
            return out.length === n && out.toString().endsWith('end');
        });
        check('a 1 MiB paste from the page reaches the X clipboard', got);
    }

    // -- two tabs, two desktops (JPEG allowed: within a tolerance) --
    const p2 = await newPage();
    await p2.goto(`${open}&call=${encodeURIComponent(B)}`);
    check('a second tab connects to desktop B', await until(20, async () => await phase(p2) === 'connected'));
    let dB = Infinity, dA = Infinity;
    // JPEG: at most 2% of pixels off by more than 48 per channel
    const tolPx = 0.02 * expB.w * expB.h;
    await until(20, async () => (dB = await canvasDiff(p2, expB, 48)) <= tolPx);
    dA = await canvasDiff(p1, expA, 0);
    check(`two tabs view two desktops at once (A exact, B ${dB} px off by >48)`, dB <= tolPx && dA === 0);

    // -- closing the tab hangs up within a second (timed with the other
    // tabs' calls over) --
    await statusLines;
    const endedA = count(env.SERVE_B_LOG, 'call with .* ended');
    const tc = Date.now();
    await p2.close();
    const byeInTime = await until(5, () => count(env.SERVE_B_LOG, 'call with .* ended') > endedA);
    const took = Date.now() - tc;
    check(`closing the tab sends BYE within 1 s (${took} ms)`, byeInTime && took <= 1000 + 200);

    // -- the page's Disconnect hangs up --
    const endedP1 = count(env.SERVE_A_LOG, 'call with .* ended');
    await p1.click('#hangup');
    check('Disconnect hangs up (the desk ends the call)',
          await until(5, () => count(env.SERVE_A_LOG, 'call with .* ended') > endedP1));
    check('and the page says so', await until(5, async () => /^disconnected/.test(await status(p1))));
    await p1.browserContext().close();

    // -- web users: view rights --
    if (env.USERS_URL) {
        const keysBefore = count(env.KEYS_A, 'key |button ');
        // alice's two tabs load while bob's checks run: one to see A
        // next to bob (she sends no input), one to a target not hers
        const alice = (async () => {
            const pc = await newPage({ username: 'alice', password: env.ALICE_PASS });
            await pc.goto(`${env.USERS_URL}/?call=${encodeURIComponent(A)}`);
            return { pc, up: await until(20, async () => await phase(pc) === 'connected') };
        })();
        const denied = (async () => {
            const pa = await newPage({ username: 'alice', password: env.ALICE_PASS });
            await pa.goto(`${env.USERS_URL}/?call=${encodeURIComponent(env.TARGET_DENIED)}`);
            const refused = await until(10, async () => /may not call/.test(await status(pa)));
            await pa.browserContext().close();
            return refused;
        })();
        const pv = await newPage({ username: 'bob', password: env.BOB_PASS });
        // lossless: tight's fill, palette and zlib rectangles, all framed
        await pv.goto(`${env.USERS_URL}/?lossless=1&call=${encodeURIComponent(A)}`);
        check('bob (view) logs in and sees desktop A',
              await until(20, async () => await phase(pv) === 'connected'));
        await pv.evaluate(() => { window.sipvnc.rfb.viewOnly = false; });   // a page that lies
        const b2 = await canvasBox(pv);
        await pv.mouse.click(b2.x + 30.5, b2.y + 30.5);
        await pv.keyboard.type('zz');
        // and raw messages, past noVNC: key z, pointer click, a paste
        const viewPaste = `view-paste-${Date.now()}`;
        await pv.evaluate((text) => {
            const s = window.sipvnc.rfb._sock;
            s.send([4, 1, 0, 0, 0, 0, 0, 0x7a]);
            s.send([5, 1, 0, 10, 0, 10]);
            s.send([6, 0, 0, 0, 0, 0, 0, text.length, ...Array.from(text, (c) => c.charCodeAt(0))]);
        }, viewPaste);
        await sleep(1500);
        check('view rights: keys and clicks do not reach X',
              count(env.KEYS_A, 'key |button ') === keysBefore);
        if (env.XCLIP) {
            let clip = '';
            try {
                clip = execFileSync(env.XCLIP, ['get', '--timeout', '2'],
                                    { env: { ...env, DISPLAY: env.DISPLAY_A }, maxBuffer: 4 << 20 }).toString();
            } catch (e) { /* nobody owns it: not bob's either */ }
            check('view rights: a paste does not reach the X clipboard', clip !== viewPaste);
        }
        check('bob\'s session is still up', await phase(pv) === 'connected');

        // the desktop's clipboard: to alice (control) next to bob, never
        // to bob (view), whose stream the gateway frames to hold it back
        let dv = Infinity;
        await until(10, async () => (dv = await canvasDiff(pv, expA, 0)) === 0);
        check(`bob's framed stream draws desktop A exactly (lossless; ${dv} differ)`, dv === 0);
        await pv.evaluate(() => {
            window.clipSeen = [];
            window.sipvnc.rfb.addEventListener('clipboard', (e) => window.clipSeen.push(e.detail.text));
        });
        const { pc, up } = await alice;
        check('alice (control) sees desktop A next to bob', up);
        const secret = `desk-secret-${Date.now()}`;
        const own = spawn(env.XCLIP, ['set', secret, '--serve', '15'],
                          { env: { ...env, DISPLAY: env.DISPLAY_A }, stdio: 'ignore' });
        const cliptext = (pg) => pg.evaluate(() => document.getElementById('cliptext').value);
        check('control rights: the desktop\'s clipboard reaches the page',
              await until(10, async () => await cliptext(pc) === secret));
        await sleep(1000);
        const seen = await pv.evaluate(() => window.clipSeen);
        check(`view rights: the desktop's clipboard does not reach the page (${seen.length} seen)`,
              seen.length === 0 && await cliptext(pv) !== secret);
        check('bob\'s session is up after the clipboard', await phase(pv) === 'connected');
        own.kill();
        await pc.browserContext().close();
        await pv.browserContext().close();

        check('a target outside the list is refused in the page', await denied);

        // the ticket asked for ahead, then dropped at the gateway (four
        // more unused ones of alice's, as from another tab): Call asks
        // once more and connects
        const pt = await newPage({ username: 'alice', password: env.ALICE_PASS });
        await pt.goto(`${env.USERS_URL}/`);
        await pt.type('#target', A);
        await sleep(1500);   // the page asks 0.3 s after typing stops
        await pt.evaluate((a) => Promise.all([1, 2, 3, 4].map(() => fetch('ticket', {
            method: 'POST', headers: { 'X-Sipvnc-Call': a }, credentials: 'same-origin' }))), A);
        await pt.click('#call');
        const again = await until(20, async () => await phase(pt) === 'connected');
        const early = await pt.evaluate(() => window.sipvnc.early);
        check(`a ticket asked ahead but dropped: Call still connects (early ${early})`, again && early === true);
        await pt.browserContext().close();
    }

  }
} catch (e) {
    bad('browser test threw: ' + (e && e.stack || e));
} finally {
    await browser.close();
}
process.exit(failed ? 1 : 0);
