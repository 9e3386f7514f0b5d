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

check "test PKI made" eval 'test_ca testca && test_ca strangerca &&
	test_leaf relay testca DNS:localhost'
kamailio_tls_cfg relay
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
