#!/usr/bin/env bash
# Who may reach `sipvnc web` (curl; no browser, no desktop needed): beyond
# loopback only with TLS and web users, HTTPS with the configured PEM,
# Digest failures blocked per source, bad configuration refused.
source "$(dirname "$0")/../lib.sh"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
cat "$T/cert.pem" "$T/key.pem" >"$T/web.pem"
user=$(printf 'carol-password\n' | "$SIPVNC" passwd carol)
check "sipvnc passwd refuses a short password" bash -c "! printf 'short\n' | '$SIPVNC' passwd carol 2>/dev/null"
check "sipvnc passwd refuses a bad name" bash -c "! printf 'long-enough\n' | '$SIPVNC' passwd 'a b' 2>/dev/null"

refuses() { # refuses NAME WHY_PATTERN [STATUS]: the config $T/NAME.conf does not start
	local name=$1 why=$2 status=${3:-1}
	timeout 10 "$SIPVNC" web -c "$T/$name.conf" >"$T/$name.log" 2>&1
	[ $? = "$status" ] && grep -q "$why" "$T/$name.log"
}
port=$(free_port)
printf 'sip_listen 127.0.0.1:0\nweb_listen 0.0.0.0:%s\n' "$port" >"$T/plain.conf"
check "beyond loopback without TLS: refused, saying why" refuses plain "not loopback: refusing to start without web_cert"
printf 'sip_listen 127.0.0.1:0\nweb_listen 0.0.0.0:%s\nweb_cert %s\n' "$port" "$T/web.pem" >"$T/nouser.conf"
check "beyond loopback without web users: refused, saying why" refuses nouser "without a web_user"
printf 'sip_listen 127.0.0.1:0\nweb_user carol 1234\n' >"$T/badha1.conf"
check "a malformed web_user: refused as a bad file (status 3)" refuses badha1 "HA1 is 32 hex digits" 3
printf 'sip_listen 127.0.0.1:0\nweb_allow dave sip:x@y control\n' >"$T/nouser2.conf"
check "web_allow of an unknown user: refused as a bad file (status 3)" refuses nouser2 "needs a web_user" 3

# HTTPS on all addresses with a user; reached on loopback under a web_name
{
	printf 'sip_listen 127.0.0.1:0\nweb_listen 0.0.0.0:%s\nweb_cert %s\n' "$port" "$T/web.pem"
	printf 'web_name 127.0.0.1\n%s\nweb_allow carol *@127.0.0.1 view\n' "$user"
} >"$T/tls.conf"
start_sipvnc tls web -c "$T/tls.conf"
check "the TLS gateway starts" wait_until 10 grep -q "open https://" "$T/tls.log"
U=https://127.0.0.1:$port
code() { curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
check "plain HTTP gets no page" bash -c "! curl -s --max-time 3 http://127.0.0.1:$port/ | grep -q sipvnc"
check "HTTPS without login: 401 with a Digest challenge" \
	bash -c "curl -sk -D - -o /dev/null '$U/' | grep -q 'WWW-Authenticate: Digest realm=\"sipvnc\"'"
check "HTTPS with carol's password: the page" test "$(code --digest -u carol:carol-password "$U/")" = 200
check "noVNC's modules behind the login too" test "$(code "$U/novnc/core/rfb.js")" = 401
check "nothing outside the page and noVNC's core and vendor" \
	test "$(code --digest -u carol:carol-password "$U/novnc/vnc.html")" = 404
check "no path escapes" test "$(code --digest -u carol:carol-password --path-as-is "$U/../../etc/passwd")" = 404
check "a Host that is not ours: 403" \
	test "$(code --digest -u carol:carol-password -H "Host: other.example:$port" "$U/")" = 403

# five wrong passwords from one address block it, even for the right one
for i in 1 2 3 4 5; do code --digest -u carol:wrong-password "$U/" >/dev/null; done
check "after five failures the source is blocked (429)" \
	test "$(code --digest -u carol:carol-password "$U/")" = 429
check "the failures are logged with the user, not the password" \
	bash -c "grep -q \"web login failed for 'carol' from 127.0.0.1 (5 in a row)\" '$T/tls.log' && ! grep -q wrong-password '$T/tls.log'"
let_in() { test "$(code --digest -u carol:carol-password "$U/")" = 200; }
check "blocked for 5 s, then let in again" wait_until 15 let_in
finish web_auth
