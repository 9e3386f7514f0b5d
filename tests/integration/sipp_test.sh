#!/bin/bash
# sipp_test.sh - sipvnc's SIP side seen from SIPp: a Blink-dialect call whose
# SDP answer is checked line by line (over UDP and TCP), OPTIONS, a caller
# that is not allowed, a denied caller, an offer without RFB, max_sessions,
# answermode reject, REGISTER with digest auth and the un-REGISTER, late
# offers (INVITE without SDP) with a good, a missing and a bad answer,
# re-INVITEs keeping and moving the media.
. "$(dirname "$0")/../lib.sh"
SCEN=$TOP/tests/integration/sipp

command -v sipp >/dev/null || { echo "sipp missing (package sip-tester)"; exit 1; }
[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }

start_xvfb || exit 1
port=$(free_port)
cat >"$T/sipvnc.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$port
sip_user desk
msrp_listen 127.0.0.1:0
answermode auto
max_sessions 4
allow sip:alice@127.0.0.1 control
allow sip:*@example.org
deny sip:eve@example.org
CONF
start_sipvnc sipvnc -c "$T/sipvnc.conf"
wait_until 10 port_open "$port" || { echo "sipvnc did not listen on $port"; cat "$T/sipvnc.log"; exit 1; }

n=0
scenario() { # scenario NAME FILE [sipp args...]: one call, must end well
	local name=$1 file=$2; shift 2
	n=$((n + 1))
	sipp "127.0.0.1:$port" -sf "$SCEN/$file" -s desk -m 1 \
		-i 127.0.0.1 -ci 127.0.0.1 -cp "$(free_port)" -p "$(free_port)" \
		-timeout 10s -timeout_error -nostdin \
		-trace_err -error_file "$T/$name.err" \
		-trace_logs -log_file "$T/$name.log" "$@" \
		>"$T/$name.out" 2>&1
	local rc=$?
	if [ $rc != 0 ]; then
		echo "  sipp $name exited $rc:"
		tail -n 20 "$T/$name.err" "$T/$name.out" 2>/dev/null | sed 's/^/    /'
	fi
	return $rc
}

check "OPTIONS answered 200 with Allow/Accept" \
	scenario options uac_options.xml
check "Blink offer from an allowed caller: 200, answer checked, BYE" \
	scenario blink_udp uac_blink.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7394
check "the same over TCP, wildcard-allowed caller" \
	scenario blink_tcp uac_blink.xml -t t1 -set caller bob \
	-set caller_host example.org -set msrp_port 7395
check "re-INVITE inside the call answered with the same path" \
	scenario reinvite uac_reinvite.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7396
# Late offer: the INVITE has no SDP, sipvnc offers in its 200 and takes the
# answer from the ACK.  The answer says setup:passive, so sipvnc must
# connect to the ACK's a=path: nc listens there and sees its MSRP SEND.
msrp_listener() { # msrp_listener PORT FILE: takes one MSRP connection
	nc -l 127.0.0.1 "$1" >"$2" 2>&1 &
	PIDS+=($!)
	wait_until 5 eval "ss -Htln 'sport = :$1' | grep -q ."
}
late_port=$(free_port)
msrp_listener "$late_port" "$T/late_msrp.txt"
check "late offer: 200 carries our offer (actpass, rfbsetup:passive), ACK answers" \
	scenario late_offer uac_late_offer.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port "$late_port"
check "late offer: sipvnc connected to the path from the ACK's answer" \
	grep -q "To-Path: msrp://127.0.0.1:$late_port/late" "$T/late_msrp.txt"
check "late offer, ACK without an answer: sipvnc sends BYE (Reason 488)" \
	scenario late_noanswer uac_late_offer_noanswer.xml -set caller alice \
	-set caller_host 127.0.0.1
check "late offer, answer without RFB media: BYE" \
	scenario late_badanswer uac_late_offer_badanswer.xml -set caller alice \
	-set caller_host 127.0.0.1
late_port=$(free_port)
msrp_listener "$late_port" "$T/late_tcp_msrp.txt"
check "late offer over TCP" \
	scenario late_tcp uac_late_offer.xml -t t1 -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port "$late_port"
# A re-INVITE with a new a=path (and setup:passive): sipvnc restarts the
# media, answers with a new path and o= version, connects to the new path.
move_port=$(free_port)
msrp_listener "$move_port" "$T/moved_msrp.txt"
check "re-INVITE moving the media: 200 with a new path and setup:active" \
	scenario reinvite_move uac_reinvite_move.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7400 -set msrp_port2 "$move_port"
o_versions() { # first and second o= versions the re-INVITE test logged
	sed -n 's/.*first o=sipvnc [0-9]* \([0-9]*\) | then o=sipvnc [0-9]* \([0-9]*\).*/\1 \2/p' \
		"$T/reinvite_move.log" | head -1
}
check "the new answer has a higher o= version" \
	eval 'set -- $(o_versions); [ -n "${2:-}" ] && [ "$2" -gt "$1" ]'
