#!/usr/bin/env bash
# One table of keys (server/conf_keys.c) drives the documents: README.md's
# key table, the example conf/sipvnc.conf and sipvnc.conf(5) hold exactly
# what `sipvnc keys --md|--conf|--man` prints between their "BEGIN sipvnc
# keys" and "END sipvnc keys" lines (`make docs` writes them).  The code
# reads no key the table lacks, the table has no key the code never reads,
# and every example value in it passes the checks of `sipvnc check`.
source "$(dirname "$0")/../lib.sh"

# the generated part of a document: the lines between the markers
between() {
	awk '/END sipvnc keys/ { f = 0 } f { print } /BEGIN sipvnc keys/ { f = 1 }' "$1"
}
same_as_table() {   # FILE FORMAT
	"$SIPVNC" keys --"$2" >"$T/want.$2"
	between "$1" >"$T/have.$2"
	if ! cmp -s "$T/want.$2" "$T/have.$2"; then
		diff -u "$T/have.$2" "$T/want.$2" | head -20
		echo "(run make docs)"
		return 1
	fi
}
check "README.md's key table is sipvnc keys --md" same_as_table "$TOP/README.md" md
check "conf/sipvnc.conf's keys are sipvnc keys --conf" same_as_table "$TOP/conf/sipvnc.conf" conf
check "sipvnc.conf(5)'s keys are sipvnc keys --man" same_as_table "$TOP/conf/sipvnc.conf.5" man

keys=$("$SIPVNC" keys | awk '{ print $1 }' | sort)
check "sipvnc keys lists the keys ($(echo "$keys" | wc -l))" test "$(echo "$keys" | wc -l)" -gt 40
check "each once" test -z "$(echo "$keys" | uniq -d)"
"$SIPVNC" keys --bad >/dev/null 2>"$T/usage"
status=$?
check "sipvnc keys --bad: status 2 (got $status)" test "$status" = 2
check "and usage" grep -q "usage: sipvnc keys" "$T/usage"

# Every key the code asks libre's conf for (or web_conf.c reads by hand)
# is in the table, and every table key is asked for somewhere.
read_keys=$(cd "$TOP" && grep -ohE '(conf_(get_str|get_u32|get_bool|get|apply)\([^"]*|media_str\(|strncmp\(p, )"[a-z_0-9]+"' \
	server/*.c sip/*.c msrp/*.c capture/*.c | grep -oE '"[a-z_0-9]+"' | tr -d '"' | sort -u)
unread=$(comm -23 <(echo "$keys") <(echo "$read_keys"))
untabled=$(comm -13 <(echo "$keys") <(echo "$read_keys"))
check "no table key that no code reads: ${unread:-none}" test -z "$unread"
check "no key read by the code outside the table: ${untabled:-none}" test -z "$untabled"

# The prose about SIGHUP names exactly the keys the table marks live.
live=$("$SIPVNC" keys | grep "SIGHUP applies it" | awk '{ print $1 }' | sort)
man_live=$(sed -n '/^\.SH RELOADING/,/^\.SH /p' "$TOP/conf/sipvnc.conf.5" |
	sed -n 's/^\.BR\{0,1\} \([a-z_]*\).*/\1/p' | grep -Fx "$keys" | sort -u)
readme_live=$(sed -n '/^- SIGHUP/,/^- /p' "$TOP/README.md" | grep -o '`[a-z_]*`' | tr -d '`' | grep -Fx "$keys" | sort -u)
check "sipvnc.conf(5)'s RELOADING names the live keys: $(echo $man_live)" test "$man_live" = "$live"
check "README's SIGHUP paragraph names the live keys" test "$readme_live" = "$live"

# Every example line, uncommented, passes its check; the only complaints
# left are the example paths that do not exist here and the two keys
# that exclude each other.
"$SIPVNC" keys --conf | sed -n 's/^#\([a-z][a-z_0-9]*\) /\1 /p' >"$T/all.conf"
chmod 600 "$T/all.conf"
check "every key has an example line" test "$(wc -l <"$T/all.conf")" = "$(echo "$keys" | wc -l)"
"$SIPVNC" check -c "$T/all.conf" 2>"$T/all.err" >/dev/null
grep -vE ": No such file or directory$| exclude each other: one or the other$|[0-9]+ problems?$" "$T/all.err" >"$T/all.other"
check "the examples pass their checks" test ! -s "$T/all.other"
cat "$T/all.other"
check "and the paths were checked" grep -q "msrp_tls_ca: /etc/ssl/certs/ca-certificates.crt\|msrp_tls_cert: /etc/sipvnc" "$T/all.err"

finish conf_docs
