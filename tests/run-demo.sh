#!/usr/bin/env bash
# make run: start sipvnc on the embedded default.  Shares $DISPLAY, or a
# private Xvfb with the demo client when there is none; SIP on 127.0.0.1
# without a registrar; callers from 127.0.0.1 may view and control.
set -eu
cd "$(dirname "$0")/.."
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
if [ -z "${DISPLAY:-}" ] || ! xdpyinfo >/dev/null 2>&1; then
	command -v Xvfb >/dev/null || { echo "no \$DISPLAY and no Xvfb: apt-get install xvfb"; exit 1; }
	fifo=$(mktemp -u); mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
	pids+=($!)
	read -r num <"$fifo"; rm -f "$fifo"
	export DISPLAY=":$num"
	build/tools/xdemo >/dev/null &
	pids+=($!)
	echo "sipvnc: no X display given; sharing a private Xvfb $DISPLAY with a demo client"
fi
"${SIPVNC:-build/sipvnc}" -c conf/demo.conf
