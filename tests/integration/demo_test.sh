#!/usr/bin/env bash
# The README's `make run`: with no $DISPLAY it starts a private Xvfb with
# the demo client, prints the URI and the view line, and that line works.
source "$(dirname "$0")/../lib.sh"

if port_open 5060 || ss -Huln "sport = :5060" | grep -q .; then
	# e.g. a distribution's SIP server started by its package install
	echo "port 5060 is taken here, so the demo (fixed at 5060) is skipped"
	echo "demo: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
web_free=1   # the browser gateway's fixed 8080
port_open 8080 && web_free=0
env -u DISPLAY "$TOP/tests/run-demo.sh" >"$T/demo.log" 2>&1 &
PIDS+=($!)
demo_up() { grep -q "try: .*sipvnc view" "$T/demo.log"; }
check "make run prints the URI and the view line" wait_until 15 demo_up
uri=$(sed -n 's/.*try: [^ ]*sipvnc view \(sip:[^ ]*\).*/\1/p' "$T/demo.log" | head -1)
check "the URI is the loopback default" test "$uri" = "sip:sipvnc@127.0.0.1:5060"

if [ "$web_free" = 1 ]; then
	check "make run prints the browser address with its token" \
		wait_until 10 grep -q "in a browser: http://127.0.0.1:8080/?token=[0-9a-f]\{32\}&call=sip:sipvnc@127.0.0.1:5060" "$T/demo.log"
fi

# the view line as printed (default socket), then the command it prints
start_sipvnc view view "$uri"
view_ready() { grep -q "connect a VNC viewer.*: vncviewer /" "$T/view.log"; }
check "view prints the vncviewer command" wait_until 10 view_ready
sock=$(sed -n 's|.*: vncviewer \(/[^ ]*\)$|\1|p' "$T/view.log" | head -1)
if "$BUILD/tools/vncgrab" "$sock" "$T/demo.ppm" >"$T/grab.log" 2>&1; then
	ok "a VNC viewer through 'sipvnc view' gets the demo screen ($(head -1 "$T/grab.log"))"
else
	bad "no frame through the view line ($(tail -1 "$T/grab.log"))"
	tail -n 20 "$T/demo.log" "$T/view.log"
fi
# The demo paints many colours; a blank or black frame would be a failure.
colours=$(tail -c +16 "$T/demo.ppm" 2>/dev/null | od -An -v -tx1 -w3 | sort -u | wc -l)
check "the frame shows the demo pattern ($colours colours)" test "$colours" -gt 50
# Ctrl-C equivalent: the demo must stop, and take its Xvfb with it.
pkill -INT -f "sipvnc -c conf/demo.conf" || true
demo_gone() { ! pgrep -f "sipvnc -c conf/demo.conf" >/dev/null; }
check "the demo stops on SIGINT" wait_until 5 demo_gone
finish demo
