#!/usr/bin/env bash
# A viewer that stops reading while another watches a 30 fps animation.
# The stalled one keeps asking for whole frames and reads nothing, and its
# `sipvnc view` is then stopped (SIGSTOP): the desktop's MSRP send to it
# backs up and its encoder is held in the middle of an update.  The other
# viewer's updates per second do not drop, the desktop's memory stays flat,
# and afterwards a viewer still gets the X server's exact pixels.  The
# guard for issue 14's "a slow viewer never slows the others or grows
# memory", whichever path the desktop's encoding takes.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
SECS=${STALL_SECONDS:-4}
rss_quiet_asan

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" --animate 400x300 30 >/dev/null 2>&1 &
demo=$!
PIDS+=($demo)
write_serve_conf "allow           sip:*@127.0.0.1 view" "max_sessions    3"
start_sipvnc serve -c "$T/serve.conf"
start_view viewa "sip:sipvnc@127.0.0.1:$serve_port" --no-auth
port_a=$view_port
start_view viewb "sip:sipvnc@127.0.0.1:$serve_port" --no-auth
port_b=$view_port
check "two sipvnc views listen" wait_until 10 eval "view_listening viewa && view_listening viewb"

"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds "$SECS" --quality 6 >"$T/alone.out" 2>&1
fps0=$(bench_fps "$T/alone.out")
rss0=$(rss_kb "$serve_pid")
check "a viewer alone gets the animation (${fps0:-0} frames/s)" test "${fps0:-0}" -ge 10

# the stalled viewer: first frame, then requests only, for longer than
# the measured viewer's run; its view stops soon after (its backlog would
# reach BRIDGE_BACKLOG_MAX and end the call within about a second)
"$TOOLS/vncbench" "127.0.0.1:$port_b" --stall $((SECS + 3)) >"$T/stall.out" 2>&1 &
stall=$!
PIDS+=($stall)
check "the stalling viewer got its first frame" wait_until 15 grep -q first_frame_ms "$T/stall.out"
sleep 0.3
kill -STOP "$viewb_pid"
sleep 0.5
( while kill -0 "$serve_pid" 2>/dev/null; do rss_kb "$serve_pid"; sleep 0.2; done ) >"$T/rss.log" &
sampler=$!
PIDS+=($sampler)
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds "$SECS" --quality 6 >"$T/beside.out" 2>&1
fps1=$(bench_fps "$T/beside.out")
kill -CONT "$viewb_pid"
wait "$stall"
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
peak=$(sort -n "$T/rss.log" | tail -1)
echo "  frames/s alone ${fps0:-?}, beside the stalled viewer ${fps1:-?};" \
	"RSS ${rss0} kB before, ${peak:-?} kB at most; $(grep stalled "$T/stall.out")"
check "the stalled viewer kept asking" eval "grep -qE 'stalled requests [0-9]{2,}' '$T/stall.out'"
check_unslowed_flat "$fps0" "$fps1" "$rss0" "$peak" "the other viewer is"

kill "$demo"
wait "$demo" 2>/dev/null
check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$port_a" "$T/after.ppm" >"$T/after.log" 2>&1; then
	ok "a viewer afterwards gets a frame"
else
	bad "no frame afterwards ($(tail -1 "$T/after.log"))"
fi
check "its pixels equal the X screen" same_picture "$T/x.ppm" "$T/after.ppm"
check "the desktop is still running" kill -0 "$serve_pid"

[ "$failed" = 0 ] || { echo "--- serve.log"; tail -20 "$T/serve.log"; echo "--- viewb.log"; tail -5 "$T/viewb.log"; }
finish view_stall
