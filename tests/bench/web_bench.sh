#!/usr/bin/env bash
# make bench, issue 13: the browser (chromium + noVNC through `sipvnc web`)
# against `sipvnc view` + libvncclient (vncbench), same desktop, same run:
# call setup to the first full frame, FramebufferUpdates per second of a
# 400x400 area animated at 30 fps reaching the viewer, and CPU per update
# of the gateway against `sipvnc view`.  Both sides ask for the same
# encodings throughout: Tight, JPEG quality 6, compression level 2 (what
# app.js asks; vncbench --quality 6 --compress 2).  Until 2026-12-04 the
# setup's view side asked lossless Tight (a 33 KB first frame against the
# page's 214 KB of JPEG); that figure is still printed, not compared.
#
#   tests/bench/web_bench.sh [SECONDS]
#   WEB_BENCH_ONLY=setup   only the setup, with each step's figures
#   NOAHEAD=1              the page's Call pressed at once after typing
#                          (no ticket asked ahead; otherwise 0.5 s later,
#                          as a person's click)
#   TRACE=FILE             Chrome's trace of the third setup (DevTools'
#                          Performance panel), with app.js's marks
#
# Measured 2026-12-04 on the 2-core box shared with two other developers
# (load average 0.5-7 during the runs), 6 full runs, 4 setup-only runs:
#
# Setup, median of 5 per run: browser 115-123 ms, view 18-21 ms (each
# call 15-42 ms), ratio 5.5-6.9 (goal <= 1.5; before this round 149-213
# ms and, with the view asking lossless, "8.2").  Where the page's time
# goes, ms after Call (medians of the runs; app.js marks):
#   ticket in          0.3  (asked ahead; on a click at once 11-24 ms)
#   noVNC made         8-9  noVNC's RFB constructor (elements, handlers)
#   WebSocket open    13-14 Chrome's handshake, in parallel with the above
#   greeting in       15-18 the gateway greets while the call rings
#   ServerInit        21-28 call up, desktop let us in; the page's first
#                           request now goes out here, before the resize
#   canvas sized      35-45 noVNC's resize to 1920x1080: 15-18 ms
#   first update      46-52 its first bytes read by the page
#   last rect in     105-111 noVNC handling ~20 WebSocket messages of
#                           Tight: 55-65 ms (Chrome's profile: pako's zlib
#                           inflate of palette/zlib rects ~24 ms, the JPEG
#                           rects' bookkeeping, Chrome copying the canvas
#                           for a shown frame 10-15 ms each)
#   drawn            115-123 the last JPEGs decoded and the flip
# The gateway has the whole first frame on the page's socket 12-17 ms
# after the page's request (strace).  What makes <= 1.5x (about 28 ms)
# unreachable are the page's fixed costs, each measured above: noVNC's
# construction 6-9 ms, the canvas resize 15-18 ms and noVNC's handling and
# drawing of the first frame 65-75 ms, about 90 ms of the page's one
# thread against vncbench's whole 18-21 ms (libvncclient decodes the same
# frame in C).  Done to get here: ticket ahead, noVNC made at once, the
# first request before the resize, ImageDecoder instead of a Blob for
# createImageBitmap(), the canvas hidden until drawn (Chrome copied the
# blank canvas twice, 10-15 ms each, before reading the first update).
#
# Updates/s of the animation: ratio 1.01-1.02 (0.62 in one run at load 6.9).
# CPU per update, gateway against `sipvnc view` (9 runs of this code):
# one after the other 1.05-1.38 (1.05 1.11 1.16 1.18 1.18 1.19 1.25 1.28
# 1.38), both viewers at once 1.08-1.28 (1.08 1.09 1.10 1.11 1.12 1.20
# 1.22 1.25 1.28); gateway 0.15-0.20 ms, view 0.13-0.15 ms.  The two runs at
# load average below 1: 1.11 and 1.19, at once 1.08 and 1.12.  The gateway makes fewer
# system calls per update than the view (strace -c over 5 s: 9.7 against
# 12.4; the view writes each update to vncbench in 4 pieces) and perf
# shows the same kernel paths (TCP send and the receiver's wakeup, epoll)
# with user space 30% against 23% of the time; the spread follows the
# machine's load and Chrome's own work on the same two cores.  Done: the
# update sent to the page when whole, not from a 0 ms timer (one loop
# turn less per update); the view's CPU now taken over exactly the window
# vncbench counts (before 0.5 s less of it, ~5% in the view's favour).
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
WEBT=$TOP/tests/web
SECS=${1:-10}
field() { awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) {print $(i + 1); exit}}' "$1"; }
[ -d "$WEBT/node_modules/puppeteer-core" ] ||
	(cd "$WEBT" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null 2>&1)

start_xvfb 1920x1080x24 || exit 1
demo_pid=
workload() {
	[ -n "$demo_pid" ] && { kill "$demo_pid"; wait "$demo_pid" 2>/dev/null; }
	"$TOOLS/xdemo" "$@" >/dev/null 2>&1 &
	demo_pid=$!
	PIDS+=($demo_pid)
	sleep 1
}
write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
target="sip:sipvnc@127.0.0.1:$serve_port"
view_port=$(free_port)
start_sipvnc view view "$target" --listen "127.0.0.1:$view_port"
wport=$(free_port)
printf 'sip_listen 127.0.0.1:0\nweb_listen 127.0.0.1:%s\n' "$wport" >"$T/web.conf"
start_sipvnc web web -c "$T/web.conf"
wait_until 10 port_open "$serve_port" && wait_until 10 port_open "$view_port" &&
	wait_until 10 grep -q "?token=" "$T/web.log" || { echo "web bench: start failed"; exit 1; }
