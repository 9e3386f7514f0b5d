#!/bin/bash
# msrp_tlsrelay_test.sh - MSRP over TLS through a relay: Kamailio's msrp
# module listening with TLS (msrps), its certificate from a test CA made
# here.  Two msrp/ sessions (the driver is build/tests/msrp_tlsca_test in
# relay mode) AUTHorise over TLS, check the relay by CA and host name (it
# has no fingerprint), and carry data both ways; a relay certificate from
# another CA is refused.
. "$(dirname "$0")/../lib.sh"

DRIVER=$BUILD/tests/msrp_tlsca_test
[ -x "$DRIVER" ] || { echo "no $DRIVER (make first)"; exit 1; }
command -v openssl >/dev/null || { echo "openssl missing"; exit 1; }
ls /usr/lib/*/kamailio/modules/tls.so >/dev/null 2>&1 ||
	{ echo "Kamailio's tls module missing (package kamailio-tls-modules)"; exit 1; }

P=$T/pki
mkdir -p "$P"
ca() { # ca NAME: self-signed CA
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
		-keyout "$P/$1.key" -out "$P/$1.crt" 2>/dev/null
}
leaf() { # leaf NAME CA SAN
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
		-keyout "$P/$1.key" -out "$P/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" >"$P/$1.ext" &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.crt" -CAkey "$P/$2.key" \
		-CAcreateserial -days 2 -extfile "$P/$1.ext" -out "$P/$1.crt" 2>/dev/null
}
check "test PKI made" eval 'ca testca && ca strangerca &&
	leaf relay testca DNS:localhost'

mkdir -p "$T/kamailio"
cat >"$T/kamailio/tls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $P/relay.key
certificate = $P/relay.crt

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
CFG
start_kamailio -A WITH_TLS || exit 1
# lib.sh picks the msrps port without naming it: the config has it.
MSRPS_PORT=$(sed -n 's/^listen=tls:127.0.0.1:\([0-9]*\)$/\1/p' "$T/kamailio/kamailio.cfg" |
	grep -v "^$KAM_SIPS_PORT\$" | head -1)
check "Kamailio listens for msrps" wait_until 10 port_open "$MSRPS_PORT"

relay="msrps://localhost:$MSRPS_PORT;tcp"
check "two TLS sessions through the msrps relay, data both ways" \
	"$DRIVER" relay "$relay" "$P/testca.crt" msrpuser msrppass
check "the relay saw TLS AUTHs" grep -q "MSRP AUTH ok user=msrpuser" "$T/kamailio.log"
sends=$(grep -c "MSRP SEND" "$T/kamailio.log")
check "the relay carried the SENDs ($sends)" test "$sends" -gt 2
check "a relay certificate from another CA is refused" \
	"$DRIVER" relay "$relay" "$P/strangerca.crt" msrpuser msrppass refused

finish msrp_tlsrelay
