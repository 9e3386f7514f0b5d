#!/usr/bin/env bash
# sip_share_test.sh - two sipvnc processes through Kamailio with `share`:
# `sipvnc view` registered as alice waits with a local VNC viewer; `sipvnc
# share sip:alice@127.0.0.1`, registered as desktop, calls it through the
# proxy (digest-authenticated REGISTER, the INVITE routed by Kamailio's
# location table).  The pixels must arrive.  (`view` through Kamailio is
# e2e_test.sh.)
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
wait_x_settled "$T/x.ppm" || exit 1
start_kamailio || exit 1

cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:$(free_port)
$(kam_account alice)
allow           sip:desktop@127.0.0.1
CONF
start_view view -c "$T/view.conf"
view_registered() { grep -q "registration of sip:alice@127.0.0.1: 200" "$T/view.log"; }
check "the viewing side registered at Kamailio" wait_until 10 view_registered

"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/shared.ppm" --timeout 20 >"$T/grab.log" 2>&1 &
grab=$!
waiting() { grep -q "waiting for a call" "$T/view.log"; }
check "the local viewer waits" wait_until 10 waiting

cat >"$T/share.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$(free_port)
$(kam_account desktop)
CONF
start_sipvnc share share "sip:alice@127.0.0.1" -c "$T/share.conf"
if wait "$grab"; then
	ok "the shared screen reaches the viewer through Kamailio ($(head -1 "$T/grab.log"))"
else
	bad "no frame from the sharer ($(tail -1 "$T/grab.log"))"
	tail -n 20 "$T/view.log" "$T/share.log"
fi
check "pixels equal the sharer's screen" same_picture "$T/x.ppm" "$T/shared.ppm"
check "the INVITE went through Kamailio" grep -q "REQ INVITE sip:alice@127.0.0.1" "$T/kamailio.log"
share_gone() { ! kill -0 "$share_pid" 2>/dev/null; }
check "the viewer leaving ends the call and the sharer exits" wait_until 10 share_gone
finish sip_share
