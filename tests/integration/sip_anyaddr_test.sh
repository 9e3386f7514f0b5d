#!/usr/bin/env bash
# sip_anyaddr_test.sh - a desktop with an account and no sip_listen, on a
# network it did not know about, in network namespaces made here: Kamailio
# in one (10.15.0.1, fd15::1), sipvnc in the other (10.15.0.2, fd15::2),
# joined by a veth pair.  sipvnc listens on every address by itself and
# registers over IPv4 (UDP) and IPv6 (TCP) with Contacts naming the address
# that routes to Kamailio; `sipvnc view` (also without sip_listen) calls
# it over each family and the pixels are checked; the SDP seen by
# Kamailio names the routed address, never 0.0.0.0, :: or loopback.  Then
# the desktop's addresses are changed with `ip addr` while a call is up:
# that call ends, sipvnc registers its new address within seconds, and
# new calls over both families reach it there (the IPv6 account with
# ;sipnat=outbound on a new flow).  An address added besides is listened
# on without registering again.  Last, sip_listen [::]:PORT written out
# takes a direct call from an IPv6 peer.  The IPv4 registrar address is
# off-link (10.99.0.1), and its route moving to another link re-registers
# the desktop with the address that reaches it there.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/netns.sh"
TOOLS=$BUILD/tools
SKIP_NAME=sip_anyaddr
NETNS_PREFIX=sv15-
KNS=sv15-kam$$
DNS=sv15-desk$$

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
netns_usable || skip "network namespaces cannot be made here ($NETNS_WHY)"

netns_add "$KNS" && netns_add "$DNS" && netns_link "$KNS" k0 "$DNS" d0 || exit 1
ip -n "$KNS" addr add 10.15.0.1/24 dev k0
ip -n "$KNS" addr add fd15::1/64 dev k0 nodad
ip -n "$DNS" addr add 10.15.0.2/24 dev d0
ip -n "$DNS" addr add fd15::2/64 dev d0 nodad
# Kamailio's IPv4 SIP address for the desktop is 10.99.0.1, not on the
# link: routed via 10.15.0.1 (d0) now, via a second link (10.16.0.0/24)
# at the end, when the route moves.
netns_link "$KNS" k1 "$DNS" d1 || exit 1
ip -n "$KNS" addr add 10.16.0.1/24 dev k1
ip -n "$DNS" addr add 10.16.0.2/24 dev d1
ip -n "$KNS" addr add 10.99.0.1/32 dev lo
ip -n "$DNS" route add 10.99.0.1/32 via 10.15.0.1

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
kam_cfg_listen "$T/kam.cfg" 10.15.0.1 10.99.0.1 "[fd15::1]"
KAM_CFG=$T/kam.cfg start_kamailio_in "$KNS" 10.15.0.1 || exit 1

# what Kamailio has: "AOR contact" lines
bindings() {
	kamcmd -s "unix:$T/kamailio/run/kamailio_ctl" ul.dump 2>/dev/null |
		awk '/AoR:/ {aor=$2} /Address:/ {print aor, $2}'
}
bound() { bindings | grep -q "^$1 .*$2"; }
# the last SDP Kamailio saw in a 200 from $1 (the To URI), one line
sdp_200() {
	awk -v who="SEEN SDP 200 $1 " '{sub(/\r$/, "")} index($0, who) {on=1; s=""} on {s=s $0 "\n"} on && /^\]/ {on=0; last=s} END {printf "%s", last}' "$T/kamailio.log"
}

cat >"$T/desk.conf" <<CONF
display         $DISPLAY
account         <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:10.99.0.1:$KAM_SIP_PORT";regint=60
account         <sip:bob@127.0.0.1>;auth_pass=bobpw;outbound="sip:[fd15::1]:$KAM_SIP_PORT;transport=tcp";regint=60;sipnat=outbound
sip_instance    9b3c6f0e-15a5-4c1e-8f00-0000000000f1
allow           sip:alice@127.0.0.1 control
CONF
SIPVNC_WRAPPER="ip netns exec $DNS ${SIPVNC_WRAPPER:-}" start_sipvnc desk -c "$T/desk.conf"
check "desktop registered over IPv4 (UDP)" wait_until 15 bound desktop 10.15.0.2
check "desktop registered over IPv6 (TCP)" wait_until 15 bound bob '\[fd15::2\]'
check "it listens on every address by itself" grep -q "listening on every address, port 5060" "$T/desk.log"
check "no Contact at 0.0.0.0, :: or loopback" eval '! bindings | grep -E "@(0\.0\.0\.0|\[::\]|127\.|\[::1\])"'

# two viewers in Kamailio's namespace, neither with sip_listen: one goes
# to Kamailio by IPv4, the other by IPv6 (5060 is the first one's by
# then: the second listens on another port by itself)
for fam in 4 6; do
	proxy=10.15.0.1; [ $fam = 6 ] && proxy="[fd15::1]"
	echo "account <sip:alice@127.0.0.1>;auth_pass=alicepw;outbound=\"sip:$proxy:$KAM_SIP_PORT\";regint=60" >"$T/view$fam.conf"
