#!/usr/bin/env bash
# End to end, real parts only: Xvfb with a client drawn on it, Kamailio as
# registrar and proxy (digest auth), sipvnc registered there, `sipvnc view`
# calling its SIP address through Kamailio, and libvncclient fetching the
# screen through the bridge.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
start_kamailio || exit 1

serve_port=$(free_port)
cat >"$T/serve.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$serve_port
$(kam_account desktop)
allow           sip:alice@127.0.0.1 control
CONF
cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:0
$(kam_account alice)
CONF

start_sipvnc serve -c "$T/serve.conf"
registered() { grep -q "desktop@127.0.0.1" "$T/kamailio.log" && grep -qi "regist" "$T/serve.log"; }
check "sipvnc registers at Kamailio" wait_until 10 registered

start_view view sip:desktop@127.0.0.1 -c "$T/view.conf"
check "sipvnc view listens for a local viewer" wait_until 10 view_listening view

check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc1.ppm" --key 0x61 --key 0x5a >"$T/grab1.log" 2>&1; then
	ok "first call: a full frame arrives ($(head -1 "$T/grab1.log"))"
else
	bad "first call: no frame ($(tail -1 "$T/grab1.log"))"
fi
check "first call: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc1.ppm"
typed() { grep -q "key 0x61" "$T/keys.log" && grep -q "key 0x5a" "$T/keys.log"; }
check "keys typed at the viewer reach the X client" wait_until 5 typed
ended_at_server() { [ "$(grep -c 'ended' "$T/serve.log")" -ge "$1" ]; }
check "viewer leaving ends the call at the server (BYE)" wait_until 5 ended_at_server 1

# Second call, held open; then the server side hangs up.
"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc2.ppm" --hold 15 >"$T/grab2.log" 2>&1 &
grab2=$!
check "second call: a full frame arrives" wait_until 10 test -s "$T/vnc2.ppm"
check "second call: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc2.ppm"
kill -TERM "$serve_pid"
if wait "$grab2"; then
	ok "server hanging up (BYE) closes the local viewer"
else
	bad "server hanging up did not close the local viewer ($(tail -1 "$T/grab2.log"))"
fi
check "view side saw the call end" grep -q "ended" "$T/view.log"

if [ "$failed" != 0 ]; then
	for f in serve view kamailio; do echo "--- $f.log"; tail -30 "$T/$f.log"; done
fi
finish e2e
