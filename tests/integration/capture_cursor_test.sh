#!/usr/bin/env bash
# The cursor reaches the viewer as pseudo-encodings, through SIP and MSRP
# (sipvnc serve + sipvnc view on loopback): its shape at connect, a new
# shape when X changes it (nothing else changing on the screen, so only
# the cursor change can have woken the sender), and the pointer's position
# when it moves on the X side.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)

write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"

sleep 0.3   # let xdemo paint: the screen stays still from here on
"$TOOLS/vncbench" "127.0.0.1:$view_port" --cursor --seconds 8 >"$T/cursor.log" 2>&1 &
bench=$!
PIDS+=($bench)
shapes() { grep -c '^shape' "$T/cursor.log"; }
more_shapes_than() { [ "$(shapes)" -gt "$1" ]; }
connected() { grep -q first_frame_ms "$T/cursor.log"; }
check "the viewer gets a first frame" wait_until 10 connected
check "the cursor shape arrives at connect" wait_until 3 more_shapes_than 0
before=$(shapes)
# The cursor's owner must outlive our read of it (see tests/tools/xcursor.c).
"$TOOLS/xcursor" 150 2 >/dev/null &
PIDS+=($!)
check "a cursor change alone reaches the viewer" wait_until 3 more_shapes_than "$before"
first=$(grep -m1 '^shape' "$T/cursor.log")
watch=$(grep '^shape' "$T/cursor.log" | tail -1)
check "it is another shape ($first, then $watch)" test "$first" != "$watch"
before=$(shapes)
"$TOOLS/xcursor" 34 2 >/dev/null &
PIDS+=($!)
check "then a crosshair" wait_until 3 more_shapes_than "$before"
xdotool mousemove 123 45
check "an X-side pointer move arrives as a position" wait_until 3 grep -q '^pos 123 45$' "$T/cursor.log"
xdotool mousemove 300 200
check "and the next one" wait_until 3 grep -q '^pos 300 200$' "$T/cursor.log"
wait "$bench"
check "the viewer stayed connected throughout" test $? = 0

if [ "$failed" != 0 ]; then
	for f in cursor serve view; do echo "--- $f.log"; tail -20 "$T/$f.log"; done
fi
finish capture_cursor
