#!/usr/bin/env bash
# calls_stress.sh - sipvnc under load, floods, dead peers and faults, with
# the figures printed as FIGURE lines (and again at the end).
#   short form (make test):    4 viewers 8 s, 40 calls in a row, 500 idle
#                              connections, quick dead-peer settings, 3 calls
#   long form  (make stress, STRESS_LONG=1): 12 viewers 60 s, 500 calls,
#                              2,000 idle connections, default timeouts, 12
# Viewers are `sipvnc view` processes with libvncclient (tools/sipload,
# vncgrab) behind them; the network namespace of the vanished viewer is
# sv11-<pid>, removed on exit.
# STRESS_PARTS=B (any of ABCDE, default all) runs only the parts named, to
# repeat one figure without the minutes the others take.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
if [ -n "${STRESS_LONG:-}" ]; then
	VIEWERS=12 SECS=60 ROW=500 IDLE=2000 FAULTS=12 KEEPALIVE=30 PEER=60 RSS_KB=1024
else
	# RSS: 40 calls moved it 0.3-1.1 MB with the live heap flat, until the
	# allocator was tuned (desktop_malloc_tune(), media_tcache_flush()):
	# now +0.05 MB, and +0.3-0.4 MB for the 500 of the long form
	VIEWERS=4 SECS=8 ROW=40 IDLE=500 FAULTS=3 KEEPALIVE=2 PEER=10 RSS_KB=1024
fi
part() { case ${STRESS_PARTS:-ABCDE} in *"$1"*) return 0 ;; esac; return 1; }
FIGURES=()
figure() { FIGURES+=("$*"); echo "FIGURE $*"; }

NS=sv11-$$ VH=sv11h$$ VN=sv11n$$
netns_cleanup() {
	ip netns del "$NS" 2>/dev/null
	ip link del "$VH" 2>/dev/null
	cleanup
}
trap netns_cleanup EXIT

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" --animate 400x400 30 >/dev/null 2>&1 &
PIDS+=($!)
msrp_port=$(free_port)
write_serve_conf "allow           sip:*@127.0.0.1 control" \
	"max_sessions    $((VIEWERS + 2))" "msrp_listen     127.0.0.1:$msrp_port" \
	"msrp_keepalive  $KEEPALIVE" "peer_timeout    $PEER"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"

