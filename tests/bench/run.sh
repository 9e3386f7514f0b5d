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
# complete frame.  Server CPU is utime+stime of the server process over the
# interval; the X server's own CPU is shown beside it because a poller like
# x11vnc makes the X server work too.
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

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
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

write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port" || { echo "bench: sipvnc serve did not start"; cat "$T/serve.log"; exit 1; }
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
wait_until 10 port_open "$view_port" || { echo "bench: sipvnc view did not start"; exit 1; }

x11_port=$(free_port)
x11vnc -display "$DISPLAY" -rfbport "$x11_port" -localhost -shared -forever \
	-nopw -quiet >"$T/x11vnc.log" 2>&1 &
x11_pid=$!
PIDS+=($x11_pid)
wait_until 15 port_open "$x11_port" || { echo "bench: x11vnc did not start"; tail "$T/x11vnc.log"; exit 1; }
sleep 1

declare -A R   # R[scenario.metric.server]

# timed NAME SERVER PID PORT: one vncbench run of $SECS seconds
timed() {
	local name=$1 srv=$2 pid=$3 port=$4 out="$T/$1.$2.out"
	"$TOOLS/vncbench" "127.0.0.1:$port" --seconds "$SECS" --quality "$QUALITY" >"$out" 2>&1 &
	local bench=$!
	wait_until 10 grep -q first_frame_ms "$out" || { echo "bench: $name/$srv: no first frame"; cat "$out"; kill $bench; return; }
	sleep 0.5   # the first frame's encoding is not part of the interval
	local c0 x0 v0 t0 c1 x1 v1 t1
	c0=$(cpu_ticks "$pid"); x0=$(cpu_ticks "$xvfb_pid"); v0=$(cpu_ticks "$view_pid"); t0=$(date +%s.%N)
	wait $bench
	c1=$(cpu_ticks "$pid"); x1=$(cpu_ticks "$xvfb_pid"); v1=$(cpu_ticks "$view_pid"); t1=$(date +%s.%N)
	[ "$srv" = sipvnc ] && R[$name.vcpu.$srv]=$(awk -v c=$((v1 - v0)) -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", 100 * c / hz / (b - a)}')
	local frames secs bytes
	frames=$(field "$out" frames); secs=$(field "$out" seconds); bytes=$(field "$out" rx_bytes)
	R[$name.cpu.$srv]=$(awk -v c=$((c1 - c0)) -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", 100 * c / hz / (b - a)}')
	R[$name.xcpu.$srv]=$(awk -v c=$((x1 - x0)) -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", 100 * c / hz / (b - a)}')
	R[$name.ups.$srv]=$(awk -v f="${frames:-0}" -v s="${secs:-1}" 'BEGIN {printf "%.1f", f / s}')
	R[$name.bpu.$srv]=$(awk -v b="${bytes:-0}" -v f="${frames:-0}" 'BEGIN {printf "%.0f", f ? b / f : 0}')
	R[$name.cpf.$srv]=$(awk -v c=$((c1 - c0)) -v hz="$HZ" -v f="${frames:-0}" 'BEGIN {printf "%.2f", f ? 1000 * c / hz / f : 0}')
	R[$name.rss.$srv]=$(( $(rss_kb "$pid") / 1024 ))
	sleep 0.3   # let the server see the viewer go
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
workload
echo "  (a) idle"; timed idle sipvnc "$serve_pid" "$view_port"; timed idle x11vnc "$x11_pid" "$x11_port"
echo "  (d) latency"; latency sipvnc "$view_port"; latency x11vnc "$x11_port"
echo "  (e) call setup"; setup sipvnc "$view_port"; setup x11vnc "$x11_port"
workload --animate 400x400 30
echo "  (b) 400x400 at 30 fps"; timed b400 sipvnc "$serve_pid" "$view_port"; timed b400 x11vnc "$x11_pid" "$x11_port"
workload --animate 1800x1000 30
echo "  (c) 1800x1000 at 30 fps"; timed cfull sipvnc "$serve_pid" "$view_port"; timed cfull x11vnc "$x11_pid" "$x11_port"

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
row "(d) latency median ms"             lat.med
row "(d) latency p95 ms"                lat.p95
row "(e) connect to first frame ms"     setup.ms
echo "(sipvnc: the serve process; its path crosses SIP, MSRP and sipvnc view,"
echo " whose own CPU, the viewer side's, is shown apart; $(nproc) CPUs here)"
