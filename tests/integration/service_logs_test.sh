#!/usr/bin/env bash
# Logs people can read: log_level and -v, no colour codes, syslog
# priorities when stderr is the journal (JOURNAL_STREAM), and one audit
# line per call with caller, rights, direction, start, duration, bytes
# and why it ended.
source "$(dirname "$0")/../lib.sh"
esc=$(printf '\033')

start_xvfb 320x240x24 || exit 1

# Under systemd: stderr is the journal's stream, JOURNAL_STREAM names it.
write_serve_conf "allow           sip:*@127.0.0.1 control" "deny            sip:mallory@127.0.0.1"
: >"$T/journal.log"
js=$(stat -c '%d:%i' "$T/journal.log")
JOURNAL_STREAM=$js "$SIPVNC" -c "$T/serve.conf" 2>>"$T/journal.log" >&2 &
serve_pid=$!
PIDS+=($serve_pid)
up() { grep -q "try: " "$T/journal.log"; }
check "serve starts under a journal stream" wait_until 10 up

view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
view_ready() { grep -q "connect a VNC viewer" "$T/view.log" 2>/dev/null; }
wait_until 10 view_ready
check "a call through sipvnc view" "$BUILD/tools/vncgrab" "127.0.0.1:$view_port" "$T/grab.ppm" >"$T/grab.log" 2>&1
audit_in() { grep -q "call-audit:" "$T/journal.log"; }
check "serve writes an audit line when the call ends" wait_until 10 audit_in
# a refused caller is a warning
printf 'sip_listen 127.0.0.1:0\nsip_user mallory\n' >"$T/mallory.conf"
mallory_port=$(free_port)
start_sipvnc mallory view "sip:sipvnc@127.0.0.1:$serve_port" -c "$T/mallory.conf" --listen "127.0.0.1:$mallory_port"
mallory_ready() { grep -q "connect a VNC viewer" "$T/mallory.log" 2>/dev/null; }
wait_until 10 mallory_ready
"$BUILD/tools/vncgrab" "127.0.0.1:$mallory_port" "$T/mallory.ppm" --timeout 3 >/dev/null 2>&1
# libre's own lines (here its SIP parser on junk) come through the same log
printf 'JUNK\r\n\r\n' >/dev/tcp/127.0.0.1/$serve_port
refused() { grep -q "mallory.*refused" "$T/journal.log"; }
wait_until 5 refused
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null

line=$(grep "call-audit:" "$T/journal.log" | head -1)
echo "    $line"
check "the audit line is info (<6>)" grep -q "^<6>sipvnc: call-audit:" <<<"$line"
check "it names the caller" grep -q "peer=sip:sipvnc@127.0.0.1 " <<<"$line"
check "its rights and direction" grep -q "direction=incoming rights=control " <<<"$line"
check "its start (UTC) and duration" grep -Eq "start=20[0-9-]+T[0-9:]+Z duration=[0-9]+\.[0-9]{3}s " <<<"$line"
bytes_out=$(sed -n 's/.*bytes_out=\([0-9]*\).*/\1/p' <<<"$line")
check "bytes each way (a full frame went out: $bytes_out bytes)" \
	bash -c "grep -Eq 'bytes_in=[1-9][0-9]* bytes_out=' <<<'$line' && [ '$bytes_out' -gt 1000 ]"
check "and why it ended" grep -q 'end="[^"]\+"$' <<<"$line"
check "the viewer side has its own audit line (outgoing, viewer)" \
	grep -q "call-audit: peer=sip:sipvnc@127.0.0.1:$serve_port direction=outgoing rights=viewer" "$T/view.log"
check "every journal line starts with a priority" bash -c "! grep -qv '^<[0-7]>' '$T/journal.log'"
check "a refused caller is a warning (<4>)" grep -q "^<4>sip: .*mallory.*refused" "$T/journal.log"
check "no terminal colour codes" bash -c "! grep -q '$esc' '$T/journal.log' '$T/view.log'"
check "no priority prefixes when stderr is not the journal" bash -c "! grep -q '^<[0-9]>' '$T/view.log'"

# JOURNAL_STREAM inherited but stderr redirected elsewhere: no prefixes.
JOURNAL_STREAM=$js "$SIPVNC" -c "$T/nosuch.conf" >"$T/other.log" 2>&1
check "a stale JOURNAL_STREAM (another stream) adds no prefix" bash -c "! grep -q '^<' '$T/other.log'"

# log_level: warn hides info lines; -v shows them whatever the file says.
write_serve_conf "allow           sip:*@127.0.0.1" "log_level       warn"
timeout 3 "$SIPVNC" -c "$T/serve.conf" >"$T/warn.log" 2>&1
check "log_level warn: no info lines" bash -c "! grep -q 'listening on\|try: ' '$T/warn.log'"
timeout 3 "$SIPVNC" -v -c "$T/serve.conf" >"$T/verbose.log" 2>&1
check "-v: info lines whatever log_level says" grep -q "try: " "$T/verbose.log"
check "and debug lines" grep -q "configuration $T/serve.conf, log level debug" "$T/verbose.log"
check "which log_level info leaves out" bash -c "! grep -q 'log level' '$T/warn.log'"
sed -i 's/^log_level.*/log_level       loud/' "$T/serve.conf"
"$SIPVNC" -c "$T/serve.conf" >"$T/bad.log" 2>&1
status=$?
check "a bad log_level is a configuration error (exit 3, got $status)" test "$status" = 3
check "naming the levels" grep -q "error, warn, info or debug" "$T/bad.log"

finish service_logs
