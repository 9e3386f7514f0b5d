#!/usr/bin/env bash
# The MSRP role behind NAT (msrp_setup auto), in network namespaces made
# here: "wan" stands for the Internet (Kamailio as registrar, proxy and
# MSRP relay at 198.18.0.1, the callers), "nat" is a router that
# masquerades two LANs and drops whatever comes in unasked, "lan1" has a
# private address (10.19.0.2), "lan2" one that looks public (203.0.113.2)
# but sits behind the same NAT.  Desktops behind the NAT register through
# it (Kamailio keeps their flow, as a public registrar does).  Every call
# must bring the screen's pixels:
#   A  lan1 desktop, caller with a direct path: the desktop connects out
#   B  the same desktop, caller behind Kamailio's MSRP relay: it connects
#      to the relay
#   C  lan2 desktop: only the registrar's Via (received) shows the NAT
#   D  a desktop on the wan side, caller in lan1: it listens, the caller
#      connects out of its NAT
#   E  why: msrp_setup passive behind the NAT times out, and says so
# E waits for the 30 s MSRP bind timeout, so it runs alongside A-D.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
NAME=msrp_nat

skip() {
	echo "$NAME: skipped: $*"
	echo "$NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
}
command -v nft >/dev/null || { echo "nft missing (apt-get install nftables)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }

# ---- the network: four namespaces, removed whatever way the test ends
NS=sv19-$$
WAN=$NS-wan NATBOX=$NS-nat LAN1=$NS-lan1 LAN2=$NS-lan2
made_ns=()
remove_ns() {
	cleanup   # the processes inside go first
	local n
	for n in "${made_ns[@]}"; do ip netns del "$n" 2>/dev/null; done
}
trap remove_ns EXIT
for n in "$WAN" "$NATBOX" "$LAN1" "$LAN2"; do
	ip netns add "$n" 2>"$T/netns.err" ||
		skip "cannot make network namespaces here ($(head -1 "$T/netns.err"))"
	made_ns+=("$n")
	ip -n "$n" link set lo up
done
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
net() { # the links, addresses and routes; false if any step fails
	ip -n "$NATBOX" link add wan0 type veth peer name up0 netns "$WAN" &&
	ip -n "$NATBOX" link add lan1 type veth peer name eth0 netns "$LAN1" &&
	ip -n "$NATBOX" link add lan2 type veth peer name eth0 netns "$LAN2" &&
	ip -n "$WAN" addr add 198.18.0.1/24 dev up0 &&
	ip -n "$NATBOX" addr add 198.18.0.2/24 dev wan0 &&
	ip -n "$NATBOX" addr add 10.19.0.1/24 dev lan1 &&
	ip -n "$NATBOX" addr add 203.0.113.1/24 dev lan2 &&
	ip -n "$LAN1" addr add 10.19.0.2/24 dev eth0 &&
	ip -n "$LAN2" addr add 203.0.113.2/24 dev eth0 &&
	for l in "$WAN up0" "$NATBOX wan0" "$NATBOX lan1" "$NATBOX lan2" \
		 "$LAN1 eth0" "$LAN2 eth0"; do
		set -- $l; ip -n "$1" link set "$2" up || return 1
	done &&
	ip -n "$LAN1" route add default via 10.19.0.1 &&
	ip -n "$LAN2" route add default via 203.0.113.1 &&
	# the way to the LANs leads to the NAT box, which drops what comes
	# in unasked: a connection to a desktop's own address times out
	ip -n "$WAN" route add 10.19.0.0/24 via 198.18.0.2 &&
	ip -n "$WAN" route add 203.0.113.0/24 via 198.18.0.2 &&
	in_ns "$NATBOX" sysctl -qw net.ipv4.ip_forward=1 &&
	in_ns "$NATBOX" nft -f - <<'NFT'
table ip sv19nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "wan0" masquerade
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname { "lan1", "lan2" } accept
	}
}
NFT
}
net 2>"$T/net.err" || { echo "cannot set up the NAT network:"; cat "$T/net.err"; exit 1; }
ok "NAT network in namespaces $NS-*"

