#!/usr/bin/env bash
# The end-to-end test over IPv6 loopback, no IPv4 on the SIP or MSRP
# path: Kamailio on [::1] as registrar and proxy, sipvnc with sip_listen
# [::1]:PORT (its MSRP address derived from that, brackets kept), `sipvnc
# view` calling through Kamailio, libvncclient checking the pixels.  The
# AORs stay in the test config's domain (127.0.0.1, a name here: no
# packet goes there).  Then a direct call from [::1] let in by a caller
# rule with an IPv6 host written in another spelling.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/netns.sh"
TOOLS=$BUILD/tools
SKIP_NAME=e2e_ipv6

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
# no ::1 (IPv6 off in this kernel or container): nothing to test
ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128' || skip "no ::1 on this machine"

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
kam_cfg_listen "$T/kam6.cfg" "[::1]"
# the MSRP relay on [::1] too, its Use-Path with the address in brackets
# (the test config writes $Ri bare: fine for IPv4 only)
sed -i -e 's|^listen=tcp:127.0.0.1:MSRP_PORT|&\nlisten=tcp:[::1]:MSRP_PORT|' \
	-e 's|^\(\s*\)\$var(scheme) = "msrp";|\1$var(rhost) = $Ri;\n\1if (af==INET6) $var(rhost) = "[" + $Ri + "]";\n&|' \
	-e 's|"://" + \$Ri + ":"|"://" + $var(rhost) + ":"|' "$T/kam6.cfg"
KAM_CFG=$T/kam6.cfg start_kamailio || exit 1

serve_port=$(free_port)
cat >"$T/serve.conf" <<CONF
display         $DISPLAY
sip_listen      [::1]:$serve_port
account         <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:[::1]:$KAM_SIP_PORT;transport=tcp";regint=60
allow           sip:alice@127.0.0.1 control
allow           sip:*@[0:0::1]
CONF
cat >"$T/view.conf" <<CONF
sip_listen      [::1]:0
account         <sip:alice@127.0.0.1>;auth_pass=alicepw;outbound="sip:[::1]:$KAM_SIP_PORT";regint=60
CONF

