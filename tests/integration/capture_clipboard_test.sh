#!/usr/bin/env bash
# The clipboard between X and viewers, by rights: alice (control) gets what
# an X client copies, non-ASCII intact, and what she sends becomes X's
# CLIPBOARD and PRIMARY; bob (view only) gets nothing and cannot set it.
# Then `clipboard off` (nobody) and `clipboard all` (bob too).  Real parts:
# Xvfb, sipvnc serve + sipvnc view per viewer, libvncclient viewers, and an
# xcb client owning and reading the selections.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
FROM_X='Grüße, naïve café'           # Latin-1 can carry it to old viewers
FROM_ALICE='Größe ½ ünïcödé'
FROM_BOB='bob was here'

start_xvfb 640x480x24 || exit 1

# start_desktop NAME [CLIPBOARD_POLICY]: sipvnc serve, and one sipvnc view
# each for alice and bob; sets alice_port and bob_port.
start_desktop() {
	local name=$1 policy=${2:-} port who
	port=$(free_port)
	{
		printf 'display %s\nsip_listen 127.0.0.1:%s\n' "$DISPLAY" "$port"
		printf 'allow sip:alice@127.0.0.1 control\nallow sip:bob@127.0.0.1 view\n'
		[ -z "$policy" ] || printf 'clipboard %s\n' "$policy"
	} >"$T/$name.conf"
	start_sipvnc "$name" serve -c "$T/$name.conf"
	wait_until 10 port_open "$port" || return 1
	for who in alice bob; do
		printf 'sip_listen 127.0.0.1:0\nsip_user %s\n' "$who" >"$T/$who.conf"
		eval "${who}_port=$(free_port)"
		start_sipvnc "${name}_view_$who" view "sip:sipvnc@127.0.0.1:$port" \
			-c "$T/$who.conf" --listen "127.0.0.1:$(eval echo "\$${who}_port")"
	done
	wait_until 10 port_open "$alice_port" && wait_until 10 port_open "$bob_port" || return 1
	sleep 0.5   # the probes above were calls too: let them end
}

clip_is() { # clip_is TEXT [--primary]: X's selection holds TEXT
	[ "$("$TOOLS/xclipboard" get "${@:2}" --timeout 2 2>/dev/null)" = "$1" ]
}
not_clip_is() { ! clip_is "$@"; }

check "sipvnc serve and two views start" start_desktop serve

# bob, view only, stays connected throughout, and tries to set it.
"$TOOLS/vncgrab" "127.0.0.1:$bob_port" "$T/bob.ppm" --send-cut-text "$FROM_BOB" \
	--print-cut-text --hold 15 >"$T/bob.log" 2>&1 &
bob=$!
PIDS+=($bob)
check "bob (view) gets a frame and sends his cut text" wait_until 10 grep -q "sent cut text" "$T/bob.log"
sleep 1
check "bob's text does not reach X" not_clip_is "$FROM_BOB"

# alice waits for what an X client copies.
"$TOOLS/vncgrab" "127.0.0.1:$alice_port" "$T/alice.ppm" --expect-cut-text "$FROM_X" \
	--timeout 20 >"$T/alice.log" 2>&1 &
alice=$!
PIDS+=($alice)
check "alice (control) gets a frame" wait_until 10 test -s "$T/alice.ppm"
"$TOOLS/xclipboard" set "$FROM_X" --serve 30 >"$T/xowner.log" 2>&1 &
PIDS+=($!)
wait "$alice"
check "alice gets the X clipboard, non-ASCII intact" test $? = 0

# alice copies on her side: X clients see it, in UTF-8, as both selections.
if "$TOOLS/vncgrab" "127.0.0.1:$alice_port" "$T/alice2.ppm" --send-cut-text "$FROM_ALICE" >"$T/alice2.log" 2>&1; then
	ok "alice sends her cut text"
else
	bad "alice could not send ($(tail -1 "$T/alice2.log"))"
fi
check "alice's text is X's CLIPBOARD" wait_until 5 clip_is "$FROM_ALICE"
check "and PRIMARY" clip_is "$FROM_ALICE" --primary
check "and STRING (Latin-1) for old X clients" bash -c \
	"'$TOOLS/xclipboard' get --target STRING | iconv -f LATIN1 -t UTF-8 | grep -qxF '$FROM_ALICE'"
check "the X client that owned it lost it" wait_until 5 grep -q "^lost" "$T/xowner.log"

sleep 0.5
check "bob (view) never got any cut text" bash -c "! grep -q 'cut text:' '$T/bob.log'"
check "bob stayed connected" kill -0 "$bob"
check "the server logs no clipboard content" bash -c \
	"! grep -qF -e 'Grüße' -e 'Größe' -e '$FROM_BOB' '$T/serve.log'"
check "the server logs the lengths" grep -q "clipboard: .* bytes" "$T/serve.log"
check "only alice's text was taken" test "$(grep -c 'bytes from a viewer' "$T/serve.log")" = 1
kill "$bob" 2>/dev/null

# clipboard off: alice, with control, neither gets nor sets it.
check "a desktop with clipboard off starts" start_desktop off off
"$TOOLS/vncgrab" "127.0.0.1:$alice_port" "$T/off.ppm" --expect-cut-text "$FROM_X" \
	--send-cut-text "$FROM_BOB" --timeout 6 >"$T/alice_off.log" 2>&1 &
alice=$!
PIDS+=($alice)
wait_until 10 test -s "$T/off.ppm"
"$TOOLS/xclipboard" set "$FROM_X" --serve 8 >"$T/xowner_off.log" 2>&1 &
PIDS+=($!)
wait "$alice"
check "clipboard off: alice gets nothing" test $? = 4
check "clipboard off: alice's text does not reach X" clip_is "$FROM_X"

# clipboard all: bob, view only, gets it too.
check "a desktop with clipboard all starts" start_desktop all all
"$TOOLS/vncgrab" "127.0.0.1:$bob_port" "$T/all.ppm" --expect-cut-text "$FROM_ALICE" \
	--timeout 15 >"$T/bob_all.log" 2>&1 &
bob=$!
PIDS+=($bob)
wait_until 10 test -s "$T/all.ppm"
"$TOOLS/xclipboard" set "$FROM_ALICE" --serve 8 >"$T/xowner_all.log" 2>&1 &
PIDS+=($!)
wait "$bob"
check "clipboard all: bob (view) gets it" test $? = 0

if [ "$failed" != 0 ]; then
	for f in serve serve_view_alice serve_view_bob bob alice alice2 xowner off alice_off all bob_all; do
		[ -f "$T/$f.log" ] && { echo "--- $f.log"; tail -15 "$T/$f.log"; }
	done
fi
finish capture_clipboard
