#!/usr/bin/env bash
# The clipboard in UTF-8, for viewers speaking the RFB Extended Clipboard:
# alice (control) gets what an X client copies with every character intact
# and her UTF-8 text becomes X's CLIPBOARD; carol (control) accepts only 4
# bytes unsolicited, so she is notified and asks for it; bob (view only)
# gets nothing and cannot set it; dave, a classic viewer (control), still
# gets Latin-1, '?' for the rest.  Real parts: Xvfb, sipvnc serve +
# sipvnc view per viewer, rfbclip (raw RFB with real zlib), vncgrab
# (libvncclient), and an xcb client owning and reading the selections.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
FROM_X='Grüße — 東京 ✓'
FROM_X_LATIN1='Grüße ? ?? ?'   # what a classic viewer can get of it
FROM_ALICE='Ünïcödé → 日本語 ✓'
FROM_BOB='bob wäs hére ✗'

start_xvfb 640x480x24 || exit 1

port=$(free_port)
{
	printf 'display %s\nsip_listen 127.0.0.1:%s\n' "$DISPLAY" "$port"
	for who in alice carol dave; do printf 'allow sip:%s@127.0.0.1 control\n' "$who"; done
	printf 'allow sip:bob@127.0.0.1 view\n'
} >"$T/serve.conf"
start_sipvnc serve serve -c "$T/serve.conf"
check "sipvnc serve starts" wait_until 10 port_open "$port"
for who in alice bob carol dave; do
	printf 'sip_listen 127.0.0.1:0\nsip_user %s\n' "$who" >"$T/$who.conf"
	eval "${who}_port=$(free_port)"
	start_sipvnc "view_$who" view "sip:sipvnc@127.0.0.1:$port" \
		-c "$T/$who.conf" --listen "127.0.0.1:$(eval echo "\$${who}_port")"
done
for who in alice bob carol dave; do
	check "the view for $who listens" wait_until 10 port_open "$(eval echo "\$${who}_port")"
done
sleep 0.5   # the probes above were calls too: let them end

clip_is() { # clip_is TEXT: X's CLIPBOARD holds TEXT
	[ "$("$TOOLS/xclipboard" get --timeout 2 2>/dev/null)" = "$1" ]
}

# The viewers wait; bob (view only) also tries to set the clipboard.
"$TOOLS/rfbclip" "127.0.0.1:$alice_port" --expect "$FROM_X" --timeout 20 >"$T/alice.log" 2>&1 &
alice=$!
"$TOOLS/rfbclip" "127.0.0.1:$carol_port" --expect "$FROM_X" --max-size 4 --timeout 20 >"$T/carol.log" 2>&1 &
carol=$!
"$TOOLS/rfbclip" "127.0.0.1:$bob_port" --send "$FROM_BOB" --hold 12 --timeout 12 >"$T/bob.log" 2>&1 &
bob=$!
"$TOOLS/vncgrab" "127.0.0.1:$dave_port" "$T/dave.ppm" --expect-cut-text "$FROM_X_LATIN1" \
	--print-cut-text --timeout 20 >"$T/dave.log" 2>&1 &
dave=$!
PIDS+=($alice $carol $bob $dave)
check "bob (view) sends his UTF-8 text" wait_until 10 grep -q "^sent" "$T/bob.log"
check "dave (classic) gets a frame" wait_until 10 test -s "$T/dave.ppm"
sleep 1
check "bob's text does not reach X" bash -c "! '$TOOLS/xclipboard' get --timeout 2 2>/dev/null | grep -qF 'bob w'"

"$TOOLS/xclipboard" set "$FROM_X" --serve 30 >"$T/xowner.log" 2>&1 &
PIDS+=($!)
wait "$alice"
check "alice (extended, control) gets the X clipboard in UTF-8, intact" test $? = 0
wait "$carol"
check "carol (extended, 4 bytes unsolicited) gets it after Notify and Request" test $? = 0
check "carol was notified first" grep -q "^notify" "$T/carol.log"
wait "$dave"
check "dave (classic) gets Latin-1 with '?' for the rest" test $? = 0
check "dave got it as classic cut text" grep -qxF "cut text: $FROM_X_LATIN1" "$T/dave.log"
wait "$bob"
check "bob (view) stayed connected" test $? = 0
check "bob (view) never got any text" bash -c "! grep -q -e '^utf8:' -e '^latin1:' -e '^notify' '$T/bob.log'"

# alice copies on her side: X clients see her UTF-8 text.
if "$TOOLS/rfbclip" "127.0.0.1:$alice_port" --send "$FROM_ALICE" --timeout 10 >"$T/alice2.log" 2>&1; then
	ok "alice sends her UTF-8 text"
else
	bad "alice could not send ($(tail -1 "$T/alice2.log"))"
fi
check "alice's text is X's CLIPBOARD, intact" wait_until 5 clip_is "$FROM_ALICE"
check "the X client that owned it lost it" wait_until 5 grep -q "^lost" "$T/xowner.log"

# Past 64 KiB the Provide's zlib stream takes several blocks.
BIG=$(printf '東京✓%.0s' $(seq 11000))   # 99000 bytes
"$TOOLS/rfbclip" "127.0.0.1:$alice_port" --expect "$BIG" --timeout 20 >"$T/alice3.log" 2>&1 &
alice=$!
PIDS+=($alice)
sleep 1
"$TOOLS/xclipboard" set "$BIG" --serve 25 >"$T/xowner_big.log" 2>&1 &
PIDS+=($!)
wait "$alice"
check "alice gets 99000 bytes of UTF-8 intact" test $? = 0

check "the server logs no clipboard content" bash -c \
	"! grep -qF -e 'Grüße' -e '東京' -e 'Ünïcödé' -e 'bob w' '$T/serve.log'"
check "the server logs UTF-8 sends" grep -q "clipboard: .* bytes to 3 viewer(s), 2 in UTF-8" "$T/serve.log"
check "only alice's text was taken" test "$(grep -c 'bytes (UTF-8) from a viewer' "$T/serve.log")" = 1

if [ "$failed" != 0 ]; then
	for f in serve view_alice view_bob alice carol bob dave alice2 alice3 xowner xowner_big; do
		[ -f "$T/$f.log" ] && { echo "--- $f.log"; tail -15 "$T/$f.log"; }
	done
fi
finish capture_clipboard_utf8
