#!/usr/bin/env bash
# Screen size changes (RandR) reach a connected viewer as a new desktop
# size, with the right pixels.  Xvfb cannot change its size, so this runs
# on Xorg with the dummy driver (packages xserver-xorg-core and
# xserver-xorg-video-dummy); without them it is skipped.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

if ! command -v Xorg >/dev/null || [ ! -e /usr/lib/xorg/modules/drivers/dummy_drv.so ]; then
	echo "capture_resize: skipped (needs xserver-xorg-core and xserver-xorg-video-dummy)"
	exit 0
fi
cat >"$T/xorg.conf" <<'CONF'
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 64000
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0 - 1000.0
  VertRefresh 5.0 - 200.0
  Modeline "1024x768" 65.00 1024 1048 1184 1344 768 771 777 806
  Modeline "800x600" 40.00 800 840 968 1056 600 601 605 628
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Modes "1024x768" "800x600"
    Virtual 1024 768
  EndSubSection
EndSection
Section "ServerFlags"
  Option "AutoAddDevices" "false"
  Option "DontVTSwitch" "true"
EndSection
CONF
mkfifo "$T/displayfd"
Xorg -displayfd 3 -config "$T/xorg.conf" -configdir "$T" -noreset -nolisten tcp \
	-logfile "$T/xorg.log" 3>"$T/displayfd" >"$T/xorg.out" 2>&1 &
PIDS+=($!)
read -r -t 15 num <"$T/displayfd" || { echo "Xorg did not start"; tail "$T/xorg.out"; exit 1; }
export DISPLAY=":$num"

"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
write_serve_conf
start_sipvnc serve -c "$T/serve.conf"
wait_until 10 port_open "$serve_port"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"
# `sipvnc view` takes one viewer at a time: a second one for the newcomer.
view2_port=$(free_port)
start_sipvnc view2 view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view2_port"
wait_until 10 port_open "$view2_port"
# vncbench runs a fixed time: long enough for both resizes even on a
# loaded machine, or its last frame would predate the second one.
sleep 0.5   # the probes above were calls too: let them end

"$TOOLS/vncbench" "127.0.0.1:$view_port" --cursor --seconds 10 --ppm "$T/end.ppm" >"$T/bench.log" 2>&1 &
bench=$!
PIDS+=($bench)
check "the viewer starts at 1024x768" wait_until 10 grep -q '^size 1024 768$' "$T/bench.log"
xrandr -s 800x600
check "shrinking to 800x600 reaches the connected viewer" wait_until 3 grep -q '^size 800 600$' "$T/bench.log"
check "the server followed" wait_until 3 grep -q "now 800x600" "$T/serve.log"
sleep 0.5
"$TOOLS/xgrab" "$T/x800.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view2_port" "$T/v800.ppm" --timeout 5 >/dev/null 2>&1; then
	ok "a new viewer meanwhile gets a frame"
else
	bad "no frame for a new viewer at 800x600"
fi
check "its pixels equal the 800x600 screen" cmp -s "$T/x800.ppm" "$T/v800.ppm"
xrandr -s 1024x768
check "growing back reaches the viewer" wait_until 3 bash -c "grep '^size' '$T/bench.log' | tail -1 | grep -q '^size 1024 768$'"
wait "$bench"
check "the viewer stayed connected" test $? = 0
"$TOOLS/xgrab" "$T/x1024.ppm"
check "its last frame equals the 1024x768 screen" cmp -s "$T/x1024.ppm" "$T/end.ppm"

if [ "$failed" != 0 ]; then
	for f in bench serve view; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish capture_resize
