#!/usr/bin/env bash
# serve_held_test.sh - a desktop nobody watches costs next to nothing,
# and the first viewer still gets today's screen.  While no client is
# attached the capture is held (capture_hold(), server/desktop.c): X's
# damage only marks tiles, nothing is fetched or compared.  Before, serve
# fetched every change of a 600x440 animation at 30 fps with nobody
# watching (about 60 ms of CPU in 3 s here); held, it reads the events
# alone (4-7 ms).  The first call's desktop_attach() then fetches what
# was marked before its client starts: its first frame equals the X
# screen.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
# its threads' CPU time in microseconds (cpu_ns: clock ticks are too
# coarse for a few milliseconds)
cpu_us() { echo $(($(cpu_ns "$1") / 1000)); }

start_xvfb 640x480x24 || exit 1
write_serve_conf "allow           sip:*@127.0.0.1"
start_sipvnc serve -c "$T/serve.conf"
check "serve starts" wait_until 10 grep -q "try: " "$T/serve.log"
start_view view "sip:sipvnc@127.0.0.1:$serve_port"
check "view listens" wait_until 10 view_listening view

# 6 s of animation (180 frames), then its last frame stays up
"$TOOLS/xdemo" --animate 600x440 30 --frames 180 >"$T/demo.log" 2>&1 &
PIDS+=($!)
sleep 1
c0=$(cpu_us "$serve_pid")
sleep 3
c1=$(cpu_us "$serve_pid")
echo "  serve's CPU over 3 s of animation with nobody watching: $((c1 - c0)) us"
check "nobody watching: the animation costs serve under 25 ms of CPU in 3 s" \
	test $((c1 - c0)) -lt 25000

check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc.ppm" >"$T/grab.log" 2>&1; then
	ok "a viewer connects"
else
	bad "a viewer connects ($(tail -1 "$T/grab.log"))"
fi
check "its first frame equals the X screen (held changes fetched at attach)" \
	same_picture "$T/x.ppm" "$T/vnc.ppm"
check "serve is still running" kill -0 "$serve_pid"
finish serve_held