# views TAG K: K sipvnc view processes; their endpoints in EPS
views() {
	local tag=$1 k=$2 i port
	EPS=()
	for i in $(seq 1 "$k"); do
		port=$(free_port)
		start_sipvnc "view_${tag}_$i" view "sip:sipvnc@127.0.0.1:$serve_port" \
			--listen "127.0.0.1:$port"
		EPS+=("127.0.0.1:$port")
	done
	for i in $(seq 1 "$k"); do
		wait_until 10 grep -q "connect a VNC viewer" "$T/view_${tag}_$i.log" || return 1
	done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
tck=$(getconf CLK_TCK)

# A: one viewer, then VIEWERS at once, on a 400x400 animation at 30 fps.
if part A; then
	# load NAME LABEL: sipload on $EPS for SECS; serve's CPU % in $cpu
	load() {
		local c0 rc
		c0=$(cpu_ticks)
		"$TOOLS/sipload" --seconds "$SECS" "${EPS[@]}" >"$T/load$1.log" 2>&1
		rc=$?
		check "$2: $(tail -1 "$T/load$1.log")" test $rc = 0
		cpu=$(( ($(cpu_ticks) - c0) * 100 / tck ))
	}
	views one 1
	load 1 "one viewer"
	cpu1=$cpu
	one=$(awk '/^viewers/ {print $6}' "$T/load1.log")
	views many "$VIEWERS"
	load n "$VIEWERS viewers"
	cpun=$cpu
	lowest=$(awk '/^viewers/ {print $4}' "$T/loadn.log")
	check "every one of $VIEWERS viewers kept getting updates (lowest $lowest/s)" \
		awk -v l="$lowest" 'BEGIN {exit !(l >= 1)}'
	ratio=$(awk -v a="$cpun" -v b="$cpu1" 'BEGIN {printf "%.1f", b ? a / b : 0}')
	figure "load: $VIEWERS viewers on a 400x400 animation at 30 fps for $SECS s:" \
		"lowest $lowest updates/s per viewer (one viewer alone: $one);" \
		"server CPU $((cpun / SECS))% vs $((cpu1 / SECS))% for one viewer: ratio $ratio"
	for i in $(seq 1 "$VIEWERS"); do kill "$(eval echo \$view_many_${i}_pid)" 2>/dev/null; done
	kill "$view_one_1_pid" 2>/dev/null
fi

# B: ROW calls in a row: descriptors, threads and memory stay flat.
if part B; then
	views row 1
	ep=${EPS[0]}
	# warm-up: the first calls set up allocator arenas and libvncserver's
	# per-thread state, which later calls reuse
	for i in 1 2 3 4 5; do
		"$TOOLS/vncgrab" "$ep" "$T/row.ppm" --timeout 15 >/dev/null 2>&1
	done
	sleep 1
	snap() { echo "$(ls /proc/$serve_pid/fd | wc -l) $(ls /proc/$serve_pid/task | wc -l) $(awk '/VmRSS/ {print $2}' /proc/$serve_pid/status)"; }
	read -r fd0 th0 rss0 <<<"$(snap)"
	bad_calls=0
	for i in $(seq 1 "$ROW"); do
		if ! "$TOOLS/vncgrab" "$ep" "$T/row.ppm" --timeout 15 >"$T/rowgrab.log" 2>&1; then
			bad_calls=$((bad_calls + 1))
			{ echo "--- call $i: $(tail -1 "$T/rowgrab.log")"; tail -4 "$T/view_row_1.log"
			  tail -6 "$T/serve.log"; } >>"$T/rowfail.log"
		fi
	done
	# The SIP transactions of the last calls wait out their 32 s timers (RFC
	# 3261 timers J and K); one more call afterwards, as the steady state.
	sleep 34
	"$TOOLS/vncgrab" "$ep" "$T/row.ppm" --timeout 15 >/dev/null 2>&1
	sleep 2
	read -r fd1 th1 rss1 <<<"$(snap)"
	figure "$ROW calls in a row ($bad_calls failed): descriptors $fd0 -> $fd1," \
		"threads $th0 -> $th1, RSS $rss0 -> $rss1 kB (34 s after the last)"
	check "$ROW calls in a row all got a frame" test "$bad_calls" = 0
	[ -s "$T/rowfail.log" ] && head -40 "$T/rowfail.log"
	check "descriptors flat ($fd0 -> $fd1)" test "$fd1" -le $((fd0 + 2))
	check "threads flat ($th0 -> $th1)" test "$th1" -le $((th0 + 1))
	check "RSS grew less than $RSS_KB kB ($rss0 -> $rss1 kB)" test $((rss1 - rss0)) -lt "$RSS_KB"
fi

# C: IDLE idle connections on the SIP and MSRP ports.
if part C; then
	if [ -z "${ep:-}" ]; then
		views row 1
		ep=${EPS[0]}
	fi
	first_ms() { sed -n 's/^first frame .* after \([0-9]*\) ms/\1/p' "$1"; }
	"$TOOLS/vncgrab" "$ep" "$T/q.ppm" --timeout 15 >"$T/quiet.log" 2>&1
	quiet=$(first_ms "$T/quiet.log")
	"$TOOLS/tcpflood" "127.0.0.1:$serve_port" $((IDLE / 2)) --src-net 127.3 >"$T/f1.log" 2>&1 &
	PIDS+=($!); f1=$!
	"$TOOLS/tcpflood" "127.0.0.1:$msrp_port" $((IDLE / 2)) --renew --src-net 127.4 >"$T/f2.log" 2>&1 &
	PIDS+=($!); f2=$!
	wait_until 30 grep -qs "^held $((IDLE / 2))" "$T/f1.log"
	wait_until 30 grep -qs "^held $((IDLE / 2))" "$T/f2.log"
	sleep 2
	"$TOOLS/vncgrab" "$ep" "$T/f.ppm" --timeout 30 >"$T/flooded.log" 2>&1
	check "an allowed call connects while $IDLE idle connections are held" test -s "$T/f.ppm"
	flooded=$(first_ms "$T/flooded.log")
	figure "$IDLE idle TCP connections on the SIP and MSRP ports (sipvnc at" \
		"$(ls /proc/$serve_pid/fd | wc -l) descriptors): a call's first frame after" \
		"${flooded:-none} ms, quiet ${quiet:-none} ms"
	kill "$f1" "$f2" 2>/dev/null
	kill "$view_row_1_pid" 2>/dev/null
fi

# D: a frozen viewer (SIGSTOP) and a vanished one (its network cut).
if part D; then
	views frozen 1
	"$TOOLS/vncgrab" "${EPS[0]}" "$T/z.ppm" --hold 300 >/dev/null 2>&1 &
	PIDS+=($!)
	wait_until 15 test -s "$T/z.ppm"
	ended0=$(grep -c ended "$T/serve.log")
	kill -STOP "$view_frozen_1_pid"
	t0=$SECONDS
	wait_until $((PEER * 3)) bash -c "[ \$(grep -c ended '$T/serve.log') -gt $ended0 ]"
	check "a frozen viewer's call ends" test $? = 0
	figure "frozen viewer (SIGSTOP): its slot free after $((SECONDS - t0)) s" \
		"(msrp_keepalive $KEEPALIVE, peer_timeout $PEER)"
	kill -CONT "$view_frozen_1_pid"

	if ip netns add "$NS" 2>/dev/null; then
		net=10.211.$(( $$ % 250 ))
		ip link add "$VH" type veth peer name "$VN"
		ip link set "$VN" netns "$NS"
		ip addr add "$net.1/24" dev "$VH"; ip link set "$VH" up
		ip netns exec "$NS" ip addr add "$net.2/24" dev "$VN"
		ip netns exec "$NS" ip link set "$VN" up
		ip netns exec "$NS" ip link set lo up
		vport=$(free_port)
		cat >"$T/serve2.conf" <<CONF
display         $DISPLAY
sip_listen      $net.1:$vport
allow           sip:*@$net.2 control
peer_timeout    $PEER
msrp_keepalive  $KEEPALIVE
CONF
		start_sipvnc serve2 -c "$T/serve2.conf"
		wait_until 10 grep -q "sharing" "$T/serve2.log"
		lport=$(free_port)
		echo "sip_listen      $net.2:0" >"$T/view_gone.conf"
		ip netns exec "$NS" "$SIPVNC" view "sip:sipvnc@$net.1:$vport" \
			-c "$T/view_gone.conf" --listen "127.0.0.1:$lport" \
			>"$T/view_gone.log" 2>&1 &
		PIDS+=($!)
		wait_until 10 grep -q "connect a VNC viewer" "$T/view_gone.log"
		ip netns exec "$NS" "$TOOLS/vncgrab" "127.0.0.1:$lport" "$T/g.ppm" --hold 300 \
			>/dev/null 2>&1 &
		PIDS+=($!)
		check "the namespaced viewer's call is up" wait_until 15 test -s "$T/g.ppm"
		ip link set "$VH" down
		t0=$SECONDS
		wait_until $((PEER * 2)) grep -q ended "$T/serve2.log"
		check "a vanished viewer's call ends within peer_timeout ($PEER s)" \
			test $((SECONDS - t0)) -le "$PEER" -a -n "$(grep ended "$T/serve2.log")"
		figure "vanished viewer (its link cut): its slot free after $((SECONDS - t0)) s" \
			"(peer_timeout $PEER)"
	else
		bad "cannot make network namespace $NS (needs root)"
	fi
	kill "$serve_pid" 2>/dev/null
fi

# E: faults with FAULTS calls up (tests/integration/faults_test.sh).
if part E; then
	FAULT_CALLS=$FAULTS "$TOP/tests/integration/faults_test.sh" >"$T/faults.log" 2>&1
	check "faults with $FAULTS calls: $(tail -1 "$T/faults.log")" test $? = 0
	figure "faults, $FAULTS calls up: relay killed -> $(grep -c 'ok   relay killed\|ok   ... and sipvnc serve ended' "$T/faults.log")/2 checks" \
		"($(grep -o 'calls ended within [0-9]* s' "$T/faults.log"));" \
		"garbage mid-session -> $(grep -o 'garbage mid-session.*' "$T/faults.log" | head -1)," \
		"the other call up: $(grep -c 'ok   the other call is still up' "$T/faults.log");" \
		"SIGTERM -> $(grep -o 'gone within 3 s ([0-9]* ms)' "$T/faults.log"), BYEs: $(grep -c 'ok   SIGTERM: every viewer got a BYE' "$T/faults.log")"
fi

echo "== figures"
for f in "${FIGURES[@]}"; do echo "FIGURE $f"; done
finish calls_stress
