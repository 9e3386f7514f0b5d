#!/usr/bin/env bash
# A key a viewer holds is pressed once: the viewer repeats it itself, so
# the X server's auto-repeat is off while it is held and back on after.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
xset r on
xset r rate 200 30     # a repeat after 200 ms, then 30 a second
"$TOOLS/xwin" "keys" 406080 0 0 640 480 --log "$T/keys.log" >"$T/xwin.out" 2>&1 &
PIDS+=($!)
wait_until 10 grep -q '^window' "$T/xwin.out"
wid=$(awk '/^window/ {print $2; exit}' "$T/xwin.out")
xdotool windowfocus "$wid"

# The X server does repeat a key held through XTEST: the check below
# could fail.
xdotool keydown b; sleep 1; xdotool keyup b
sleep 0.2
n=$(grep -c '^key 0x62$' "$T/keys.log")
check "(without sipvnc, X repeats a held key: $n presses)" test "$n" -gt 5

write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"
sleep 0.5

"$TOOLS/vncinput" "127.0.0.1:$view_port" --down 0x61 --sleep 1.2 --up 0x61 --sleep 0.3 >"$T/v.log" 2>&1 &
viewer=$!
PIDS+=($viewer)
check "the key went down" wait_until 10 grep -q '^key 0x61$' "$T/keys.log"
sleep 0.4
xset q >"$T/held.txt"
check "while it is held, X auto-repeat is off" grep -q "auto repeat:  off" "$T/held.txt"
wait "$viewer"
check "the viewer's script ran" test $? = 0
sleep 0.3
n=$(grep -c '^key 0x61$' "$T/keys.log")
check "a key held for 1.2 s is pressed exactly once ($n)" test "$n" = 1
xset q >"$T/after.txt"
check "auto-repeat is on again after the release" grep -q "auto repeat:  on" "$T/after.txt"

# The viewer's own repeats (presses without releases) all arrive.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --down 0x64 --sleep 0.1 --down 0x64 --sleep 0.1 --down 0x64 --up 0x64 --sleep 0.3 >"$T/v3.log" 2>&1
check "the viewer's own repeats arrive: 3 presses" wait_until 5 bash -c "test \$(grep -c '^key 0x64$' '$T/keys.log') = 3"

# A key still held when sipvnc is stopped: the setting comes back too.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --down 0x63 --sleep 5 >"$T/v2.log" 2>&1 &
PIDS+=($!)
check "a second key goes down" wait_until 10 grep -q '^key 0x63$' "$T/keys.log"
sleep 0.3
xset q | grep -q "auto repeat:  off" && ok "(auto-repeat off while it is held)" || bad "auto-repeat still on while held"
kill -TERM "$serve_pid"
wait_until 5 bash -c "! kill -0 $serve_pid 2>/dev/null"
check "sipvnc stopped on SIGTERM" bash -c "! kill -0 $serve_pid 2>/dev/null"
check "and auto-repeat was restored on the way out" bash -c "xset q | grep -q 'auto repeat:  on'"

if [ "$failed" != 0 ]; then
	for f in v v2 v3 keys; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
	cat "$T/held.txt"
fi
finish capture_repeat
