#!/bin/bash
# sip_caller_escape_test.sh - escaping the user part (RFC 3261 19.1.4) does
# not change who calls: an escaped denied caller gets 403, an escaped
# allowed caller is answered, an asserted (PAI) or secret-holding caller is
# read the same way, and a URI that does not unescape cleanly gets 400.
# Logs and the answer command show the unescaped caller.
. "$(dirname "$0")/../lib.sh"
SCEN=$TOP/tests/integration/sipp

command -v sipp >/dev/null || { echo "sipp missing (package sip-tester)"; exit 1; }
[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }
start_xvfb || exit 1

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

refused() { # refused NAME PORT STATUS CALLER: an INVITE from CALLER@127.0.0.1
	scenario "$1" "$2" uac_rejected.xml -set caller "$4" \
		-set caller_host 127.0.0.1 -set expect "$3"
}

# --- the issue's configuration: a wildcard allow and one deny
SECRET='s3cr3t-Esc'
instance policy "allow sip:*@127.0.0.1 control" "deny sip:mallory@127.0.0.1" \
	"caller_secret sip:help%64esk@127.0.0.1 $SECRET" || exit 1
check "denied caller, plain: 403" refused plain "$PORT_policy" 403 mallory
check "denied caller, mall%6Fry: 403" refused esc1 "$PORT_policy" 403 'mall%6Fry'
check "denied caller, %6Dallory: 403" refused esc2 "$PORT_policy" 403 '%6Dallory'
check "denied caller, user parameter mallory;x=1: 403" \
	refused esc3 "$PORT_policy" 403 'mallory;x=1'
check "allowed caller, %61lice: answered (200, BYE)" \
	scenario allowed "$PORT_policy" uac_blink.xml -set caller '%61lice' \
	-set caller_host 127.0.0.1 -set msrp_port 7394
check "malformed escape mall%zzry: 400" refused bad1 "$PORT_policy" 400 'mall%zzry'
check "escaped NUL mall%00ry: 400" refused bad2 "$PORT_policy" 400 'mall%00ry'
check "escaped control character mall%0Dry: 400" refused bad3 "$PORT_policy" 400 'mall%0Dry'
check "truncated escape mallory%6: 400" refused bad4 "$PORT_policy" 400 'mallory%6'
check "escaped caller with a secret (help%64esk): 401, retry with it: 200" \
	scenario chall "$PORT_policy" uac_challenge.xml -set caller 'help%64esk' \
	-set caller_host 127.0.0.1 -set expect 200 -au helpdesk -ap "$SECRET"
L=$T/policy.log
check "the log shows the escaped denied caller unescaped" \
	grep -q "INVITE from sip:mallory@127.0.0.1 refused: 403 .*caller denied" "$L"
check "the log never shows the escaped spellings of allowed or denied callers" \
	eval '! grep -qE "mall%6Fry|%6Dallory|%61lice|help%64esk" "$L"'
check "the answered caller is logged unescaped" \
	grep -q "call from sip:alice@127.0.0.1 answered (control rights[,)]" "$L"
check "a 400 is logged with the unreadable URI" \
	grep -q "INVITE from sip:mall%zzry@127.0.0.1 refused: 400 .*malformed caller URI" "$L"
check "the escaped caller with a secret was challenged" \
	grep -q "INVITE from sip:helpdesk@127.0.0.1 challenged" "$L"
check "four 400s logged" [ "$(grep -c 'refused: 400' "$L")" = 4 ]

# --- a trusted proxy's assertion is read the same way
instance trusting "allow sip:alice@127.0.0.1" "deny sip:mallory@127.0.0.1" \
	"trusted_proxy 127.0.0.1" || exit 1
check "PAI m%61llory from a trusted proxy (From alice): 403" \
	scenario pai_denied "$PORT_trusting" uac_pai.xml -set caller alice \
	-set asserted 'm%61llory' -set caller_host 127.0.0.1 -set expect 403
check "PAI al%69ce from a trusted proxy (From mallory): 200" \
	scenario pai_allowed "$PORT_trusting" uac_pai.xml -set caller mallory \
	-set asserted 'al%69ce' -set caller_host 127.0.0.1 -set expect 200
check "PAI mall%zzry from a trusted proxy: 400" \
	scenario pai_bad "$PORT_trusting" uac_pai.xml -set caller alice \
	-set asserted 'mall%zzry' -set caller_host 127.0.0.1 -set expect 400

# --- answermode manual: the answer command sees who really calls
cat >"$T/yes.sh" <<SH
#!/bin/sh
echo "\$1 \$2" >>"$T/asked"
exit 0
SH
chmod +x "$T/yes.sh"
instance manual "allow sip:alice@127.0.0.1 control" "answermode manual" \
	"answer_command $T/yes.sh" || exit 1
check "manual, caller %61lice: answered" \
	scenario manual "$PORT_manual" uac_blink.xml -set caller '%61lice' \
	-set caller_host 127.0.0.1 -set msrp_port 7395
check "the answer command saw sip:alice@127.0.0.1" \
	grep -qx "sip:alice@127.0.0.1 control" "$T/asked"

for i in policy trusting manual; do
	eval "pid=\$${i}_pid"
	check "$i still running" kill -0 "$pid"
done
[ "$failed" = 0 ] || for i in policy trusting; do echo "--- $i log"; tail -n 30 "$T/$i.log"; done
finish sip_caller_escape_test
