#!/usr/bin/env python3
"""outbound_registrar.py - a tiny RFC 5626 registrar for sip_outbound_test.sh.

Answers every REGISTER 200 with "Require: outbound" and a short Flow-Timer,
answers CRLF pings with a CRLF pong on TCP and STUN binding requests with a
binding success on UDP, and logs each of these events, one a line, for the
test to read.  With --drop-after N it closes the first TCP connection after
N pings: a flow failure the client must notice and recover from.
"""
import argparse
import selectors
import socket
import struct
import sys

MAGIC = 0x2112A442


def log(out, text):
    out.write(text + "\n")
    out.flush()


def headers_of(msg):
    lines = msg.split("\r\n")
    hdrs = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            hdrs.append((name.strip().lower(), value.strip()))
    return lines[0], hdrs


def reply_to_register(msg, flow_timer):
    first, hdrs = headers_of(msg)
    get = lambda n: [v for k, v in hdrs if k == n]
    out = ["SIP/2.0 200 OK"]
    out += ["Via: " + v for v in get("via") + get("v")]
    out += ["From: " + v for v in get("from") + get("f")]
    out += ["To: " + v + ";tag=reg1" for v in get("to") + get("t")]
    out += ["Call-ID: " + v for v in get("call-id") + get("i")]
    out += ["CSeq: " + v for v in get("cseq")]
    out += ["Contact: " + v for v in get("contact") + get("m")]
    out += ["Require: outbound", "Flow-Timer: %d" % flow_timer,
            "Content-Length: 0", "", ""]
    summary = "contact=%s supported=%s" % (
        "|".join(get("contact") + get("m")),
        "|".join(get("supported") + get("k")))
    return first, summary, "\r\n".join(out).encode()


def stun_reply(data, addr):
    mtype, _, cookie = struct.unpack("!HHI", data[:8])
    tid = data[8:20]
    port = addr[1] ^ (MAGIC >> 16)
    ip = struct.unpack("!I", socket.inet_aton(addr[0]))[0] ^ MAGIC
    attr = struct.pack("!HHBBHI", 0x0020, 8, 0, 1, port, ip)
    return struct.pack("!HHI", 0x0101, len(attr), MAGIC) + tid + attr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--flow-timer", type=int, default=1)
    ap.add_argument("--drop-after", type=int, default=0)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    out = open(args.log, "a")

    sel = selectors.DefaultSelector()
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind(("127.0.0.1", args.port))
    lsn.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", args.port))
    sel.register(lsn, selectors.EVENT_READ, "listen")
    sel.register(udp, selectors.EVENT_READ, "udp")
    conns = {}
    nconn = 0
    log(out, "READY")

    while True:
        for key, _ in sel.select():
            if key.data == "listen":
                c, _ = lsn.accept()
                nconn += 1
                conns[c] = {"id": nconn, "buf": b"", "pings": 0}
                sel.register(c, selectors.EVENT_READ, "tcp")
                log(out, "CONNECT conn=%d" % nconn)
            elif key.data == "udp":
                data, addr = udp.recvfrom(65535)
                if len(data) >= 20 and data[0] < 2 and \
                        struct.unpack("!I", data[4:8])[0] == MAGIC:
                    log(out, "STUN from=%s:%d" % addr)
                    udp.sendto(stun_reply(data, addr), addr)
                    continue
                first, summary, resp = reply_to_register(
                    data.decode("utf-8", "replace"), args.flow_timer)
                if first.startswith("REGISTER"):
                    log(out, "REGISTER tp=udp %s" % summary)
                    udp.sendto(resp, addr)
            else:
                c = key.fileobj
                st = conns[c]
                data = c.recv(65535)
                if not data:
                    log(out, "CLOSED conn=%d" % st["id"])
                    sel.unregister(c)
                    c.close()
                    del conns[c]
                    continue
                st["buf"] += data
                while st["buf"]:
                    if st["buf"].startswith(b"\r\n\r\n"):
                        st["buf"] = st["buf"][4:]
                        st["pings"] += 1
                        log(out, "PING conn=%d n=%d" % (st["id"], st["pings"]))
                        if args.drop_after and st["id"] == 1 and \
                                st["pings"] >= args.drop_after:
                            log(out, "DROP conn=%d" % st["id"])
                            sel.unregister(c)
                            c.close()
                            del conns[c]
                            break
                        c.sendall(b"\r\n")
                        continue
                    end = st["buf"].find(b"\r\n\r\n")
                    if end < 0:
                        break
                    msg = st["buf"][:end + 4].decode("utf-8", "replace")
                    st["buf"] = st["buf"][end + 4:]
                    first, summary, resp = reply_to_register(
                        msg, args.flow_timer)
                    if first.startswith("REGISTER"):
                        log(out, "REGISTER tp=tcp conn=%d %s" %
                            (st["id"], summary))
                        c.sendall(resp)


if __name__ == "__main__":
    sys.exit(main())
