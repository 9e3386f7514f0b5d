#!/bin/bash
# sip_dns_test.sh - RFC 3263 through libre's DNS client and `dns_server`:
# dnsmasq on a free loopback port serves test.example's NAPTR (TCP
# preferred), SRV records pointing at Kamailio's port and an A record that
# points at an address where nothing listens.  sipvnc registers as
# sip:desktop@test.example with no outbound proxy: only NAPTR -> SRV -> A
# gets it to Kamailio, over TCP.
. "$(dirname "$0")/../lib.sh"

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || { echo "dnsmasq missing (package dnsmasq-base)"; exit 1; }

start_xvfb || exit 1
start_kamailio --alias=test.example --alias=sip.test.example || exit 1
KAM_DIR=$T/kamailio

dns_port=$(free_port)
# test.example's own A record: 127.0.0.3, where nothing listens (the
# registrar is only reachable at the SRV target's address and port)
"$DNSMASQ" --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=127.0.0.1 \
	--port="$dns_port" --user="$(id -un)" --pid-file="$T/dnsmasq.pid" \
	--log-queries --log-facility=- \
	--host-record=test.example,127.0.0.3 \
	--host-record=sip.test.example,127.0.0.1 \
	--naptr-record=test.example,10,10,S,SIP+D2T,,_sip._tcp.test.example \
	--naptr-record=test.example,20,10,S,SIP+D2U,,_sip._udp.test.example \
	--srv-host=_sip._tcp.test.example,sip.test.example,"$KAM_SIP_PORT",0,10 \
	--srv-host=_sip._udp.test.example,sip.test.example,"$KAM_SIP_PORT",0,10 \
	>"$T/dnsmasq.log" 2>&1 &
PIDS+=($!)
dns_up() { ss -Hunl "sport = :$dns_port" | grep -q .; }
check "dnsmasq serves on 127.0.0.1:$dns_port" wait_until 10 dns_up

bindings() {
	kamcmd -s "unix:$KAM_DIR/run/kamailio_ctl" ul.dump 2>/dev/null
}
bound() { bindings | grep -q "AoR: *desktop"; }

cat >"$T/dns.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
dns_server 127.0.0.1:$dns_port
account <sip:desktop@test.example>;auth_pass=desktoppw;regint=60
allow sip:alice@test.example
CONF
start_sipvnc dns -c "$T/dns.conf"
registered() { grep -q "registration of sip:desktop@test.example: 200" "$T/dns.log"; }
check "registered as sip:desktop@test.example (no outbound proxy)" \
	wait_until 15 registered
check "Kamailio has the binding" wait_until 5 bound
check "sipvnc asked for test.example's NAPTR" \
	grep -q "query\[NAPTR\] test.example" "$T/dnsmasq.log"
check "and the SRV record NAPTR named (_sip._tcp)" \
	grep -q "query\[SRV\] _sip._tcp.test.example" "$T/dnsmasq.log"
check "the binding's flow is TCP (NAPTR preferred SIP+D2T)" \
	eval 'bindings | grep -q "Socket: tcp:127.0.0.1:$KAM_SIP_PORT"'
check "nothing listens where the A record alone leads (127.0.0.3:5060)" \
	eval '! (exec 3<>/dev/tcp/127.0.0.3/5060) 2>/dev/null'

# The registrar known only by its name is exempt from sip_rate_limit once
# it has answered (its address is only known then).
check "the registrar found through DNS is not rate limited" \
	grep -q "127.0.0.1 answered as our SIP server: not rate limited" "$T/dns.log"

# A bad dns_server line is refused at start.
printf 'display %s\nsip_listen 127.0.0.1:%s\ndns_server 127.0.0.1:notaport\n' \
	"$DISPLAY" "$(free_port)" >"$T/bad.conf"
"$SIPVNC" -c "$T/bad.conf" >"$T/bad.log" 2>&1 &
bad_pid=$!
PIDS+=($bad_pid)
check "a bad dns_server line stops sipvnc" \
	wait_until 10 eval '! kill -0 '"$bad_pid"' 2>/dev/null'
check "and says which, with file and line" grep -q "bad.conf:3: dns_server wants ADDRESS or ADDRESS:PORT, not '127.0.0.1:notaport'" "$T/bad.log"

[ "$failed" = 0 ] || { echo "--- sipvnc log"; tail -n 30 "$T/dns.log";
	echo "--- dnsmasq"; tail -n 20 "$T/dnsmasq.log"; echo "--- bindings"; bindings; }
finish sip_dns_test
