// The sipvnc web page: asks the gateway for a ticket, opens a WebSocket
// with it and hands the socket to noVNC once the call is up.  The gateway
// sends the call's progress as text frames and RFB as binary frames;
// GatewayChannel keeps the first away from noVNC.
import RFB from './novnc/core/rfb.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'sipvnc-token';
const state = { rfb: null, ws: null, phase: 'idle', status: '', rights: '' };
window.sipvnc = state;   // for tests and the curious

// Where a call's setup spends its time, for `make bench` and anyone who
// looks (DevTools' Performance panel shows them as "sipvnc:..."): each
// step's first moment, in ms since the page loaded, cleared by Call.
function mark(step) {
    if (!state.marks || step in state.marks) return;
    state.marks[step] = performance.now();
    if (performance.mark) performance.mark('sipvnc:' + step);
}

function setStatus(text, kind) {
    state.status = text;
    const el = $('status');
    el.textContent = text;
    el.className = kind || '';
}

// The token of a gateway that runs without web users (loopback): taken
// from the address once, then kept for this tab only, out of the URL.
const params = new URLSearchParams(location.search);
if (params.has('token')) {
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : ''));
}

// What noVNC expects of a WebSocket, minus our text frames; binary frames
// that come before noVNC listens wait here, in order.
class GatewayChannel {
    constructor(ws, onText, onClose) {
        this._ws = ws;
        this._handler = null;
        this._queue = [];
        this._flushing = false;
        this.onopen = null;
        this.onclose = null;
        this.onerror = null;
        ws.binaryType = 'arraybuffer';
        ws.onmessage = (e) => {
            mark(typeof e.data === 'string' ? 'first_text' : 'first_rfb');
            if (typeof e.data === 'string') {
                onText(e.data);
            } else if (this._handler && !this._queue.length) {
                this._handler(e);
            } else {
                this._queue.push(e);
                this._flush();
            }
        };
        ws.onclose = (e) => { onClose(e); if (this.onclose) this.onclose(e); };
        ws.onerror = (e) => { if (this.onerror) this.onerror(e); };
        ws.onopen = (e) => { mark('ws_open'); if (this.onopen) this.onopen(e); };
    }
    get onmessage() { return this._handler; }
    set onmessage(h) { this._handler = h; this._flush(); }
    get binaryType() { return 'arraybuffer'; }
    set binaryType(v) { /* always arraybuffer */ }
    get protocol() { return this._ws.protocol; }
    get readyState() { return this._ws.readyState; }
    send(data) { this._ws.send(data); }
    close() { this._ws.close(); }
    _flush() {
        if (this._flushing || !this._handler || !this._queue.length) return;
        this._flushing = true;
        // after noVNC's attach() has returned and it is ready to read
        setTimeout(() => {
            this._flushing = false;
            while (this._handler && this._queue.length) {
                this._handler(this._queue.shift());
            }
        }, 0);
    }
}

async function getTicket(target, lossless, early) {
    const headers = { 'X-Sipvnc-Call': target };
    if (early) headers['X-Sipvnc-Ahead'] = '1';   // the gateway logs a refusal quieter
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers['X-Sipvnc-Token'] = token;
    if (lossless) headers['X-Sipvnc-Lossless'] = '1';
    const res = await fetch('ticket', { method: 'POST', headers, credentials: 'same-origin' });
    let body = {};
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
        const err = new Error(body.error || `${res.status} ${res.statusText}`);
        err.status = res.status;
        throw err;
    }
    return body;
}

// A ticket asked for ahead, while the agent is still looking at the
// address (typed, changed, or the call before ended): the Call button
// then no longer waits for the request (10-20 ms measured).  It is the
// same ticket as one asked for on Call: single use, bound to the user,
// this target and rights, valid 30 s at the gateway, which checks all of
// it again on the upgrade; a refusal is not shown here but asked again
// on Call, which then says why.
const TICKET_FRESH_MS = 20000;   // well inside the gateway's 30 s
let ahead = null;   // { target, lossless, at, promise }
let aheadTimer = null;

