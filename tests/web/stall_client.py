#!/usr/bin/env python3
"""A browser that asks for full updates and never reads them.

stall_client.py BASE TOKEN TARGET SECONDS PID: gets a ticket from the token
gateway at BASE, opens the WebSocket, goes through the RFB greeting, then
sends a non-incremental FramebufferUpdateRequest every 10 ms for SECONDS
without reading.  Prints the gateway's (PID) VmRSS in KiB after the first
two seconds and at the end, and how many requests it sent."""
import json, os, socket, struct, sys, time, urllib.request

base, token, target, seconds, pid = sys.argv[1:6]
host = base.split('//', 1)[1].rstrip('/')
req = urllib.request.Request(base + '/ticket', method='POST', headers={
    'X-Sipvnc-Token': token, 'X-Sipvnc-Call': target})
ticket = json.load(urllib.request.urlopen(req))['ticket']


def rss():
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


def frame(payload):
    mask = os.urandom(4)
    n = len(payload)
    hdr = bytes([0x82]) + (bytes([0x80 | n]) if n < 126 else
                           bytes([0x80 | 126]) + struct.pack('>H', n))
    return hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
h, p = host.rsplit(':', 1)
s.connect((h, int(p)))
s.sendall((f'GET /ws?ticket={ticket} HTTP/1.1\r\nHost: {host}\r\n'
           f'Origin: {base}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
           'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
           'Sec-WebSocket-Version: 13\r\n\r\n').encode())
s.settimeout(10)
got = b''
while b'RFB 003.008' not in got:       # status frames, then our version
    chunk = s.recv(4096)
    if not chunk:
        sys.exit('the gateway closed: %r' % got[:200])
    got += chunk
s.sendall(frame(b'RFB 003.008\n'))
time.sleep(0.3)
s.sendall(frame(b'\x01'))              # security None
# our greeting comes while the call rings: ClientInit only after the
# desktop's SecurityResult, which follows the "rfb" status
while b'"state":"rfb"' not in got:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit('the gateway closed: %r' % got[-200:])
    got += chunk
time.sleep(0.3)
s.sendall(frame(b'\x01'))              # ClientInit
s.sendall(frame(struct.pack('>BBHi', 2, 0, 1, 0)))   # raw only
time.sleep(2)
r0 = rss()
end = time.time() + float(seconds)
n = 0
peak = r0
while time.time() < end:
    s.sendall(frame(struct.pack('>BBHHHH', 3, 0, 0, 0, 320, 240)))
    n += 1
    time.sleep(0.01)
    peak = max(peak, rss())
print(f'rss {r0} peak {peak} end {rss()} requests {n}')
s.close()
