#!/usr/bin/env python3
"""blinkpeer - a screen-sharing peer that behaves on the wire as Blink does
(AG Projects' python3-sipsimple and msrplib), for the integration tests.

What it copies from Blink, and why each matters to sipvnc:
- SDP: m=application PORT TCP/TLS/MSRP *, a=path, a=accept-types, a=setup,
  a=rfbsetup, and NO a=fingerprint (sipsimple never writes one).  A caller
  offers a=setup:actpass and listens; an answerer of actpass or passive
  connects, of active listens.  A "request screen sharing" carries an audio
  line too.
- TLS as msrplib with python-gnutls: its own self-signed certificate on
  both ends, shown when asked, and the peer's certificate never verified.
- MSRP: the side that connects binds with an empty SEND and sends no data
  before its 200; data goes in SENDs of at most 2048 bytes, each one
  complete message with Failure-Report: partial and Success-Report: no.
(Python's ssl module is OpenSSL, not GnuTLS: the handshake differs in
detail, not in what either side proves.)

RFB is bridged to a local TCP socket: as the viewer (--rfb client) a VNC
viewer connects to --local; as the sharer (--rfb server) we connect to a VNC
server at --vnc once the MSRP session is bound.

  blinkpeer.py --sip HOST:PORT --dir DIR [--call URI] [--setup ROLE]
               [--rfb client|server] [--local HOST:PORT] [--vnc HOST:PORT]
               [--fingerprint "SHA-256 .."] [--tcp]

Without --call it answers the first INVITE that reaches --sip (TCP).  It
logs what happened to stdout ("sip: 200", "msrp: bound", "final: 488 ..")
and exits when the call ends.
"""
import argparse
import os
import random
import re
import select
import socket
import ssl
import string
import subprocess
import sys
import time

CHUNK = 2048


def log(*a):
    print(*a, flush=True)


def rid(n=10):
    return ''.join(random.choice(string.ascii_letters + string.digits)
                   for _ in range(n))


def hostport(s):
    h, p = s.rsplit(':', 1)
    return h, int(p)


def make_cert(d):
    """A self-signed certificate as Blink makes for an account."""
    os.makedirs(d, exist_ok=True)
    crt, key = os.path.join(d, 'blink.crt'), os.path.join(d, 'blink.key')
    if not os.path.exists(crt):
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                        '-nodes', '-keyout', key, '-out', crt, '-days', '2',
                        '-subj', '/CN=blink@127.0.0.1'], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return crt, key


# ---- SIP over TCP, just what a call needs ----

class SipReader:
    """SIP messages from a TCP connection, and from connections the other
    side opens to our listener (libre may send the ACK or BYE on a new
    one).  Each message says which socket it came on (m['sock'])."""

    def __init__(self, sock, listener=None):
        self.sock, self.listener = sock, listener
        self.bufs = {sock: b''}

    def socks(self):
        return list(self.bufs) + ([self.listener] if self.listener else [])

    def read(self, timeout):
        end = time.time() + timeout
        while True:
            for c in list(self.bufs):
                m = self.parse(c)
                if m:
                    return m
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select(self.socks(), [], [], left)
            for c in r:
                if c is self.listener:
                    n, _ = c.accept()
                    self.bufs[n] = b''
                    continue
                data = c.recv(65536)
                if not data:
                    del self.bufs[c]
                    if c is self.sock:
                        return None
                    continue
                self.bufs[c] += data

    def parse(self, c):
        buf = self.bufs[c].lstrip(b'\r\n')
        self.bufs[c] = buf
        i = buf.find(b'\r\n\r\n')
        if i < 0:
            return None
        head = buf[:i].decode('utf-8', 'replace')
        lines = head.split('\r\n')
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(':')
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
        n = int(hdrs.get('content-length', hdrs.get('l', ['0']))[0])
        if len(buf) < i + 4 + n:
            return None
        body = buf[i + 4:i + 4 + n].decode('utf-8', 'replace')
        self.bufs[c] = buf[i + 4 + n:]
        return {'start': lines[0], 'h': hdrs, 'body': body, 'sock': c}


