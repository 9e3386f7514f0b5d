#!/usr/bin/env bash
# answermode manual without an answer_command: sipvnc asks the person at
# the screen with its own dialog.  A click on Allow lets the caller in; a
# key can only reject (Escape), never accept.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 800x600x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)

write_serve_conf \
	"allow           sip:*@127.0.0.1 control" \
	"answermode      manual" \
	"answer_timeout  20"
start_sipvnc serve -c "$T/serve.conf"
serving() { grep -q "sharing" "$T/serve.log"; }
check "sipvnc serves with answermode manual and no answer_command" \
	wait_until 10 serving

dialog() { xdotool search --name "sipvnc: incoming call" 2>/dev/null | head -1; }
dialog_up() { [ -n "$(dialog)" ]; }

# Call 1: the person clicks Allow.
start_view view1 "sip:sipvnc@127.0.0.1:$serve_port"
check "view 1 listens for a local viewer" wait_until 10 view_listening view1
"$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc1.ppm" --timeout 20 >"$T/grab1.log" 2>&1 &
grab1=$!
check "the dialog appears on the shared screen" wait_until 10 dialog_up
check "the call rings while the person decides" grep -q "ringing" "$T/serve.log"
win=$(dialog)
# Keys never accept: Enter and space leave the dialog up.
xdotool mousemove --window "$win" 40 40 key Return space
sleep 1
check "keys other than Escape do not answer" dialog_up
check "the dialog has the focus: the keys did not reach the application" \
	bash -c "! grep -q 'key 0xff0d' '$T/keys.log'"
sleep 0.5
# Allow is the left button (server/ask.c: 110x30 at 308,104).
xdotool mousemove --window "$win" 360 118 click 1
if wait "$grab1"; then
	ok "Allow clicked: the caller's viewer gets a frame"
else
	bad "Allow clicked, but no frame ($(tail -1 "$T/grab1.log"))"
fi
check "the dialog is gone after the answer" bash -c \
	"! xdotool search --name 'sipvnc: incoming call' >/dev/null 2>&1"

# Call 2: Escape rejects.
start_view view2 "sip:sipvnc@127.0.0.1:$serve_port"
view2_port=$view_port
check "view 2 listens for a local viewer" wait_until 10 view_listening view2
"$TOOLS/vncgrab" "127.0.0.1:$view2_port" "$T/vnc2.ppm" --timeout 20 >"$T/grab2.log" 2>&1 &
grab2=$!
check "the dialog appears for the second call" wait_until 10 dialog_up
xdotool mousemove --window "$(dialog)" 40 40 key Escape
if wait "$grab2"; then
	bad "Escape pressed, yet the caller got a frame"
else
	ok "Escape rejects: the caller's viewer gets nothing"
fi
refused() { grep -q "said no" "$T/serve.log"; }
check "the server logs the refusal" wait_until 5 refused
check "no frame file from the rejected call" test ! -s "$T/vnc2.ppm"

if [ "$failed" != 0 ]; then
	for f in serve view1 view2 grab1 grab2; do echo "--- $f.log"; tail -20 "$T/$f.log"; done
fi
finish ask
