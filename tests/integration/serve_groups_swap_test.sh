#!/usr/bin/env bash
# encode_groups (issue 14): a grouped viewer that changes its settings
# keeps its call.  A viewer leaves its group when it sends a new pixel
# format or encodings, and its own encoder restarts with a whole frame;
# that restart must wait until the encoder has applied what the viewer
# sent, or libvncserver encodes the frame while its settings change
# under it and the framer of that stream meets bytes it cannot frame
# (the call ended as "viewer sent bad RFB", about 1 run in 13 of
# serve_groups_test).  Here three viewers, each through its own call,
# join a steady viewer's group and swap their pixel format again and
# again (to 16 bits a pixel, whose stream misread in the old format
# breaks at once, or red and blue swapped; the format alone first and
# the encodings 5 ms later, as RFC 6143 allows, or together): every
# leave must keep its call, and the steady viewer's last frame must equal
# the X screen (serve_groups_test checks a leaver's pixels).
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

serve_group_scene 1024x768 800x600 4 a b c d

# the steady member the others group with
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds 14 --ppm "$T/a.ppm" >"$T/a.out" 2>&1 &
pa=$!
PIDS+=($pa)
# a swapper: calls one after another, each joining the group, then
# swapping its format 3 times (only the first leaves: a leaver waits
# 5 s before it may join again)
swapper() {
	local port=$1 name=$2 i
	shift 2
	for i in 1 2 3 4; do
		"$TOOLS/vncbench" "127.0.0.1:$port" --seconds 2.4 \
			--swap-format 0.6 --swaps 3 "$@" \
			--ppm "$T/$name.ppm" >"$T/$name.$i.out" 2>&1 ||
			{ echo "$name call $i failed (exit $?):"; tail -3 "$T/$name.$i.out"; } >>"$T/lost.$name"
	done
}
swapper "$port_b" b --swap-16 &
sb=$!
swapper "$port_c" c --swap-16 --swap-gap 5 &
sc=$!
swapper "$port_d" d --swap-gap 5 &
sd=$!
PIDS+=($sb $sc $sd)
wait $sb $sc $sd
kill "$demo"
wait "$demo" 2>/dev/null
wait "$pa"
leaves=$(grep -c "left its group: it changed its pixel format" "$T/serve.log")
joins=$(grep -c "joined its group" "$T/serve.log")
echo "  $joins joins, $leaves leaves on a new format"
check "viewers joined the group and left it on a new format, many times" \
	eval "[ $joins -ge 6 ] && [ $leaves -ge 4 ]"
# libvncclient reads an update that was on its way as the swap went out
# in the new format: at 16 bits that can end the viewer's own call (its
# fault, not ours), so only d (same size of pixel) must keep every call
echo "  calls the 16-bit swappers lost themselves: $(cat "$T"/lost.[bc] 2>/dev/null | grep -c "call .* failed")"
check "every call of the viewer that swapped red and blue kept going" \
	eval "[ ! -s '$T/lost.d' ]"
check "no call ended as bad RFB from the viewer" \
	eval "! grep -q 'viewer sent bad RFB' '$T/serve.log'"
check "no stream to a grouped viewer was unframable" \
	eval "! grep -q 'cannot be framed' '$T/serve.log'"
check "the X screen settles" wait_x_settled "$T/x.ppm"
check "the steady viewer's last frame equals the X screen" \
	same_picture "$T/x.ppm" "$T/a.ppm"
check "the desktop is still running" kill -0 "$serve_pid"
[ "$failed" = 0 ] || {
	cat "$T"/lost.* 2>/dev/null
	# where a swapper lost a call: its view's side of it
	for v in b c d; do
		[ -s "$T/lost.$v" ] || continue
		echo "--- view$v.log"; grep -v "^$" "$T/view$v.log" | tail -12
	done
	echo "--- a.out"; tail -5 "$T/a.out"
	# the why of an ended call first: the log's tail is mostly hang-ups
	echo "--- serve.log, calls that failed"
	grep -E "cannot be framed|bad RFB|encoder|fell behind" "$T/serve.log" | head -10
	echo "--- serve.log"; grep -v "^$" "$T/serve.log" | tail -30
}
finish serve_groups_swap