done
v4_port=$(free_port); v6_port=$(free_port)
SIPVNC_WRAPPER="ip netns exec $KNS ${SIPVNC_WRAPPER:-}" start_sipvnc view4 view sip:desktop@127.0.0.1 -c "$T/view4.conf" --listen "127.0.0.1:$v4_port"
check "viewer 4 ready" wait_until 10 grep -qs "connect a VNC viewer" "$T/view4.log"
SIPVNC_WRAPPER="ip netns exec $KNS ${SIPVNC_WRAPPER:-}" start_sipvnc view6 view sip:bob@127.0.0.1 -c "$T/view6.conf" --listen "127.0.0.1:$v6_port"
check "viewer 6 ready (5060 taken: another port)" wait_until 10 eval 'grep -qs "connect a VNC viewer" "$T/view6.log" && grep -q "port 5060 is taken" "$T/view6.log"'
check "view says nothing about allow lines" eval '! grep -q "allow line" "$T/view4.log"'

check "the X screen settles" wait_x_settled "$T/x.ppm"
grab() { # grab FAMILY OUT [ARGS]: a VNC viewer at viewer FAMILY's port
	local fam=$1 out=$2; shift 2
	local port=$v4_port; [ "$fam" = 6 ] && port=$v6_port
	in_ns "$KNS" "$TOOLS/vncgrab" "127.0.0.1:$port" "$out" "$@"
}
call_pixels() { # call_pixels FAMILY LABEL
	if grab "$1" "$T/vnc$2.ppm" >"$T/grab$2.log" 2>&1; then
		ok "$2: a full frame arrives ($(head -1 "$T/grab$2.log"))"
	else
		bad "$2: no frame ($(tail -1 "$T/grab$2.log"))"
	fi
	check "$2: pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc$2.ppm"
}
sdp_names() { # sdp_names AOR C-LINE PATH-HOST
	local sdp; sdp=$(sdp_200 "$1")
	grep -qx "c=$2" <<<"$sdp" && grep -q "^a=path:msrp://$3:[0-9]*/" <<<"$sdp" &&
		grep -q "^o=.* ${2#IN }$" <<<"$sdp"
}
call_pixels 4 ipv4
check "ipv4: our SDP names 10.15.0.2 (c=, o=, a=path)" sdp_names sip:desktop@127.0.0.1 "IN IP4 10.15.0.2" 10.15.0.2
call_pixels 6 ipv6
check "ipv6: our SDP names fd15::2 (c=, o=, a=path in brackets)" sdp_names sip:bob@127.0.0.1 "IN IP6 fd15::2" '\[fd15::2\]'
check "nothing we wrote names 0.0.0.0, :: or loopback" \
	eval '! grep -E "SEEN.*(via=SIP/2.0/[A-Z]+ (0\.0\.0\.0|\[::\]|127\.|\[::1\])|contact=<sip:[^@]*@(0\.0\.0\.0|\[::\]|127\.|\[::1\]))" "$T/kamailio.log" && ! grep -E "^(c=IN IP[46]|a=path:msrp://)(0\.0\.0\.0|::|\[::\]|127\.|\[::1\]|::1)" "$T/kamailio.log"'

# A call is up while the desktop moves to other addresses.
grab 4 "$T/held.ppm" --hold 40 >"$T/held.log" 2>&1 &
held=$!
check "a call is up before the move" wait_until 10 test -s "$T/held.ppm"
t0=$SECONDS
# IPv4 as a new DHCP lease: the old address goes, then the new one comes
# (added first, it would be a secondary of the same subnet and go along
# with the old primary); IPv6 the other way round, as SLAAC does.
ip -n "$DNS" addr del 10.15.0.2/24 dev d0
ip -n "$DNS" addr add 10.15.0.3/24 dev d0
ip -n "$DNS" route add 10.99.0.1/32 via 10.15.0.1   # went with the old address
ip -n "$DNS" addr add fd15::3/64 dev d0 nodad
ip -n "$DNS" addr del fd15::2/64 dev d0
check "sipvnc noticed (logged) within 5 s" wait_until 5 grep -q "our addresses changed" "$T/desk.log"
check "the call on the vanished address ended" wait_until 10 grep -q "our address 10.15.0.2 is gone" "$T/desk.log"
if wait_until 15 eval '! kill -0 '"$held"' 2>/dev/null'; then
	ok "and its viewer was let go"
else
	bad "its viewer still hangs on"
