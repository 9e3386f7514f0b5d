#!/usr/bin/env bash
# Dead peers: an idle call lives on through keepalives and in-dialog
# OPTIONS; a viewer that freezes (SIGSTOP: its kernel still acknowledges
# TCP, it answers nothing) loses its call within the configured times, and
# its max_sessions slot serves the next caller.  The viewer is `sipvnc view`,
# which connects the MSRP session: our side waits, and must probe itself.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
write_serve_conf "allow           sip:*@127.0.0.1 control" \
	"max_sessions    1" "msrp_keepalive  2" "peer_timeout    6" \
	"stall_timeout   6" "sip_options_interval 2"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
view_ready() { grep -q "connect a VNC viewer" "$T/view.log"; }
check "sipvnc view listens" wait_until 10 view_ready

# An idle call, held 8 s: keepalives and OPTIONS are answered, it stays.
"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/a.ppm" --hold 8 >"$T/grab_a.log" 2>&1
check "an idle call outlives 4 keepalive intervals (vncgrab held 8 s)" \
	test $? = 3
check "our side sent in-dialog OPTIONS meanwhile, and they were answered" \
	bash -c "! grep -q 'no answer to in-dialog OPTIONS' '$T/serve.log'"
ended() { [ "$(grep -c 'ended' "$T/serve.log")" -ge "$1" ]; }
check "the call ended when the viewer left" wait_until 10 ended 1

# The viewer freezes mid-call.
"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/b.ppm" --hold 60 >"$T/grab_b.log" 2>&1 &
grab_b=$!
PIDS+=($grab_b)
check "second call: a frame arrives" wait_until 15 test -s "$T/b.ppm"
kill -STOP "$view_pid"
t0=$SECONDS
if wait_until 30 ended 2; then
	ok "a frozen viewer's call ends after $((SECONDS - t0)) s (keepalive 2 s, answer <= 3 s)"
else
	bad "a frozen viewer's call is still up after 30 s"
fi
check "... within peer_timeout's bounds (<= 12 s)" test $((SECONDS - t0)) -le 12
kill -CONT "$view_pid"
wait "$grab_b" 2>/dev/null
check "its slot is free: the next call gets a frame" \
	"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/c.ppm" --timeout 15

if [ "$failed" != 0 ]; then
	for f in serve view grab_a grab_b; do echo "--- $f.log"; tail -20 "$T/$f.log"; done
fi
finish msrp_deadpeer