function askAhead() {
    clearTimeout(aheadTimer);
    aheadTimer = null;
    const target = $('target').value.trim();
    const lossless = $('lossless').checked;
    if (state.ws || !target || !/^(sips?:)?[^@\s]+@[^@\s]+$/i.test(target)) return;
    if (ahead && ahead.target === target && ahead.lossless === lossless &&
        performance.now() - ahead.at < TICKET_FRESH_MS) return;
    const promise = getTicket(target, lossless, true);
    promise.catch(() => { /* asked again on Call */ });
    ahead = { target, lossless, at: performance.now(), promise };
}

function askAheadSoon(ms) {
    clearTimeout(aheadTimer);
    aheadTimer = setTimeout(askAhead, ms);
}

// A ticket and whether it was asked for ahead: such a ticket may be gone
// at the gateway by the time it is used (a user's fifth unused one drops
// the first, e.g. from another tab), and the call then asks once more.
async function takeTicket(target, lossless) {
    const a = ahead;
    ahead = null;   // single use, whatever comes of it
    if (a && a.target === target && a.lossless === lossless &&
        performance.now() - a.at < TICKET_FRESH_MS) {
        try { return { ticket: await a.promise, early: true }; } catch (e) { /* ask again: says why */ }
    }
    return { ticket: await getTicket(target, lossless), early: false };
}

function ended() {
    state.phase = 'ended';
    state.rfb = null;
    state.ws = null;
    $('call').disabled = false;
    $('hangup').disabled = true;
    askAheadSoon(0);   // for calling again
}

