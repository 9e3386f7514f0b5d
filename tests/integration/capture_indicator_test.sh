#!/usr/bin/env bash
# The person at the screen sees who watches: a notice on the shared
# display names each viewer (caller, view or control), stays in front of
# other windows without taking the keyboard focus, and its "Stop sharing"
# button ends every call (BYE within 1 s).  `indicator no` turns it off.
source "$(dirname "$0")/../lib.sh"

start_xvfb 800x600x24 || exit 1
write_serve_conf "allow           sip:alice@127.0.0.1 control" "allow           sip:bob@127.0.0.1" \
	"indicator       yes"
start_sipvnc serve -c "$T/serve.conf"
up() { grep -q "try: " "$T/serve.log"; }
check "serve starts" wait_until 10 up

notice() { xdotool search --name "^sipvnc: screen shared$" 2>/dev/null | head -1; }
visible() { local w; w=$(notice); [ -n "$w" ] && xwininfo -id "$w" 2>/dev/null | grep -q "IsViewable"; }
hidden() { ! visible; }
check "no notice while nobody watches" hidden

# A window of the user's, over the whole screen, with the keyboard focus.
"$BUILD/tools/xwin" userwin 336699 0 0 800 600 >"$T/xwin.id" 2>"$T/xwin.log" &
PIDS+=($!)
wait_until 5 test -s "$T/xwin.id"
uw=$(( $(awk '{print $2; exit}' "$T/xwin.id") ))
xdotool windowfocus --sync "$uw" 2>/dev/null

viewer() { # viewer NAME: a sipvnc view calling serve as sip:NAME@127.0.0.1
	local name=$1 port; port=$(free_port)
	printf 'sip_listen 127.0.0.1:0\nsip_user %s\n' "$name" >"$T/$name.conf"
	start_sipvnc "v_$name" view "sip:sipvnc@127.0.0.1:$serve_port" -c "$T/$name.conf" --listen "127.0.0.1:$port"
	wait_until 10 grep -q "connect a VNC viewer" "$T/v_$name.log" 2>/dev/null
	"$BUILD/tools/vncgrab" "127.0.0.1:$port" "$T/$name.ppm" --hold 30 >"$T/$name.grab" 2>&1 &
	eval "${name}_grab=$!"
	PIDS+=($!)
}
focus_before=$(xdotool getwindowfocus 2>/dev/null)
check "the user's window has the focus" test "$focus_before" = "$uw"
viewer alice
viewer bob
both_up() { [ "$(grep -c "media up" "$T/serve.log")" -ge 2 ]; }
check "two calls are up" wait_until 15 both_up
# seen once (ci20, ASan): the second call never came up; say why next time
both_up || for f in v_alice.log v_bob.log alice.grab bob.grab; do
	echo "    --- $f"; tail -5 "$T/$f" 2>/dev/null | sed 's/^/    /'
done
check "the notice shows" wait_until 5 visible
win=$(notice)
name_of() { xwininfo -id "$win" | sed -n 's/.*"\(.*\)".*/\1/p' | head -1; }
check "it is override-redirect (no window manager focuses it)" \
	bash -c "xwininfo -id $win | grep -q 'Override Redirect State: yes'"
viewers=$(xprop -id "$win" _SIPVNC_VIEWERS 2>/dev/null)
echo "    $viewers"
check "it names alice with control" grep -q 'sip:alice@127.0.0.1 (control)' <<<"$viewers"
check "and bob with view" grep -q 'sip:bob@127.0.0.1 (view)' <<<"$viewers"
check "WM_HINTS says input False" bash -c "xprop -id $win WM_HINTS | grep -q 'False'"
check "the keyboard focus did not move to it" test "$(xdotool getwindowfocus 2>/dev/null)" != "$win"
check "the focus is where it was" test "$(xdotool getwindowfocus 2>/dev/null)" = "$focus_before"

# The stacking: it is the top-most child of the root.
# (xwininfo lists the children top first)
top=$(xwininfo -root -children | sed -n 's/^ *\(0x[0-9a-f]*\) .*/\1/p' | head -1)
check "it is in front of every other window" test "$((top))" = "$((win))"
# the user's window raised over it: it comes back on top
xdotool windowraise "$uw" 2>/dev/null
on_top() { [ "$(( $(xwininfo -root -children | sed -n 's/^ *\(0x[0-9a-f]*\) .*/\1/p' | head -1) ))" = "$((win))" ]; }
check "raised over by another window, it comes back on top" wait_until 3 on_top

geom=$(xwininfo -id "$win" | sed -n 's/.*Height: *//p')
check "it is tall enough for a line per viewer (height $geom for 2)" test "${geom:-0}" -ge 80

# Click "Stop sharing": every call ends (BYE) within 1 s.
eval "$(xdotool getwindowgeometry --shell "$win")"
bx=$((X + WIDTH - 10 - 55)); by=$((Y + HEIGHT - 10 - 12))
t0=$(date +%s%N)
xdotool mousemove "$bx" "$by" click 1
ended() { [ "$(grep -c "closed: 0 peer hung up" "$T/v_alice.log" "$T/v_bob.log" | awk -F: '{s+=$2} END {print s}')" -ge 2 ]; }
wait_until 3 ended
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a click on Stop sharing ends both calls with a BYE (${ms} ms)" ended
check "within 1 s" test "$ms" -lt 1000
check "the audit lines say why" test "$(grep -c 'end="stopped at the screen (Stop sharing)"' "$T/serve.log")" = 2
check "the notice goes away" wait_until 3 hidden
check "serve runs on for the next call" kill -0 "$serve_pid"

# indicator no: nothing shows.
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
write_serve_conf "allow           sip:*@127.0.0.1" "indicator       no"
start_sipvnc serve2 -c "$T/serve.conf"
wait_until 10 grep -q "try: " "$T/serve2.log"
viewer carol
carol_up() { grep -q "media up" "$T/serve2.log"; }
check "indicator no: a call is up" wait_until 15 carol_up
sleep 0.5
check "and no notice shows" hidden

# The screen resized (RandR; Xvfb cannot, Xorg's dummy driver can): the
# notice moves to the new top right corner.
if command -v Xorg >/dev/null && [ -e /usr/lib/xorg/modules/drivers/dummy_drv.so ]; then
	kill "$serve2_pid"; wait "$serve2_pid" 2>/dev/null
	if start_xorg_dummy; then
		write_serve_conf "allow           sip:*@127.0.0.1" "indicator       yes"
		start_sipvnc serve3 -c "$T/serve.conf"
		wait_until 10 grep -q "try: " "$T/serve3.log"
		viewer dave
		# the window exists, unmapped at 0,0, from serve's start: its
		# place means something only once a call has shown it
		check "on Xorg a call shows the notice" wait_until 20 visible
		win=$(notice)
		right() { eval "$(xdotool getwindowgeometry --shell "$win")"; echo $((X + WIDTH)); }
		at_edge() { [ "$(right)" -gt 1000 ] && [ "$(right)" -le 1024 ]; }
		check "on 1024x768 the notice is at the right edge ($(right))" at_edge
		xrandr -s 800x600 >/dev/null 2>&1
		moved() { [ "$(right)" -gt 776 ] && [ "$(right)" -le 800 ]; }
		check "after xrandr -s 800x600 it is at the new right edge" wait_until 5 moved
	else
		bad "Xorg (dummy) did not start"
	fi
fi

finish capture_indicator
