#!/bin/bash
# sip_register_test.sh - registration against Kamailio: two accounts (TCP
# through an outbound proxy named localhost, and UDP) at once, 423 Interval Too Brief (regint below Kamailio's
# min_expires), Kamailio restarted mid-run (it forgets every binding: sipvnc
# must register again by itself), the un-REGISTER of every account at exit.
. "$(dirname "$0")/../lib.sh"

[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
command -v kamailio >/dev/null || { echo "kamailio missing"; exit 1; }
start_xvfb || exit 1
start_kamailio || exit 1
KAM_DIR=$T/kamailio
kam_pid=${PIDS[-1]}

bindings() { # the AORs Kamailio has a binding for, one a line
	kamcmd -s "unix:$KAM_DIR/run/kamailio_ctl" ul.dump 2>/dev/null |
		sed -n 's/.*AoR: *\([^ ]*\).*/\1/p' | sort -u
}
bound() { bindings | grep -qx "$1"; }   # AoR: user part (use_domain 0)
unbound() { ! bound "$1"; }

REGINT=10
cat >"$T/reg.conf" <<CONF
display $DISPLAY
sip_listen 127.0.0.1:$(free_port)
msrp_listen 127.0.0.1:0
account <sip:desktop@127.0.0.1>;auth_pass=desktoppw;outbound="sip:localhost:$KAM_SIP_PORT;transport=tcp";regint=$REGINT
account <sip:bob@127.0.0.1>;auth_pass=bobpw;outbound="sip:127.0.0.1:$KAM_SIP_PORT";regint=5
allow sip:alice@127.0.0.1
CONF
start_sipvnc reg -c "$T/reg.conf"
logged() { grep -q "registration of $1: 200" "$T/reg.log"; }
check "account 1 (TCP) registered" wait_until 10 logged sip:desktop@127.0.0.1
check "account 2 (UDP) registered" wait_until 10 logged sip:bob@127.0.0.1
check "the outbound proxy named localhost was found (/etc/hosts)" \
	grep -q "sip:localhost:$KAM_SIP_PORT;transport=tcp goes to sip:127.0.0.1:$KAM_SIP_PORT;transport=tcp;lr" "$T/reg.log"
check "Kamailio has both bindings" eval 'bound desktop && bound bob'
check "no password in the log" eval '! grep -q -e desktoppw -e bobpw "$T/reg.log"'

stop_kamailio() {
	kill "$kam_pid"
	wait_until 10 eval '! kill -0 '"$kam_pid"' 2>/dev/null'
}
restart_kamailio() { # on the same ports, with an empty location table
	kamailio -f "$KAM_DIR/kamailio.cfg" -DD -E -m 64 -M 8 \
		-P "$KAM_DIR/run/kamailio.pid" -Y "$KAM_DIR/run" >>"$T/kamailio.log" 2>&1 &
	kam_pid=$!
	PIDS+=($kam_pid)
	wait_until 10 port_open "$KAM_SIP_PORT"
}

# Kamailio dies and comes back empty-handed on the same ports.
stop_kamailio
sleep 1
check "Kamailio back on its port" restart_kamailio
check "Kamailio forgot the bindings" eval 'unbound desktop'
t0=$SECONDS
# the refresh (90% of regint) at the latest; a refresh that met the dead
# Kamailio is retried after libre's backoff (30-60 s for the first failure)
check "sipvnc registered again by itself" wait_until 75 bound desktop
echo "  (re-registered after $((SECONDS - t0)) s)"
check "and the UDP account too" wait_until 75 bound bob

kill -TERM "$reg_pid"
check "sipvnc exits" wait_until 10 eval '! kill -0 '"$reg_pid"' 2>/dev/null'
check "un-REGISTER of account 1 at exit" wait_until 5 unbound desktop
check "un-REGISTER of account 2 at exit" wait_until 5 unbound bob
# The registrar is down when sipvnc starts: it keeps trying (2 s, 4 s ..)
# and is registered soon after the registrar comes up.
stop_kamailio
sed -e '/^account <sip:bob/d' "$T/reg.conf" >"$T/late.conf"
start_sipvnc late -c "$T/late.conf"
failed_logged() { grep -q "registration of sip:desktop@127.0.0.1 failed" "$T/late.log"; }
check "registrar down at start: the failure is logged" wait_until 10 failed_logged
sleep 3
check "Kamailio up again" restart_kamailio
t0=$SECONDS
check "registered within 10 s of the registrar's return" wait_until 10 bound desktop
echo "  (after $((SECONDS - t0)) s)"
check "late instance still running" kill -0 "$late_pid"

# 423 Interval Too Brief, from SIPp playing the registrar.
reg_port=$(free_port)
sipp -sf "$TOP/tests/integration/sipp/uas_register_423.xml" -m 1 -i 127.0.0.1 \
	-p "$reg_port" -ci 127.0.0.1 -cp "$(free_port)" -timeout 20s -timeout_error \
	-nostdin -trace_err -error_file "$T/reg423.err" >"$T/reg423.out" 2>&1 &
registrar_pid=$!
PIDS+=($registrar_pid)
printf 'display %s\nsip_listen 127.0.0.1:%s\nmsrp_listen 127.0.0.1:0\naccount <sip:desk@127.0.0.1:%s>;regint=5\n' \
	"$DISPLAY" "$(free_port)" "$reg_port" >"$T/r423.conf"
start_sipvnc r423 -c "$T/r423.conf"
r423_ok() { grep -q "registration of sip:desk@127.0.0.1:$reg_port: 200" "$T/r423.log"; }
check "423 Interval Too Brief: retried with Min-Expires, 200" wait_until 10 r423_ok
kill -TERM "$r423_pid"
wait_until 10 eval '! kill -0 '"$registrar_pid"' 2>/dev/null'
wait "$registrar_pid"
check "the registrar scenario completed (asked 20 s, un-REGISTER)" [ $? = 0 ]

[ "$failed" = 0 ] || { echo "--- sipvnc log"; tail -n 30 "$T/reg.log"; echo "--- bindings"; bindings; }
finish sip_register_test
