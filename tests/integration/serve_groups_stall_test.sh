#!/usr/bin/env bash
# encode_groups with a member that stops reading (issue 14: a slow viewer
# never slows the others or grows memory).  Three viewers of the same
# settings share one encoding of a 30 fps animation; then one's `sipvnc
# view` is stopped (SIGSTOP), so the desktop's MSRP send to it backs up.
# It must leave the group (the log says it fell behind), the others' frames
# per second must hold, the desktop's memory stay flat, and after it is
# let go (SIGCONT) every viewer's last frame must equal the X screen.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
rss_quiet_asan

serve_group_scene 640x480 400x300 3 a b s

"$TOOLS/vncbench" "127.0.0.1:$port_s" --seconds 12 --ppm "$T/s.ppm" >"$T/s.out" 2>&1 &
ps=$!
"$TOOLS/vncbench" "127.0.0.1:$port_b" --seconds 12 --ppm "$T/b.ppm" >"$T/b.out" 2>&1 &
pb=$!
PIDS+=($ps $pb)
check "two viewers share one encoding" wait_until 10 eval \
	"[ \$(grep -c 'joined its group' '$T/serve.log') -ge 2 ]"
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds 2 >"$T/alone.out" 2>&1
fps0=$(bench_fps "$T/alone.out")
rss0=$(rss_kb "$serve_pid")
kill -STOP "$views_pid"
( while kill -0 "$serve_pid" 2>/dev/null; do rss_kb "$serve_pid"; sleep 0.2; done ) >"$T/rss.log" &
sampler=$!
PIDS+=($sampler)
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds 3 --ppm "$T/a.ppm" >"$T/beside.out" 2>&1
fps1=$(bench_fps "$T/beside.out")
check "the stopped member left its group" grep -q "left its group: it fell behind" "$T/serve.log"
kill -CONT "$views_pid"
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
peak=$(sort -n "$T/rss.log" | tail -1)
echo "  frames/s ${fps0:-?} before, ${fps1:-?} beside the stopped member;" \
	"RSS ${rss0} kB before, ${peak:-?} kB at most"
check_unslowed_flat "$fps0" "$fps1" "$rss0" "$peak" "the others are"
kill "$demo"
wait "$demo" 2>/dev/null
check "the X screen settles" wait_x_settled "$T/x.ppm"
"$TOOLS/vncbench" "127.0.0.1:$port_a" --seconds 1 --ppm "$T/a.ppm" >"$T/a.out" 2>&1
wait "$ps" "$pb"
for v in a b s; do
	check "viewer $v's last frame equals the X screen" same_picture "$T/x.ppm" "$T/$v.ppm"
done
check "the desktop is still running" kill -0 "$serve_pid"
[ "$failed" = 0 ] || { echo "--- serve.log"; grep -E "group|ended|warn" "$T/serve.log" | tail -20; for v in s b beside; do echo "--- $v.out"; tail -3 "$T/$v.out"; done; }
finish serve_groups_stall
