#!/bin/bash
# sip_outbound_kamailio_test.sh - RFC 5626 outbound (sipnat=outbound) over
# TCP against Kamailio's own outbound support (kamailio-outbound-modules;
# config kamailio/kamailio-outbound.cfg): the binding keeps our instance
# and reg-id, the 200 asks for keepalives (Require: outbound, Flow-Timer),
# CRLF keepalives keep the flow open past Kamailio's short
# tcp_connection_lifetime (a second desk without outbound shows that the
# same silence closes a flow), a call to the AOR reaches the desk over the
# registered flow, and a restarted Kamailio has the desk back within
# seconds; over UDP, Kamailio's stun module answers libre's STUN
# keepalives.  The instance id file, the exact REGISTER and the order of a
# flow's replacement stay in sip_outbound_test.sh.  ~80 s.
. "$(dirname "$0")/../lib.sh"

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
ls /usr/lib/*/kamailio/modules/outbound.so >/dev/null 2>&1 ||
	{ echo "outbound.so missing (apt-get install kamailio-outbound-modules)"; exit 1; }
LIFETIME=25   # tcp_connection_lifetime in kamailio-outbound.cfg
start_xvfb 640x480x24 || exit 1
# debug: Kamailio logs each write, so its CRLF pongs can be counted
KAM_CFG=$TOP/tests/integration/kamailio/kamailio-outbound.cfg \
	start_kamailio -A WITH_DEBUG || exit 1
KAM_DIR=$T/kamailio
kam_pid=${PIDS[-1]}

kam_dump() { kamcmd -s "unix:$KAM_DIR/run/kamailio_ctl" ul.dump 2>/dev/null; }
contact_of() { # contact_of USER: the ul.dump block of USER's binding
	kam_dump | awk -v aor="$1" '$1 == "AoR:" { on = ($2 == aor) } on'
}
bound() { contact_of "$1" | grep -q "Address:"; }
# the local port of PID's established TCP connection to Kamailio's SIP port
flow_port() {
	ss -Htnp state established "dport = :$KAM_SIP_PORT" 2>/dev/null |
		grep "pid=$1," | awk '{ sub(/.*:/, "", $3); print $3 }' | head -1
}
# what Kamailio sent (sipdump): "PORT FIRST-LINE" for each message
sent() {
	awk '/^tag: / { snd = ($2 == "snd") } /^dstport: / { port = $2 }
		/^~~~~/ { getline; if (snd) print port, $0 }' "$KAM_DIR"/sipdump-*.data
}
pongs() { grep -c "after real write: c= [^ ]* n=2 " "$T/kamailio.log"; }

export XDG_CONFIG_HOME=$T/config
desk_sip=$(free_port)
cat >"$T/desk.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$desk_sip
msrp_listen 127.0.0.1:0
account <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp";sipnat=outbound;regint=300
allow sip:alice@127.0.0.1 control
CONF
# the control: the same registration without outbound gets no keepalives
cat >"$T/plain.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
account <sip:bob@127.0.0.1>;auth_pass=bobpw;outbound="sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp";regint=300
CONF
# UDP: libre's keepalives are STUN binding requests, which Kamailio's
# stun module answers on the SIP port
cat >"$T/udp.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
account <sip:udpdesk@127.0.0.1>;auth_pass=udpdeskpw;outbound="sip:127.0.0.1:$KAM_SIP_PORT";sipnat=outbound;regint=300
CONF
start_sipvnc desk -c "$T/desk.conf"
start_sipvnc plain -c "$T/plain.conf"
XDG_CONFIG_HOME=$T/udp-config start_sipvnc udp -c "$T/udp.conf"   # its own instance id
registered() { grep -q "registration of sip:$1@127.0.0.1: 200" "$T/$2.log"; }
check "outbound registration over TCP: 200" wait_until 10 registered desktop desk
t_reg=$SECONDS
check "plain registration: 200" wait_until 10 registered bob plain
check "outbound registration over UDP: 200" wait_until 10 registered udpdesk udp
uuid=$(cat "$T/config/sipvnc/instance-id" 2>/dev/null)
check "Kamailio's binding has our +sip.instance" \
	eval 'contact_of desktop | grep -q "Instance: <urn:uuid:$uuid>"'
check "and reg-id 1" eval 'contact_of desktop | grep -q "Reg-Id: 1"'
check "and is tied to the TCP connection it came on (Tcpconn-Id)" \
	eval 'contact_of desktop | grep -q "Tcpconn-Id: [0-9]"'
check "the plain binding has no reg-id" eval 'contact_of bob | grep -q "Reg-Id: 0"'
# The 200 OK as Kamailio sent it (sipdump): the last reply to the desk.
ok200=$(awk '/^SIP\/2.0 200/ { m = "" } { m = m $0 "\n" } /^\|\|\|\|/ {
		if (m ~ /^SIP\/2.0 200/ && m ~ /To: <sip:desktop@/) last = m; m = "" }
	END { printf "%s", last }' "$KAM_DIR"/sipdump-*.data 2>/dev/null)
in_200() { printf '%s\n' "$ok200" | grep -q "^$1"; }
check "the 200 carries Require: outbound" in_200 "Require: outbound"
check "and Flow-Timer: 20" in_200 "Flow-Timer: 20"

desk_flow=$(flow_port "$desk_pid")
plain_flow=$(flow_port "$plain_pid")
check "both desks hold a TCP connection to Kamailio" \
	eval '[ -n "$desk_flow" ] && [ -n "$plain_flow" ]'
# Kamailio closes a TCP connection after LIFETIME s of silence.  Libre
# pings every 16-20 s (Flow-Timer 20); nothing else goes on either flow
# before their refresh at 270 s.
sleep $((LIFETIME * 2 - (SECONDS - t_reg)))
echo "  ($((SECONDS - t_reg)) s after the registration)"
check "without keepalives Kamailio closed the plain flow" \
	eval '[ "$(flow_port "$plain_pid")" != "$plain_flow" ]'
check "the outbound flow is still the same connection" \
	eval '[ "$(flow_port "$desk_pid")" = "$desk_flow" ]'
check "Kamailio answered at least two CRLF pings (CRLF pongs)" \
	eval '[ "$(pongs)" -ge 2 ]'
check "sipvnc saw no flow failure" eval '! grep -q "outbound flow" "$T/desk.log"'
check "UDP: the binding is an outbound one" eval 'contact_of udpdesk | grep -q "Reg-Id: 1"'
check "UDP: Kamailio took at least two STUN binding requests" \
	eval '[ "$(grep -c "stun_process_msg(): STUN Message" "$T/kamailio.log")" -ge 2 ]'
# an unanswered binding request fails the flow after 39.5 s (RFC 5389
# timeouts), and libre sends the first one along with the registration
check "UDP: and answered them (no flow failure)" \
	eval '! grep -q "outbound flow" "$T/udp.log" && ! grep -q "dropping" "$T/kamailio.log"'

# A call to the AOR: Kamailio's lookup sends it down the registered flow.
view_port=$(free_port)
cat >"$T/view.conf" <<CONF
sip_listen 127.0.0.1:0
account <sip:alice@127.0.0.1>;auth_pass=alicepw;outbound="sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp";regint=300
CONF
start_sipvnc view view sip:desktop@127.0.0.1 -c "$T/view.conf" --listen "127.0.0.1:$view_port"
check "sipvnc view listens for a local viewer" \
	wait_until 10 grep -q "connect a VNC viewer" "$T/view.log"
check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$BUILD/tools/vncgrab" "127.0.0.1:$view_port" "$T/vnc.ppm" >"$T/grab.log" 2>&1; then
	ok "a call through Kamailio: a full frame arrives"
else
	bad "a call through Kamailio: no frame ($(tail -1 "$T/grab.log"))"
fi
check "its pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc.ppm"
check "Kamailio routed the INVITE to the flow's address" \
	grep -q "LOCATION INVITE sip:desktop@127.0.0.1.* du=sip:127.0.0.1:$desk_flow;transport=tcp" "$T/kamailio.log"
check "the INVITE went down the flow" \
	eval 'sent | grep -q "^$desk_flow INVITE sip:desktop@"'
check "no connection was opened to the Contact's port" \
	eval '[ -z "$(ss -Htn state established "dport = :$desk_sip")" ]'
check "the flow is still the same connection" \
	eval '[ "$(flow_port "$desk_pid")" = "$desk_flow" ]'
check "the call ended (BYE)" wait_until 5 grep -q "ended" "$T/desk.log"
check "ACK and BYE to the desk went down the flow too" \
	wait_until 5 eval 'sent | grep -q "^$desk_flow ACK sip:desktop@" && sent | grep -q "^$desk_flow BYE sip:desktop@"'
check "nothing at all went to the Contact's port" eval '! sent | grep -q "^$desk_sip "'

# Kamailio restarts with an empty location table: the dead flow is seen
# at once and the desk registers on a new one.
kill "$kam_pid"
check "Kamailio stops" wait_until 10 eval '! kill -0 '"$kam_pid"' 2>/dev/null'
kamailio -f "$KAM_DIR/kamailio.cfg" -DD -E -m 64 -M 8 -A WITH_DEBUG \
	-P "$KAM_DIR/run/kamailio.pid" -Y "$KAM_DIR/run" >>"$T/kamailio.log" 2>&1 &
kam_pid=$!
PIDS+=($kam_pid)
check "Kamailio is back on its port" wait_until 10 port_open "$KAM_SIP_PORT"
t0=$SECONDS
check "the desk registered again within 5 s" wait_until 5 bound desktop
echo "  (after $((SECONDS - t0)) s)"
check "sipvnc logged the flow failure" \
	grep -q "outbound flow of sip:desktop@127.0.0.1 failed" "$T/desk.log"
check "the new binding is an outbound one again" \
	eval 'contact_of desktop | grep -q "Reg-Id: 1"'
check "on a new connection" \
	eval 'p=$(flow_port "$desk_pid"); [ -n "$p" ] && [ "$p" != "$desk_flow" ]'
check "the plain desk (no outbound) is not back yet" eval '! bound bob'

if [ "$failed" != 0 ]; then
	for f in desk plain udp view; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
	echo "--- kamailio"; grep -v DEBUG "$T/kamailio.log" | tail -30
fi
finish sip_outbound_kamailio_test
