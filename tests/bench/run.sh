#!/usr/bin/env bash
# The benchmark of issue 5: sipvnc (serve + view on loopback, viewer through
# SIP and MSRP) against x11vnc (plain TCP, its defaults) on one Xvfb
# 1920x1080x24, with xdemo as the workload and vncbench (libvncclient) as
# the viewer.  Run after `make build/sipvnc tools`:
#
#   tests/bench/run.sh [SECONDS]      (SECONDS per timed scenario, default 10)
#
# Scenarios: (a) idle, (b) a 400x400 area animated at 30 fps, (c) a
# near-full-screen area at 30 fps, (d) latency of a small change, drawn by
# xdemo when vncbench asks through a fifo, until its pixels arrive, (e) call
# setup: from the viewer's connect (the INVITE, for sipvnc) to the first
# complete frame, (f) an xterm scrolling random base64 at 30 Hz with one
# viewer and (g) with four at once (four `sipvnc view`s; four connections
# to x11vnc), (h) one xterm line rewritten at 30 Hz (a small change).  Server CPU is utime+stime of the server process over the
# interval; the X server's own CPU is shown beside it because a poller like
# x11vnc makes the X server work too.
#
# What (f)-(h) showed when they were added (issue 14; ratios, same run):
# four text viewers cost sipvnc 3.4-4.5x one viewer's CPU (x11vnc 1.6-2.0x),
# about 1.2-1.4x x11vnc's own four; a changing line costs 0.70-0.75x of
# x11vnc's CPU per update.  perf on serve with four text viewers: zlib 50%,
# libvncserver 31% (Tight's palette and rectangle analysis and the pixel
# translation to the viewer's format), kernel 15% (thread wake-ups, socket
# writes), capture and MSRP under 1%: all but the capture is done once per
# viewer.  With raw encoding four viewers cost 2.5x one, with Tight 4x, so
# one encoding fanned out to viewers of the same settings is the lever.
# For the one line, a third is context switches (client thread, event
# loop, xcb waiting for the X server), a quarter zlib.
# Then the scroll guess learnt two-tone text (capture/scroll.c): an xterm's
# scroll is a CopyRect and one new line, no longer the whole terminal.
# Same runs: one text viewer 0.28-0.42x of x11vnc's CPU (was 0.73-0.90x),
# four 0.44-0.49x (was 0.98-1.74x) at more updates/s; four/one is still
# 2.5-3.4x, because each viewer's thread still encodes its own new line
# (perf, all threads, four viewers: the four client threads 76% of the CPU,
# zlib 41% and libvncserver 27% of the total; the event loop 20%).
# Changed tiles then reported only their changed rows (capture/fetch.c):
# one line went from 810 to 650 bytes and 0.70-0.76x to 0.60-0.72x of
# x11vnc's CPU per update.  Its time: the event loop 55% (X round trip,
# tile compare, motion search up to ~40 us, MSRP over loopback TCP,
# wake-ups), the client thread 40% (Tight: zlib half), its input thread
# 6%.  Sending an update as one MSRP SEND instead of one per write() of
# libvncserver (header, then each rectangle) was tried: no change within
# the noise.
# Then the motion search looked only inside the pass's dirty tiles with a
# 4-byte pre-check (capture/scroll.c; perf on (h): 14% of serve's CPU
# before, 3-4% after), and a Tight update's header, which libvncserver
# writes alone, goes in one MSRP SEND with its first rectangle (one
# sendto per small update, not two).  Two runs each at 15 s on a loaded
# machine: (h) 0.72 and 0.62 ms/update before (0.82x, 0.67x of x11vnc),
# 0.54 and 0.53 after (0.65x, 0.64x); (f) and (g) unchanged, four/one
# still 2.9-3.6x.  What (h) costs now (perf): the event loop about half
# (capture 27%, mostly the wait for the X server's reply; MSRP to TCP 8%;
# epoll 8%), libvncserver's client thread 41% (deflate 8%, the rest mostly
# scheduling: its usleep(0) before each update and the wake-up each
# FramebufferUpdateRequest gives it), its input thread 7%.
# Measured again before encoding once for viewers of the same settings
# (seven runs at 15 s, 2 shared cores): (f) 3.7-4.6%, (g) 11.8-13.2%,
# four/one 2.7-3.4x, 0.31-0.37x of x11vnc's four; (h) 0.51-0.69
# ms/update, 0.56-0.68x of x11vnc's.  perf on serve, (g): the
# four client output threads 73% of its CPU (each 18%: zlib 9-10%,
# libvncserver 6%, kernel 2%), the event loop 22% (kernel 15%: TCP to
# the views, socket-pair reads, epoll, xcb's poll), the four input
# threads 4%; (f): output thread 56%, event loop 40%, input thread 3%.
# In CPU: one viewer 2.2 encoding + 1.6 loop; four 9.7 + 3.0 + 0.5.
# One encoding for all four, the rest as today, would be about 1.5x one
# viewer; only with the members' requests kept from libvncserver (no
# input-thread wake-ups) and their updates read from one socket instead
# of four does it come near 1.2x.  (h) per update (perf stat): the event
# loop 0.30 ms and 6.5 context switches, the output thread 0.23 ms and 4,
# the input thread 0.03 ms and 2.  System calls per update (strace -c,
# perf trace): the loop about 16 (epoll_wait 3.3; xcb's recvmsg 3.3,
# poll 2.3 and writev 1.1; futex 2.1; one each of sendto, read, recvfrom
# and the request's write), the output thread 8 (futex 4.3,
# write 2.4: the update's header alone, then its rectangles, and
# usleep(0), which sleeps 0.1 ms), the input thread 4 (pselect, two
# reads, a futex).
# Then viewers of the same settings shared one Tight encoding
# (encode_groups, server/rfb_group.c: one hidden libvncserver client per
# group, its updates fanned out, the members' requests kept from their own
# clients).  Same session, 15 s runs on 2 shared cores: before, (f) 5.2%,
# (g) 16.0%, four/one 3.08x; after (three runs), (f) 4.4-5.9%, (g)
# 5.2-6.0%, four/one 1.02-1.19x, 0.15-0.17x of x11vnc's four, at 39-50
# updates/s a viewer (x11vnc 22-26).  (h) has one viewer, no group:
# 0.59-0.81x of x11vnc's CPU per update, unchanged within the noise.
# (h) taken apart (perf stat, strace -f, perf record; serve with its
# viewer 0.51-0.58 ms an update, 11-13 context switches; the same serve
# while x11vnc has its turn, capture alone, 0.12-0.16 ms and 3): per
# update the loop wakes four times (X's damage event; the update's
# header, which tight.c writes alone before each rectangle; its
# rectangle; the viewer's next request), blocks once more in xcb for
# the ShmGetImage reply, and makes about 16 system calls; libvncserver's
# output thread is woken twice (the request, which finds nothing to
# send, and the capture's mark, each signalled under the update lock so
# that it first sleeps on that lock), sleeps in usleep(0) and writes
# twice; its input thread wakes once.  Capture's own compute (tile
# compare, motion search, tile runs) was about a third of capture:
# walking only the dirty tile rows took serve's (h) CPU from 166-175 to
# 154-170 ms per 10 s and capture alone from 38-48 to 36-43 ms (three
# interleaved runs each); BENCH_ONLY=line, three interleaved runs at
# 10 s: 0.56, 0.57 (and 0.81 with a build running beside it) of x11vnc
# per update, the old binary 0.61-0.64.  Signalling libvncserver's
# threads after the lock (a copy of rfbMarkRegionAsModified) cut the
# context switches by about 7% but not the CPU measurably; not kept.
# What is left is the wake-ups and system calls above, which libvncserver's
# thread model and xcb's blocking replies fix in place.
# Then a solo viewer's incremental update request waited in the desktop's
# filter until there was something to send (server/desktop_keep.c): the
# capture's mark adds it to the client's requested area under the same
# lock, and a small update (at most 128x128 pixels, nothing waiting in
# the socket) is encoded on the event loop under the client's send lock.
# The input thread no longer wakes for requests, the output thread not at
# all for small updates (no usleep(0), no wake-up under the lock), and the
# update's header and rectangle are read in one go.  perf stat, 5 s of
# (h): serve 83-88 ms on three threads and 1650-1720 context switches
# before, 69 ms on the loop alone and 680 after; strace -c per update: 39
# system calls before (futex 9, pselect 1, read 3.8, write 3), 26 after.
# Interleaved runs, old binary and new, another developer's builds
# beside them (load 0.1-4): at 10 s, ten each, old 0.498-0.567
# ms/update (0.54-0.65x of x11vnc, median 0.58), new 0.365-0.532
# (0.38-0.61x, median 0.49; six of ten at or below 0.50, the three on a
# quiet machine 0.45-0.52); at 20 s, three each, old 0.474-0.533
# (0.59-0.63x), new 0.391-0.433 (0.51-0.63x; x11vnc itself 0.62-0.89 ms
# in the same runs).  At 10 s one clock tick is 0.033 ms an update:
# sipvnc's (h) is 12-13 ticks, x11vnc's 25-31.  (f) 4.4%, (g) 4.8%, four/one 1.09x, 0.13x of
# x11vnc's four.  Where (h)'s time goes now (perf at 20 kHz, serve): the
# kernel 45% (the MSRP SEND's loopback TCP send 13%, which carries the
# view's receiving side too; epoll and scheduling 10%; xcb's poll 4%),
# zlib 19% (deflate's match search at the level Tight takes from the
# viewer's compress level), libvncserver 12% (Tight's analysis), libc 11%
# (the tile memcmp 3.5%, malloc), sipvnc 7% (motion search 2%), libre 3%,
# xcb 2%.  The loop sleeps three times an update (the damage event, xcb's
# wait for the ShmGetImage reply, the viewer's next request); its system
# calls an update: epoll_wait 3.2, recvmsg 3.3 (1.2 of them EAGAIN,
# xcb's event drain), poll 2.3 and writev 1.1 (xcb), libvncserver's two
# writes (header, rectangle), two ioctls (FIONREAD, SIOCOUTQ), sendto,
# read, recvfrom.  Left besides: sip/tcpguard.c's sweep of /proc/self/fd,
# about 220 failing getsockname() a second, and the still pointer's
# QueryPointer 5 times a second, each about 1%.  The rest is the X round
# trip, loopback TCP and Tight, which x11vnc pays too.
# Then the CPU came in ns, each thread's schedstat, not in clock ticks:
# sipvnc's (h) was 12 ticks, one of them 0.04 of the ratio.  The ns and
# the ticks agree within a tick (sipvnc 84-130 ms against 10-13 ticks,
# x11vnc 192-296 ms against 20-29).  libvncserver's two client threads go
# with the viewer before the second sample (in almost every run, (f) and
# (g) too), so they count by the process's ticks beyond the other
# threads' (BENCH_CPU_CHECK=1 shows it): (h)'s precision is now about one
# tick, not two.  sip/tcpguard.c's sweep was tried walking the
# descriptors by number up to the count stat() of /proc/self/fd gives,
# not listing it: 220 descriptors (the 192 reserved copies of /dev/null
# of server/desktop_fds.c among them) took 110 us a second, 75 of them
# listing; walked, about 40.  That is under 1% of serve's
# (h) and under the noise, so it was not kept: interleaved at 10 s, old
# and new, a full test
# suite beside them (load 0.2-11), ticks: old 0.54 0.42 0.44 0.50 0.49
# 0.45x, new 0.51 0.50 0.44 0.43 0.45 0.45x; ns: old 0.50 0.53 0.40
# 0.43x, new 0.55 0.51 0.46 0.43x.  The still pointer's QueryPointer,
# four a second while a viewer watches, stays: the core protocol sends no
# motion for windows we do not own, XInput2's raw motion would need
# libxcb-xinput, and a longer back-off delays the first move's report.
# Then Tight's two-colour and palette zlib streams got a 2-4 kB window
# (server/desktop_zlib.c).  Timed inside deflate() in serve, (h)'s few
# hundred bytes of bitmap took 122 us a call with libvncserver's 32 kB
# window and 128 kB hash table, in caches the other processes empty
# between updates; 73 us at 8 kB, 62 at 4 kB, 49 at 2 kB, 41 at 512
# bytes, every size within 5 bytes an update of the others (the same
# data replayed hot: 31 us, and 14 us with Huffman coding alone).  (h),
# ten runs of three pairs after: 0.35-0.52x of x11vnc per update,
# medians 0.37-0.48 (before: 0.47-0.52 the same day, 0.46-0.64 with a
# median about 0.51 the day before).  (g)/(f) after it: 1.22-1.36 in seven runs, 1.12-1.29 per
# update in the five that printed updates/s (the four got 35-37 updates
# a second, one alone 32-34; (f) 2.6-3.7% of a core).  And the capture
# is held while no client is attached (capture_hold()): x11vnc's turns no
# longer have serve fetching the screen beside them.
# Then the threads' wake-ups with four grouped viewers, counted per thread
# (/proc/PID/task/*/status, 5 s of (g)): the loop 636 a second, the
# hidden client's output thread 138, and each member's own client's
# output thread and another about 55, though nothing is asked of them:
# every pass's mark and every scroll's rfbScheduleCopyRegion() signalled
# every client.  A client is now signalled only with a request to answer
# (desktop_mark(), server/desktop_copy.c), and the hidden client's
# requests are kept like a solo viewer's (a small update is encoded on
# the loop, copy and line in one update): the loop 523, the hidden
# output thread 63, the others 1-3; serve 1040 switches a second to 600.
# The rows "switches/upd." count them per update received (before the
# viewers leave: an exited thread's count is gone).  The CPU moved less
# than the noise of single runs: four/one 1.11-1.33 after against
# 1.16-1.45 before in interleaved pairs (BENCH_ONLY=group, which runs
# (f) and (g) alone); (g)'s switches per update received 7.6 before, 5.0
# after, (f)'s 17.7 both (x11vnc 19 and 91).  The four/one CPU ratio is taken from unrounded
# CPU now, not from the table's one-decimal percentages.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
SECS=${1:-10}
# Timed scenarios ask for Tight+JPEG at this quality, as viewers do.
QUALITY=${BENCH_QUALITY:-6}
HZ=$(getconf CLK_TCK)

