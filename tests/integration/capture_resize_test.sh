#!/usr/bin/env bash
# Screen size changes (RandR) reach a connected viewer as a new desktop
# size, with the right pixels.  Xvfb cannot change its size, so this runs
# on Xorg with the dummy driver (packages xserver-xorg-core and
# xserver-xorg-video-dummy); without them it is skipped.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

if ! command -v Xorg >/dev/null || [ ! -e /usr/lib/xorg/modules/drivers/dummy_drv.so ]; then
	echo "capture_resize: skipped (needs xserver-xorg-core and xserver-xorg-video-dummy)"
	exit 0
fi
start_xorg_dummy || { echo "Xorg did not start"; tail "$T/xorg.out"; exit 1; }

"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"
# `sipvnc view` takes one viewer at a time: a second one for the newcomer.
view2_port=$(free_port)
start_sipvnc view2 view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view2_port"
wait_until 10 port_open "$view2_port"
# vncbench runs a fixed time: long enough for both resizes even on a
# loaded machine, or its last frame would predate the second one.
sleep 0.5   # the probes above were calls too: let them end

"$TOOLS/vncbench" "127.0.0.1:$view_port" --cursor --seconds 10 --ppm "$T/end.ppm" >"$T/bench.log" 2>&1 &
bench=$!
PIDS+=($bench)
check "the viewer starts at 1024x768" wait_until 10 grep -q '^size 1024 768$' "$T/bench.log"
xrandr -s 800x600
check "shrinking to 800x600 reaches the connected viewer" wait_until 3 grep -q '^size 800 600$' "$T/bench.log"
check "the server followed" wait_until 3 grep -q "now 800x600" "$T/serve.log"
sleep 0.5
"$TOOLS/xgrab" "$T/x800.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view2_port" "$T/v800.ppm" --timeout 5 >/dev/null 2>&1; then
	ok "a new viewer meanwhile gets a frame"
else
	bad "no frame for a new viewer at 800x600"
fi
check "its pixels equal the 800x600 screen" same_picture "$T/x800.ppm" "$T/v800.ppm"
xrandr -s 1024x768
check "growing back reaches the viewer" wait_until 3 bash -c "grep '^size' '$T/bench.log' | tail -1 | grep -q '^size 1024 768$'"
wait "$bench"
check "the viewer stayed connected" test $? = 0
"$TOOLS/xgrab" "$T/x1024.ppm"
check "its last frame equals the 1024x768 screen" same_picture "$T/x1024.ppm" "$T/end.ppm"

if [ "$failed" != 0 ]; then
	for f in bench serve view; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish capture_resize
