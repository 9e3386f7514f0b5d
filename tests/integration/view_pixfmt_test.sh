#!/usr/bin/env bash
# A viewer that changes its pixel format while the desktop encodes for it
# (libvncserver 0.9.14 applied it under the encoder's feet: a NULL read or
# a write past its update buffer took the whole process down; now
# server/desktop_settings.c applies it under the client's send lock).  A
# hostile viewer flips between 16 and 32 bits per pixel thousands of
# times, each time asking for a whole frame of a 30 fps animation; the
# desktop must stay up with its connection open, and a viewer after it
# gets the X server's exact pixels.  Each flip resends the encodings too,
# which desktop_settings.c applies under the same lock.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
SECS=${PIXFMT_SECONDS:-4}

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" --animate 300x220 30 >/dev/null 2>&1 &
demo=$!
PIDS+=($demo)
write_serve_conf "allow           sip:*@127.0.0.1 view" "max_sessions    2"
start_sipvnc serve -c "$T/serve.conf"
start_view view "sip:sipvnc@127.0.0.1:$serve_port" --no-auth
check "sipvnc view listens for a local viewer" wait_until 10 view_listening view

if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/flip.ppm" --flip-format "$SECS" \
	>"$T/flip.log" 2>&1; then
	ok "the hostile viewer kept its connection ($(tail -1 "$T/flip.log"))"
else
	bad "the hostile viewer lost its connection ($(tail -1 "$T/flip.log"))"
fi
check "the desktop is still running" kill -0 "$serve_pid"
clean_log() { ! grep -qE "ERROR: |runtime error|Segmentation" "$T/serve.log"; }
check "no sanitizer report in its log" clean_log

kill "$demo"
wait "$demo" 2>/dev/null
check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/after.ppm" >"$T/after.log" 2>&1; then
	ok "a viewer after it gets a frame"
else
	bad "no frame after the hostile viewer ($(tail -1 "$T/after.log"))"
fi
check "its pixels equal the X screen" same_picture "$T/x.ppm" "$T/after.ppm"

[ "$failed" = 0 ] || { echo "--- serve.log"; tail -30 "$T/serve.log"; }
finish view_pixfmt