def hdr(m, name):
    return m['h'].get(name, [''])[0]


def sdp_of(ip, port, path, setup, rfbsetup, tls, fingerprint, audio):
    lines = ['v=0', 'o=- %d %d IN IP4 %s' % (random.randint(1, 1 << 30),
                                              random.randint(1, 1 << 30), ip),
             's=blink-0.0.0', 'c=IN IP4 %s' % ip, 't=0 0']
    if audio:
        lines += ['m=audio 50000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000',
                  'a=sendrecv']
    lines += ['m=application %d %s *' % (port, 'TCP/TLS/MSRP' if tls
                                          else 'TCP/MSRP'),
              'a=path:%s' % path, 'a=accept-types:application/x-rfb',
              'a=setup:%s' % setup]
    if rfbsetup:
        lines.append('a=rfbsetup:%s' % rfbsetup)
    if fingerprint:
        lines.append('a=fingerprint:%s' % fingerprint)
    return '\r\n'.join(lines) + '\r\n'


def sdp_media(body):
    """path, setup, rfbsetup, transport of the MSRP line."""
    m = re.search(r'^m=application (\d+) (\S+)', body, re.M)
    path = re.search(r'^a=path:(.*)$', body, re.M)
    setup = re.search(r'^a=setup:(\S+)', body, re.M)
    rfb = re.search(r'^a=rfbsetup:(\S+)', body, re.M)
    fp = re.search(r'^a=fingerprint:(.*)$', body, re.M)
    return {'port': int(m.group(1)) if m else 0,
            'proto': m.group(2) if m else '',
            'path': path.group(1).strip() if path else '',
            'setup': setup.group(1) if setup else 'active',
            'rfbsetup': rfb.group(1) if rfb else None,
            'fingerprint': fp.group(1).strip() if fp else None}


# ---- MSRP ----

class Msrp:
    def __init__(self, sock, our_path, peer_path):
        self.sock, self.our, self.peer = sock, our_path, peer_path
        self.buf = b''
        self.bound = False
        self.sends = self.max_body = 0

    def frame(self, tid, body, extra):
        head = ('MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\n'
                'Message-ID: %s\r\n' % (tid, self.peer, self.our, rid()))
        if body:
            head += ('Byte-Range: 1-%d/%d\r\n%s'
                     'Content-Type: application/x-rfb\r\n\r\n'
                     % (len(body), len(body), extra))
            return head.encode() + body + ('\r\n-------%s$\r\n' % tid).encode()
        return (head + 'Byte-Range: 1-0/0\r\n-------%s$\r\n' % tid).encode()

    def bind(self):
        self.bind_tid = rid()
        self.sock.sendall(self.frame(self.bind_tid, b'', ''))

    def send(self, data):
        for i in range(0, len(data), CHUNK):
            body = data[i:i + CHUNK]
            self.sock.sendall(self.frame(
                rid(), body, 'Failure-Report: partial\r\n'
                'Success-Report: no\r\n'))
            self.sends += 1
            self.max_body = max(self.max_body, len(body))

    def feed(self, data):
        """Frames in data: yields ('200', tid) / ('send', tid, body)."""
        self.buf += data
        out = []
        while True:
            m = re.match(rb'MSRP (\S+) ([^\r\n]*)\r\n', self.buf)
            if not m:
                if len(self.buf) > 16 and not self.buf.startswith(b'MSRP '):
                    raise ValueError('not MSRP: %r' % self.buf[:40])
                return out
            tid = m.group(1)
            endline = b'-------' + tid
            i = self.buf.find(endline, m.end() - 2)
            if i < 0 or len(self.buf) < i + len(endline) + 3:
                return out
            frame = self.buf[:i]
            self.buf = self.buf[i + len(endline) + 3:]
            start = m.group(2).decode()
            hb, sep, body = frame[m.end():].partition(b'\r\n\r\n')
            if sep:
                body = body[:-2]  # the CRLF before the end-line
            else:
                body = b''
            heads = hb.decode('utf-8', 'replace')
            if start.startswith('200'):
                out.append(('200', tid.decode()))
            elif start.startswith('SEND'):
                fr = re.search(r'^Failure-Report:\s*(\S+)', heads,
                               re.M | re.I)
                fr = fr.group(1).lower() if fr else 'yes'
                fp = re.search(r'^From-Path:\s*(.*)$', heads, re.M)
                if fr == 'yes':
                    self.sock.sendall(
                        ('MSRP %s 200 OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n'
                         '-------%s$\r\n' % (tid.decode(),
                                             fp.group(1).strip(), self.our,
                                             tid.decode())).encode())
                out.append(('send', tid.decode(), body))
            # REPORTs and other responses: nothing to do


