#!/usr/bin/env bash
# sipvnc web in a real browser: Debian's chromium driven by puppeteer-core
# (tests/web, `npm ci`, nothing downloaded) against two Xvfb desktops
# served by `sipvnc serve`.  A token gateway on loopback (no users) and a
# gateway with Digest web users; HTTP-level refusals are checked with curl.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

need_puppeteer web_browser

# desktop A and B: a window of known pixels that logs its input
for d in A:336699 B:993366; do
	n=${d%%:*} rgb=${d#*:}
	start_xvfb 320x240x24 || exit 1
	eval "DISPLAY_$n=$DISPLAY"
	"$TOOLS/xwin" "$n" "$rgb" 0 0 320 240 --log "$T/keys$n.log" >/dev/null 2>&1 &
	PIDS+=($!)
	"$TOOLS/xwin" --expect "$rgb" 320 240 "$T/expect$n.ppm"
	write_serve_conf
	mv "$T/serve.conf" "$T/serve$n.conf"
	eval "PORT_$n=$serve_port"
	start_sipvnc "serve$n" -c "$T/serve$n.conf"
done
# on A too: a desktop that lets nobody in, one that rings and then declines
printf '#!/bin/sh\nsleep 3\nexit 1\n' >"$T/decline.sh"
chmod +x "$T/decline.sh"
PORT_R=$(free_port) PORT_M=$(free_port)
printf 'display %s\nsip_listen 127.0.0.1:%s\n' "$DISPLAY_A" "$PORT_R" >"$T/serveR.conf"
{
	printf 'display %s\nsip_listen 127.0.0.1:%s\n' "$DISPLAY_A" "$PORT_M"
	printf 'allow sip:*@127.0.0.1 control\nanswermode manual\nanswer_command %s\n' "$T/decline.sh"
} >"$T/serveM.conf"
PORT_N=$(free_port)
{
	printf 'display %s\nsip_listen 127.0.0.1:%s\n' "$DISPLAY_A" "$PORT_N"
	printf 'allow sip:*@127.0.0.1 control\nanswermode manual\nanswer_timeout 30\n'
	printf 'answer_command %s\n' "$T/never.sh"
} >"$T/serveN.conf"
printf '#!/bin/sh\nsleep 30\n' >"$T/never.sh"
chmod +x "$T/never.sh"
start_sipvnc serveN -c "$T/serveN.conf"
start_sipvnc serveR -c "$T/serveR.conf"
start_sipvnc serveM -c "$T/serveM.conf"
wait_until 30 port_open "$PORT_A" && wait_until 30 port_open "$PORT_B" || { bad "desktops up"; finish web_browser; exit 1; }
wait_until 10 test -s "$T/keysA.log" -o -e "$T/keysA.log"
DISPLAY=$DISPLAY_A wait_x_settled "$T/xA.ppm"
check "desktop A's X pixels are xwin's picture" same_picture "$T/xA.ppm" "$T/expectA.ppm"

# the token gateway (what `make run` starts)
wport=$(free_port)
printf 'sip_listen 127.0.0.1:0\nweb_listen 127.0.0.1:%s\nweb_answer_timeout 5\n' "$wport" >"$T/web.conf"
start_sipvnc web web -c "$T/web.conf"
check "the token gateway prints its address" wait_until 30 grep -q "open http://127.0.0.1:$wport/?token=" "$T/web.log"
OPEN_URL=$(grep -o "http://127.0.0.1:$wport/?token=[0-9a-f]*" "$T/web.log")
wrong=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Sipvnc-Token: 0123' \
	-H "X-Sipvnc-Call: sip:sipvnc@127.0.0.1:$PORT_A" "http://127.0.0.1:$wport/ticket")
check "a wrong token gets no ticket (403: $wrong)" test "$wrong" = 403

# the gateway with web users
uport=$(free_port)
ALICE_PASS=alice-secret-1 BOB_PASS=bob-secret-22
{
	printf 'sip_listen 127.0.0.1:0\nweb_listen 127.0.0.1:%s\n' "$uport"
	printf '%s\n' "$ALICE_PASS" | "$SIPVNC" passwd alice
	printf '%s\n' "$BOB_PASS" | "$SIPVNC" passwd bob
	echo "web_allow alice sip:sipvnc@127.0.0.1 control"
	echo "web_allow bob *@127.0.0.1 view"
} >"$T/users.conf"
check "sipvnc passwd prints a web_user line" grep -q '^web_user alice [0-9a-f]\{32\}$' "$T/users.conf"
start_sipvnc users web -c "$T/users.conf"
wait_until 30 port_open "$uport"
U=http://127.0.0.1:$uport
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@"; }
check "wrong password: 401" test "$(code --digest -u alice:wrong-pass "$U/")" = 401
check "right password: 200" test "$(code --digest -u alice:$ALICE_PASS "$U/")" = 200
ticket() {
	curl -s --digest -u "alice:$ALICE_PASS" -X POST -H "X-Sipvnc-Call: $1" "$U/ticket" |
		sed -n 's/.*"ticket":"\([0-9a-f]*\)".*/\1/p'
}
WSH=(-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'
     -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')
# INVITEs serve A has had: one "answered" or "refused" line each (a call
# logs "call from" again as it is accepted, established and closed)
invites() { grep -cE "^sip: call from .* (answered|refused)" "$T/serveA.log"; }
before=$(invites)
tk=$(ticket "sip:sipvnc@127.0.0.1:$PORT_A")
check "alice gets a ticket" test -n "$tk"
check "foreign Origin: 403" test "$(code "${WSH[@]}" -H 'Origin: http://evil.example' "$U/ws?ticket=$tk")" = 403
check "foreign Host: 403" test "$(code "${WSH[@]}" -H "Host: evil.example:$uport" -H "Origin: http://evil.example:$uport" "$U/ws?ticket=$tk")" = 403
check "missing ticket: 403" test "$(code "${WSH[@]}" -H "Origin: $U" "$U/ws")" = 403
check "no call placed by any of them" test "$(invites)" = "$before"
# the upgrade's status line, read as it comes: curl would wait on the open
# WebSocket for its --max-time
upgrade() {
	local status=
	exec 7<>"/dev/tcp/127.0.0.1/$uport" || return
	printf '%s\r\n' "GET /ws?ticket=$1 HTTP/1.1" "Host: 127.0.0.1:$uport" "Origin: $U" \
		'Connection: Upgrade' 'Upgrade: websocket' 'Sec-WebSocket-Version: 13' \
		'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' '' >&7
	read -r -t 10 _ status _ <&7
	exec 7<&-
	echo "$status"
}
c=$(upgrade "$tk")
check "the ticket with our Origin and Host upgrades (101: $c)" test "$c" = 101
check "reused ticket: 403" test "$(code "${WSH[@]}" -H "Origin: $U" "$U/ws?ticket=$tk")" = 403
# the page asks for tickets ahead: a user holds at most 4 unused, the
# oldest going first (and no user's push out another's)
tks=()
for _ in 1 2 3 4 5; do tks+=("$(ticket "sip:sipvnc@127.0.0.1:$PORT_A")"); done
check "a fifth unused ticket of alice's drops her first (403)" \
	test "$(code "${WSH[@]}" -H "Origin: $U" "$U/ws?ticket=${tks[0]}")" = 403
c=$(upgrade "${tks[4]}")
check "her newest still upgrades (101: $c)" test "$c" = 101
# both upgrades placed a call: their INVITEs reach serve A in their own
# time, and must not be counted against the refused target below
invites_reach() { [ "$(invites)" -ge "$1" ]; }
wait_until 10 invites_reach $((before + 2))
before=$(invites)
denied=$(curl -s -o /dev/null -w '%{http_code}' --digest -u "alice:$ALICE_PASS" -X POST \
	-H "X-Sipvnc-Call: sip:sipvnc@localhost:$PORT_A" "$U/ticket")
sleep 0.5
check "a target outside alice's list: 403 ($denied) and no INVITE" \
	test "$denied" = 403 -a "$(invites)" = "$before"

( cd "$WEBT" && T=$T OPEN_URL=$OPEN_URL TARGET_A="sip:sipvnc@127.0.0.1:$PORT_A" \
	TARGET_B="sip:sipvnc@127.0.0.1:$PORT_B" EXPECT_A=$T/expectA.ppm EXPECT_B=$T/expectB.ppm \
	KEYS_A=$T/keysA.log SERVE_A_LOG=$T/serveA.log SERVE_B_LOG=$T/serveB.log \
	DISPLAY_A=$DISPLAY_A DISPLAY_B=$DISPLAY_B XCLIP=$TOOLS/xclipboard \
	USERS_URL=$U ALICE_PASS=$ALICE_PASS BOB_PASS=$BOB_PASS \
	TARGET_DENIED="sip:sipvnc@localhost:$PORT_A" \
	TARGET_REFUSED="sip:sipvnc@127.0.0.1:$PORT_R" TARGET_RING="sip:sipvnc@127.0.0.1:$PORT_M" \
	TARGET_NOANSWER="sip:sipvnc@127.0.0.1:$PORT_N" \
	timeout 240 node web_test.mjs ) >"$T/node.log" 2>&1
cat "$T/node.log"
passed=$((passed + $(grep -c '^  ok ' "$T/node.log")))
failed=$((failed + $(grep -c '^  FAIL ' "$T/node.log")))
check "the browser test ran to its end" grep -q '^  ok .*a target outside the list is refused in the page' "$T/node.log"
check "one log line per session, with user, target, rights and bytes" \
	grep -q "web session: user bob from 127.0.0.1:[0-9]* target sip:sipvnc@127.0.0.1:$PORT_A rights view start .* bytes to browser [1-9][0-9]* from browser [0-9]*, [0-9]* requests answered ahead; ended: " "$T/users.log"

if [ "$failed" != 0 ]; then
	for f in web users serveA serveB keysA; do echo "--- $f.log"; tail -25 "$T/$f.log"; done
fi
finish web_browser
