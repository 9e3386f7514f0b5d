#!/usr/bin/env bash
# sipvnc web through Kamailio: the desktop registers as desktop@127.0.0.1
# (MSRP through Kamailio's relay), the gateway registers as alice and the
# browser calls the desktop by its AOR; chromium checks pixels, input and
# hang-up (tests/web/web_test.mjs, KAM_URL part).
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

need_puppeteer web_kamailio
start_xvfb 320x240x24 || exit 1
"$TOOLS/xwin" A 336699 0 0 320 240 --log "$T/keysA.log" >/dev/null 2>&1 &
PIDS+=($!)
"$TOOLS/xwin" --expect 336699 320 240 "$T/expectA.ppm"
start_kamailio || exit 1

serve_port=$(free_port)
cat >"$T/serve.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$serve_port
account         <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp";regint=60
allow           sip:alice@127.0.0.1 control
msrp_relay      msrp://127.0.0.1:$KAM_MSRP_PORT;tcp
msrp_relay_user msrpuser
msrp_relay_pass msrppass
CONF
wport=$(free_port)
cat >"$T/web.conf" <<CONF
sip_listen      127.0.0.1:0
account         <sip:alice@127.0.0.1>;auth_pass=alicepw;outbound="sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp";regint=60
web_listen      127.0.0.1:$wport
CONF
start_sipvnc serve -c "$T/serve.conf"
start_sipvnc web web -c "$T/web.conf"
registered() { grep -q "desktop@127.0.0.1" "$T/kamailio.log" && grep -qi "regist" "$T/serve.log"; }
check "the desktop registers at Kamailio" wait_until 15 registered
check "the gateway registers and prints its address" \
	wait_until 15 grep -q "open http://127.0.0.1:$wport/?token=" "$T/web.log"
gw_registered() { grep -qi "regist" "$T/web.log"; }
check "the gateway's account registers" wait_until 15 gw_registered
url=$(grep -o "http://127.0.0.1:$wport/?token=[0-9a-f]*" "$T/web.log")

( cd "$WEBT" && T=$T KAM_URL=$url KAM_AOR=sip:desktop@127.0.0.1 EXPECT_A=$T/expectA.ppm \
	KEYS_A=$T/keysA.log SERVE_A_LOG=$T/serve.log timeout 120 node web_test.mjs ) >"$T/node.log" 2>&1
cat "$T/node.log"
passed=$((passed + $(grep -c '^  ok ' "$T/node.log")))
failed=$((failed + $(grep -c '^  FAIL ' "$T/node.log")))
check "the browser's INVITE went through Kamailio" \
	grep -q "REQ INVITE sip:desktop@127.0.0.1.* from sip:alice@127.0.0.1" "$T/kamailio.log"
check "the session's log line names the AOR" \
	wait_until 5 grep -q "web session: user (token) .* target sip:desktop@127.0.0.1 rights control" "$T/web.log"
if [ "$failed" != 0 ]; then
	for f in web serve kamailio; do echo "--- $f.log"; tail -25 "$T/$f.log"; done
fi
finish web_kamailio
