#!/usr/bin/env bash
# MSRP through a relay (RFC 4976): Kamailio's msrp module as the relay of
# `sipvnc serve`, which AUTHs there (digest), puts the Use-Path in front of
# its a=path and sends and receives everything through it; `sipvnc view`
# talks to the relay directly.  Pixels verified as in e2e_test.sh.
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
msrp_chunk_size 8192
msrp_relay      msrp://127.0.0.1:$KAM_MSRP_PORT;tcp
msrp_relay_user msrpuser
msrp_relay_pass ${RELAY_PASS:-msrppass}
CONF
cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:0
$(kam_account alice)
CONF

start_sipvnc serve -c "$T/serve.conf"
authorised() { grep -q "authorised, Use-Path msrp://127.0.0.1:$KAM_MSRP_PORT/" "$T/serve.log"; }
check "serve AUTHs at the relay (digest) and gets a Use-Path" wait_until 10 authorised
check "the relay saw a digest-authorised AUTH" grep -q "MSRP AUTH ok user=msrpuser" "$T/kamailio.log"
registered() { grep -q "desktop@127.0.0.1" "$T/kamailio.log" && grep -qi "regist" "$T/serve.log"; }
check "sipvnc registers at Kamailio" wait_until 10 registered

start_view view sip:desktop@127.0.0.1 -c "$T/view.conf"
check "sipvnc view listens for a local viewer" wait_until 10 view_listening view

check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc1.ppm" --key 0x61 --key 0x5a >"$T/grab1.log" 2>&1; then
	ok "first call: a full frame arrives through the relay ($(head -1 "$T/grab1.log"))"
else
	bad "first call: no frame ($(tail -1 "$T/grab1.log"))"
fi
check "first call: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc1.ppm"
typed() { grep -q "key 0x61" "$T/keys.log" && grep -q "key 0x5a" "$T/keys.log"; }
check "keys typed at the viewer reach the X client through the relay" wait_until 5 typed

# Both directions went through the relay: SENDs arrived there from the
# viewer (towards serve) and from serve's AUTHed connection (towards view).
sends=$(grep -c "MSRP SEND.* from" "$T/kamailio.log")
check "the relay carried SENDs ($sends)" test "$sends" -gt 10
check "the relay relayed without errors" bash -c "! grep -q 'relay of .* failed' '$T/kamailio.log'"
ended_at_view() { [ "$(grep -c 'ended' "$T/view.log")" -ge "$1" ]; }
check "viewer leaving ends the call" wait_until 5 ended_at_view 1

# A second call over the same relay connection.
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc2.ppm" >"$T/grab2.log" 2>&1; then
	ok "second call: a full frame arrives"
else
	bad "second call: no frame ($(tail -1 "$T/grab2.log"))"
fi
check "second call: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc2.ppm"

if [ "$failed" != 0 ]; then
	echo "logs in $T (KEEP=1 keeps them)"
	for f in serve view kamailio; do echo "--- $f.log"; tail -40 "$T/$f.log"; done
fi
finish msrp_relay
