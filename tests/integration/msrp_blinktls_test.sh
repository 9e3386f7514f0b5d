#!/usr/bin/env bash
# Blink as it ships: TCP/TLS/MSRP with a self-signed certificate and no
# a=fingerprint (tests/tools/blinkpeer.py behaves so on the wire: actpass
# with a TLS listener, active, passive, bind first, 2 KiB SENDs with
# Failure-Report: partial).  It must reach, encrypted, in every role:
#  - serve (default config, so also msrp_tls no answering TLS in kind),
#    Blink offering actpass, active and passive;
#  - view without URI, Blink sharing its screen (x11vnc behind it);
#  - share, Blink answering; view URI, Blink answering and sharing.
# Pixels are compared with the X screen each time, and each call logs once
# that the peer's certificate was not authenticated.  Then
# msrp_tls_require_auth refuses the same peer with 488 naming the reason
# (in a BYE's Reason when Blink answered share), and a wrong a=fingerprint
# is still refused.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools
PEER="python3 $TOP/tests/tools/blinkpeer.py"

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
wait_x_settled "$T/x.ppm" || exit 1

has() { grep -qs -- "$2" "$T/$1.log"; }
count() { grep -c -- "$2" "$T/$1.log"; }

# peer_view NAME SETUP ARGS...: the peer calls as a viewer, vncgrab behind
# it; true when a frame arrived and equals the X screen.
peer_view() {
	local name=$1 setup=$2; shift 2
	local lp; lp=$(free_port)
	$PEER --sip "127.0.0.1:$(free_port)" --dir "$T/blink" --setup "$setup" \
		--rfb client --local "127.0.0.1:$lp" --timeout 20 "$@" \
		>"$T/$name.log" 2>&1 &
	local peer=$!
	PIDS+=($peer)
	wait_until 10 has "$name" "local: listening" || return 1
	"$TOOLS/vncgrab" "127.0.0.1:$lp" "$T/$name.ppm" --timeout 10 \
		>"$T/$name-grab.log" 2>&1
	local rc=$?
	wait "$peer"
	[ $rc = 0 ] && cmp -s "$T/x.ppm" "$T/$name.ppm"
}

# ---- serve, default configuration but for msrp_setup active: an actpass
# offer makes serve connect to Blink's TLS listener (view below answers
# actpass passive, the default) ----
write_serve_conf "allow           sip:blink@127.0.0.1 control" \
	"msrp_tls_dir    $T/serve-tls" "msrp_setup      active"
start_sipvnc serve -c "$T/serve.conf"
check "serve listens" wait_until 10 port_open "$serve_port"
desk="sip:desktop@127.0.0.1:$serve_port"
for setup in actpass active passive; do
	check "Blink ($setup) views serve over TLS, pixels equal the screen" \
		peer_view "serve-$setup" "$setup" --call "$desk"
	check "  serve answered TCP/TLS/MSRP, no fingerprint needed" \
		has "serve-$setup" "answer: TCP/TLS/MSRP"
	check "  the MSRP stream was TLS" has "serve-$setup" "msrp: TLS TLSv1"
done
check "serve connected to Blink's listener for actpass and passive, Blink for active" \
	bash -c "grep -q 'MSRP passive' '$T/serve-actpass.log' &&
		 grep -q 'MSRP active' '$T/serve-active.log' &&
		 grep -q 'MSRP passive' '$T/serve-passive.log'"