# ---- Xvfb (unix socket: reachable from every namespace), Kamailio in wan
start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
KAM_SIP_PORT=$(free_port) KAM_MSRP_PORT=$(free_port)
KAM=198.18.0.1
mkdir -p "$T/kamailio/run"
sed -e "s|RUNDIR|$T/kamailio|g; s|SIP_PORT|$KAM_SIP_PORT|g; s|MSRP_PORT|$KAM_MSRP_PORT|g" \
	-e "s|SIPS_PORT|$(free_port)|g; s|MSRPS_PORT|$(free_port)|g" \
	-e "s|^listen=\([a-z]*\):127\.0\.0\.1:|listen=\1:$KAM:|" \
	"$TOP/tests/integration/kamailio/kamailio.cfg" >"$T/kamailio/kamailio.cfg"
ip netns exec "$WAN" kamailio -f "$T/kamailio/kamailio.cfg" -DD -E -m 64 -M 8 \
	-P "$T/kamailio/run/kamailio.pid" -Y "$T/kamailio/run" -A WITH_NAT \
	>"$T/kamailio.log" 2>&1 &
PIDS+=($!)
kam_up() { in_ns "$WAN" bash -c "exec 3<>/dev/tcp/$KAM/$KAM_SIP_PORT" 2>/dev/null; }
check "Kamailio listens in the wan namespace" wait_until 10 kam_up

# desk NAME NS ADDRESS USER [LINE...]: a desktop registered as USER
desk() {
	local name=$1 ns=$2 addr=$3 user=$4; shift 4
	{
		echo "display         $DISPLAY"
		echo "sip_listen      $addr:$(free_port)"
		[ "$user" = - ] ||
			echo "account         <sip:$user@127.0.0.1>;auth_pass=${user}pw;outbound=\"sip:$KAM:$KAM_SIP_PORT;transport=tcp\";regint=60"
		echo "allow           sip:alice@127.0.0.1 control"
		printf '%s\n' "$@"
	} >"$T/$name.conf"
	SIPVNC_WRAPPER="ip netns exec $ns" start_sipvnc "$name" -c "$T/$name.conf"
}
# caller NAME NS ADDRESS URI PORT [LINE...]: `sipvnc view` as alice
caller() {
	local name=$1 ns=$2 addr=$3 uri=$4 port=$5; shift 5
	{
		echo "sip_listen      $addr:0"
		echo "account         <sip:alice@127.0.0.1>;auth_pass=alicepw;outbound=\"sip:$KAM:$KAM_SIP_PORT;transport=tcp\";regint=60"
		printf '%s\n' "$@"
	} >"$T/$name.conf"
	SIPVNC_WRAPPER="ip netns exec $ns" start_sipvnc "$name" view "$uri" \
		-c "$T/$name.conf" --listen "127.0.0.1:$port"
}
registered() { grep -q "registration of sip:$2@127.0.0.1: 200" "$T/$1.log"; }
view_ready() { grep -q "connect a VNC viewer" "$T/$1.log"; }

desk kiosk "$LAN1" 10.19.0.2 kiosk "msrp_setup      passive"
desk desk1 "$LAN1" 10.19.0.2 desktop
desk desk2 "$LAN2" 203.0.113.2 bob
# D: reachable on the wan side, called directly (no registrar)
d3_port=$(free_port)
cat >"$T/desk3.conf" <<CONF
display         $DISPLAY
sip_listen      198.18.0.1:$d3_port
allow           sip:*@10.19.0.2 control
CONF
SIPVNC_WRAPPER="ip netns exec $WAN" start_sipvnc desk3 -c "$T/desk3.conf"
check "kiosk (lan1) registers through the NAT" wait_until 15 registered kiosk kiosk
check "desk1 (lan1) registers through the NAT" wait_until 15 registered desk1 desktop
check "desk2 (lan2) registers through the NAT" wait_until 15 registered desk2 bob
check "desk2: the registrar's Via shows the NAT" \
	grep -q "the registrar saw us as 198.18.0.2, not 203.0.113.2 (NAT)" "$T/desk2.log"

# grab NS PORT OUT: one frame through `sipvnc view` listening at PORT
grab() { in_ns "$1" "$TOOLS/vncgrab" "127.0.0.1:$2" "$3" --timeout 15 >"$3.log" 2>&1; }

