#!/usr/bin/env python3
"""msrp_garbage.py PORT: a caller that sets up an RFB-over-MSRP call with
sipvnc at 127.0.0.1:PORT (SIP over UDP, we connect the MSRP session and
bind), then sends garbage inside the bound session.  Prints "bound" once
the bind's 200 came, then "bye after N ms" when sipvnc hangs up (its BYE
answered 200), or "no bye" after 10 s.  Exit status 0 for a BYE."""
import random, re, socket, sys, time

port = int(sys.argv[1])
h = "127.0.0.1"
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((h, 0))
u.settimeout(10)
lp = u.getsockname()[1]
tag, cid = "g%d" % random.getrandbits(32), "garb%d@%s" % (random.getrandbits(32), h)
mine = "msrp://%s:9/garbage%d;tcp" % (h, random.getrandbits(20))
sdp = ("v=0\r\no=g 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
       "m=application 9 TCP/MSRP *\r\na=accept-types:application/x-rfb\r\n"
       "a=setup:active\r\na=path:%s\r\n" % (h, h, mine))
def req(method, cseq, to_tag="", body="", ctype=""):
    hdr = ("%s sip:sipvnc@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%d\r\n"
           "From: <sip:garbage@%s>;tag=%s\r\nTo: <sip:sipvnc@%s>%s\r\nCall-ID: %s\r\n"
           "CSeq: %d %s\r\nContact: <sip:garbage@%s:%d>\r\nMax-Forwards: 70\r\n"
           % (method, h, port, h, lp, random.getrandbits(32), h, tag, h,
              ";tag=" + to_tag if to_tag else "", cid, cseq, method, h, lp))
    if ctype:
        hdr += "Content-Type: %s\r\n" % ctype
    return (hdr + "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode()
u.sendto(req("INVITE", 1, body=sdp, ctype="application/sdp"), (h, port))
while True:
    m = u.recv(65536).decode(errors="replace")
    st = int(m.split(" ", 2)[1])
    if st >= 200:
        break
if st != 200:
    print("INVITE answered %d" % st); sys.exit(1)
to_tag = re.search(r"^To:.*;tag=([^;\r\n]+)", m, re.M | re.I).group(1)
path = re.search(r"a=path:(\S+)", m).group(1)
u.sendto(req("ACK", 1, to_tag), (h, port))
mh, mp = re.match(r"msrps?://([^:/]+):(\d+)/", path).groups()
t = socket.create_connection((mh, int(mp)), timeout=10)
t.sendall(("MSRP gbind1 SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: b1\r\n"
           "Byte-Range: 1-0/0\r\n-------gbind1$\r\n" % (path, mine)).encode())
got = b""
while b"MSRP gbind1 200" not in got:
    d = t.recv(65536)
    if not d:
        print("closed while binding"); sys.exit(1)
    got += d
print("bound", flush=True)
time.sleep(0.5)
t0 = time.time()
t.sendall(b"MSRP gg1 SEND\r\n\x00\xff garbage \x01\r\nTo-Path \r\n\r\n-------gg1$\r\n" * 3)
try:
    while True:
        m = u.recv(65536).decode(errors="replace")
        if m.startswith("BYE "):
            via = re.search(r"^(Via:.*)$", m, re.M | re.I).group(1)
            hdrs = "".join(l + "\r\n" for l in m.split("\r\n")
                           if re.match(r"(From|To|Call-ID|CSeq):", l, re.I))
            u.sendto(("SIP/2.0 200 OK\r\n%s\r\n%sContent-Length: 0\r\n\r\n"
                      % (via, hdrs)).encode(), (h, port))
            print("bye after %d ms" % ((time.time() - t0) * 1000))
            sys.exit(0)
except socket.timeout:
    pass
print("no bye"); sys.exit(1)