check "serve logged 'not authenticated' once for each of the 3 calls" \
	test "$(count serve "certificate is not authenticated (no a=fingerprint")" = 3
check "serve sent RFB only after the bind (no SEND before the 200)" \
	bash -c "! grep -q 'SEND before our bind' '$T'/serve-*.log"

# ---- the strict key refuses the same peer with 488 ----
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
write_serve_conf "allow           sip:blink@127.0.0.1 control" \
	"msrp_tls_dir    $T/serve-tls" "msrp_tls_require_auth yes"
start_sipvnc strict -c "$T/serve.conf"
check "strict serve listens" wait_until 10 port_open "$serve_port"
desk="sip:desktop@127.0.0.1:$serve_port"
for setup in actpass passive; do
	$PEER --sip "127.0.0.1:$(free_port)" --dir "$T/blink" --setup "$setup" \
		--rfb client --local "127.0.0.1:$(free_port)" --timeout 10 \
		--call "$desk" >"$T/strict-$setup.log" 2>&1
	check "msrp_tls_require_auth: Blink ($setup) gets 488 naming the reason" \
		has "strict-$setup" 'final: 488 .*Warning: 399 sipvnc ".*msrp_tls_require_auth'
done
check "strict serve started no media" bash -c "! grep -q 'media up' '$T/strict.log'"

# ---- a wrong fingerprint is still refused (default config) ----
kill "$strict_pid"; wait "$strict_pid" 2>/dev/null
write_serve_conf "allow           sip:blink@127.0.0.1 control" \
	"msrp_tls_dir    $T/serve-tls"
start_sipvnc serve2 -c "$T/serve.conf"
check "serve listens again" wait_until 10 port_open "$serve_port"
desk="sip:desktop@127.0.0.1:$serve_port"
wrong="SHA-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
for setup in active passive; do
	if peer_view "wrong-$setup" "$setup" --call "$desk" --fingerprint "$wrong"; then
		bad "a wrong fingerprint ($setup) let a frame through"
	else
		ok "a wrong fingerprint ($setup) gets no frame"
	fi
done
check "serve says the certificate does not match, twice" \
	test "$(count serve2 "does not match the SDP fingerprint")" = 2
check "no media with a wrong fingerprint" bash -c "! grep -q 'media up' '$T/serve2.log'"
kill "$serve2_pid"; wait "$serve2_pid" 2>/dev/null

# ---- view without URI: Blink shares its screen ----
x11=$(free_port)
x11vnc -display "$DISPLAY" -rfbport "$x11" -localhost -shared -forever -nopw \
	-quiet >"$T/x11vnc.log" 2>&1 &
PIDS+=($!)
check "x11vnc serves the screen Blink shares" wait_until 10 port_open "$x11"
vsip=$(free_port)
vport=$(free_port)
cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:$vsip
allow           sip:blink@127.0.0.1
msrp_tls_dir    $T/view-tls
CONF
start_sipvnc view view -c "$T/view.conf" --listen "127.0.0.1:$vport"
check "view waits for a share" wait_until 10 has view "connect a VNC viewer"
n=0
for setup in actpass passive; do
	n=$((n + 1))
	"$TOOLS/vncgrab" "127.0.0.1:$vport" "$T/view-$setup.ppm" --timeout 15 \
		>"$T/view-$setup-grab.log" 2>&1 &
	grab=$!
	wait_until 10 test "$(count view "waiting for a call")" -ge $n
	$PEER --sip "127.0.0.1:$(free_port)" --dir "$T/blink" --setup "$setup" \
		--rfb server --vnc "127.0.0.1:$x11" --timeout 20 \
		--call "sip:sipvnc@127.0.0.1:$vsip" >"$T/view-$setup.log" 2>&1 &
	peer=$!
	PIDS+=($peer)
	if wait "$grab" && cmp -s "$T/x.ppm" "$T/view-$setup.ppm"; then
		ok "Blink ($setup) shares with view over TLS, pixels equal its screen"
	else
		bad "Blink ($setup) sharing with view: no equal frame"
	fi
	wait "$peer"
	largest=$(sed -n 's/.*SENDs out (largest \([0-9]*\) bytes).*/\1/p' "$T/view-$setup.log")
	check "  Blink's RFB went in SENDs of at most 2 KiB (largest ${largest:-?})" \
		test "${largest:-0}" -gt 0 -a "${largest:-0}" -le 2048
	check "  view answered TCP/TLS/MSRP" has "view-$setup" "answer: TCP/TLS/MSRP"
done
check "view logged 'not authenticated' once per call" \
	test "$(count view "certificate is not authenticated")" = 2
kill "$view_pid"; wait "$view_pid" 2>/dev/null

# ---- share: Blink answers ----
bsip=$(free_port)
bport=$(free_port)
$PEER --sip "127.0.0.1:$bsip" --dir "$T/blink" --rfb client \
	--local "127.0.0.1:$bport" --timeout 20 >"$T/answer.log" 2>&1 &
peer=$!
PIDS+=($peer)
check "Blink waits for a call" wait_until 10 has answer "local: listening"
"$TOOLS/vncgrab" "127.0.0.1:$bport" "$T/share.ppm" --timeout 15 \
	>"$T/share-grab.log" 2>&1 &
grab=$!
cat >"$T/share.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:0
msrp_tls        yes
msrp_tls_dir    $T/share-tls
CONF
start_sipvnc share share "sip:blink@127.0.0.1:$bsip;transport=tcp" -c "$T/share.conf"
if wait "$grab" && cmp -s "$T/x.ppm" "$T/share.ppm"; then
	ok "share reaches Blink over TLS, pixels equal the screen"
else
	bad "share to Blink: no equal frame"
fi
wait "$peer"
check "  Blink answered actpass as active, over TLS" \
	bash -c "grep -q 'offer: TCP/TLS/MSRP setup:actpass' '$T/answer.log' &&
		 grep -q 'MSRP active' '$T/answer.log' &&
		 grep -q 'msrp: TLS TLSv1' '$T/answer.log'"
check "share logged 'not authenticated' once" \
	test "$(count share "certificate is not authenticated")" = 1

# ---- view URI: we call Blink and view its screen (x11vnc behind it) ----
$PEER --sip "127.0.0.1:$bsip" --dir "$T/blink" --rfb server \
	--vnc "127.0.0.1:$x11" --timeout 20 >"$T/answer3.log" 2>&1 &
peer=$!
PIDS+=($peer)
check "Blink waits for a call to share its screen" wait_until 10 has answer3 "sip: listening"
cat >"$T/viewout.conf" <<CONF
sip_listen      127.0.0.1:0
msrp_tls        yes
msrp_tls_dir    $T/viewout-tls
CONF
vport=$(free_port)
start_sipvnc viewout view "sip:blink@127.0.0.1:$bsip;transport=tcp" \
	-c "$T/viewout.conf" --listen "127.0.0.1:$vport"
check "view URI listens for a local viewer" wait_until 10 has viewout "connect a VNC viewer"
if "$TOOLS/vncgrab" "127.0.0.1:$vport" "$T/viewout.ppm" --timeout 15 \
	>"$T/viewout-grab.log" 2>&1 && cmp -s "$T/x.ppm" "$T/viewout.ppm"; then
	ok "view URI sees Blink's screen over TLS, pixels equal"
else
	bad "view URI to Blink: no equal frame"
fi
wait "$peer"
largest=$(sed -n 's/.*SENDs out (largest \([0-9]*\) bytes).*/\1/p' "$T/answer3.log")
check "  Blink answered as the RFB server, over TLS, SENDs <= 2 KiB (${largest:-?})" \
	bash -c "grep -q 'offer: TCP/TLS/MSRP setup:actpass rfbsetup:active' '$T/answer3.log' &&
		 grep -q 'msrp: TLS TLSv1' '$T/answer3.log' &&
		 test '${largest:-0}' -gt 0 -a '${largest:-0}' -le 2048"
check "view URI logged 'not authenticated' once" \
	test "$(count viewout "certificate is not authenticated")" = 1
kill "$viewout_pid" 2>/dev/null; wait "$viewout_pid" 2>/dev/null

# share with msrp_tls_require_auth: Blink's answer comes in a 200, too late
# for a 488, so the BYE carries it
$PEER --sip "127.0.0.1:$bsip" --dir "$T/blink" --rfb client \
	--local "127.0.0.1:$(free_port)" --timeout 15 >"$T/answer2.log" 2>&1 &
peer=$!
PIDS+=($peer)
check "Blink waits for a call again" wait_until 10 has answer2 "sip: listening"
echo "msrp_tls_require_auth yes" >>"$T/share.conf"
start_sipvnc share2 share "sip:blink@127.0.0.1:$bsip;transport=tcp" -c "$T/share.conf"
wait "$peer"
check "msrp_tls_require_auth: share hangs up on Blink, Reason 488 naming it" \
	has answer2 'BYE received | Reason: SIP;cause=488;text=".*msrp_tls_require_auth'
check "  and starts no media" bash -c "! grep -q 'media up' '$T/share2.log'"
share2_gone() { ! kill -0 "$share2_pid" 2>/dev/null; }
check "  and exits" wait_until 10 share2_gone

if [ "$failed" != 0 ]; then
	echo "logs in $T (KEEP=1 keeps them)"
	for f in serve strict serve2 view share serve-actpass view-actpass answer share2 answer2 viewout answer3; do
		echo "--- $f.log"; grep -v '^  0x\|^fd ' "$T/$f.log" 2>/dev/null | tail -15
	done
fi
finish msrp_blinktls
