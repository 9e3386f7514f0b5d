#!/usr/bin/env bash
# MSRP over TLS (msrps, TCP/TLS/MSRP): `sipvnc serve` and `sipvnc view` both
# with msrp_tls, self-signed certificates made at first start, each checking
# the other's certificate against the a=fingerprint of the SDP.  Pixels
# verified as in e2e_test.sh.  The same serve (one MSRP port) then answers a
# plain-text `sipvnc view` in plain MSRP, as Blink users' plain peers need.
# Then a proxy that changes the fingerprint in the INVITE: the call must
# fail, never fall back to plain text.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)
start_kamailio || exit 1

write_confs() { # write_confs KAMAILIO_SIP_PORT
	cat >"$T/serve.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$serve_port
$(kam_account desktop "$1")
allow           sip:alice@127.0.0.1 control
msrp_tls        yes
msrp_tls_dir    $T/serve-tls
CONF
	cat >"$T/view.conf" <<CONF
sip_listen      127.0.0.1:0
$(kam_account alice "$1")
msrp_tls        yes
msrp_tls_dir    $T/view-tls
CONF
}
serve_port=$(free_port)
write_confs "$KAM_SIP_PORT"

start_sipvnc serve -c "$T/serve.conf"
registered() { grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/serve.log"; }
check "sipvnc registers at Kamailio" wait_until 10 registered
check "serve made its own certificate" test -s "$T/serve-tls/msrp-tls-cert.pem"
check "serve's key is private" test "$(stat -c %a "$T/serve-tls/msrp-tls-key.pem")" = 600

start_view view sip:desktop@127.0.0.1 -c "$T/view.conf"
check "sipvnc view listens for a local viewer" wait_until 10 view_listening view

check "the X screen settles" wait_x_settled "$T/x.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc1.ppm" --key 0x61 >"$T/grab1.log" 2>&1; then
	ok "a full frame arrives over msrps ($(head -1 "$T/grab1.log"))"
else
	bad "no frame over msrps ($(tail -1 "$T/grab1.log"))"
fi
check "pixels equal the X screen" same_picture "$T/x.ppm" "$T/vnc1.ppm"
verified() { grep -q "TLS peer certificate matches the SDP fingerprint" "$T/$1.log"; }
check "serve checked the viewer's certificate" verified serve
check "view checked serve's certificate" verified view
typed() { grep -q "key 0x61" "$T/keys.log"; }
check "keys typed at the viewer reach the X client" wait_until 5 typed

kill "$view_pid" 2>/dev/null
wait "$view_pid" 2>/dev/null

# A plain-text viewer (no msrp_tls) calls the same serve: TCP/MSRP offered,
# TCP/MSRP answered on the port that just spoke TLS.
cat >"$T/view-plain.conf" <<CONF
sip_listen      127.0.0.1:0
$(kam_account alice)
msrp_tls_dir    $T/view-plain-tls
CONF
start_view viewplain sip:desktop@127.0.0.1 -c "$T/view-plain.conf"
check "a plain sipvnc view listens for a local viewer" wait_until 10 view_listening viewplain
check "the X screen settles again" wait_x_settled "$T/x3.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc3.ppm" >"$T/grab3.log" 2>&1; then
	ok "a full frame arrives over plain MSRP from a msrp_tls serve ($(head -1 "$T/grab3.log"))"
else
	bad "no frame over plain MSRP from a msrp_tls serve ($(tail -1 "$T/grab3.log"))"
fi
check "plain pixels equal the X screen" same_picture "$T/x3.ppm" "$T/vnc3.ppm"
check "serve answered the plain offer (no 488)" \
	bash -c "! grep -qE 'offers .* MSRP|[: ]488 ' '$T/serve.log' '$T/viewplain.log'"
check "the plain viewer used no TLS" \
	bash -c "! grep -q 'TLS' '$T/viewplain.log' && test ! -e '$T/view-plain-tls'"
check "serve refused nothing on its MSRP port" \
	bash -c "! grep -q 'refused\|is not MSRP' '$T/serve.log'"
kill "$viewplain_pid" 2>/dev/null
wait "$viewplain_pid" 2>/dev/null

kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null

# A second Kamailio that rewrites the first byte of the fingerprint in every
# INVITE: the viewer's certificate no longer matches what serve was told.
d="$T/kamailio-mitm"
mkdir -p "$d/run"
MITM_SIP_PORT=$(free_port)
sed -e "s|RUNDIR|$d|g; s|SIP_PORT|$MITM_SIP_PORT|g; s|MSRP_PORT|$(free_port)|g" \
	-e "s|SIPS_PORT|$(free_port)|g; s|MSRPS_PORT|$(free_port)|g" \
	-e 's|^request_route {|request_route {\n\tif (is_method("INVITE") \&\& !subst_body("/a=fingerprint:SHA-256 00:/a=fingerprint:SHA-256 11:/")) subst_body("/a=fingerprint:SHA-256 [0-9A-F][0-9A-F]:/a=fingerprint:SHA-256 00:/");|' \
	"$TOP/tests/integration/kamailio/kamailio.cfg" >"$d/kamailio.cfg"
kamailio -f "$d/kamailio.cfg" -DD -E -m 64 -M 8 -P "$d/run/kamailio.pid" \
	-Y "$d/run" >"$T/kamailio-mitm.log" 2>&1 &
PIDS+=($!)
check "the rewriting Kamailio starts" wait_until 10 port_open "$MITM_SIP_PORT"

serve_port=$(free_port)
write_confs "$MITM_SIP_PORT"
start_sipvnc serve2 -c "$T/serve.conf"
registered2() { grep -q "registration of sip:desktop@127.0.0.1: 200" "$T/serve2.log"; }
check "sipvnc registers at the rewriting Kamailio" wait_until 10 registered2
check "serve kept its certificate from the first start" \
	bash -c "! grep -q 'made a self-signed' '$T/serve2.log'"
start_view view2 sip:desktop@127.0.0.1 -c "$T/view.conf"
check "sipvnc view listens again" wait_until 10 view_listening view2
if "$TOOLS/vncgrab" "127.0.0.1:$view_port" "$T/vnc2.ppm" >"$T/grab2.log" 2>&1; then
	bad "a frame arrived although the fingerprint was wrong"
else
	ok "no frame with a wrong fingerprint"
fi
mismatch() { grep -q "does not match the SDP fingerprint" "$T/serve2.log"; }
check "serve says the certificate does not match" wait_until 5 mismatch
ended() { grep -q "ended" "$T/view2.log"; }
check "the call ends" wait_until 10 ended
check "no RFB over the wrong connection" bash -c "! grep -q 'media up' '$T/serve2.log'"

if [ "$failed" != 0 ]; then
	echo "logs in $T (KEEP=1 keeps them)"
	for f in serve view viewplain serve2 view2; do echo "--- $f.log"; grep -v '^  0x\|^fd ' "$T/$f.log" | tail -30; done
fi
finish msrp_tls
