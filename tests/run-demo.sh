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
# the browser gateway on loopback: its address carries a secret token
weblog=$(mktemp)
"${SIPVNC:-build/sipvnc}" web >"$weblog" 2>&1 &
pids+=($!)
url=
for _ in $(seq 50); do
	url=$(grep -o 'http://[^ ]*?token=[0-9a-f]*' "$weblog") && break
	sleep 0.1
done
if [ -n "$url" ]; then
	echo "sipvnc: or in a browser: $url&call=sip:sipvnc@127.0.0.1:5060"
else
	echo "sipvnc: no browser gateway: $(tail -1 "$weblog")"
fi
rm -f "$weblog"
"${SIPVNC:-build/sipvnc}" -c conf/demo.conf
