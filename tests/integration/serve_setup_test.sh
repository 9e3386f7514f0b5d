#!/usr/bin/env bash
# serve_setup_test.sh - a call's first frame is not held back by
# libvncserver's wait for a WebSocket handshake.  rfbNewClient() peeks
# 100 ms for one before it greets; the desktop's bridge now sends the
# (constant) greeting itself as the call is bound, so the viewer's reply
# ends that wait at once (server/bridge.c, skip_greeting).  Before, no
# call through `sipvnc view` had its first frame in under ~110 ms here;
# the best of five must now come in under 90 ms: a floor, not an
# average, so a loaded machine slows some calls but not all five.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/demo.log" 2>&1 &
PIDS+=($!)
write_serve_conf "allow           sip:*@127.0.0.1"
start_sipvnc serve -c "$T/serve.conf"
check "serve starts" wait_until 10 grep -q "try: " "$T/serve.log"
start_view view "sip:sipvnc@127.0.0.1:$serve_port"
check "view listens" wait_until 10 view_listening view
check "the X screen settles" wait_x_settled "$T/x.ppm"

best=999999
for i in 1 2 3 4 5; do
	"$TOOLS/vncbench" "127.0.0.1:$view_port" --seconds 0.2 >"$T/bench$i.log" 2>&1
	ms=$(awk '/^first_frame_ms/ {printf "%d", $2}' "$T/bench$i.log")
	[ -n "$ms" ] || { bad "call $i: no first frame ($(tail -1 "$T/bench$i.log"))"; continue; }
	echo "  call $i: first frame in $ms ms"
	((ms < best)) && best=$ms
	# one call at a time: the last one's end must be seen first
	wait_until 5 test "$(grep -c 'call-audit' "$T/serve.log")" -ge "$i"
done
check "the best of five calls has its first frame in under 90 ms ($best ms)" test "$best" -lt 90
check "libvncserver's own greeting was dropped as ours went out (no call failed)" \
	test "$(grep -c 'greeted with another RFB version' "$T/serve.log")" = 0
finish serve_setup
