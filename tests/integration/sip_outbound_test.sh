#!/bin/bash
# sip_outbound_test.sh - RFC 5626 outbound (account parameter
# sipnat=outbound) against a tiny registrar (sipp/outbound_registrar.py)
# that requires outbound with Flow-Timer 1 and logs what reaches it, for
# what Kamailio cannot show (sip_outbound_kamailio_test.sh does the rest:
# the binding, Require/Flow-Timer, CRLF keepalives, calls over the flow,
# a restarted registrar): the instance id file and its reuse across
# restarts, sip_instance, the exact REGISTER of a flow (Supported tags,
# reg-id, +sip.instance), a flow the registrar drops at a ping replaced by
# a new registration within seconds, un-REGISTER of the dead flow first
# (libre alone would wait 30-60 s), and STUN binding requests, one every
# second, on the UDP flow.  ~50 s.
. "$(dirname "$0")/../lib.sh"

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }
start_xvfb || exit 1

reg_port=$(free_port)
python3 "$TOP/tests/integration/sipp/outbound_registrar.py" --port "$reg_port" \
	--flow-timer 1 --drop-after 2 --log "$T/registrar.log" \
	>"$T/registrar.out" 2>&1 &
PIDS+=($!)
wait_until 10 grep -q READY "$T/registrar.log" 2>/dev/null ||
	{ echo "registrar did not start"; cat "$T/registrar.out"; exit 1; }

export XDG_CONFIG_HOME=$T/config
conf() { # conf FILE TRANSPORT [more lines]
	local file=$1 tp=$2; shift 2
	{
		printf 'display %s\nsip_listen 127.0.0.1:%s\nmsrp_listen 127.0.0.1:0\n' \
			"$DISPLAY" "$(free_port)"
		printf 'account <sip:desk@127.0.0.1>;outbound="sip:127.0.0.1:%s;transport=%s";sipnat=outbound;regint=60\n' \
			"$reg_port" "$tp"
		for l in "$@"; do echo "$l"; done
	} >"$file"
}
count() { grep -c "$1" "$T/registrar.log"; }

conf "$T/tcp.conf" tcp
start_sipvnc tcp -c "$T/tcp.conf"
check "REGISTER over TCP" wait_until 10 grep -q "REGISTER tp=tcp" "$T/registrar.log"
check "instance id kept in \$XDG_CONFIG_HOME/sipvnc/instance-id" \
	wait_until 5 test -s "$T/config/sipvnc/instance-id"
uuid=$(cat "$T/config/sipvnc/instance-id" 2>/dev/null)
first=$(grep -m1 "REGISTER tp=tcp" "$T/registrar.log")
check "Contact has reg-id=1" eval '[[ $first == *";reg-id=1"* ]]'
check "Contact has +sip.instance=\"<urn:uuid:$uuid>\"" \
	eval '[[ $first == *"+sip.instance=\"<urn:uuid:$uuid>\""* ]]'
check "Supported: outbound, path" eval '[[ $first == *"supported="*outbound* && $first == *path* ]]'
# libre pings every 16-20 s; the registrar drops the flow at the second
check "the registrar drops the flow at its second CRLF ping" \
	wait_until 45 grep -q "DROP conn=1" "$T/registrar.log"
t0=$SECONDS
new_flow_registered() {
	grep "REGISTER tp=tcp conn=[2-9]" "$T/registrar.log" | grep -q ";expires=60;"
}
check "a new flow registers within 5 s" wait_until 5 new_flow_registered
echo "  (after $((SECONDS - t0)) s)"
check "sipvnc logged the flow failure" grep -q "outbound flow of sip:desk@127.0.0.1 failed" "$T/tcp.log"
check "registered again (a second 200 logged)" \
	wait_until 5 eval '[ "$(grep -c "registration of sip:desk@127.0.0.1: 200" "$T/tcp.log")" -ge 2 ]'
check "and the new flow's REGISTER has the same instance" \
	eval 'grep "REGISTER tp=tcp conn=[2-9]" "$T/registrar.log" | grep ";expires=60;" | grep -q "urn:uuid:$uuid"'
check "the dead flow's un-REGISTER went first" \
	eval 'grep "REGISTER tp=tcp conn=[2-9]" "$T/registrar.log" | head -1 | grep -q ";expires=0;"'
kill "$tcp_pid"; wait_until 10 eval '! kill -0 '"$tcp_pid"' 2>/dev/null'

# UDP: STUN keepalives; and a restart keeps the instance id.
conf "$T/udp.conf" udp
start_sipvnc udp -c "$T/udp.conf"
check "REGISTER over UDP" wait_until 10 grep -q "REGISTER tp=udp" "$T/registrar.log"
check "same instance after a restart" \
	eval 'grep "REGISTER tp=udp" "$T/registrar.log" | head -1 | grep -q "urn:uuid:$uuid"'
check "STUN binding requests on the UDP flow" \
	wait_until 5 eval '[ "$(count "^STUN")" -ge 2 ]'
kill "$udp_pid"; wait_until 10 eval '! kill -0 '"$udp_pid"' 2>/dev/null'

# sip_instance given in the configuration wins; a bad one is refused.
conf "$T/given.conf" udp "sip_instance 0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b10"
start_sipvnc given -c "$T/given.conf"
check "sip_instance from the configuration" wait_until 10 \
	grep -q "urn:uuid:0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b10" "$T/registrar.log"
kill "$given_pid"
conf "$T/badid.conf" udp "sip_instance not-a-uuid"
"$SIPVNC" -c "$T/badid.conf" >"$T/badid.log" 2>&1 &
bad_pid=$!
PIDS+=($bad_pid)
check "a bad sip_instance stops sipvnc" wait_until 10 eval '! kill -0 '"$bad_pid"' 2>/dev/null'
check "and says why" grep -q "bad sip_instance" "$T/badid.log"

# Without sipnat=outbound: a plain registration, no instance file made.
export XDG_CONFIG_HOME=$T/plain-config
printf 'display %s\nsip_listen 127.0.0.1:%s\nmsrp_listen 127.0.0.1:0\naccount <sip:plain@127.0.0.1>;outbound="sip:127.0.0.1:%s";regint=60\n' \
	"$DISPLAY" "$(free_port)" "$reg_port" >"$T/plain.conf"
start_sipvnc plain -c "$T/plain.conf"
check "plain account registers" wait_until 10 grep -q "contact=<sip:plain@" "$T/registrar.log"
plain=$(grep -m1 "contact=<sip:plain@" "$T/registrar.log")
check "without reg-id or +sip.instance" eval '[[ $plain != *reg-id* && $plain != *sip.instance* ]]'
check "and no instance file" test ! -e "$T/plain-config/sipvnc/instance-id"

[ "$failed" = 0 ] || { echo "--- registrar"; tail -n 30 "$T/registrar.log";
	echo "--- sipvnc"; tail -n 20 "$T/tcp.log"; }
finish sip_outbound_test