check "sipvnc connected to the new path" \
	wait_until 5 grep -q "To-Path: msrp://127.0.0.1:$move_port/moved" "$T/moved_msrp.txt"
check "re-INVITE swapping the RFB roles: 488, and the call goes on" \
	scenario reinvite_refused uac_reinvite_refused.xml -t t1 -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7401
check "caller not on any allow line: 403" \
	scenario not_allowed uac_forbidden.xml -set caller mallory \
	-set caller_host 127.0.0.1
check "denied caller (deny wins over allow sip:*@example.org): 403" \
	scenario denied uac_forbidden.xml -set caller eve \
	-set caller_host example.org
check "audio-only offer: 488" \
	scenario not_rfb uac_not_rfb.xml -set caller alice \
	-set caller_host 127.0.0.1
check "sipvnc still running" kill -0 "$sipvnc_pid"

# Limits and answermode, each on an instance of its own.
refusing_instance() { # refusing_instance NAME EXPECTED_STATUS CONF_LINE
	local name=$1 expect=$2 line=$3 p
	p=$(free_port)
	printf 'display %s\nsip_listen 127.0.0.1:%s\nsip_user desk\nmsrp_listen 127.0.0.1:0\nallow sip:alice@127.0.0.1\n%s\n' \
		"$DISPLAY" "$p" "$line" >"$T/$name.conf"
	start_sipvnc "$name" -c "$T/$name.conf"
	wait_until 10 port_open "$p" || { echo "  $name did not listen"; return 1; }
	local saved=$port
	port=$p
	scenario "$name" uac_rejected.xml -set caller alice \
		-set caller_host 127.0.0.1 -set expect "$expect"
	local rc=$?
	port=$saved
	return $rc
}
check "max_sessions 0: 486 Busy Here" refusing_instance busy 486 "max_sessions 0"
check "answermode reject: 603 Decline" refusing_instance decline 603 "answermode reject"

# answermode manual and a late offer: 180 while the command decides, then
# the 200 carries our offer.
manual_late() {
	local p saved rc
	p=$(free_port)
	printf 'display %s\nsip_listen 127.0.0.1:%s\nsip_user desk\nmsrp_listen 127.0.0.1:0\nallow sip:alice@127.0.0.1 control\nanswermode manual\nanswer_command /bin/true\n' \
		"$DISPLAY" "$p" >"$T/manual.conf"
	start_sipvnc manual -c "$T/manual.conf"
	wait_until 10 port_open "$p" || { echo "  manual did not listen"; return 1; }
	saved=$port
	port=$p
	late_port=$(free_port)
	msrp_listener "$late_port" "$T/manual_msrp.txt"
	scenario manual_late uac_late_offer.xml -set caller alice \
		-set caller_host 127.0.0.1 -set msrp_port "$late_port"
	rc=$?
	port=$saved
	return $rc
}
check "answermode manual, late offer: answered with our offer" manual_late
check "answermode manual, late offer: it rang while the command decided" \
	grep -q "ringing, asking the answer command" "$T/manual.log"
check "answermode manual, late offer: MSRP to the ACK's path" \
	wait_until 5 grep -q "To-Path: msrp://127.0.0.1:$late_port/late" "$T/manual_msrp.txt"

# Registration: SIPp plays a registrar that challenges, verifies the digest
# and expects the un-REGISTER when sipvnc stops.
reg_port=$(free_port)
sipp -sf "$SCEN/uas_register.xml" -m 1 -i 127.0.0.1 -p "$reg_port" \
	-ci 127.0.0.1 -cp "$(free_port)" -timeout 20s -timeout_error -nostdin \
	-trace_err -error_file "$T/registrar.err" >"$T/registrar.out" 2>&1 &
registrar_pid=$!
PIDS+=($registrar_pid)
cat >"$T/registered.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
account <sip:desk@127.0.0.1:$reg_port>;auth_pass=secret;regint=60
CONF
start_sipvnc registered -c "$T/registered.conf"
registered() { grep -q "registration of sip:desk@127.0.0.1:$reg_port: 200" "$T/registered.log"; }
check "REGISTER with digest auth accepted (200 logged)" wait_until 10 registered
check "the password is not in the log" eval '! grep -q secret "$T/registered.log"'
kill -TERM "$registered_pid"
registrar_done() { ! kill -0 "$registrar_pid" 2>/dev/null; }
wait_until 10 registrar_done
wait "$registrar_pid"
check "un-REGISTER sent at shutdown (registrar scenario complete)" [ $? = 0 ]

[ "$failed" = 0 ] || { echo "--- sipvnc log"; tail -n 40 "$T/sipvnc.log"; }
finish sipp_test
