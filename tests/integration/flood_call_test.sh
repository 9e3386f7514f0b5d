#!/usr/bin/env bash
# Connection floods cannot keep an allowed caller out: with 1,500 idle TCP
# connections held on the SIP port (past libre's old 1,024-descriptor
# loop and past select()'s FD_SETSIZE) and 300 more renewed as fast as
# sipvnc closes them on the MSRP port, from addresses of their own, a call
# still connects and shows the screen, and a second call after it too.
# test: alone (1,500 connections; it counts descriptors)
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
msrp_port=$(free_port)
# the SIP guard (sip_tcpguard_test) would defer and cap these; here all
# 1,500 must reach sipvnc, past 1,024 descriptors
write_serve_conf "allow           sip:*@127.0.0.1 control" \
	"msrp_listen     127.0.0.1:$msrp_port" \
	"sip_tcp_defer_accept 0" "sip_tcp_max_conns 3000"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 view_listening view

timed_grab "$T/quiet.ppm" 15 "$T/grab0.log"
quiet_ms=$grab_ms
check "a call on a quiet server gets a frame ($quiet_ms ms)" test -s "$T/quiet.ppm"

"$TOOLS/tcpflood" "127.0.0.1:$serve_port" 1500 --src-net 127.1 >"$T/sipflood.log" 2>&1 &
PIDS+=($!)
"$TOOLS/tcpflood" "127.0.0.1:$msrp_port" 300 --renew --src-net 127.2 >"$T/msrpflood.log" 2>&1 &
PIDS+=($!)
check "1,500 idle connections held on the SIP port" \
	wait_until 20 grep -q '^held 1500' "$T/sipflood.log"
check "300 connections kept up on the MSRP port" \
	wait_until 20 grep -q '^held 300' "$T/msrpflood.log"
serve_fds() { ls "/proc/$serve_pid/fd" | wc -l; }
# the client holds them before sipvnc has accepted them all: poll
serve_holds() { [ "$(serve_fds)" -gt 1024 ]; }
wait_until 20 serve_holds
check "sipvnc holds them (more than 1,024 descriptors: $(serve_fds))" \
	test "$(serve_fds)" -gt 1024

for n in 1 2; do
	timed_grab "$T/flood$n.ppm" 20 "$T/grab$n.log"
	check "call $n under the flood gets a frame ($grab_ms ms, quiet: $quiet_ms ms)" \
		test -s "$T/flood$n.ppm"
	check "call $n: its pixels equal the quiet call's" same_picture "$T/quiet.ppm" "$T/flood$n.ppm"
done
check "the MSRP flood was being closed and renewed" \
	bash -c "tail -1 '$T/msrpflood.log' | awk '{exit !(\$4 > 0)}'"
check "sipvnc is still up" kill -0 "$serve_pid"
check "no descriptor error in its log" \
	bash -c "! grep -Ei 'too many open files|max [0-9]+ fds|no descriptor below' '$T/serve.log'"

if [ "$failed" != 0 ]; then
	for f in serve view grab1 msrpflood; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish flood_call