url=$(grep -o "http://127.0.0.1:$wport/?token=[0-9a-f]*" "$T/web.log")
browser() { (cd "$WEBT" && T=$T URL=$url TARGET=$target SECS=$SECS GATEWAY_PID=$web_pid env "$@" node web_bench.mjs 2>>"$T/web_bench.err"); }

workload
: >"$T/setup.lossless"
# the same settings as the page (app.js): Tight, JPEG quality 6,
# compression level 2; and, for comparison only, lossless as before
: >"$T/setup.view"
for _ in 1 2 3 4 5; do
	"$TOOLS/vncbench" "127.0.0.1:$view_port" --quality 6 --compress 2 >>"$T/setup.view" 2>&1
	sleep 0.3
	"$TOOLS/vncbench" "127.0.0.1:$view_port" >>"$T/setup.lossless" 2>&1
	sleep 0.3
done
median5() { awk '/^first_frame_ms/ {print $2}' "$1" | sort -n | sed -n 3p; }
setup_view=$(median5 "$T/setup.view")
setup_lossless=$(median5 "$T/setup.lossless")
browser >"$T/setup.web"
setup_web=$(awk '/^setup_ms/ {print $2}' "$T/setup.web")
if [ "${WEB_BENCH_ONLY:-}" = setup ]; then
	cat "$T/setup.web"; echo "view (JPEG, lossless): $setup_view $setup_lossless"; exit 0
fi

workload --animate 400x400 30
# the view's CPU over exactly the window whose updates vncbench counts
# (before, from 0.5 s after its first frame: 5% less CPU for as many
# updates), as web_bench.mjs does for the gateway
"$TOOLS/vncbench" "127.0.0.1:$view_port" --seconds "$SECS" --quality 6 --compress 2 \
	--cpu-pid "$view_pid" >"$T/anim.view" 2>&1
frames_view=$(field "$T/anim.view" updates)   # every FramebufferUpdate, as noVNC flips
secs_view=$(field "$T/anim.view" seconds)
browser ANIMATED=1 >"$T/anim.web"
read -r _ frames_web _ secs_web _ ns_web <"$T/anim.web"
# CPU per update again with both viewers at once, under the same load:
# alone, the browser's own work on this machine's cores (Chrome decodes
# and draws every update) made the gateway's figure swing by a third
# from run to run, the view's (beside the small vncbench) much less
browser ANIMATED=1 >"$T/both.web" &
both=$!
sleep 2   # the page loaded, called and counting
"$TOOLS/vncbench" "127.0.0.1:$view_port" --seconds "$SECS" --quality 6 --compress 2 \
	--cpu-pid "$view_pid" >"$T/both.view" 2>&1
wait $both
read -r _ frames_both _ _ _ ns_both <"$T/both.web"

calc() { awk "BEGIN {printf \"%.${2:-2}f\", ($1)}"; }
fps_view=$(calc "$frames_view / $secs_view")
fps_web=$(calc "$frames_web / $secs_web")
cpu_view=$(calc "$(field "$T/anim.view" cpu_ns) / 1e6 / ${frames_view:-1}" 3)
cpu_web=$(calc "${ns_web:-0} / 1e6 / ${frames_web:-1}" 3)
cpu_both_view=$(calc "$(field "$T/both.view" cpu_ns) / 1e6 / $(field "$T/both.view" updates)" 3)
cpu_both_web=$(calc "${ns_both:-0} / 1e6 / ${frames_both:-1}" 3)
echo
echo "web bench: Xvfb 1920x1080, $SECS s animated, JPEG quality 6"
printf '%-44s %10s %10s %8s %s\n' "" browser view ratio goal
printf '%-44s %10s %10s %8s %s\n' "call setup to first full frame (ms, median/5)" \
	"$setup_web" "$setup_view" "$(calc "$setup_web / $setup_view")" "<= 1.5"
printf '%-44s %10s %10s %8s %s\n' "  (view asking lossless Tight, not compared)" \
	"" "$setup_lossless" "" ""
printf '%-44s %10s %10s %8s %s\n' "400x400 at 30 fps: updates/s reaching viewer" \
	"$fps_web" "$fps_view" "$(calc "$fps_web / $fps_view")" ">= 0.9"
printf '%-44s %10s %10s %8s %s\n' "CPU ms per update: gateway vs sipvnc view" \
	"$cpu_web" "$cpu_view" "$(calc "$cpu_web / $cpu_view")" "<= 1.2"
printf '%-44s %10s %10s %8s %s\n' "  the same, both viewers at once" \
	"$cpu_both_web" "$cpu_both_view" "$(calc "$cpu_both_web / $cpu_both_view")" "<= 1.2"
echo
echo "the page's setup, ms after Call (median, range of 5; app.js's marks):"
echo "  all five: $(awk '/^setup_ms/ {print $4}' "$T/setup.web")"
awk '/^step / {printf "  %-14s %7s  %s\n", $2, $3, $4}' "$T/setup.web"
echo "  view (vncbench, JPEG) all five: $(awk '/^first_frame_ms/ {printf "%s ", $2}' "$T/setup.view")"
