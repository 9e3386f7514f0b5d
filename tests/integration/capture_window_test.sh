#!/usr/bin/env bash
# share_window: the viewer sees exactly one window, through moves and
# resizes, never a window covering it; its input lands in that window only.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 800x600x24 || exit 1
# The shared window, and a neighbour that will cover part of it.
"$TOOLS/xwin" "shared demo" 3060a0 100 80 320 240 --log "$T/shared.log" >"$T/shared.out" 2>&1 &
shared_pid=$!
PIDS+=($shared_pid)
check "the shared window is up" wait_until 10 grep -q '^window' "$T/shared.out"
wid=$(awk '/^window/ {print $2; exit}' "$T/shared.out")

write_serve_conf \
	"allow           sip:*@127.0.0.1 control" \
	"share_window    shared*"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"
check "it found the window by its title" grep -q "sharing window $wid (320x240)" "$T/serve.log"
view_port=$(free_port)
start_sipvnc view view "sip:sipvnc@127.0.0.1:$serve_port" --listen "127.0.0.1:$view_port"
check "sipvnc view listens" wait_until 10 port_open "$view_port"
sleep 0.5   # the probe above was a call too: let it end

# The neighbour (pure ff00ff nowhere in the shared window's picture) goes
# over the shared window's middle.
"$TOOLS/xwin" "neighbour" ff00ff 200 150 200 120 --log "$T/neighbour.log" >"$T/neighbour.out" 2>&1 &
PIDS+=($!)
wait_until 10 grep -q '^window' "$T/neighbour.out"
"$TOOLS/xwin" --expect 3060a0 320 240 "$T/want320.ppm"
"$TOOLS/xwin" --expect 3060a0 400 300 "$T/want400.ppm"

magenta() { # magenta FILE.ppm: does the picture hold a pure ff00ff pixel?
	tail -c +16 "$1" | od -An -v -tx1 -w3 | grep -q '^ ff 00 ff$'
}

"$TOOLS/vncinput" "127.0.0.1:$view_port" --size --ppm "$T/covered.ppm" >"$T/v1.log" 2>&1
check "the viewer's framebuffer has the window's size" grep -q '^size 320 240$' "$T/v1.log"
check "its pixels are the window's own, though covered" same_picture "$T/covered.ppm" "$T/want320.ppm"
check "no pixel of the covering neighbour shows" bash -c "$(declare -f magenta); ! magenta '$T/covered.ppm'"
"$TOOLS/xgrab" "$T/screen.ppm"
check "(the neighbour does cover it on the screen)" magenta "$T/screen.ppm"

# Viewer (150,100) is root (250,180): the neighbour is on top there.
# Viewer (20,30) is root (120,110): the shared window is on top.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --click 150 100 --click 20 30 --sleep 0.3 >"$T/v2.log" 2>&1
check "a click where the window shows lands in it, in its coordinates" wait_until 5 grep -q '^button 1 20 30$' "$T/shared.log"
check "a click where the neighbour covers it is dropped" bash -c "! grep -q '^button 1 150 100$' '$T/shared.log'"
check "and never reaches the neighbour" bash -c "! grep -q button '$T/neighbour.log'"
# A viewer point past the window is clamped into it, never outside.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --click 5000 5 --sleep 0.3 >"$T/v3.log" 2>&1
check "a click beyond the edge is clamped to the window" wait_until 5 grep -q '^button 1 319 5$' "$T/shared.log"

# Keys: the window gets the focus for them (the neighbour was mapped last).
"$TOOLS/vncinput" "127.0.0.1:$view_port" --down 0x71 --up 0x71 --sleep 0.3 >"$T/v4.log" 2>&1
check "a key reaches the shared window" wait_until 5 grep -q '^key 0x71$' "$T/shared.log"
check "and not the neighbour" bash -c "! grep -q key '$T/neighbour.log'"

# Move: nothing changes in the picture; input follows the new place.
xdotool windowmove "$wid" 300 250
sleep 0.3
# Viewer (10,200) is root (310,450) now, clear of the neighbour.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --ppm "$T/moved.ppm" --click 10 200 --sleep 0.3 >"$T/v5.log" 2>&1
check "after a move the picture is still exactly the window" same_picture "$T/moved.ppm" "$T/want320.ppm"
check "a click after the move lands at the window's new place" wait_until 5 grep -q '^button 1 10 200$' "$T/shared.log"

# Unmapped: the last picture stays, and input goes nowhere.
xdotool windowunmap "$wid"
sleep 0.3
"$TOOLS/vncinput" "127.0.0.1:$view_port" --ppm "$T/unmapped.ppm" --click 10 200 --down 0x77 --up 0x77 --sleep 0.3 >"$T/v7.log" 2>&1
check "unmapped, the viewer keeps the window's last picture" same_picture "$T/unmapped.ppm" "$T/want320.ppm"
check "a click meanwhile goes nowhere" test "$(grep -c '^button 1 10 200$' "$T/shared.log")" = 1
check "a key meanwhile goes nowhere" bash -c "! grep -q 'key 0x77' '$T/shared.log' '$T/neighbour.log'"
xdotool windowmap "$wid"
sleep 0.3
"$TOOLS/vncinput" "127.0.0.1:$view_port" --ppm "$T/remapped.ppm" >"$T/v8.log" 2>&1
check "mapped again, it is the window again" same_picture "$T/remapped.ppm" "$T/want320.ppm"

# Resize: the viewer gets the new size and the repainted window.
"$TOOLS/vncinput" "127.0.0.1:$view_port" --wait-size 400 300 --size --ppm "$T/resized.ppm" >"$T/v6.log" 2>&1 &
resizer=$!
PIDS+=($resizer)
sleep 0.5
xdotool windowsize "$wid" 400 300
wait "$resizer"
check "a resize reaches the connected viewer" grep -q '^size 400 300$' "$T/v6.log"
check "its pixels are the resized window's" same_picture "$T/resized.ppm" "$T/want400.ppm"
check "the server followed" grep -q "now 400x300" "$T/serve.log"

# Destroyed: sharing ends, saying why.
kill "$shared_pid"
check "the window's end ends the sharing, said clearly" wait_until 5 grep -q "shared window $wid was destroyed" "$T/serve.log"

# A window that is not there is a clear error at start.
# (A configuration value is one word: ? and * stand for spaces there.)
cat >"$T/none.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$(free_port)
share_window    no?such?window
CONF
"$SIPVNC" -c "$T/none.conf" >"$T/none.log" 2>&1
check "a missing window: sipvnc refuses to start" test $? != 0
check "saying which" grep -q "no mapped window titled 'no?such?window'" "$T/none.log"
"$SIPVNC" -c "$T/none.conf" --share-window 0x1fff0001 >"$T/noid.log" 2>&1
check "a window id that does not exist: refused too" grep -q "there is no window 0x1fff0001" "$T/noid.log"
sed -i '/^share_window/d' "$T/none.conf"   # a key twice is its own error
printf 'share_window x\nshare_monitor y\n' >>"$T/none.conf"
"$SIPVNC" -c "$T/none.conf" >"$T/both.log" 2>&1
check "share_window and share_monitor together are refused" grep -q "exclude each other" "$T/both.log"

if [ "$failed" != 0 ]; then
	for f in serve view shared neighbour v1 v2 v4 v5 v6 v7 v8 none both; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish capture_window
