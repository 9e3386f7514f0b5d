#!/usr/bin/env bash
# Both MSRP connection roles, direct SIP without a registrar: the desktop
# listens for the caller's MSRP connection (msrp_setup passive; auto, the
# default, does too on loopback) or opens it itself (msrp_setup active);
# pixels must be equal either way, and a second call must work after the
# first.
source "$(dirname "$0")/../lib.sh"
TOOLS=$BUILD/tools

start_xvfb 320x240x24 || exit 1
"$TOOLS/xdemo" >/dev/null 2>&1 &
PIDS+=($!)
wait_x_settled "$T/x.ppm" || exit 1

for role in passive active; do
	port=$(free_port)
	cat >"$T/serve-$role.conf" <<CONF
display         $DISPLAY
sip_listen      127.0.0.1:$port
allow           sip:*@127.0.0.1
msrp_setup      $role
CONF
	start_sipvnc "serve_$role" -c "$T/serve-$role.conf"
	wait_until 10 port_open "$port"
	vport=$(free_port)
	start_sipvnc "view_$role" view "sip:sipvnc@127.0.0.1:$port" --listen "127.0.0.1:$vport"
	view_ready() { grep -q "connect a VNC viewer" "$T/view_$role.log"; }
	wait_until 10 view_ready
	for n in 1 2; do
		if "$TOOLS/vncgrab" "127.0.0.1:$vport" "$T/$role-$n.ppm" --timeout 10 >"$T/grab.log" 2>&1 &&
		   cmp -s "$T/x.ppm" "$T/$role-$n.ppm"; then
			ok "desktop MSRP $role, call $n: pixels equal"
		else
			bad "desktop MSRP $role, call $n ($(tail -1 "$T/grab.log"))"
			tail -n 30 "$T/serve_$role.log" "$T/view_$role.log"
		fi
	done
	check "desktop took the $role MSRP role" grep -q "media up.*MSRP $role" "$T/serve_$role.log"
done
finish roles
