#!/usr/bin/env bash
# `sipvnc share URI` calls out and shares this screen; the callee is
# `sipvnc view` without a URI, with a local VNC viewer waiting.  Pixels
# must be equal; the viewer leaving ends the call and the sharer exits.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
wait_x_settled "$T/x.ppm" || exit 1

vsip=$(free_port)
cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:$vsip
allow           sip:*@127.0.0.1
CONF
start_view view -c "$T/view.conf"
check "view waits for a share" wait_until 10 view_listening view

"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/shared.ppm" --timeout 20 >"$T/grab.log" 2>&1 &
grab=$!
waiting() { grep -q "waiting for a call" "$T/view.log"; }
check "the local viewer waits" wait_until 10 waiting

cat >"$T/share.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:0
CONF
start_sipvnc share share "sip:sipvnc@127.0.0.1:$vsip" -c "$T/share.conf"
if wait "$grab"; then
	ok "the shared screen reaches the waiting viewer ($(head -1 "$T/grab.log"))"
else
	bad "no frame from the sharer ($(tail -1 "$T/grab.log"))"
	tail -n 20 "$T/view.log" "$T/share.log"
fi
check "pixels equal the sharer's screen" same_picture "$T/x.ppm" "$T/shared.ppm"
share_gone() { ! kill -0 "$share_pid" 2>/dev/null; }
check "the viewer leaving ends the call and the sharer exits" wait_until 10 share_gone
check "the sharer hung up cleanly" grep -q "ended" "$T/share.log"

# With nobody waiting at the viewer, a share is turned away (480).
start_sipvnc share2 share "sip:sipvnc@127.0.0.1:$vsip" -c "$T/share.conf"
share2_gone() { ! kill -0 "$share2_pid" 2>/dev/null; }
check "a share with no viewer waiting is refused and the sharer exits" wait_until 10 share2_gone
check "the refusal is 480" grep -q "480" "$T/share2.log"
finish share
