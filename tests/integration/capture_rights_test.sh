#!/usr/bin/env bash
# Rights per viewer, several viewers at once: bob may only view, alice may
# control.  Both are connected together (each through its own `sipvnc view`
# and SIP identity); bob's keys must never reach the X client, alice's must.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 640x480x24 || exit 1
"$TOOLS/xdemo" >"$T/keys.log" 2>&1 &
PIDS+=($!)

write_serve_conf \
	"allow           sip:alice@127.0.0.1 control" \
	"allow           sip:bob@127.0.0.1 view"
start_sipvnc serve -c "$T/serve.conf"
check "sipvnc serve listens" wait_until 10 port_open "$serve_port"

for who in alice bob; do
	printf 'sip_listen 127.0.0.1:0\nsip_user %s\n' "$who" >"$T/$who.conf"
	port=$(free_port)
	eval "${who}_port=$port"
	start_sipvnc "view_$who" view "sip:sipvnc@127.0.0.1:$serve_port" -c "$T/$who.conf" --listen "127.0.0.1:$port"
done
wait_until 10 port_open "$alice_port"
wait_until 10 port_open "$bob_port"
sleep 0.5   # the probes above were calls too: let them end

# bob first, held open while alice connects and types.
"$TOOLS/vncgrab" "127.0.0.1:$bob_port" "$T/bob.ppm" --key 0x62 --key 0x63 --hold 4 >"$T/bob.log" 2>&1 &
bob=$!
PIDS+=($bob)
check "bob (view) gets a frame" wait_until 10 test -s "$T/bob.ppm"
if "$TOOLS/vncgrab" "127.0.0.1:$alice_port" "$T/alice.ppm" --key 0x61 >"$T/alice.log" 2>&1; then
	ok "alice (control) gets a frame while bob is connected"
else
	bad "alice got no frame ($(tail -1 "$T/alice.log"))"
fi
check "bob's call is view-only at the server" grep -q "bob@127.0.0.1.*accepted (view" "$T/serve.log"
check "alice's call has control at the server" grep -q "alice@127.0.0.1.*accepted (control)" "$T/serve.log"
check "alice's key reaches the X client" wait_until 5 grep -q "key 0x61" "$T/keys.log"
sleep 0.5
check "bob's keys never reach it" bash -c "! grep -q 'key 0x6[23]' '$T/keys.log'"
check "both pictures are the same screen" same_picture "$T/alice.ppm" "$T/bob.ppm"
wait "$bob"
check "bob stayed connected meanwhile (held to the end)" test $? = 3

if [ "$failed" != 0 ]; then
	for f in serve view_alice view_bob keys bob alice; do echo "--- $f.log"; tail -15 "$T/$f.log"; done
fi
finish capture_rights