start_sipvnc serve -c "$T/serve.conf"
registered() { grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/serve.log"; }
check "sipvnc registers at Kamailio over IPv6 (TCP)" wait_until 10 registered
check "its MSRP address kept the brackets (no msrp_listen error)" kill -0 "$serve_pid"

view_port=$(free_port)
start_sipvnc view view "sip:desktop@127.0.0.1" -c "$T/view.conf" --listen "127.0.0.1:$view_port"
view_ready() { grep -qs "connect a VNC viewer" "$T/view.log"; }
check "sipvnc view listens for a local viewer" wait_until 10 view_ready
check "view says nothing about allow lines (it only calls out)" eval '! grep -q "allow line" "$T/view.log"'
check "view registered over IPv6 (UDP)" wait_until 10 grep -q "registration of sip:alice@127.0.0.1: 200" "$T/view.log"

check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc1.ppm" --key 0x61 >"$T/grab1.log" 2>&1; then
	ok "a full frame arrives over IPv6 ($(head -1 "$T/grab1.log"))"
else
	bad "no frame ($(tail -1 "$T/grab1.log"))"
fi
check "pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc1.ppm"
typed() { grep -q "key 0x61" "$T/keys.log"; }
check "a key typed at the viewer reaches the X client (allow rule for [::1])" wait_until 5 typed
contacts() { kamcmd -s "unix:$T/kamailio/run/kamailio_ctl" ul.dump 2>/dev/null | grep -i "Address:"; }
check "Kamailio holds IPv6 Contacts only" eval 'contacts | grep -q "\[::1\]" && ! contacts | grep -q "@127\."'
# what Kamailio saw (tests/netns.sh kam_cfg_listen logs it)
check "the desktop's 200 carried an SDP" grep -q "SEEN SDP 200 sip:desktop@127.0.0.1" "$T/kamailio.log"
check "SDP: c= is IPv6 ::1, a=path a bracketed literal" \
	eval 'grep -q "c=IN IP6 ::1" "$T/kamailio.log" && grep -q "a=path:msrp://\[::1\]:[0-9]*/" "$T/kamailio.log"'
check "no IPv4 in any SDP, Via or Contact" \
	eval '! grep -E "IN IP4|via=SIP/2.0/[A-Z]+ [0-9]|contact=<sip:[^@]*@[0-9]" "$T/kamailio.log"'

# A second desktop (bob) whose MSRP goes through the relay on [::1].
relay_port=$(free_port)
cat >"$T/relay.conf" <<CONF
display         $DISPLAY
sip_listen      [::1]:$relay_port
account         <sip:bob@127.0.0.1>;auth_pass=bobpw;outbound="sip:[::1]:$KAM_SIP_PORT";regint=60
allow           sip:alice@127.0.0.1
msrp_relay      msrp://[::1]:$KAM_MSRP_PORT;tcp
msrp_relay_user msrpuser
msrp_relay_pass msrppass
CONF
start_sipvnc relay -c "$T/relay.conf"
check "relay desktop AUTHs at the relay over IPv6" \
	wait_until 10 grep -q "authorised, Use-Path msrp://\[::1\]:$KAM_MSRP_PORT/" "$T/relay.log"
check "relay desktop registered" wait_until 10 grep -q "registration of sip:bob@127.0.0.1: 200" "$T/relay.log"
relay_view_port=$(free_port)
start_sipvnc rview view "sip:bob@127.0.0.1" -c "$T/view.conf" --listen "127.0.0.1:$relay_view_port"
check "relay viewer ready" wait_until 10 grep -qs "connect a VNC viewer" "$T/rview.log"
if "$TOOLS/vncgrab" "127.0.0.1:$relay_view_port" "$T/vnc3.ppm" >"$T/grab3.log" 2>&1; then
	ok "through the IPv6 relay: a full frame arrives"
else
	bad "through the IPv6 relay: no frame ($(tail -1 "$T/grab3.log"))"
fi
check "through the IPv6 relay: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc3.ppm"
check "the relay carried SENDs from ::1" grep -q "MSRP SEND.* from ::1" "$T/kamailio.log"

# A direct call, no registrar, MSRP over TLS: From is
# sip:sipvnc@[::1]:PORT, allowed by "sip:*@[0:0::1]" (view only).
cat >>"$T/serve.conf" <<CONF
msrp_tls        yes
msrp_tls_dir    $T/serve-tls
CONF
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
start_sipvnc serve -c "$T/serve.conf"
check "desktop back with msrp_tls" wait_until 10 grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/serve.log"
cat >"$T/direct.conf" <<CONF
sip_listen      [::1]:0
msrp_tls        yes
msrp_tls_dir    $T/direct-tls
CONF
direct_port=$(free_port)
start_sipvnc direct view "sip:desk@[::1]:$serve_port" -c "$T/direct.conf" --listen "127.0.0.1:$direct_port"
check "direct view ready" wait_until 10 grep -qs "connect a VNC viewer" "$T/direct.log"
if "$TOOLS/vncgrab" "127.0.0.1:$direct_port" "$T/vnc2.ppm" >"$T/grab2.log" 2>&1; then
	ok "direct IPv6 call: a full frame arrives"
else
	bad "direct IPv6 call: no frame ($(tail -1 "$T/grab2.log"))"
fi
check "direct IPv6 call: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc2.ppm"
check "the rule for [0:0::1] let [::1] in, view only" grep -q "accepted (view only)" "$T/serve.log"
check "that call was MSRP over TLS" grep -q "TLS peer certificate matches" "$T/serve.log"

if [ "$failed" != 0 ]; then
	for f in serve view relay rview direct kamailio; do echo "--- $f.log"; tail -30 "$T/$f.log"; done
fi
finish e2e_ipv6
