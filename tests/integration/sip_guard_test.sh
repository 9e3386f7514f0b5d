#!/usr/bin/env bash
# conf/sipvnc-guard.nft, the connection caps sipvnc cannot set itself
# (libre accepts SIP's TCP connections and shows none before a message),
# loaded in a namespace of its own in front of a real sipvnc serve: one
# address flooding the SIP TCP port gets its 8 connections and resets,
# sipvnc spends no descriptor on the rest, and another address's request
# is still answered; many addresses stop at the total, and a slot freed
# is a slot taken again.
source "$(dirname "$0")/../lib.sh"
NETNS_PREFIX=sv11-
SKIP_NAME=sip_guard
source "$(dirname "$0")/../netns.sh"
netns_usable || skip "network namespaces cannot be made here ($NETNS_WHY)"
command -v nft >/dev/null || skip "no nft(8)"
NS=sv11-guard$$
netns_add "$NS" || exit 1

start_xvfb 320x240x24 || exit 1
write_serve_conf
# the file as shipped, with this test's port and smaller numbers
sed -e "s/^define SIP_PORTS = .*/define SIP_PORTS = { $serve_port }/" \
	-e 's/count over 16 /count over 8 /' -e 's/count over 1000 /count over 20 /' \
	"$TOP/conf/sipvnc-guard.nft" >"$T/guard.nft"
check "the shipped rules load (twice: a reload)" \
	bash -c "ip netns exec $NS nft -f '$T/guard.nft' && ip netns exec $NS nft -f '$T/guard.nft'"
SIPVNC_WRAPPER="ip netns exec $NS ${SIPVNC_WRAPPER:-}" start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens in the namespace" wait_until 20 port_open_at "$NS" 127.0.0.1 "$serve_port"
serve_fds() { ls "/proc/$serve_pid/fd" | wc -l; }
fds0=$(serve_fds)

# One helper holds connections and answers what the test asks in a fifo:
# "open SRC N" -> how many connected; "options SRC" -> the status line of
# an OPTIONS over TCP from SRC; "close N" -> closes N of those held.
mkfifo "$T/ask"
in_ns "$NS" /usr/bin/python3 -u - "$serve_port" "$T/ask" >"$T/answers" 2>&1 <<'PY' &
import socket, sys
port = int(sys.argv[1])
held = []
def connect(src):
    s = socket.socket()
    s.settimeout(5)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s
for line in open(sys.argv[2]):
    w = line.split()
    if w[0] == "open":
        n = 0
        for i in range(int(w[2])):
            src = w[1] if w[1] != "many" else "127.1.%d.%d" % (i // 250 + 1, i % 250 + 1)
            try:
                held.append(connect(src)); n += 1
            except OSError:
                pass
        print("opened", n, flush=True)
    elif w[0] == "options":
        try:
            s = connect(w[1])
            s.sendall(("OPTIONS sip:sipvnc@127.0.0.1:%d SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP %s:9;branch=z9hG4bK-guard\r\n"
                       "From: <sip:probe@%s>;tag=1\r\nTo: <sip:sipvnc@127.0.0.1>\r\n"
                       "Call-ID: guard-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                       "Content-Length: 0\r\n\r\n" % (port, w[1], w[1], w[1])).encode())
            print("status", s.recv(200).split(b"\r\n")[0].decode())
            s.close()
        except OSError as e:
            print("status none (%s)" % e)
    elif w[0] == "close":
        for s in held[:int(w[1])]:
            s.close()
        del held[:int(w[1])]
        print("closed")
PY
PIDS+=($!)
exec 7>"$T/ask"
answers_past() { [ "$(wc -l <"$T/answers")" -gt "$1" ]; }
ask() { # ask LINE: the helper's answer to it
	local n
	n=$(wc -l <"$T/answers")
	echo "$1" >&7
	wait_until 30 answers_past "$n" && tail -1 "$T/answers"
}

got=$(ask "open 127.0.0.3 100")
check "one address flooding gets 8 of 100 connections ($got)" test "$got" = "opened 8"
got=$(ask "options 127.0.0.2")
check "another address's OPTIONS is answered meanwhile ($got)" \
	bash -c "[[ '$got' == 'status SIP/2.0 '* ]]"
held_fds() { [ $(($(serve_fds) - fds0)) -le 10 ]; }
check "sipvnc holds at most the 8 (descriptors: $fds0 -> $(serve_fds))" held_fds
got=$(ask "open many 40")
check "40 more from 40 addresses stop at the total of 20 ($got)" test "$got" = "opened 12"
check "... and sipvnc still holds no more (descriptors: $fds0 -> $(serve_fds))" \
	test $(($(serve_fds) - fds0)) -le 22
ask "close 5" >/dev/null
# sipvnc closes its side on their FIN: then the count frees them
got=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	got=$(ask "open many 5")
	[ "$got" = "opened 5" ] && break
	sleep 0.5
done
check "5 closed are 5 slots taken again ($got)" test "$got" = "opened 5"
check "sipvnc is still up" kill -0 "$serve_pid"
exec 7>&-
if [ "$failed" != 0 ]; then cat "$T/answers"; tail -20 "$T/serve.log"; fi
finish sip_guard
