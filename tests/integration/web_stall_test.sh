#!/usr/bin/env bash
# sipvnc web and a browser that stops reading: the gateway's memory stays
# flat.  Two ways: a client that asks for full updates every 10 ms and
# never reads (tests/web/stall_client.py; without the gateway's hold this
# grows to hundreds of MB), and a real chromium tab paused in the debugger
# for 20 s while the desktop animates (JPEG updates checked to flow first).
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
rss_quiet_asan
need_puppeteer web_stall

start_xvfb 320x240x24 || exit 1
write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wport=$(free_port)
printf 'sip_listen 127.0.0.1:0\nweb_listen 127.0.0.1:%s\n' "$wport" >"$T/web.conf"
start_sipvnc web web -c "$T/web.conf"
wait_until 10 port_open "$serve_port" && wait_until 10 grep -q "?token=" "$T/web.log" ||
	{ bad "desktop and gateway up"; finish web_stall; exit 1; }
OPEN_URL=$(grep -o "http://127.0.0.1:$wport/?token=[0-9a-f]*" "$T/web.log")
target="sip:sipvnc@127.0.0.1:$serve_port"

# raw 320x240 frames, 100 requests a second, nothing read
out=$(timeout 60 python3 "$WEBT/stall_client.py" "http://127.0.0.1:$wport" \
	"${OPEN_URL##*token=}" "$target" 20 "$web_pid" 2>&1)
read -r _ r0 _ peak _ r1 _ nreq <<<"$out"
if [ -n "${nreq:-}" ] && [ "$nreq" -gt 500 ] && [ $((peak - r0)) -lt 8192 ]; then
	ok "a client that stops reading for 20 s (asking $nreq full updates) leaves the gateway's RSS flat ($r0 -> peak $peak KiB)"
else
	bad "stalled client: $(echo "$out" | tail -3)"
fi

( cd "$WEBT" && T=$T STALL_URL=$OPEN_URL TARGET_B=$target DISPLAY_B=$DISPLAY \
	GATEWAY_PID=$web_pid XDEMO=$TOOLS/xdemo timeout 120 node web_test.mjs ) >"$T/node.log" 2>&1
cat "$T/node.log"
passed=$((passed + $(grep -c '^  ok ' "$T/node.log")))
failed=$((failed + $(grep -c '^  FAIL ' "$T/node.log")))
check "the paused tab's test ran" grep -q "^  ok .*tab that stops reading" "$T/node.log"
# the animating page's requests were answered by updates the gateway
# asked for ahead (web_session.c), and the paused tab still kept RSS flat
check "the animating page's requests answered ahead by the gateway" \
	wait_until 10 grep -q "rights control .* [1-9][0-9]* requests answered ahead; ended: the browser" "$T/web.log"
[ "$failed" = 0 ] || tail -20 "$T/web.log"
finish web_stall
