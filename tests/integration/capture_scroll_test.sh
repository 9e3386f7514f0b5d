#!/usr/bin/env bash
# Content that scrolls goes to viewers as CopyRect, and the copies with
# the repair that follows a pause in the motion leave the viewer with
# exactly the X screen's pixels.  (Copies alone cannot promise that: a
# client thread may encode while the capture writes, and a copy carries
# such a mixed frame along; server/desktop_copy.c.)  xdemo scrolls a
# detailed picture sideways, then holds its last frame; vncbench
# (libvncclient, lossless) watches throughout through sipvnc serve +
# sipvnc view.  Then an xterm's two-tone text scrolls, as in remote
# support, and must arrive as copies too.
# test: alone (an 800x600 animation at 30 fps watched for 5 s)
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 800x600x24 || exit 1
write_serve_conf \
	"allow           sip:*@127.0.0.1"

run_case() { # run_case NAME REPAIR_MS ENCODINGS: one serve, one scroll, one viewer
	local name=$1
	"$TOOLS/xdemo" >"$T/$name.demo0.log" 2>&1 &
	local still=$!
	PIDS+=($still)
	SIPVNC_REPAIR_MS=$2 start_sipvnc serve serve -c "$T/serve.conf"
	local vport
	vport=$(free_port)
	start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$vport"
	wait_until 10 grep -q "connect a VNC viewer" "$T/view.log" ||
		{ bad "$name: view did not start"; return; }
	VNCBENCH_ENCODINGS=$3 "$TOOLS/vncbench" "127.0.0.1:$vport" --seconds 5 --ppm "$T/$name.vnc.ppm" \
		>"$T/$name.bench.log" 2>&1 &
	local bench=$!
	wait_until 10 grep -q first_frame_ms "$T/$name.bench.log" ||
		{ bad "$name: no first frame ($(tail -1 "$T/$name.bench.log"))"; return; }
	# the animation starts while the viewer watches; 40 frames, then still
	"$TOOLS/xdemo" --animate 600x400 30 --frames 40 >"$T/$name.demo.log" 2>&1 &
	PIDS+=($!)
	wait_until 10 grep -q "animation done" "$T/$name.demo.log" ||
		{ bad "$name: the animation did not finish"; return; }
	sleep 0.3
	"$TOOLS/xgrab" "$T/$name.x.ppm"
	if wait "$bench"; then
		ok "$name: the viewer followed the scroll ($(grep updates "$T/$name.bench.log"))"
	else
		bad "$name: the viewer failed ($(tail -1 "$T/$name.bench.log"))"
	fi
	kill "$serve_pid" "$view_pid" 2>/dev/null
	wait "$serve_pid" "$view_pid" 2>/dev/null
}

field() { awk -v k="$2" '/^updates/ {for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$1"; }

run_case copies 300 "tight copyrect zrle hextile zlib raw"
copies=$(field "$T/copies.bench.log" copyrects)
check "the scroll arrived as CopyRect (${copies:-0} copies)" test "${copies:-0}" -ge 20
check "copies and the repair give the viewer the X screen's exact pixels" \
	same_picture "$T/copies.x.ppm" "$T/copies.vnc.ppm"

# The same scroll to a viewer that cannot copy: everything is encoded.
run_case plain 300 "tight zrle hextile zlib raw"
check "without CopyRect the viewer still gets the exact pixels" \
	same_picture "$T/plain.x.ppm" "$T/plain.vnc.ppm"
with=$(field "$T/copies.bench.log" rx_bytes)
without=$(field "$T/plain.bench.log" rx_bytes)
check "copies cut the bytes of the scroll by two thirds ($with vs $without)" \
	test "$(( ${with:-999999999} * 3 ))" -lt "${without:-0}"

# A terminal's two-tone bitmap text scrolling (the commonest motion in
# remote support) goes as copies too, and, with the repair a pause in the
# motion brings (as in use), leaves the exact pixels.
"$TOOLS/xdemo" >"$T/text.demo0.log" 2>&1 &
PIDS+=($!)
xterm -fn fixed -geometry 60x25+100+100 -e python3 -c '
import base64, os, sys, time
while not os.path.exists(sys.argv[1]): time.sleep(0.05)
for i in range(60):
    sys.stdout.write(base64.b64encode(os.urandom(42)).decode() + "\n"); sys.stdout.flush()
    time.sleep(1 / 30)
open(sys.argv[2], "w").close()
time.sleep(60)
' "$T/text.go" "$T/text.done" >"$T/xterm.log" 2>&1 &
PIDS+=($!)
start_sipvnc serve serve -c "$T/serve.conf"
vport=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$vport"
if wait_until 10 grep -q "connect a VNC viewer" "$T/view.log"; then
	sleep 1   # the terminal's first paint
	VNCBENCH_ENCODINGS="tight copyrect zrle hextile zlib raw" "$TOOLS/vncbench" "127.0.0.1:$vport" \
		--seconds 8 --ppm "$T/text.vnc.ppm" >"$T/text.bench.log" 2>&1 &
	bench=$!
	wait_until 10 grep -q first_frame_ms "$T/text.bench.log" && touch "$T/text.go"
	wait_until 15 test -e "$T/text.done" || bad "text: the terminal did not print"
	sleep 1   # the repair follows 300 ms after the motion stops
	"$TOOLS/xgrab" "$T/text.x.ppm"
	wait "$bench" || bad "text: the viewer failed ($(tail -1 "$T/text.bench.log"))"
	copies=$(field "$T/text.bench.log" copyrects)
	check "two-tone terminal text scrolled as CopyRect (${copies:-0} copies)" test "${copies:-0}" -ge 20
	check "the terminal's viewer ends with the X screen's exact pixels" \
		same_picture "$T/text.x.ppm" "$T/text.vnc.ppm"
else
	bad "text: view did not start"
fi

if [ "$failed" != 0 ]; then
	for f in serve view copies.bench; do echo "--- $f.log"; tail -20 "$T/$f.log"; done
fi
finish capture_scroll
