#!/bin/bash
# sip_flood_test.sh - requests over sip_rate_limit from one address are
# dropped and logged while other callers get in: the short form (2 s) of
# tests/stress/sip_flood_stress.sh with the same checks, then a configured
# limit counted exactly and the exemption of trusted proxies and of a
# registrar given as an address.
# test: alone (it measures its CPU share)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/stress/sip_flood.sh"
[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
# AddressSanitizer's build costs about three times the CPU, and it keeps
# freed memory in quarantine (256 MB by default): RSS would measure that
if grep -qa __asan_init "$SIPVNC"; then
	FLOOD_CPU_LIMIT=75
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
fi

flood_measure 2 1

# 300 INVITEs in 1 s from three addresses at an instance with a limit of
# 10 a second (burst 20): only the one not exempt is limited
port=$(free_port)
cat >"$T/limit.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$port
sip_user desk
msrp_listen 127.0.0.1:0
deny sip:mallory@example.org
sip_rate_limit 10
sip_rate_burst 20
trusted_proxy 127.0.0.3
account <sip:desk@127.0.0.4:9>;regint=0
CONF
start_sipvnc limit -c "$T/limit.conf"
wait_until 10 port_open "$port" || { echo "sipvnc did not listen"; cat "$T/limit.log"; exit 1; }
answered() { # answered SRC: the 403s to 300 INVITEs in 1 s
	"$BUILD/tools/sipflood" flood "$1" 127.0.0.1 "$port" 300 1 \
		sip:mallory@example.org | tee -a "$T/limit.out" |
		sed -n 's/.*(403: \([0-9]*\))$/\1/p'
}
n=$(answered 127.0.0.1)
check "limited source: the burst and the rate answered ($n of 300, want 20 + 10)" \
	test "${n:-0}" -ge 25 -a "${n:-0}" -le 40
n=$(answered 127.0.0.3)
check "trusted_proxy source: every INVITE answered ($n of 300)" [ "${n:-0}" -ge 295 ]
n=$(answered 127.0.0.4)
check "registrar source: every INVITE answered ($n of 300)" [ "${n:-0}" -ge 295 ]
check "only the limited source is logged" \
	[ "$(grep -c 'over sip_rate_limit' "$T/limit.log")" = 1 ]
check "its log line names it and the limit" \
	grep -q 'requests from 127.0.0.1 over sip_rate_limit (10/s, burst 20)' "$T/limit.log"
printf 'display %s\nsip_listen 127.0.0.1:%s\nsip_rate_limit 2O\n' "$DISPLAY" "$(free_port)" >"$T/bad.conf"
check "a bad sip_rate_limit is refused with a clear error" \
	eval '! timeout 10 "$SIPVNC" -c "$T/bad.conf" >"$T/bad.log" 2>&1 && grep -qE "bad sip_rate_limit|sip_rate_limit wants a number" "$T/bad.log"'
[ "$failed" = 0 ] || { cat "$T/limit.out"; tail -n 20 "$T/limit.log"; }
finish sip_flood_test
