#!/bin/bash
# sip_tls_test.sh - SIP over TLS to Kamailio with a test CA made here:
# sipvnc registers when the registrar's certificate chains to sip_ca_file
# and names the server; it refuses (and says why) a certificate from
# another CA and one issued for another name.
. "$(dirname "$0")/../lib.sh"

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v openssl >/dev/null || { echo "openssl missing"; exit 1; }
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] ||
	ls /usr/lib/*/kamailio/modules/tls.so >/dev/null 2>&1 ||
	{ echo "Kamailio's tls module missing (package kamailio-tls-modules)"; exit 1; }
start_xvfb || exit 1

# --- a test CA, a stranger's CA, and three server certificates
check "test PKI made" eval 'test_ca testca && test_ca strangerca &&
	test_leaf good testca IP:127.0.0.1 &&
	test_leaf otherhost testca DNS:other.example &&
	test_leaf stranger strangerca IP:127.0.0.1'
kamailio_tls_cfg good
start_kamailio -A WITH_TLS || exit 1
kam_pid=${PIDS[-1]}
check "Kamailio listens for TLS" wait_until 10 port_open "$KAM_SIPS_PORT"

bound() { kamcmd -s "unix:$T/kamailio/run/kamailio_ctl" ul.dump 2>/dev/null |
	grep -q "AoR: *$1\$"; }

desk() { # desk NAME CA_FILE: a sipvnc registering over TLS
	cat >"$T/$1.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
sip_tls_listen 127.0.0.1:$(free_port)
sip_ca_file $2
msrp_listen 127.0.0.1:0
account <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:127.0.0.1:$KAM_SIPS_PORT;transport=tls";regint=60
CONF
	start_sipvnc "$1" -c "$T/$1.conf"
}
registered() { grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/$1.log"; }
reg_failed() { grep -q "registration of sip:desktop@127.0.0.1 failed" "$T/$1.log"; }

desk trusted "$P/testca.crt"
check "trusted chain, right name: registered over TLS" wait_until 10 registered trusted
check "Kamailio has the binding" bound desktop
check "the binding's socket is Kamailio's TLS one" eval \
	'kamcmd -s "unix:$T/kamailio/run/kamailio_ctl" ul.dump | grep -q "Socket: tls:127.0.0.1:$KAM_SIPS_PORT"' 
kill "$trusted_pid"; wait "$trusted_pid" 2>/dev/null
wait_until 5 eval '! bound desktop'

desk untrusted "$P/strangerca.crt"
check "certificate from a CA we do not trust: registration fails" \
	wait_until 10 reg_failed untrusted
check "...and the log says the certificate is not trusted" \
	grep -q "certificate is not trusted" "$T/untrusted.log"
check "...and nothing was registered" eval '! bound desktop'
kill "$untrusted_pid"

# the same CA, but a certificate for another host
kill "$kam_pid"; wait_until 10 eval '! kill -0 '"$kam_pid"' 2>/dev/null'
kamailio_tls_cfg otherhost
kamailio -f "$T/kamailio/kamailio.cfg" -DD -E -m 64 -M 8 -P "$T/kamailio/run/kamailio.pid" \
	-Y "$T/kamailio/run" -A WITH_TLS >>"$T/kamailio.log" 2>&1 &
PIDS+=($!)
check "Kamailio back with a certificate for other.example" \
	wait_until 10 port_open "$KAM_SIPS_PORT"
desk wrongname "$P/testca.crt"
check "certificate for another name: registration fails" \
	wait_until 10 reg_failed wrongname
check "...and the log says whose name is missing" \
	grep -q "names none of our servers (127.0.0.1)" "$T/wrongname.log"
check "...and nothing was registered" eval '! bound desktop'
[ "$failed" = 0 ] || for f in trusted untrusted wrongname; do echo "--- $f"; tail -n 8 "$T/$f.log"; done
finish sip_tls_test
