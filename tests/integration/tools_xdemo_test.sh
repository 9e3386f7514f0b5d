#!/usr/bin/env bash
# xdemo --animate, the bench's and the web tests' moving picture, keeps
# moving after it falls behind.  It used to compute its poll() timeout as
# (next frame - now) in whole ms: once it was late by a millisecond or
# more (a preemption right after "fell behind: next frame = now"), that
# was negative, poll() waited for ever, and the picture froze.  `make
# bench` then saw a browser that "stopped asking for updates" (fps 0,
# ratio inf) in about 1 run of 10 on a loaded machine, while noVNC, the
# gateway and the desktop were all idle waiting for a change.  Here
# xdemo is asked for far more frames a second than it can draw (so it
# is behind after every frame) and shares one CPU with busy loops for a
# few seconds (so it is preempted, for milliseconds, hundreds of times):
# it must still be drawing afterwards.
# test: alone (its busy loops fill a core for 4 s; a neighbour would feel them)
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

# CPU time in ms: an xdemo drawing hundreds of frames a second uses tens of ms a second,
# one stuck in poll() none
cpu_ms() { echo $(($(cpu_ns "$1") / 1000000)); }

start_xvfb 640x480x24 || exit 1
cpu=$(( $(nproc) - 1 ))
taskset -c "$cpu" "$TOOLS/xdemo" --animate 200x200 1000 >"$T/xdemo.out" 2>&1 &
demo=$!
PIDS+=($demo)
sleep 0.5
c0=$(cpu_ms "$demo"); sleep 1; c1=$(cpu_ms "$demo")
check "xdemo draws before the busy loops ($((c1 - c0)) ms CPU in 1 s)" test $((c1 - c0)) -ge 5

hogs=()
for _ in 1 2 3; do
	taskset -c "$cpu" bash -c 'end=$((SECONDS + 4)); while [ $SECONDS -lt $end ]; do :; done' &
	hogs+=($!)
	PIDS+=($!)
done
wait "${hogs[@]}"

sleep 0.5
c0=$(cpu_ms "$demo"); sleep 1; c1=$(cpu_ms "$demo")
check "xdemo still draws after being preempted ($((c1 - c0)) ms CPU in 1 s)" test $((c1 - c0)) -ge 5
check "xdemo is still running" kill -0 "$demo"
finish tools_xdemo
