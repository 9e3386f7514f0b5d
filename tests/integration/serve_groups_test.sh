#!/usr/bin/env bash
# encode_groups (issue 14): viewers of the same settings share one
# encoding.  Two lossless Tight viewers and one of other settings (ZRLE)
# watch a 30 fps animation; a third Tight viewer joins in the middle of
# it, and one of the first two changes its pixel format (so leaves the
# group for an encoder of its own); the animation stops and every
# viewer's last frame must equal the X screen.  The log must show the
# group form, the joiner join and the leaver leave, and nobody fall out.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

serve_group_scene 640x480 400x300 4 a b c d

SECS=8
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds $SECS --ppm "$T/a.ppm" >"$T/a.out" 2>&1 &
pa=$!
"$TOOLS/vncbench" "127.0.0.1:$port_b" --seconds $SECS --swap-format 3 --ppm "$T/b.ppm" >"$T/b.out" 2>&1 &
pb=$!
VNCBENCH_ENCODINGS="zrle copyrect raw" "$TOOLS/vncbench" "127.0.0.1:$port_c" \
	--seconds $SECS --ppm "$T/c.ppm" >"$T/c.out" 2>&1 &
pc=$!
PIDS+=($pa $pb $pc)
check "the two like viewers form a group" wait_until 10 grep -q "share one encoding" "$T/serve.log"
check "a viewer switched to the group's encoding" wait_until 10 grep -q "joined its group" "$T/serve.log"
sleep 1
# a joiner in the middle of the animation
"$TOOLS/vncbench" "127.0.0.1:$port_d" --seconds 5 --ppm "$T/d.ppm" >"$T/d.out" 2>&1 &
pd=$!
PIDS+=($pd)
check "the joiner got its first frame" wait_until 10 grep -q first_frame_ms "$T/d.out"
check "three viewers joined the group's encoding" wait_until 10 eval \
	"[ \$(grep -c 'joined its group' '$T/serve.log') -ge 3 ]"
check "the viewer that changed its pixel format left" wait_until 10 grep -q \
	"left its group: it changed its pixel format" "$T/serve.log"
sleep 0.5
kill "$demo"
wait "$demo" 2>/dev/null
check "the X screen settles" wait_x_settled "$T/x.ppm"
for p in $pa $pb $pc $pd; do wait "$p"; done
for v in a b c d; do
	check "viewer $v's last frame equals the X screen" same_picture "$T/x.ppm" "$T/$v.ppm"
done
echo "  $(grep -c 'joined its group' "$T/serve.log") joins;" \
	"$(grep 'left its group' "$T/serve.log" | sed 's/.*: //' | sort | uniq -c | tr '\n' ';')"
check "no viewer fell out of the group" eval "! grep -q 'fell behind' '$T/serve.log'"
check "the desktop is still running" kill -0 "$serve_pid"
[ "$failed" = 0 ] || { echo "--- serve.log"; tail -30 "$T/serve.log"; for v in a b c d; do echo "--- $v.out"; tail -3 "$T/$v.out"; done; }
finish serve_groups
