#!/usr/bin/env bash
# sip_tcpguard_test.sh - connections to our SIP TCP/TLS listeners that
# carry no SIP are closed in-process (sip/tcpguard.c): 300 TCP connections
# from one address sending CRLF keepalives each second, 3 x 60 from three
# more, 20 TLS ones with keepalives, and 100 silent ones from 100
# addresses.  The per-address cap cuts the first ones' excess at once and
# the idle timeout the rest; a trusted proxy's connections stay, and an
# allowed caller's call over TCP placed during the flood connects and
# keeps its (silent) flow past the idle timeout; a second instance's
# registration flow to Kamailio over TCP outlives a 2 s idle timeout.
# TCPGUARD_OFF=1 runs it with the guard off: it must fail.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
IDLE=4

start_xvfb 320x240x24 || exit 1
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
start_kamailio || exit 1
cat >"$T/reg.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
$(kam_account desktop)
sip_tcp_idle_timeout 2
sip_tcp_max_per_addr 1
CONF
start_sipvnc reg -c "$T/reg.conf"
tls_port=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-days 1 -subj /CN=127.0.0.1 -keyout "$T/k.pem" -out "$T/c.pem" 2>/dev/null
cat "$T/c.pem" "$T/k.pem" >"$T/sip.pem"
if [ -n "${TCPGUARD_OFF:-}" ]; then
	guard=("sip_tcp_max_per_addr 0" "sip_tcp_idle_timeout 0")
else
	guard=("sip_tcp_max_per_addr 16" "sip_tcp_idle_timeout $IDLE")
fi
write_serve_conf "allow           sip:*@127.0.0.1 control" \
	"msrp_listen     127.0.0.1:0" \
	"sip_tls_listen  127.0.0.1:$tls_port" \
	"sip_tls_cert    $T/sip.pem" \
	"sip_ca_file     $T/c.pem" \
	"trusted_proxy   127.0.0.9" \
	"sip_options_interval 0" \
	"sip_tcp_defer_accept 2" "${guard[@]}"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"

# from: the connections established to PORT from source address SRC now
from() { ss -Htn state established "( sport = :$2 )" |
	awk -v a="$1" '{ split($4, p, ":"); n += (p[1] == a) } END { print n + 0 }'; }
total() { ss -Htn state established "( sport = :$serve_port or sport = :$tls_port )" | wc -l; }

# the viewer side of a call over TCP, placed while the flood runs
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port;transport=tcp" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 view_listening view
timed_grab "$T/quiet.ppm" 15 "$T/grab0.log"
quiet_ms=$grab_ms
check "a call on a quiet server gets a frame ($quiet_ms ms)" test -s "$T/quiet.ppm"

serve_fds() { ls "/proc/$serve_pid/fd" | wc -l; }
fds0=$(serve_fds)
"$TOOLS/tcpflood" "127.0.0.1:$serve_port" 300 --src 127.0.0.5 --crlf 1 >"$T/f5.log" 2>&1 &
PIDS+=($!)
for a in 6 7 8; do
	"$TOOLS/tcpflood" "127.0.0.1:$serve_port" 60 --src "127.0.0.$a" --crlf 1 >"$T/f$a.log" 2>&1 &
	PIDS+=($!)
done
"$TOOLS/tcpflood" "127.0.0.1:$serve_port" 100 --src-net 127.7 >"$T/silent.log" 2>&1 &
PIDS+=($!)
"$TOOLS/tcpflood" "127.0.0.1:$serve_port" 30 --src 127.0.0.9 --crlf 1 >"$T/f9.log" 2>&1 &
PIDS+=($!)
python3 - "$tls_port" 20 127.0.0.10 >"$T/tls.log" 2>&1 <<'PY' &
import socket, ssl, sys, time
port, n, src = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conns = []
for _ in range(n):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    conns.append(ctx.wrap_socket(s))
print("held", len(conns), flush=True)
while True:
    time.sleep(1)
    for c in conns:
        try:
            c.send(b"\r\n\r\n")
        except OSError:
            pass
PY
PIDS+=($!)
flood_t0=$SECONDS
check "the flood is up (300 + 3 x 60 + 100 + 30 TCP, 20 TLS)" \
	wait_until 10 bash -c "grep -q '^held 300' '$T/f5.log' && grep -q '^held 100' '$T/silent.log' && grep -q '^held 20' '$T/tls.log'"