def answer_bye(sip, m):
    ok = ['SIP/2.0 200 OK'] + ['Via: ' + v for v in m['h'].get('via', [])]
    ok += ['From: ' + hdr(m, 'from'), 'To: ' + hdr(m, 'to'),
           'Call-ID: ' + hdr(m, 'call-id'), 'CSeq: ' + hdr(m, 'cseq'),
           'Content-Length: 0']
    sip.sendall(('\r\n'.join(ok) + '\r\n\r\n').encode())
    log('sip: BYE received | Reason: %s' % hdr(m, 'reason'))


def tls_server_ctx(crt, key):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(crt, key)
    c.verify_mode = ssl.CERT_NONE  # msrplib does not verify its peer
    return c


def tls_client_ctx(crt, key):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_cert_chain(crt, key)  # shown when the server asks for it
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sip', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--call')
    ap.add_argument('--setup', default='actpass')
    ap.add_argument('--rfb', default='client')
    ap.add_argument('--local')
    ap.add_argument('--vnc')
    ap.add_argument('--fingerprint')
    ap.add_argument('--tcp', action='store_true')
    ap.add_argument('--timeout', type=float, default=30)
    a = ap.parse_args()
    tls = not a.tcp
    crt, key = make_cert(a.dir)
    sip_host, sip_port = hostport(a.sip)
    me = 'sip:blink@%s' % sip_host

    # Our MSRP listener: Blink listens whenever it may be passive.
    ml = socket.socket()
    ml.bind((sip_host, 0))
    ml.listen(4)
    mport = ml.getsockname()[1]
    our_path = '%s://%s:%d/%s;tcp' % ('msrps' if tls else 'msrp', sip_host,
                                       mport, rid(12))
    local_l = None
    if a.rfb == 'client':
        local_l = socket.socket()
        local_l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        local_l.bind(hostport(a.local))
        local_l.listen(1)
        log('local: listening')

    tag, callid = rid(8), rid(16)
    if a.call:
        # The call: INVITE over TCP straight to the callee.
        target = re.match(r'sip:([^@]+)@([^:;>]+):(\d+)', a.call)
        sip = socket.create_connection((target.group(2),
                                        int(target.group(3))))
        lip, lport = sip.getsockname()
        rd = SipReader(sip)
        body = sdp_of(sip_host, mport, our_path, a.setup,
                      'passive' if a.rfb == 'server' else None, tls,
                      a.fingerprint, a.rfb == 'client')
        branch = 'z9hG4bK' + rid()
        common = ('From: "Blink" <%s>;tag=%s\r\nCall-ID: %s\r\n'
                  'Max-Forwards: 70\r\n' % (me, tag, callid))
        inv = ('INVITE %s SIP/2.0\r\nVia: SIP/2.0/TCP %s:%d;branch=%s\r\n'
               'To: <%s>\r\n%sCSeq: 1 INVITE\r\nContact: <sip:blink@%s:%d;'
               'transport=tcp>\r\nUser-Agent: Blink 5.6.0 (Linux)\r\n'
               'Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s'
               % (a.call, lip, lport, branch, a.call, common, lip, lport,
                  len(body.encode()), body))
        sip.sendall(inv.encode())
        while True:
            m = rd.read(a.timeout)
            if not m:
                log('final: none')
                return 1
            code = int(m['start'].split()[1])
            if code < 200:
                continue
            log('final: %d %s | Warning: %s' % (
                code, m['start'].split(' ', 2)[2], hdr(m, 'warning')))
            to = hdr(m, 'to')
            if code >= 300:
                ack_uri = a.call
            else:
                ack_uri = re.search(r'<([^>]+)>', hdr(m, 'contact')).group(1)
            ack = ('ACK %s SIP/2.0\r\nVia: SIP/2.0/TCP %s:%d;branch=%s\r\n'
                   'To: %s\r\n%sCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n'
                   % (ack_uri, lip, lport,
                      branch if code >= 300 else 'z9hG4bK' + rid(), to,
                      common))
            sip.sendall(ack.encode())
            if code >= 300:
                return 2
            break
        peer = sdp_media(m['body'])
        log('answer: %s setup:%s fingerprint:%s' % (
            peer['proto'], peer['setup'], peer['fingerprint']))
        if (peer['proto'] == 'TCP/TLS/MSRP') != tls:
            # Blink drops a stream answered in another transport
            log('answer in the wrong transport')
            we_connect = None
        elif peer['setup'] == 'active':
            we_connect = False
        elif peer['setup'] == 'passive':
            we_connect = True
        else:
            log('answer with setup %s' % peer['setup'])
            we_connect = None

        def bye():
            sip.sendall(('BYE %s SIP/2.0\r\nVia: SIP/2.0/TCP %s:%d;'
                         'branch=z9hG4bK%s\r\nTo: %s\r\n%sCSeq: 2 BYE\r\n'
                         'Content-Length: 0\r\n\r\n'
                         % (ack_uri, lip, lport, rid(), to, common)).encode())
    else:
        # Wait for the INVITE (sipvnc share calling us).
        sl = socket.socket()
        sl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sl.bind((sip_host, sip_port))
        sl.listen(4)
        log('sip: listening')
        r, _, _ = select.select([sl], [], [], a.timeout)
        if not r:
            log('no INVITE')
            return 1
        sip, _ = sl.accept()
        rd = SipReader(sip, sl)
        m = rd.read(a.timeout)
        if not m or not m['start'].startswith('INVITE'):
            log('not an INVITE')
            return 1
        peer = sdp_media(m['body'])
        log('offer: %s setup:%s rfbsetup:%s fingerprint:%s' % (
            peer['proto'], peer['setup'], peer['rfbsetup'],
            peer['fingerprint']))
        if (peer['proto'] == 'TCP/TLS/MSRP') != tls:
            # ScreenSharingStream.new_from_sdp: only our own transport
            resp = 488
        else:
            resp = 200
        we_connect = peer['setup'] in ('actpass', 'passive')
        body = sdp_of(sip_host, mport, our_path,
                      'active' if we_connect else 'passive',
                      'active' if a.rfb == 'client' else 'passive', tls,
                      a.fingerprint, False) if resp == 200 else ''
        to = hdr(m, 'to') + ';tag=' + tag
        lines = ['SIP/2.0 %d %s' % (resp, 'OK' if resp == 200
                                    else 'Not Acceptable Here')]
        lines += ['Via: ' + v for v in m['h'].get('via', [])]
        lines += ['From: ' + hdr(m, 'from'), 'To: ' + to,
                  'Call-ID: ' + hdr(m, 'call-id'), 'CSeq: ' + hdr(m, 'cseq'),
                  'Contact: <sip:blink@%s:%d;transport=tcp>' % (sip_host,
                                                                sip_port)]
        if body:
            lines.append('Content-Type: application/sdp')
        lines.append('Content-Length: %d' % len(body.encode()))
        sip.sendall(('\r\n'.join(lines) + '\r\n\r\n' + body).encode())
        log('sip: answered %d' % resp)
        if resp != 200:
            return 2
        caller_contact = re.search(r'<([^>]+)>', hdr(m, 'contact')).group(1)
        inv_from = hdr(m, 'from')
        callid = hdr(m, 'call-id')

        def bye():
            lip, lport = sip.getsockname()
            sip.sendall(('BYE %s SIP/2.0\r\nVia: SIP/2.0/TCP %s:%d;'
                         'branch=z9hG4bK%s\r\nFrom: %s\r\nTo: %s\r\n'
                         'Call-ID: %s\r\nCSeq: 1 BYE\r\nMax-Forwards: 70\r\n'
                         'Content-Length: 0\r\n\r\n'
                         % (caller_contact, lip, lport, rid(), to, inv_from,
                            callid)).encode())

    if we_connect is None:
        bye()
        return 1
    log('sip: call up, MSRP %s, %s' % ('active' if we_connect else 'passive',
                                        peer['path']))
    # ---- MSRP connection ----
    try:
        if we_connect:
            mm = re.match(r'msrps?://([^:/]+):(\d+)/',
                          peer['path'].split()[0])
            raw = socket.create_connection((mm.group(1), int(mm.group(2))),
                                           timeout=10)
            ms = (tls_client_ctx(crt, key).wrap_socket(raw) if tls else raw)
        else:
            r, _, _ = select.select([ml] + rd.socks(), [], [], a.timeout)
            if ml not in r:
                raise OSError('nobody connected')
            raw, _ = ml.accept()
            raw.settimeout(10)
            ms = (tls_server_ctx(crt, key).wrap_socket(raw, server_side=True)
                  if tls else raw)
    except (OSError, ssl.SSLError) as e:
        log('msrp: no connection: %s' % e)
        # the other side may have hung up already: answer its BYE
        sm = rd.read(5)
        while sm and sm['start'].startswith('ACK'):
            sm = rd.read(5)
        if sm and sm['start'].startswith('BYE'):
            answer_bye(sm['sock'], sm)
        elif bye:
            bye()
        return 1
    if tls:
        log('msrp: TLS %s up, %s' % (ms.version(), ms.cipher()[0]))
    ms.settimeout(None)
    msrp = Msrp(ms, our_path, peer['path'])
    if we_connect:
        msrp.bind()
    local = None
    held = b''        # RFB from the peer before the local side is there
    pending_tx = b''  # RFB from the local side before the bind's 200
    got_bytes = 0
    end = time.time() + a.timeout
    rc = 0
    while time.time() < end:
        rl = [ms] + rd.socks()
        if local:
            rl.append(local)
        elif local_l:
            rl.append(local_l)
        r = ms.pending() and [ms] or []
        if not r:
            r, _, _ = select.select(rl, [], [], 0.5)
        if local_l in r and not local:
            local, _ = local_l.accept()
            if held:
                local.sendall(held)
                held = b''
            continue
        if any(c in r for c in rd.socks()):
            sm = rd.read(0.1)
            if rd.sock not in rd.bufs:
                log('sip: connection gone')
                break
            if sm and sm['start'].startswith('BYE'):
                answer_bye(sm['sock'], sm)
                bye = None
                break
        if ms in r:
            try:
                data = ms.recv(65536)
            except (ssl.SSLError, OSError) as e:
                log('msrp: read failed: %s' % e)
                rc = 1
                break
            if not data:
                log('msrp: peer closed')
                break
            for ev in msrp.feed(data):
                if ev[0] == '200' and we_connect and not msrp.bound and \
                        ev[1] == msrp.bind_tid:
                    msrp.bound = True
                    log('msrp: bound (our bind SEND answered)')
                elif ev[0] == 'send':
                    if not msrp.bound:
                        if we_connect:
                            log('msrp: SEND before our bind was answered')
                            rc = 1
                        msrp.bound = True
                        log('msrp: bound (peer bound)')
                    body = ev[2]
                    got_bytes += len(body)
                    if body:
                        if local:
                            local.sendall(body)
                        else:
                            held += body
            if msrp.bound and a.rfb == 'server' and not local:
                local = socket.create_connection(hostport(a.vnc))
            if msrp.bound and pending_tx:
                msrp.send(pending_tx)
                pending_tx = b''
        if local and local in r:
            data = local.recv(65536)
            if not data:
                log('local: closed')
                break
            if msrp.bound:
                msrp.send(data)
            else:
                pending_tx += data
    log('msrp: %d bytes in, %d SENDs out (largest %d bytes)' % (
        got_bytes, msrp.sends, msrp.max_body))
    if bye:
        try:
            bye()
            rd.read(3)
        except OSError:
            pass
    return rc


if __name__ == '__main__':
    sys.exit(main())