async function call(target, again) {
    if (state.ws) return;
    if (!again) {
        state.callAt = performance.now();
        state.marks = {};
        mark('call');
    }
    const lossless = $('lossless').checked;
    $('call').disabled = true;
    state.phase = 'ticket';
    let ticket, early = false;
    try {
        if (again) {
            ticket = await getTicket(target, lossless);
        } else {
            ({ ticket, early } = await takeTicket(target, lossless));
            state.early = early;   // for the tests
        }
    } catch (e) {
        if (e.status === 403 && /token/.test(e.message)) {
            $('tokenform').hidden = false;
            sessionStorage.removeItem(TOKEN_KEY);
        }
        setStatus('refused: ' + e.message, 'error');
        state.phase = 'refused';
        $('call').disabled = false;
        return;
    }
    mark('ticket');
    state.rights = ticket.rights;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws?ticket=${ticket.ticket}`);
    let opened = false;
    ws.addEventListener('open', () => { opened = true; });
    state.ws = ws;
    state.phase = 'calling';
    $('hangup').disabled = false;
    setStatus('calling…');
    let lastText = '';
    const channel = new GatewayChannel(ws, (text) => {
        let msg;
        try { msg = JSON.parse(text); } catch (e) { return; }
        lastText = msg.text;
        state.phase = msg.state;
        if (msg.state === 'calling') setStatus('calling…');
        else if (msg.state === 'ringing') setStatus(msg.text);
        else if (msg.state === 'ended') setStatus(msg.text, 'error');
        else if (msg.state === 'rfb') setStatus(msg.text, 'ok');
    }, (e) => {
        if (early && !opened && state.phase === 'calling' && state.ws === ws) {
            // refused before it opened: the early ticket was gone
            if (state.rfb) state.rfb.disconnect();
            state.rfb = null;
            state.ws = null;
            call(target, true);
            return;
        }
        if (state.phase !== 'ended' && state.phase !== 'closed') {
            setStatus(e.reason || lastText || 'the gateway closed the connection', 'error');
        }
        if (state.rfb) state.rfb.disconnect();
        ended();
        state.phase = 'closed';
    });
    // the viewer is made now, while the WebSocket opens and the call
    // rings (making it takes the page 15-25 ms): it waits for the
    // socket's open, and the gateway greets it while the call rings
    startRfb(channel, ticket);
}

// noVNC 1.3 gives each JPEG rectangle to an <img> as a base64 data: URI
// and draws it once loaded, the decoding then done on the page's one
// thread as it draws.  Decoded here off that thread, several at once; the
// render queue still draws them in order (a private API: where it is not
// there, noVNC's own way stays).  WebCodecs' ImageDecoder takes the bytes
// as they are; a Blob for createImageBitmap() (where ImageDecoder is
// missing) first goes to the browser's process and back, which cost the
// page's thread 10-15 ms of a 1920x1080 first frame in Chrome's profile.
class DecodedImage extends EventTarget {
    constructor(bytes, mime) {
        super();
        this.complete = false;
        this.bitmap = null;   // an ImageBitmap or a VideoFrame
        let decoded;
        if (typeof ImageDecoder === 'function') {
            // copies bytes, a view into noVNC's receive buffer
            const decoder = new ImageDecoder({ data: bytes, type: mime });
            decoded = decoder.decode().then((r) => r.image).finally(() => decoder.close());
        } else {
            decoded = createImageBitmap(new Blob([bytes], { type: mime }));
        }
        decoded.then((bitmap) => {
            this.bitmap = bitmap;
        }, () => {
            this.bitmap = null;   // drawn as nothing, as a broken <img>
        }).finally(() => {
            this.complete = true;
            this.dispatchEvent(new Event('load'));
        });
    }
    get width() {
        const b = this.bitmap;
        return b ? (b.displayWidth !== undefined ? b.displayWidth : b.width) : 0;
    }
    get height() {
        const b = this.bitmap;
        return b ? (b.displayHeight !== undefined ? b.displayHeight : b.height) : 0;
    }
}

function offThreadImages(display) {
    if (!display || typeof display.imageRect !== 'function' ||
        typeof display.drawImage !== 'function' ||
        typeof display._renderQPush !== 'function' ||
        (typeof ImageDecoder !== 'function' && typeof createImageBitmap !== 'function')) return;
    const drawImage = display.drawImage.bind(display);
    display.imageRect = function (x, y, width, height, mime, arr) {
        if (width === 0 || height === 0) return;
        const img = new DecodedImage(arr, mime);
        this._renderQPush({ type: 'img', img, x, y, width, height });
    };
    display.drawImage = (img, x, y) => {
        if (img instanceof DecodedImage) {
            if (!img.bitmap) return;
            drawImage(img.bitmap, x, y);
            img.bitmap.close();
            img.bitmap = null;
            return;
        }
        drawImage(img, x, y);
    };
}

// noVNC 1.3 sizes its canvas on ServerInit before it sends its pixel
// format, encodings and first request: the resize, the flip of the
// whole canvas and the layout it forces (10-20 ms measured) came before
// the desktop could start on the first frame.  Here the size is taken at
// once and the canvas sized just after, while the desktop encodes, or
// before the first update is drawn, whichever comes first (a private
// API: where it is not there, noVNC's own order stays).
function requestsFirst(rfb) {
    if (typeof rfb._resize !== 'function' || typeof rfb._framebufferUpdate !== 'function' ||
        !rfb._display || typeof rfb._display.resize !== 'function') return;
    const resize = rfb._resize;
    const update = rfb._framebufferUpdate;
    let pending = false;
    const settle = () => {
        if (!pending) return;
        pending = false;
        resize.call(rfb, rfb._fbWidth, rfb._fbHeight);
        mark('canvas_sized');
    };
    rfb._resize = function (width, height) {
        if (this._rfbConnectionState === 'connected' || pending) {
            settle();
            return resize.call(this, width, height);
        }
        this._fbWidth = width;   // what the first request asks for
        this._fbHeight = height;
        pending = true;
        setTimeout(settle, 0);
    };
    rfb._framebufferUpdate = function () {
        settle();
        return update.call(this);
    };
}

function startRfb(channel, ticket) {
    const rfb = new RFB($('screen'), channel);
    rfb.viewOnly = ticket.rights !== 'control';
    rfb.scaleViewport = false;
    rfb.resizeSession = false;
    rfb.focusOnClick = true;
    if ($('lossless').checked) {
        rfb.compressionLevel = 2;
    } else {
        rfb.qualityLevel = 6;
        rfb.compressionLevel = 2;
    }
    rfb.addEventListener('connect', () => { mark('server_init'); state.phase = 'connected'; rfb.focus(); });
    rfb.addEventListener('disconnect', () => { if (state.rfb === rfb) state.phase = 'closed'; });
    rfb.addEventListener('clipboard', (e) => { $('cliptext').value = e.detail.text; });
    rfb.addEventListener('securityfailure', (e) => {
        setStatus('refused by the desktop: ' + (e.detail.reason || ''), 'error');
    });
    state.rfb = rfb;
    mark('rfb_made');
    offThreadImages(rfb._display);
    requestsFirst(rfb);
    // updates drawn, for `make bench` and the tests: noVNC 1.3 flips its
    // display once per FramebufferUpdate (a private API: counting only).
    // A flip behind a JPEG still decoding is queued and called again, as
    // flip(true), from the render queue: count only the call that draws,
    // or such an update counts twice (the bench once saw 50 a second of a
    // 30 fps picture) and the first frame is timed before it is on screen.
    // The display flips by itself too, when ServerInit sizes the canvas
    // (blank), and an update may carry no pixels (a desktop size, a
    // cursor): only the flip that ends an update counts (the one called
    // inside _framebufferUpdate with no rectangle left), and the first
    // frame is the first update drawn whose pixel rectangles cover the
    // screen, as vncbench's first complete frame; before, it was timed
    // at ServerInit, before any pixel had come.
    state.frames = 0;
    state.firstFrameAt = null;
    const display = rfb._display;
    if (display && typeof display.flip === 'function' &&
        typeof rfb._framebufferUpdate === 'function' &&
        typeof rfb._handleRect === 'function') {
        const flip = display.flip.bind(display);
        const update = rfb._framebufferUpdate;
        const rect = rfb._handleRect;
        const queued = [];   // for each flip queued: which update it ends
        let inUpdate = false, area = 0;
        // the canvas stays out of the page until the first update is
        // drawn: Chrome copies a canvas for each frame it shows (a
        // 1920x1080 one took 10-15 ms of the page's thread, twice, for
        // the blank canvas sized at ServerInit), and that held up the
        // first update's bytes; the page shows the first picture instead
        const screen = $('screen');
        const show = () => { screen.style.visibility = ''; };
        screen.style.visibility = 'hidden';
        rfb.addEventListener('connect', () => setTimeout(show, 2000));
        rfb.addEventListener('disconnect', show);
        const drawn = (u) => {
            if (!u) return;
            show();
            state.frames++;
            if (state.firstFrameAt === null && u.full) {
                state.firstFrameAt = performance.now();
                mark('first_frame');
            }
        };
        rfb._framebufferUpdate = function () {
            mark('first_update');
            inUpdate = true;
            try { return update.call(this); } finally { inUpdate = false; }
        };
        rfb._handleRect = function () {
            const f = this._FBU, enc = f.encoding, w = f.width, h = f.height;
            const done = rect.call(this);
            if (done && enc >= 0) area += w * h;   // pixels, not a pseudo-encoding
            return done;
        };
        display.flip = (fromQueue) => {
            if (fromQueue) {
                drawn(queued.shift());
            } else {
                let u = null;
                if (inUpdate && rfb._FBU.rects === 0) {
                    u = { full: area >= rfb._fbWidth * rfb._fbHeight };
                    area = 0;
                    if (u.full) mark('first_frame_in');
                }
                if (display.pending()) queued.push(u);
                else drawn(u);
            }
            return flip(fromQueue);
        };
    }
}

$('callform').addEventListener('submit', (e) => {
    e.preventDefault();
    const target = $('target').value.trim();
    if (!target) { setStatus('enter a SIP address', 'error'); return; }
    call(target);
});
$('hangup').addEventListener('click', () => {
    // ours: the close that follows must not put back the last status
    // ("connected to ...") over this one
    if (state.ws) state.phase = 'ended';
    if (state.ws) state.ws.close();
    setStatus('disconnected');
});
$('tokenform').addEventListener('submit', (e) => {
    e.preventDefault();
    let t = $('token').value.trim();
    const m = t.match(/[?&]token=([0-9a-f]+)/);
    if (m) t = m[1];
    sessionStorage.setItem(TOKEN_KEY, t);
    $('tokenform').hidden = true;
    setStatus('token stored; press Call');
    askAheadSoon(0);
});
$('clipsend').addEventListener('click', () => {
    if (state.rfb) state.rfb.clipboardPasteFrom($('cliptext').value);
});

if (params.get('lossless') === '1') $('lossless').checked = true;
$('target').addEventListener('input', () => askAheadSoon(300));
$('target').addEventListener('change', () => askAheadSoon(0));
$('lossless').addEventListener('change', () => askAheadSoon(0));
// a link from a ticket system: /?call=sip:desk@example.com
if (params.has('call')) {
    $('target').value = params.get('call');
    call(params.get('call'));
} else {
    askAheadSoon(0);   // an address the browser filled in
}