# silent connections wait in the kernel (SYN-RECV) and cost no descriptor
silent_waiting=$(ss -Htn state syn-recv "( sport = :$serve_port )" | awk '$4 ~ /^127\.7\./' | wc -l)
silent_in=$(ss -Htn state established "( sport = :$serve_port )" | awk '$4 ~ /^127\.7\./' | wc -l)
check "silent connections wait in the kernel, not in sipvnc ($silent_waiting of 100 in SYN-RECV, $silent_in accepted)" \
	test "$silent_waiting" -ge 90 -a "$silent_in" -le 10

capped() { [ "$(from 127.0.0.5 "$serve_port")" -le 16 ] &&
	[ "$(from 127.0.0.6 "$serve_port")" -le 16 ] &&
	[ "$(from 127.0.0.10 "$tls_port")" -le 16 ]; }
wait_until 4 capped
# before the idle timeout (IDLE s after they were first seen) takes the rest
check "the per-address cap holds each flooding address to its 16 oldest (127.0.0.5: $(from 127.0.0.5 "$serve_port"), TLS: $(from 127.0.0.10 "$tls_port"))" \
	test "$(from 127.0.0.5 "$serve_port")" = 16 -a "$(from 127.0.0.10 "$tls_port")" = 16

# the call placed now, while the flood is on, is held longer than IDLE
"$TOOLS/sipload" --seconds $((IDLE + 4)) --timeout 15 "127.0.0.1:$view_port" >"$T/load.log" 2>&1 &
load_pid=$!
PIDS+=("$load_pid")

flood_gone() { [ "$(from 127.0.0.5 "$serve_port")" = 0 ] &&
	[ "$(from 127.0.0.6 "$serve_port")" = 0 ] &&
	[ "$(from 127.0.0.10 "$tls_port")" = 0 ] &&
	[ "$(ss -Htn state established "( sport = :$serve_port )" |
		awk '$4 ~ /^127\.7\./' | wc -l)" = 0 ]; }
check "the idle timeout closes the rest of the flood, keepalives or not" \
	wait_until $((IDLE + 8)) flood_gone
held_s=$((SECONDS - flood_t0))
# shut down, not closed by us: libre reads EOF and closes its descriptors
# (the 30 trusted ones, the call's flow and its MSRP stay)
fds_back() { [ "$(serve_fds)" -le $((fds0 + 40)) ]; }
check "libre let go of the descriptors it held for them" wait_until 5 fds_back
echo "# descriptors: $fds0 before the flood, $(serve_fds) after"
echo "# the flood held connections for ${held_s} s (libre alone: each CRLF restarts its 900 s timer)"
check "the trusted proxy's 30 connections were never closed ($(from 127.0.0.9 "$serve_port"))" \
	test "$(from 127.0.0.9 "$serve_port")" = 30
check "the caller's SIP flow is still up past the idle timeout ($(from 127.0.0.1 "$serve_port") from 127.0.0.1)" \
	test "$(from 127.0.0.1 "$serve_port")" -ge 1
check "accepted SIP connections probe their peer (TCP keepalive timer on the caller's flow)" \
	bash -c "ss -Htno state established '( sport = :$serve_port )' | awk '\$4 ~ /^127\\.0\\.0\\.1:/' | grep -q 'timer:(keepalive'"
wait "$load_pid"
rc=$?
check "the call placed during the flood connected and lasted ($(head -1 "$T/load.log" | sed 's/.*(//; s/)//'), quiet: $quiet_ms ms)" test $rc = 0
check "one warning line per sweep, with counts" \
	grep -qE 'closed [0-9]+ over sip_tcp_max_per_addr, [0-9]+ idle' "$T/serve.log"
check "sipvnc is still up" kill -0 "$serve_pid"

# the registration's flow (a connection sipvnc opened) is never cut
reg_flow() { ss -Htnp state established "( dport = :$KAM_SIP_PORT )" |
	grep "pid=$reg_pid," | awk '{ print $3 }'; }
check "the other instance registered over TCP through Kamailio" \
	grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/reg.log"
flow0=$(reg_flow)
sleep 3
check "its registration flow outlived its 2 s idle timeout (the same connection, $flow0, after ${SECONDS} s of the test)" \
	test -n "$flow0" -a "$flow0" = "$(reg_flow)"
check "and nothing was closed there" bash -c "! grep -q 'SIP over TCP/TLS: closed' '$T/reg.log'"
# libre freed every connection the guard shut down (ASan's leak check at
# exit, and no use after free on the way)
kill -TERM "$serve_pid"
stopped() { ! kill -0 "$serve_pid" 2>/dev/null; }
check "sipvnc stops cleanly" wait_until 10 stopped
check "no sanitizer report" \
	bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$T/serve.log'"

if [ "$failed" != 0 ]; then
	for f in serve view load f5 tls; do echo "--- $f.log"; tail -8 "$T/$f.log"; done
fi
finish sip_tcpguard