for tool in "$SIPVNC" "$TOOLS/xdemo" "$TOOLS/vncbench"; do
	[ -x "$tool" ] || { echo "bench: $tool missing: make build/sipvnc tools"; exit 1; }
done
command -v x11vnc >/dev/null || { echo "bench: x11vnc missing (apt-get install x11vnc)"; exit 1; }
command -v xterm >/dev/null || { echo "bench: xterm missing (apt-get install xterm)"; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# cpu_sample PID: "TICKS TID:NS:TICKS ...": the process's utime+stime in
# clock ticks (which keeps exited threads' time), then each thread's CPU
# in ns (task_cpu_ns, tests/lib.sh) and in ticks.  A clock tick is 10 ms:
# (h) is a dozen of them.
cpu_sample() {
	local t a k out
	out=$(cpu_ticks "$1")
	for t in /proc/"$1"/task/*; do
		a=$(task_cpu_ns "$t") || continue
		k=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')
		out+=" ${t##*/}:$a:${k:-0}"
	done
	echo "$out"
}
# cpu_secs NAME "SAMPLE0" "SAMPLE1": CPU seconds between the samples: in
# ns for the threads there at both ends; a thread that started or exited
# between them (libvncserver's client threads go with the viewer, before
# the second sample) counts by what the process's ticks have beyond the
# other threads' ticks, and the output says so.
cpu_secs() {
	awk -v a="$2" -v b="$3" -v hz="$HZ" -v name="$1" -v check="${BENCH_CPU_CHECK:-}" 'BEGIN {
		n = split(a, A, " "); m = split(b, B, " ")
		for (i = 2; i <= n; i++) { split(A[i], f, ":"); ns0[f[1]] = f[2]; tk0[f[1]] = f[3] }
		for (i = 2; i <= m; i++) {
			split(B[i], f, ":")
			if (f[1] in ns0) { ns += f[2] - ns0[f[1]]; tk += f[3] - tk0[f[1]]; both++ }
		}
		odd = (n - 1 - both) + (m - 1 - both); rest = B[1] - A[1] - tk
		if (rest < 0 || !odd) rest = 0   # same threads: the ns are all of it
		if (odd) printf "bench: %s: %d threads came or went, %d ticks of theirs added\n", name, odd, rest > "/dev/stderr"
		if (check) printf "bench: %s: %d ms in ns, %d ticks in all\n", name, ns / 1e6, B[1] - A[1] > "/dev/stderr"
		printf "%.6f", ns / 1e9 + rest / hz }'
}
# ctx_switches PID: the context switches of its threads so far (a
# thread's wake-up is most of what an idle-ish server spends).  An exited
# thread's are gone with it, so timed() counts them while the viewers,
# whose client threads end with them, still run.
ctx_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/ctxt_switches/ {s += $2} END {print s + 0}'
}
pct() { awk -v c="$1" -v a="$2" -v b="$3" 'BEGIN {printf "%.1f", 100 * c / (b - a)}'; }   # pct SECS T0 T1
field() { # field FILE KEY: the word after KEY on the line that has it
	awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) {print $(i + 1); exit}}' "$1"
}

