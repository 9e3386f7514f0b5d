#!/usr/bin/env bash
# share_monitor: the viewer sees exactly one RandR monitor's part of the
# screen, follows it when RandR moves it, and input is offset to it.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 800x600x24 || exit 1
# Virtual monitors (RandR 1.5): the left half, and the lower right quarter.
xrandr --setmonitor LEFT 400/100x600/100+0+0 none
xrandr --setmonitor RIGHTLOW 400/100x300/100+400+300 none
check "the monitors exist" bash -c "xrandr --listmonitors | grep -q RIGHTLOW"
# A window exactly on the monitor, others around it.
for w in "low 30a060 400 300 400 300" "up 902020 400 0 400 300" "left 205090 0 0 400 600"; do
	set -- $w
	"$TOOLS/xwin" "$1" "$2" "$3" "$4" "$5" "$6" --log "$T/$1.log" >"$T/$1.out" 2>&1 &
	PIDS+=($!)
	wait_until 10 grep -q '^window' "$T/$1.out"
done
"$TOOLS/xwin" --expect 30a060 400 300 "$T/want_low.ppm"
"$TOOLS/xwin" --expect 902020 400 300 "$T/want_up.ppm"

write_serve_conf \
	"allow           sip:*@127.0.0.1 control" \
	"share_monitor   RIGHTLOW"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"
check "it found the monitor" grep -q "sharing monitor RIGHTLOW (400x300+400+300)" "$T/serve.log"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"
sleep 0.5

"$TOOLS/vncinput" "127.0.0.1:$view_port" --size --ppm "$T/low.ppm" --click 10 20 --click 900 900 --sleep 0.3 >"$T/v1.log" 2>&1
check "the framebuffer has the monitor's size" grep -q '^size 400 300$' "$T/v1.log"
check "it shows exactly the monitor's area" same_picture "$T/low.ppm" "$T/want_low.ppm"
check "a click lands at the monitor's place" wait_until 5 grep -q '^button 1 10 20$' "$T/low.log"
check "a click past its edge is clamped into it" wait_until 5 grep -q '^button 1 399 299$' "$T/low.log"
check "nothing reached the windows beside it" bash -c "! grep -q button '$T/up.log' '$T/left.log'"

# RandR moves the monitor up: the viewer follows.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --sleep 1.5 --ppm "$T/up.ppm" --click 30 40 --sleep 0.3 >"$T/v2.log" 2>&1 &
viewer=$!
PIDS+=($viewer)
sleep 0.5
xrandr --delmonitor RIGHTLOW; xrandr --setmonitor RIGHTLOW 400/100x300/100+400+0 none
wait "$viewer"
check "after RandR moved the monitor, the viewer shows its new area" same_picture "$T/up.ppm" "$T/want_up.ppm"
check "and input goes to the new place" wait_until 5 grep -q '^button 1 30 40$' "$T/up.log"

# RandR shrinks it: a new framebuffer size.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --wait-size 200 150 --size >"$T/v3.log" 2>&1 &
viewer=$!
PIDS+=($viewer)
sleep 0.5
xrandr --delmonitor RIGHTLOW; xrandr --setmonitor RIGHTLOW 200/50x150/50+400+0 none
wait "$viewer"
check "a smaller monitor reaches the viewer as a new size" grep -q '^size 200 150$' "$T/v3.log"

cat >"$T/none.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$(free_port)
share_monitor   HDMI-9
CONF
"$SIPVNC" -c "$T/none.conf" >"$T/none.log" 2>&1
check "a missing monitor: sipvnc refuses to start" test $? != 0
check "naming the monitors there are" grep -q "no RandR monitor 'HDMI-9' on this screen (there are: .*RIGHTLOW" "$T/none.log"

if [ "$failed" != 0 ]; then
	for f in serve view v1 v2 v3 low up none; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish capture_monitor
