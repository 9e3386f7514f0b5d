#!/bin/bash
# sip_policy_test.sh - who gets in, seen from SIPp: a caller challenged by
# sipvnc itself (right and wrong secret), P-Asserted-Identity believed only
# from a trusted proxy, answermode manual (the command says yes, no, times
# out, sees the caller and rights; CANCEL while it rings), and hostile or
# truncated SIP/SDP, after which sipvnc must still serve.
. "$(dirname "$0")/../lib.sh"
SCEN=$TOP/tests/integration/sipp

command -v sipp >/dev/null || { echo "sipp missing (package sip-tester)"; exit 1; }
[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
start_xvfb || exit 1

n=0
scenario() { # scenario NAME PORT FILE [sipp args...]: one call, must end well
	local name=$1 p=$2 file=$3; shift 3
	sipp "127.0.0.1:$p" -sf "$SCEN/$file" -s desk -m 1 \
		-i 127.0.0.1 -ci 127.0.0.1 -cp "$(free_port)" -p "$(free_port)" \
		-timeout 15s -timeout_error -nostdin \
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

instance() { # instance NAME CONF_LINES...: start sipvnc; sets PORT_<NAME>
	local name=$1 p; shift
	p=$(free_port)
	{
		printf 'display %s\nsip_listen 127.0.0.1:%s\nsip_user desk\n' "$DISPLAY" "$p"
		printf 'msrp_listen 127.0.0.1:0\n'
		printf '%s\n' "$@"
	} >"$T/$name.conf"
	start_sipvnc "$name" -c "$T/$name.conf"
	eval "PORT_$name=$p"
	wait_until 10 port_open "$p" || { echo "$name did not listen"; cat "$T/$name.log"; return 1; }
}

# --- the caller's secret, challenged by sipvnc
SECRET='s3cr3t-Pa55'
instance chall "allow sip:helpdesk@127.0.0.1 control" "allow sip:alice@127.0.0.1" \
	"caller_secret sip:helpdesk@127.0.0.1 $SECRET" || exit 1
check "caller with a secret: 401, retry with it: 200, BYE" \
	scenario chall_ok "$PORT_chall" uac_challenge.xml -set caller helpdesk \
	-set caller_host 127.0.0.1 -set expect 200 -au helpdesk -ap "$SECRET"
check "wrong secret: 401, then 403 after the retry" \
	scenario chall_bad "$PORT_chall" uac_challenge.xml -set caller helpdesk \
	-set caller_host 127.0.0.1 -set expect 403 -au helpdesk -ap wrong
check "a caller without a secret line is not challenged" \
	scenario chall_none "$PORT_chall" uac_blink.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7394
check "the secret is not in the log" eval '! grep -q "$SECRET" "$T/chall.log"'
check "the failure is logged" grep -q "wrong caller secret" "$T/chall.log"

# --- P-Asserted-Identity
instance trusting "allow sip:alice@127.0.0.1" "trusted_proxy 127.0.0.1" || exit 1
instance distrusting "allow sip:alice@127.0.0.1" "trusted_proxy 192.0.2.1" || exit 1
check "PAI from a trusted proxy decides (From not allowed, PAI allowed): 200" \
	scenario pai_trusted "$PORT_trusting" uac_pai.xml -set caller mallory \
	-set asserted alice -set caller_host 127.0.0.1 -set expect 200
check "PAI from a trusted proxy for a stranger (From allowed): 403" \
	scenario pai_stranger "$PORT_trusting" uac_pai.xml -set caller alice \
	-set asserted mallory -set caller_host 127.0.0.1 -set expect 403
check "PAI from anyone else is ignored: 403" \
	scenario pai_untrusted "$PORT_distrusting" uac_pai.xml -set caller mallory \
	-set asserted alice -set caller_host 127.0.0.1 -set expect 403

# --- answermode manual
cat >"$T/yes.sh" <<SH
#!/bin/sh
echo "\$1 \$2" >>"$T/asked"
sleep 0.3
exit 0
SH
printf '#!/bin/sh\nexit 1\n' >"$T/no.sh"
printf '#!/bin/sh\nsleep 30\n' >"$T/slow.sh"
chmod +x "$T/yes.sh" "$T/no.sh" "$T/slow.sh"
instance manual_yes "allow sip:alice@127.0.0.1 control" "answermode manual" \
	"answer_command $T/yes.sh" || exit 1
instance manual_no "allow sip:alice@127.0.0.1" "answermode manual" \
	"answer_command $T/no.sh" || exit 1
instance manual_slow "allow sip:alice@127.0.0.1" "answermode manual" \
	"answer_command $T/slow.sh" "answer_timeout 1" || exit 1
check "manual, the command says yes: 180, then 200 with the answer, BYE" \
	scenario manual_yes "$PORT_manual_yes" uac_blink.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7397
check "the command saw the caller and the rights" \
	grep -qx "sip:alice@127.0.0.1 control" "$T/asked"
check "manual, the command says no: 603" \
	scenario manual_no "$PORT_manual_no" uac_rejected.xml -set caller alice \
	-set caller_host 127.0.0.1 -set expect 603
t0=$SECONDS
check "manual, the command does not answer within answer_timeout: 603" \
	scenario manual_slow "$PORT_manual_slow" uac_rejected.xml -set caller alice \
	-set caller_host 127.0.0.1 -set expect 603
check "the timeout took about answer_timeout (1 s), not the command's 30 s" \
	[ $((SECONDS - t0)) -lt 10 ]
check "CANCEL while ringing: 200, 487, nothing after" \
	scenario cancel "$PORT_manual_slow" uac_cancel.xml -set caller alice \
	-set caller_host 127.0.0.1
slow_gone() { ! pgrep -f "$T/slow.sh" >/dev/null; }
check "the cancelled call's command was killed" wait_until 5 slow_gone
check "manual instance still answers after all that" \
	scenario manual_options "$PORT_manual_slow" uac_options.xml

# --- garbage and truncated SIP/SDP
instance target "allow sip:alice@127.0.0.1" || exit 1
check "hostile and truncated SIP/SDP: clean 4xx or dropped" \
	"$SCEN/garbage.sh" "$PORT_target"
check "still serving afterwards (OPTIONS 200)" \
	scenario after_garbage "$PORT_target" uac_options.xml
check "still taking calls afterwards" \
	scenario after_garbage_call "$PORT_target" uac_blink.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7398
# --- a refused caller costs nothing: 200 INVITEs (each offering MSRP)
# from a caller the policy does not allow leave no MSRP listener or
# connection, no thread (libvncserver's client threads), no descriptor
instance refuse "allow sip:alice@127.0.0.1" "sip_rate_limit 0" || exit 1
cost() { # descriptors, threads, TCP sockets of the instance
	echo "$(ls /proc/"$refuse_pid"/fd | wc -l) $(ls /proc/"$refuse_pid"/task | wc -l)" \
		"$(ss -Htanp | grep -c "pid=$refuse_pid,")"
}
before=$(cost)
lines0=$(wc -l <"$T/refuse.log")
refused=$("$BUILD/tools/sipflood" flood 127.0.0.1 127.0.0.1 "$PORT_refuse" 200 1 \
	sip:mallory@127.0.0.1 | sed -n 's/.*(403: \([0-9]*\))$/\1/p')
check "200 INVITEs from a caller not allowed: 403 each (${refused:-0})" \
	test "${refused:-0}" -ge 195
sleep 0.5
after=$(cost)
check "they left no descriptor, thread or TCP socket behind (fds threads sockets: $before -> $after)" \
	test "$before" = "$after"
check "they only left their refusals in the log (no MSRP, no call)" \
	bash -c "! tail -n +$((lines0 + 1)) '$T/refuse.log' | grep -v 'sip:mallory@127.0.0.1 refused: 403'"
check "an allowed caller still gets in afterwards" \
	scenario after_refused "$PORT_refuse" uac_blink.xml -set caller alice \
	-set caller_host 127.0.0.1 -set msrp_port 7399

for i in chall trusting distrusting manual_yes manual_no manual_slow target refuse; do
	eval "pid=\$${i}_pid"
	check "$i still running" kill -0 "$pid"
done
[ "$failed" = 0 ] || for i in chall manual_slow target; do echo "--- $i log"; tail -n 30 "$T/$i.log"; done
finish sip_policy_test