# E first: it needs 30 s to fail.
pe=$(free_port)
caller view_e "$WAN" "$KAM" sip:kiosk@127.0.0.1 "$pe"
check "E: caller ready" wait_until 10 view_ready view_e
ip netns exec "$WAN" "$TOOLS/vncgrab" "127.0.0.1:$pe" "$T/e.ppm" --timeout 50 >"$T/e.log" 2>&1 &
grab_e=$!

check "the X screen settles" wait_x_settled "$T/x.ppm"
pa=$(free_port) pb=$(free_port) pc=$(free_port) pd=$(free_port)
caller view_a "$WAN" "$KAM" sip:desktop@127.0.0.1 "$pa"
caller view_b "$WAN" "$KAM" sip:desktop@127.0.0.1 "$pb" \
	"msrp_relay      msrp://$KAM:$KAM_MSRP_PORT;tcp" \
	"msrp_relay_user msrpuser" "msrp_relay_pass msrppass"
caller view_c "$WAN" "$KAM" sip:bob@127.0.0.1 "$pc"
echo "sip_listen      10.19.0.2:0" >"$T/view_d.conf"
SIPVNC_WRAPPER="ip netns exec $LAN1" start_sipvnc view_d view \
	"sip:sipvnc@198.18.0.1:$d3_port" -c "$T/view_d.conf" --listen "127.0.0.1:$pd"
for v in a b c d; do
	check "$v: caller ready" wait_until 10 view_ready "view_$v"
done
relay_ready() { grep -q "authorised, Use-Path msrp://$KAM:$KAM_MSRP_PORT/" "$T/view_b.log"; }
check "B: the caller AUTHs at Kamailio's relay" wait_until 10 relay_ready

# call LETTER NS PORT DESK ROLE WHY: pixels, and the role the desk logged
call() {
	local v=$1 ns=$2 port=$3 desk=$4 role=$5 why=$6
	if grab "$ns" "$port" "$T/$v.ppm" && cmp -s "$T/x.ppm" "$T/$v.ppm"; then
		ok "$v: pixels equal the X screen ($(head -1 "$T/$v.ppm.log"))"
	else
		bad "$v: no equal frame ($(tail -1 "$T/$v.ppm.log"))"
	fi
	check "$v: $desk took MSRP $role: $why" \
		grep -q "answered (control rights, MSRP $role.*: $why" "$T/$desk.log"
}
call A "$WAN" "$pa" desk1 active "our address 10.19.0.2 is private"
call B "$WAN" "$pb" desk1 active \
	"our address 10.19.0.2 is private, and the caller's path starts at a relay"
relayed=$(grep -c "MSRP SEND.* from 198.18.0.2:" "$T/kamailio.log")
check "B: the relay carried the desktop's SENDs ($relayed)" test "$relayed" -gt 5
call C "$WAN" "$pc" desk2 active "the registrar saw us as 198.18.0.2, not 203.0.113.2"
call D "$LAN1" "$pd" desk3 passive \
	"our address 198.18.0.1 is public, and the caller's path is direct"

# E: the old default behind the NAT
if wait "$grab_e"; then
	bad "E: msrp_setup passive behind the NAT got a frame"
else
	ok "E: msrp_setup passive behind the NAT: no frame ($(tail -1 "$T/e.log"))"
fi
check "E: the kiosk says it listens although its address is private" \
	grep -q "MSRP passive, we listen: msrp_setup passive, although our address 10.19.0.2 is private" "$T/kiosk.log"
check "E: the kiosk logs the timeout and what it means" \
	grep -q "never connected to our MSRP path: it cannot reach us" "$T/kiosk.log"
# Both sides wait MSRP's 30 s for the connection, the caller from its
# INVITE and the kiosk from its answer, a few ms later: under load the
# kiosk's timeout and BYE can come first (seen once under ASan), and the
# caller then ends on that BYE, which the kiosk's log above explains.
check "E: the caller logs that it could not get through, or ends on the kiosk's timeout" \
	grep -qE "our MSRP connection to sip:kiosk@127.0.0.1 did not get through in time|call with sip:kiosk@127.0.0.1 ended: peer hung up" "$T/view_e.log"

if [ "$failed" != 0 ]; then
	echo "logs in $T (KEEP=1 keeps them)"
	for f in kiosk desk1 desk2 desk3 view_a view_b view_c view_d view_e kamailio; do
		echo "--- $f.log"; tail -15 "$T/$f.log"
	done
fi
finish "$NAME"
