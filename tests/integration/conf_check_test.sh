#!/usr/bin/env bash
# `sipvnc check -c FILE`: every problem of a broken file as FILE:LINE:
# message, exit status 3; a good file passes; the same checks refuse to
# start serve.
source "$(dirname "$0")/../lib.sh"

touch "$T/ca.pem" "$T/key.pem" "$T/cert.pem"
chmod 600 "$T/key.pem"
printf '#!/bin/sh\nexit 0\n' >"$T/ask.sh"
chmod 755 "$T/ask.sh"

# expect FILE "LINE: message part" ...: every expected line is printed,
# nothing else is, and the status is 3.
expect() {
	local f=$1; shift
	"$SIPVNC" check -c "$f" >"$T/out" 2>"$T/err"
	local status=$? want
	check "$(basename "$f"): exit status 3 (got $status)" test "$status" = 3
	for want in "$@"; do
		check "$(basename "$f"): $want" grep -qF "$f:$want" "$T/err"
	done
	local n; n=$(grep -c "^$f:[0-9]*: " "$T/err")
	check "$(basename "$f"): exactly $# problems reported (got $n)" test "$n" = $#
	[ "$n" = $# ] || cat "$T/err"
}

cat >"$T/good.conf" <<CONF
# every kind of value, all good
sip_listen      127.0.0.1:0
msrp_listen     [::1]:0
allow           sip:helpdesk@example.com control
allow           sip:*@example.org
deny            sip:intern@example.com
answermode      manual
answer_command  $T/ask.sh
answer_timeout  30
max_sessions    2
clipboard       all
log_level       debug
msrp_tls        yes
msrp_tls_ca     $T/ca.pem
msrp_tls_key    $T/key.pem
msrp_tls_cert   $T/cert.pem
dns_server      192.0.2.53
dns_server      192.0.2.54:5353
trusted_proxy   192.0.2.10
msrp_chunk_size 8192
CONF
"$SIPVNC" check -c "$T/good.conf" >"$T/out" 2>"$T/err"
status=$?
check "a good file passes (status $status)" test "$status" = 0 -a ! -s "$T/err"
cat "$T/err"
check "and says so" grep -q "no problems" "$T/out"
check "the shipped example passes" "$SIPVNC" check -c "$TOP/conf/sipvnc.conf"

cat >"$T/broken.conf" <<CONF
sip_listen      127.0.0.1
dney            sip:*@evil.example
allow           helpdesk@example.com
allow           sip:a@example.com everything
answermode      sometimes
answer_command  $T/no-such-program
msrp_tls_ca     $T/no-such-ca.pem
max_sessions    many
sip_listen      127.0.0.1:5060
trusted_proxy   proxy.example.com
log_level       loud
msrp_listen
CONF
expect "$T/broken.conf" \
	"1: sip_listen wants ADDRESS:PORT, not '127.0.0.1'" \
	"2: unknown key 'dney'" \
	"3: allow: bad URI 'helpdesk@example.com'" \
	"4: allow: 'everything' is neither view nor control" \
	"5: answermode is auto, manual or reject, not 'sometimes'" \
	"6: answer_command: $T/no-such-program: No such file or directory" \
	"7: msrp_tls_ca: $T/no-such-ca.pem: No such file or directory" \
	"8: max_sessions wants a number, not 'many'" \
	"9: 'sip_listen' again (line 1 has it; only one counts)" \
	"10: trusted_proxy wants an IP address, not 'proxy.example.com'" \
	"11: log_level is error, warn, info or debug, not 'loud'" \
	"12: 'msrp_listen' needs a value"

# The checks the table's kinds of value bring, and keys that go in pairs.
mkdir "$T/webroot"
cat >"$T/broken2.conf" <<CONF
answer_timout   30
max_sessions    4 calls
sip_instance    not-a-uuid
web_user        alice 0123
web_allow       alice example.com control
web_allow       alice *@example.com everything
web_answer_timeout 7200
web_listen      localhost
web_root        $T/ask.sh
share_window    *Firefox*
share_monitor   HDMI-1
msrp_tls_cert   $T/ca.pem
web_name        desk.example.com:99999
web_allow       bob sip:desk@example.com
web_user        alice 0123456789abcdef0123456789abcdef
sip_listen      127.0.0.1:99999
CONF
chmod 600 "$T/broken2.conf"
expect "$T/broken2.conf" \
	"1: unknown key 'answer_timout' (did you mean 'answer_timeout'?)" \
	"2: max_sessions takes one value; 'calls' after it would be ignored" \
	"3: bad sip_instance 'not-a-uuid': want a UUID" \
	"4: web_user alice: the HA1 is 32 hex digits" \
	"5: web_allow alice: want URI [view|control]" \
	"6: web_allow alice: 'everything' is neither view nor control" \
	"7: web_answer_timeout wants a number, 1..3600, not '7200'" \
	"8: web_listen wants ADDRESS:PORT, not 'localhost'" \
	"9: web_root: $T/ask.sh is not a directory" \
	"11: share_monitor and share_window (line 10) exclude each other" \
	"12: msrp_tls_cert needs msrp_tls_key as well" \
	"13: web_name wants HOST or HOST:PORT, not 'desk.example.com:99999'" \
	"14: web_allow bob: needs a web_user bob line before it" \
	"15: web_user alice again" \
	"16: sip_listen wants ADDRESS:PORT, not '127.0.0.1:99999'"
cat >"$T/good2.conf" <<CONF
web_user        alice 0123456789abcdef0123456789ABCDEF
web_allow       alice *@example.com control
web_allow       alice sip:desk@example.com
web_name        desk.example.com:8443
web_root        $T/webroot
sip_instance    0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b10
allow           sip:a@example.com   control   # a comment after the words
CONF
chmod 600 "$T/good2.conf"
check "web users, names, UUIDs, a comment after the words pass" "$SIPVNC" check -c "$T/good2.conf"

# Secrets in a file other users can read: the file and its folders count.
mkdir -m 755 "$T/open"
cat >"$T/open/secret.conf" <<CONF
sip_listen      127.0.0.1:0
account         <sip:desk@example.com>;auth_pass=hunter2
caller_secret   sip:helpdesk@example.com s3cret
msrp_relay_pass s3cret
CONF
chmod 755 "$T"   # mktemp -d made it 0700: nobody else could look in
chmod 644 "$T/open/secret.conf"
expect "$T/open/secret.conf" \
	"2: account holds a secret, and other users can read $T/open/secret.conf (chmod 600 it)" \
	"3: caller_secret holds a secret" \
	"4: msrp_relay_pass holds a secret"
chmod 600 "$T/open/secret.conf"
check "the same file, chmod 600, passes" "$SIPVNC" check -c "$T/open/secret.conf"
chmod 644 "$T/open/secret.conf"
chmod 700 "$T/open"
check "readable, but in a folder only we can enter, passes" "$SIPVNC" check -c "$T/open/secret.conf"
chmod 755 "$T/open"
cp "$T/key.pem" "$T/open/key.pem"; chmod 644 "$T/open/key.pem"
printf 'msrp_tls_key %s\nmsrp_tls_cert %s\n' "$T/open/key.pem" "$T/cert.pem" >"$T/open/key.conf"
expect "$T/open/key.conf" "1: msrp_tls_key: $T/open/key.pem holds a private key and other users can read it"
chmod 700 "$T"

"$SIPVNC" check -c "$T/missing.conf" >"$T/out" 2>"$T/err"
status=$?
check "a missing file: status 3 (got $status)" test "$status" = 3
check "naming it" grep -q "$T/missing.conf: No such file" "$T/err"
"$SIPVNC" check >"$T/out" 2>"$T/err"
check "no -c: usage, status 2" test $? = 2

# The same checks at start.
"$SIPVNC" -c "$T/broken.conf" >"$T/start.log" 2>&1
status=$?
check "serve refuses the broken file: status 3 (got $status)" test "$status" = 3
check "with the same FILE:LINE messages" grep -qF "$T/broken.conf:2: unknown key 'dney'" "$T/start.log"
check "all of them" test "$(grep -c "$T/broken.conf:[0-9]*: " "$T/start.log")" = 12

finish conf_check
