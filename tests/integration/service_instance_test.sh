#!/usr/bin/env bash
# Running unattended: one instance per display and configuration (a second
# start says "already running (pid N)" and exits 4), and the X server
# dying mid-call: BYE to the caller, un-REGISTER, exit status 5 within 2 s.
source "$(dirname "$0")/../lib.sh"

start_xvfb 320x240x24 || exit 1
xvfb_pid=${PIDS[-1]}
start_kamailio || exit 1

write_serve_conf "account         <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound=\"sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp\";regint=60" \
	"allow           sip:*@127.0.0.1 control"
start_sipvnc serve -c "$T/serve.conf"
registered() { grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/serve.log"; }
check "serve starts and registers" wait_until 10 registered

# The same display and file, also reached through another path name.
ln -s "$T/serve.conf" "$T/link.conf"
t0=$SECONDS
"$SIPVNC" -c "$T/link.conf" >"$T/second.log" 2>&1
status=$?
check "a second instance exits with status 4 (got $status)" test "$status" = 4
check "and says already running (pid $serve_pid)" grep -q "already running (pid $serve_pid)" "$T/second.log"
check "at once, without touching the busy port" \
	bash -c "[ $((SECONDS - t0)) -le 2 ] && ! grep -qi 'cannot listen\|in use' '$T/second.log'"
check "the first instance runs on" kill -0 "$serve_pid"

# Another configuration file for the same display is another instance.
other_port=$(free_port)
sed "s/127.0.0.1:$serve_port/127.0.0.1:$other_port/; /^account/d" "$T/serve.conf" >"$T/other.conf"
start_sipvnc other -c "$T/other.conf"
other_up() { grep -q "try: " "$T/other.log"; }
check "another configuration on the same display starts" wait_until 10 other_up
kill "$other_pid"; wait "$other_pid" 2>/dev/null

# A call in progress, then the X server goes away.
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
view_ready() { grep -q "connect a VNC viewer" "$T/view.log" 2>/dev/null; }
wait_until 10 view_ready
"$BUILD/tools/vncgrab" "127.0.0.1:$view_port" "$T/grab.ppm" --hold 30 >"$T/grab.log" 2>&1 &
grab_pid=$!
PIDS+=($grab_pid)
media_up() { grep -q "media up" "$T/serve.log"; }
check "a call is up" wait_until 15 media_up
sleep 1   # the viewer has its first frame: a call in its stride
check "the viewer is still connected" kill -0 "$grab_pid"
registers_before=$(grep -c "REQ REGISTER .* from sip:desktop@" "$T/kamailio.log")

kill -9 "$xvfb_pid"
t0=$(date +%s%N)
wait "$serve_pid"
status=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "serve exits with status 5 when X goes away (got $status)" test "$status" = 5
check "within 2 s (${ms} ms)" test "$ms" -lt 2000
check "with a clear message" grep -q "the X display went away" "$T/serve.log"
bye_seen() { grep -q "call to sip:sipvnc@127.0.0.1:$serve_port closed: 0 peer hung up" "$T/view.log"; }
check "the caller got a BYE" wait_until 5 bye_seen
check "the call's audit line says why it ended" \
	grep -q 'call-audit: .*end="the X display went away"' "$T/serve.log"
unregistered() { [ "$(grep -c "REQ REGISTER .* from sip:desktop@" "$T/kamailio.log")" -gt "$registers_before" ]; }
check "and un-REGISTERed" wait_until 5 unregistered

finish service_instance
