#!/usr/bin/env bash
# sip_tls6_test.sh - SIP over TLS on IPv6, with sip_tls_listen [::]:0
# (every address, both families) and no sip_listen: in a network namespace
# made here that has only loopback, Kamailio takes TLS on [::1] with a
# certificate for IP ::1 from a test CA; sipvnc registers over it, its
# Contact names [::1] (transport=tls), never :: or 0.0.0.0.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/netns.sh"
SKIP_NAME=sip_tls6
NETNS_PREFIX=sv15-
NS=sv15-tls$$

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
ls /usr/lib/*/kamailio/modules/tls.so >/dev/null 2>&1 ||
	{ echo "Kamailio's tls module missing (package kamailio-tls-modules)"; exit 1; }
netns_usable || skip "network namespaces cannot be made here ($NETNS_WHY)"
netns_add "$NS" || exit 1
in_ns "$NS" ip -6 addr show dev lo | grep -q '::1/128' || skip "no ::1 in a new namespace"
start_xvfb || exit 1

P=$T/pki
mkdir -p "$P"
check "test PKI made" eval '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=testca" \
		-keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=kam6" \
		-keyout "$P/kam.key" -out "$P/kam.csr" 2>/dev/null &&
	printf "subjectAltName=IP:::1\nextendedKeyUsage=serverAuth\n" >"$P/kam.ext" &&
	openssl x509 -req -in "$P/kam.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" \
		-CAcreateserial -days 2 -extfile "$P/kam.ext" -out "$P/kam.crt" 2>/dev/null'
mkdir -p "$T/kamailio"
cat >"$T/kamailio/tls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $P/kam.key
certificate = $P/kam.crt

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
CFG
kam_cfg_listen "$T/kam.cfg" "[::1]"
sed -i -e 's|^listen=tls:127.0.0.1:SIPS_PORT|&\nlisten=tls:[::1]:SIPS_PORT|' \
	-e '1a #!define WITH_TLS' "$T/kam.cfg"
KAM_CFG=$T/kam.cfg start_kamailio_in "$NS" 127.0.0.1 || exit 1
check "Kamailio takes TLS on [::1]" wait_until 10 port_open_at "$NS" ::1 "$KAM_SIPS_PORT"

cat >"$T/desk.conf" <<CONF
display         $DISPLAY
sip_tls_listen  [::]:0
sip_ca_file     $P/ca.crt
account         <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:[::1]:$KAM_SIPS_PORT;transport=tls";regint=60
CONF
SIPVNC_WRAPPER="ip netns exec $NS ${SIPVNC_WRAPPER:-}" start_sipvnc desk -c "$T/desk.conf"
check "registered over TLS on IPv6" wait_until 10 grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/desk.log"
check "TLS listens on every address (both families)" \
	eval 'grep -q "SIP over TLS on every address, \[::\]:[0-9]*.* ::1" "$T/desk.log" && grep -q "SIP over TLS on every address.* 127.0.0.1" "$T/desk.log"'
binding() { kamcmd -s "unix:$T/kamailio/run/kamailio_ctl" ul.dump 2>/dev/null | grep "Address:"; }
check "the Contact names [::1] over TLS" eval 'binding | grep -q "sip:desktop@\[::1\]:[0-9]*;transport=tls"'
check "no Contact at :: or 0.0.0.0" eval '! binding | grep -qE "@(\[::\]|0\.0\.0\.0)"'
check "Via named [::1] too" grep -q "SEEN REGISTER from sip:desktop@127.0.0.1 via=SIP/2.0/TLS \[::1\]:" "$T/kamailio.log"

[ "$failed" = 0 ] || { echo "--- desk.log"; tail -20 "$T/desk.log"; echo "--- kamailio"; grep -v "^ *[0-9]*(.*INFO: <core>" "$T/kamailio.log" | tail -20; }
finish sip_tls6
