#!/usr/bin/env bash
# SIGHUP re-reads the file: an allowed caller added while another call
# stays up, a key that needs a restart named, a broken file refused with
# the old configuration kept, and a caller removed keeps its call.
source "$(dirname "$0")/../lib.sh"

start_xvfb 320x240x24 || exit 1
write_serve_conf "allow           sip:alice@127.0.0.1 control"
cp "$T/serve.conf" "$T/base.conf"
start_sipvnc serve -c "$T/serve.conf"
up() { grep -q "try: " "$T/serve.log"; }
check "serve starts" wait_until 10 up

# viewer NAME: `sipvnc view` calling serve as sip:NAME@127.0.0.1
viewer() {
	local name=$1 port; port=$(free_port)
	printf 'sip_listen 127.0.0.1:0\nsip_user %s\n' "$name" >"$T/$name.conf"
	start_sipvnc "v_$name" view "sip:sipvnc@127.0.0.1:$serve_port" -c "$T/$name.conf" --listen "127.0.0.1:$port"
	eval "${name}_port=$port"
	wait_until 10 grep -q "connect a VNC viewer" "$T/v_$name.log" 2>/dev/null
}
viewer alice
viewer bob
calls_of() { grep -c "call from sip:$1@127.0.0.1:[0-9]* accepted" "$T/serve.log"; }

"$BUILD/tools/vncgrab" "127.0.0.1:$alice_port" "$T/alice.ppm" --hold 30 >"$T/alice.grab" 2>&1 &
alice_grab=$!
PIDS+=($alice_grab)
alice_up() { [ "$(calls_of alice)" -ge 1 ] && grep -q "first frame" "$T/alice.grab" 2>/dev/null || grep -q "media up with sip:alice" "$T/serve.log"; }
check "alice's call is up" wait_until 15 alice_up

"$BUILD/tools/vncgrab" "127.0.0.1:$bob_port" "$T/bob1.ppm" --timeout 5 >"$T/bob1.grab" 2>&1
check "bob is not allowed yet" bash -c "grep -q 'INVITE from sip:bob@127.0.0.1.*refused' '$T/serve.log'"

# Add bob, change a key that needs a restart, HUP.
{ cat "$T/base.conf"; echo "allow           sip:bob@127.0.0.1"; echo "msrp_chunk_size 4096"; } >"$T/serve.conf"
kill -HUP "$serve_pid"
reloaded() { grep -q "reloaded $T/serve.conf" "$T/serve.log"; }
check "SIGHUP: the file is read again" wait_until 5 reloaded
check "the key that needs a restart is named" grep -q "'msrp_chunk_size' changed, which needs a restart" "$T/serve.log"
check "the policy keys are not" bash -c "! grep -q \"'allow' changed\" '$T/serve.log'"
check "serve is still running" kill -0 "$serve_pid"
check "bob, now allowed, gets the screen" "$BUILD/tools/vncgrab" "127.0.0.1:$bob_port" "$T/bob2.ppm" --timeout 10
check "bob's call was answered view only" grep -q "call from sip:bob@127.0.0.1 accepted (view only)" "$T/serve.log"
check "alice's call stayed up meanwhile" bash -c "kill -0 $alice_grab && ! grep -q 'call with sip:alice@127.0.0.1:[0-9]* ended' '$T/serve.log'"

# A broken file (which would also drop bob): refused with its problems,
# the old configuration stays.
cp "$T/serve.conf" "$T/good.conf"
{ cat "$T/base.conf"; echo "dney            sip:bob@127.0.0.1"; } >"$T/serve.conf"
kill -HUP "$serve_pid"
refused() { grep -q "reload refused" "$T/serve.log"; }
check "a broken file is refused" wait_until 5 refused
check "with its FILE:LINE problem" grep -qF "$T/serve.conf:4: unknown key 'dney'" "$T/serve.log"
check "bob is still allowed (the old configuration stays)" \
	"$BUILD/tools/vncgrab" "127.0.0.1:$bob_port" "$T/bob3.ppm" --timeout 10

# alice removed: her call in progress goes on, a new one is refused.
{ grep -v alice "$T/good.conf"; } >"$T/serve.conf"
n_reloads=$(grep -c "reloaded $T/serve.conf" "$T/serve.log")
kill -HUP "$serve_pid"
reloaded2() { [ "$(grep -c "reloaded $T/serve.conf" "$T/serve.log")" -gt "$n_reloads" ]; }
check "alice removed: reloaded" wait_until 5 reloaded2
check "alice's call in progress is not dropped" bash -c "kill -0 $alice_grab && ! grep -q 'call with sip:alice@127.0.0.1:[0-9]* ended' '$T/serve.log'"
kill "$alice_grab" 2>/dev/null; wait "$alice_grab" 2>/dev/null
alice_ended() { grep -q "call with sip:alice@127.0.0.1:[0-9]* ended" "$T/serve.log"; }
wait_until 5 alice_ended
"$BUILD/tools/vncgrab" "127.0.0.1:$alice_port" "$T/alice2.ppm" --timeout 5 >/dev/null 2>&1
alice_refused() { grep -q "INVITE from sip:alice@127.0.0.1.*refused" "$T/serve.log"; }
check "a new call from alice is refused" wait_until 5 alice_refused

finish service_reload
