#!/usr/bin/env bash
# Faults end calls, never the process: the MSRP relay killed mid-call ends
# the calls through it with a BYE to each viewer and sipvnc stays up;
# garbage inside one established MSRP session ends that call only; SIGTERM
# with max_sessions calls up sends every BYE and exits within 3 s.  Viewers are `sipvnc view`
# processes (one call each) with libvncclient behind them.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
N=${FAULT_CALLS:-3}

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
start_kamailio || exit 1

# 1: calls through the relay; the relay dies.
write_serve_conf "allow           sip:*@127.0.0.1 control" "max_sessions    $N" \
	"msrp_relay      msrp://127.0.0.1:$KAM_MSRP_PORT;tcp" \
	"msrp_relay_user msrpuser" "msrp_relay_pass msrppass"
start_sipvnc serve -c "$T/serve.conf"
authorised() { grep -q "authorised, Use-Path" "$T/serve.log"; }
check "serve AUTHs at the relay" wait_until 10 authorised

# start_viewers TAG: N sipvnc view processes, each with a held vncgrab.
start_viewers() {
	local tag=$1 i port
	for i in $(seq 1 $N); do
		port=$(free_port)
		start_sipvnc "view_${tag}_$i" view "sip:sipvnc@127.0.0.1:$serve_port" \
			--listen "127.0.0.1:$port"
		wait_until 10 grep -q "connect a VNC viewer" "$T/view_${tag}_$i.log"
		"$TOOLS/vncgrab" "127.0.0.1:$port" "$T/${tag}_$i.ppm" --hold 60 \
			>"$T/grab_${tag}_$i.log" 2>&1 &
		PIDS+=($!)
		eval "grab_${tag}_$i=$!"
	done
	for i in $(seq 1 $N); do
		wait_until 15 test -s "$T/${tag}_$i.ppm" || return 1
	done
}
check "$N calls up through the relay, each with a frame" start_viewers relay
# Kamailio's children hold the connections: all of them go at once.
kam=$(cat "$T/kamailio/run/kamailio.pid")
kill -9 $(pgrep -P "$kam") "$kam"
t0=$SECONDS
all_ended() { # all_ended TAG: each viewer's sipvnc view saw its call end
	local i
	for i in $(seq 1 $N); do grep -q "ended" "$T/view_$1_$i.log" || return 1; done
}
check "relay killed: all $N calls end at the viewers (BYE)" wait_until 15 all_ended relay
echo "  (relay killed: calls ended within $((SECONDS - t0)) s)"
# The viewers reach the relay too, so either side may hang up first.
serve_ended() { [ "$(grep -c 'ended' "$T/serve.log")" -ge $N ]; }
check "... and sipvnc serve ended (hung up) each of them" wait_until 10 serve_ended
check "sipvnc serve is still running" kill -0 "$serve_pid"
kill -TERM "$serve_pid"; wait "$serve_pid" 2>/dev/null

# 2: garbage inside one established MSRP session ends that call only.
write_serve_conf "allow           sip:*@127.0.0.1 control" "max_sessions    $N"
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port"
N=1 start_viewers good
python3 "$TOP/tests/integration/sipp/msrp_garbage.py" "$serve_port" >"$T/garbage.log" 2>&1
check "garbage mid-session: that call ended with a BYE ($(tail -1 "$T/garbage.log"))" \
	grep -q "^bye after" "$T/garbage.log"
sleep 1
check "the other call is still up" kill -0 "$grab_good_1"
check "... and its viewer saw no end" bash -c "! grep -q ended '$T/view_good_1.log'"
check "sipvnc serve is still running" kill -0 "$serve_pid"
kill -TERM "$serve_pid"; wait "$serve_pid" 2>/dev/null

# 3: SIGTERM with max_sessions calls up.
write_serve_conf "allow           sip:*@127.0.0.1 control" "max_sessions    $N"
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port"
check "$N direct calls up" start_viewers term
t0=$(date +%s%N)
kill -TERM "$serve_pid"
wait "$serve_pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "SIGTERM with $N calls: exit status 0" test "$rc" = 0
check "... and gone within 3 s ($ms ms)" test "$ms" -le 3000
check "SIGTERM: every viewer got a BYE" wait_until 5 all_ended term

if [ "$failed" != 0 ]; then
	for f in serve view_relay_1 grab_relay_1 view_term_1; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish faults