fi
check "registered again at 10.15.0.3" wait_until 15 bound desktop 10.15.0.3
check "registered again at [fd15::3] (TCP)" wait_until 15 bound bob '\[fd15::3\]'
echo "  (both new Contacts registered $((SECONDS - t0)) s after the move)"
check "the re-REGISTERs were logged" eval '[ "$(grep -c "registration of sip:desktop@127.0.0.1: 200" "$T/desk.log")" -ge 2 ]'
call_pixels 4 moved-ipv4
check "moved-ipv4: SDP names 10.15.0.3" sdp_names sip:desktop@127.0.0.1 "IN IP4 10.15.0.3" 10.15.0.3
call_pixels 6 moved-ipv6
check "moved-ipv6: SDP names [fd15::3]" sdp_names sip:bob@127.0.0.1 "IN IP6 fd15::3" '\[fd15::3\]'

# One more address, not the one routing to Kamailio: listened on too, and
# nobody needs to hear of it (no new registration).
regs=$(grep -c "registering again" "$T/desk.log")
ip -n "$DNS" addr add 10.15.0.9/24 dev d0
check "an added address is listened on within 5 s" wait_until 5 grep -q "listening on 10.15.0.9 too" "$T/desk.log"
check "SIP at 10.15.0.9:5060 (UDP and TCP)" eval 'in_ns "$DNS" ss -Hln "sport = :5060" | grep -c "10.15.0.9:5060" | grep -qx 2'
check "and no registration for it" eval '[ "$(grep -c "registering again" "$T/desk.log")" = "$regs" ]'
# An IPv6 address under duplicate address detection cannot be bound for
# a second or so: it is taken once usable, never tried before.  Being the
# newest, the kernel prefers it towards Kamailio: the IPv6 Contact moves
# there, while the IPv4 one must stay at 10.15.0.3 although the old
# transports' sockets still hold the port there (a held socket would
# otherwise make 10.15.0.9 our IPv4 face).
ip -n "$DNS" addr add fd15::7/64 dev d0
check "a new IPv6 address is listened on once its DAD is done" \
	wait_until 10 grep -qE "listening on (fd15::7 too|every address.* fd15::7)" "$T/desk.log"
check "...and was not tried while tentative" eval '! grep -q "cannot listen on fd15::7" "$T/desk.log"'
check "IPv6 Contact now at fd15::7" wait_until 15 bound bob '\[fd15::7\]'
check "IPv4 Contact still at 10.15.0.3" wait_until 15 eval 'bindings | grep "^desktop " | tail -1 | grep -q "@10.15.0.3:"'
call_pixels 4 after-dad-ipv4
check "desktop still running" kill -0 "$desk_pid"

# The route to Kamailio's 10.99.0.1 moves to the second link: the address
# that reaches it is 10.16.0.2 now, and that is our Contact soon after.
ip -n "$DNS" route replace 10.99.0.1/32 via 10.16.0.1 dev d1
check "the moved route is noticed: registered at 10.16.0.2" wait_until 15 bound desktop 10.16.0.2
check "...and logged" grep -q "we are reached at 10.16.0.2" "$T/desk.log"
call_pixels 4 rerouted-ipv4

# sip_listen [::]:PORT written out, no account: a direct call from an
# IPv6 peer, let in by a rule for its address.
desk2_port=$(free_port)
cat >"$T/desk2.conf" <<CONF
display         $DISPLAY
sip_listen      [::]:$desk2_port
allow           sip:*@[fd15:0:0::1]
CONF
SIPVNC_WRAPPER="ip netns exec $DNS ${SIPVNC_WRAPPER:-}" start_sipvnc desk2 -c "$T/desk2.conf"
check "sip_listen [::]:PORT starts (MSRP on [::] too)" wait_until 10 grep -q "listening on every address, port $desk2_port" "$T/desk2.log"
echo "sip_listen [::]:0" >"$T/direct.conf"   # From: our IPv6 address
direct_port=$(free_port)
SIPVNC_WRAPPER="ip netns exec $KNS ${SIPVNC_WRAPPER:-}" start_sipvnc direct view "sip:desk@[fd15::3]:$desk2_port" -c "$T/direct.conf" --listen "127.0.0.1:$direct_port"
check "direct viewer ready" wait_until 10 grep -qs "connect a VNC viewer" "$T/direct.log"
if in_ns "$KNS" "$TOOLS/vncgrab" "127.0.0.1:$direct_port" "$T/direct.ppm" >"$T/grabd.log" 2>&1; then
	ok "direct IPv6 call to [::]:PORT: a full frame arrives"
else
	bad "direct IPv6 call to [::]:PORT: no frame ($(tail -1 "$T/grabd.log"))"
fi
check "direct: pixels equal the X screen" same_picture "$T/x.ppm" "$T/direct.ppm"

if [ "$failed" != 0 ]; then
	for f in desk view4 view6 desk2 direct; do echo "--- $f.log"; tail -25 "$T/$f.log"; done
	echo "--- bindings"; bindings
fi
finish sip_anyaddr