start_xvfb 1920x1080x24 || exit 1
xvfb_pid=${PIDS[-1]}
mkfifo "$T/marker"

# The workload: restarted per scenario, always listening for markers.
demo_pid=
workload() {
	if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null; wait "$demo_pid" 2>/dev/null; fi
	"$TOOLS/xdemo" --marker "$T/marker" "$@" >/dev/null 2>&1 &
	demo_pid=$!
	PIDS+=($demo_pid)
	sleep 1   # the first paint of the whole screen is not part of any run
}

# Text as remote support sees it: an xterm of 60x25 "fixed" cells (360x325
# pixels) with a line of random base64 at 30 Hz, on the still xdemo
# picture.  scroll: a new line each time, the terminal scrolls; line: the
# same line rewritten in place (a small change).
term_pid=
textload() {
	[ -n "$term_pid" ] && { kill "$term_pid" 2>/dev/null; wait "$term_pid" 2>/dev/null; }
	term_pid=
	[ $# -gt 0 ] || return 0
	workload
	xterm -fn fixed -geometry 60x25+200+200 -e python3 -c '
import base64, os, sys, time
mode, t = sys.argv[1], time.monotonic()
while True:
    s = base64.b64encode(os.urandom(42)).decode()
    sys.stdout.write(s + "\n" if mode == "scroll" else "\r" + s)
    sys.stdout.flush()
    t += 1 / 30
    time.sleep(max(0, t - time.monotonic()))
' "$1" >"$T/xterm.log" 2>&1 &
	term_pid=$!
	PIDS+=("$term_pid")
	sleep 1.5   # the terminal's first paint is not part of any run
	kill -0 "$term_pid" 2>/dev/null || { echo "bench: xterm did not start"; cat "$T/xterm.log"; }
}

write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port" || { echo "bench: sipvnc serve did not start"; cat "$T/serve.log"; exit 1; }
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
wait_until 10 port_open "$view_port" || { echo "bench: sipvnc view did not start"; exit 1; }
# `sipvnc view` carries one viewer; three more for the four-viewer runs.
view_ports=("$view_port")
for i in 2 3 4; do
	p=$(free_port)
	start_sipvnc "view$i" view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$p"
	wait_until 10 port_open "$p" || { echo "bench: sipvnc view $i did not start"; exit 1; }
	view_ports+=("$p")
done

x11_port=$(free_port)
x11vnc -display "$DISPLAY" -rfbport "$x11_port" -localhost -shared -forever \
	-nopw -quiet >"$T/x11vnc.log" 2>&1 &
x11_pid=$!
PIDS+=($x11_pid)
wait_until 15 port_open "$x11_port" || { echo "bench: x11vnc did not start"; tail "$T/x11vnc.log"; exit 1; }
sleep 1

declare -A R   # R[scenario.metric.server]

# timed NAME SERVER PID PORT...: one vncbench run of $SECS seconds per
# PORT, all at once (one viewer per port; x11vnc takes them all on one).
# updates/s is each viewer's mean; CPU ms/update is the server's CPU over
# the updates all viewers received together.
timed() {
	local name=$1 srv=$2 pid=$3; shift 3
	local out="$T/$name.$srv" n=0 port b benches=() i
	for port in "$@"; do
		n=$((n + 1))
		"$TOOLS/vncbench" "127.0.0.1:$port" --seconds "$SECS" --quality "$QUALITY" >"$out.$n.out" 2>&1 &
		benches+=("$!")
	done
	for i in $(seq "$n"); do
		wait_until 15 grep -q first_frame_ms "$out.$i.out" || {
			echo "bench: $name/$srv: no first frame"; cat "$out.$i.out"
			kill "${benches[@]}" 2>/dev/null; wait "${benches[@]}" 2>/dev/null; return; }
	done
	sleep 0.5   # the first frame's encoding is not part of the interval
	local c0 x0 v0 t0 c1 x1 v1 t1
	local w0 w1 tw
	c0=$(cpu_sample "$pid"); x0=$(cpu_sample "$xvfb_pid"); v0=$(cpu_sample "$view_pid"); w0=$(ctx_switches "$pid"); t0=$(date +%s.%N)
	sleep "$(awk -v s="$SECS" 'BEGIN {print (s > 2 ? s - 1.5 : s / 2)}')"
	w1=$(ctx_switches "$pid"); tw=$(date +%s.%N)
	for b in "${benches[@]}"; do wait "$b"; done
	c1=$(cpu_sample "$pid"); x1=$(cpu_sample "$xvfb_pid"); v1=$(cpu_sample "$view_pid"); t1=$(date +%s.%N)
	[ "$srv" = sipvnc ] && R[$name.vcpu.$srv]=$(pct "$(cpu_secs "$name/view" "$v0" "$v1")" "$t0" "$t1")
	local frames=0 secs=0 bytes=0 f s y ups=0
	for i in $(seq "$n"); do
		f=$(field "$out.$i.out" frames); s=$(field "$out.$i.out" seconds); y=$(field "$out.$i.out" rx_bytes)
		frames=$((frames + ${f:-0})); bytes=$((bytes + ${y:-0}))
		secs=$(awk -v a="$secs" -v b="${s:-0}" 'BEGIN {print a + b}')
		ups=$(awk -v u="$ups" -v f="${f:-0}" -v s="${s:-0}" 'BEGIN {print u + (s > 0 ? f / s : 0)}')
	done
	local cs; cs=$(cpu_secs "$name/$srv" "$c0" "$c1")
	R[$name.cpu.$srv]=$(pct "$cs" "$t0" "$t1")
	R[$name.cps.$srv]=$(awk -v c="$cs" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", c / (b - a)}')
	R[$name.xcpu.$srv]=$(pct "$(cpu_secs "$name/Xvfb" "$x0" "$x1")" "$t0" "$t1")
	R[$name.ups.$srv]=$(awk -v f="$frames" -v s="$secs" 'BEGIN {printf "%.1f", (s > 0 ? f / s : 0)}')
	R[$name.bpu.$srv]=$(awk -v b="$bytes" -v f="$frames" 'BEGIN {printf "%.0f", f ? b / f : 0}')
	R[$name.cpf.$srv]=$(awk -v c="$cs" -v f="$frames" 'BEGIN {printf "%.3f", f ? 1000 * c / f : 0}')
	# the switches a second over the updates a second of all viewers
	R[$name.csw.$srv]=$(awk -v w="$((w1 - w0))" -v a="$t0" -v b="$tw" -v u="$ups" \
		'BEGIN {printf "%.1f", (u > 0 && b > a ? w / (b - a) / u : 0)}')
	R[$name.rss.$srv]=$(( $(rss_kb "$pid") / 1024 ))
	sleep 0.5   # let the server see the viewers go
}

latency() {
	local srv=$1 port=$2 out="$T/latency.$1.out"
	"$TOOLS/vncbench" "127.0.0.1:$port" --latency 60 --marker "$T/marker" >"$out" 2>&1
	R[lat.med.$srv]=$(field "$out" median)
	R[lat.p95.$srv]=$(field "$out" p95)
	sleep 0.3
}

setup() {
	local srv=$1 port=$2 i out="$T/setup.$1.out"
	: >"$out"
	for i in 1 2 3 4 5; do
		"$TOOLS/vncbench" "127.0.0.1:$port" >>"$out" 2>&1
		sleep 0.3   # one call at a time through `sipvnc view`
	done
	R[setup.ms.$srv]=$(awk '/^first_frame_ms/ {print $2}' "$out" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
}

echo "bench: Xvfb $DISPLAY 1920x1080x24, $SECS s per timed scenario, JPEG quality $QUALITY"
# BENCH_ONLY=text: only the text workloads (f)-(h), to compare them quickly;
# BENCH_ONLY=group: only (f) and (g), one viewer and four;
# BENCH_ONLY=line: only (h), the small change.
if [ -z "${BENCH_ONLY:-}" ]; then
workload
echo "  (a) idle"; timed idle sipvnc "$serve_pid" "$view_port"; timed idle x11vnc "$x11_pid" "$x11_port"
echo "  (d) latency"; latency sipvnc "$view_port"; latency x11vnc "$x11_port"
echo "  (e) call setup"; setup sipvnc "$view_port"; setup x11vnc "$x11_port"
workload --animate 400x400 30
echo "  (b) 400x400 at 30 fps"; timed b400 sipvnc "$serve_pid" "$view_port"; timed b400 x11vnc "$x11_pid" "$x11_port"
workload --animate 1800x1000 30
echo "  (c) 1800x1000 at 30 fps"; timed cfull sipvnc "$serve_pid" "$view_port"; timed cfull x11vnc "$x11_pid" "$x11_port"
fi
if [ "${BENCH_ONLY:-}" != line ]; then
textload scroll
echo "  (f) scrolling text, one viewer"; timed t1 sipvnc "$serve_pid" "$view_port"; timed t1 x11vnc "$x11_pid" "$x11_port"
echo "  (g) scrolling text, four viewers"; timed t4 sipvnc "$serve_pid" "${view_ports[@]}"
timed t4 x11vnc "$x11_pid" "$x11_port" "$x11_port" "$x11_port" "$x11_port"
fi
if [ "${BENCH_ONLY:-}" != group ]; then
textload line
# (h) is a dozen milliseconds of CPU a second on either side, and x11vnc's
# own cost per update varies by half from run to run on these machines
# (0.62-1.03 ms): one pair of runs says little.  So (h) is BENCH_LINE_RUNS
# interleaved pairs (default 3); the table shows the pair with the median
# ratio, and every pair's ratio is printed.
echo "  (h) one line of text at 30 Hz"
line_ratios=()
for k in $(seq "${BENCH_LINE_RUNS:-3}"); do
	timed "line$k" sipvnc "$serve_pid" "$view_port"; timed "line$k" x11vnc "$x11_pid" "$x11_port"
	line_ratios+=("$(awk -v a="${R[line$k.cpf.sipvnc]:-0}" -v b="${R[line$k.cpf.x11vnc]:-0}" \
		'BEGIN {if (b > 0) printf "%.3f %d", a / b, '"$k"'}')")
done
mid=$(printf '%s\n' "${line_ratios[@]}" | grep . | sort -n | awk '{a[NR] = $2} END {print a[int((NR + 1) / 2)]}')
for key in "${!R[@]}"; do
	[[ $key == "line${mid:-1}."* ]] && R[line.${key#line"${mid:-1}".}]=${R[$key]}
done
echo "  (h) CPU ms/update ratio of each pair: $(printf '%s\n' "${line_ratios[@]}" | awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1}') (the table: the median, pair ${mid:-?})"
fi
textload

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN {if (b + 0 > 0) printf "%.2f", a / b; else print "-"}'; }
row() { # row LABEL KEY
	local s=${R[$2.sipvnc]:-?} x=${R[$2.x11vnc]:-?}
	printf '%-34s %10s %10s %8s\n' "$1" "$s" "$x" "$(ratio "$s" "$x")"
}
echo
printf '%-34s %10s %10s %8s\n' "" sipvnc x11vnc ratio
row "(a) idle: server CPU %"            idle.cpu
row "(a) idle: X server CPU %"          idle.xcpu
row "(a) idle: updates/s"               idle.ups
row "(a) idle: RSS MB"                  idle.rss
row "(b) 400x400: server CPU %"         b400.cpu
row "(b) 400x400: X server CPU %"       b400.xcpu
row "(b) 400x400: sipvnc view CPU %"     b400.vcpu
row "(b) 400x400: updates/s"            b400.ups
row "(b) 400x400: bytes/update"         b400.bpu
row "(b) 400x400: CPU ms/update"        b400.cpf
row "(c) near-full: server CPU %"       cfull.cpu
row "(c) near-full: X server CPU %"     cfull.xcpu
row "(c) near-full: sipvnc view CPU %"   cfull.vcpu
row "(c) near-full: updates/s"          cfull.ups
row "(c) near-full: bytes/update"       cfull.bpu
row "(c) near-full: CPU ms/update"      cfull.cpf
row "(c) near-full: RSS MB"             cfull.rss
row "(f) text, 1 viewer: server CPU %"  t1.cpu
row "(f) text, 1 viewer: updates/s"     t1.ups
row "(f) text, 1 viewer: CPU ms/update" t1.cpf
row "(g) text, 4 viewers: server CPU %" t4.cpu
row "(g) text, 4 viewers: updates/s"    t4.ups
row "(f) text, 1 viewer: switches/upd." t1.csw
row "(g) text, 4 viewers: CPU ms/upd."  t4.cpf
row "(g) text, 4 viewers: switches/upd." t4.csw
row "(h) one line: server CPU %"        line.cpu
row "(h) one line: updates/s"           line.ups
row "(h) one line: bytes/update"        line.bpu
row "(h) one line: CPU ms/update"       line.cpf
row "(h) one line: switches/update"     line.csw
# four/one: the issue's bound is 1.3 for sipvnc.  Per update too: four
# viewers of a group got 35-37 updates a second where one alone got 32-34
# (scrolling text, 2 shared cores), and the CPU % counts those; per
# update is the CPU of one update to all four.
for srv in sipvnc x11vnc; do
	printf '%-34s %10s\n' "(g)/(f) four/one CPU, $srv" "$(ratio "${R[t4.cps.$srv]:-}" "${R[t1.cps.$srv]:-}")"
	printf '%-34s %10s\n' "(g)/(f) four/one per update, $srv" \
		"$(ratio "$(awk -v c="${R[t4.cpf.$srv]:-0}" 'BEGIN {print 4 * c}')" "${R[t1.cpf.$srv]:-}")"
done
row "(d) latency median ms"             lat.med
row "(d) latency p95 ms"                lat.p95
row "(e) connect to first frame ms"     setup.ms
echo "(sipvnc: the serve process; its path crosses SIP, MSRP and sipvnc view,"
echo " whose own CPU, the viewer side's, is shown apart; $(nproc) CPUs here)"
