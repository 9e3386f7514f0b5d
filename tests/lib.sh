# tests/lib.sh - shared helpers for the integration tests (bash, sourced).
#
# Every test gets its own scratch folder ($T) and cleans up the processes it
# started, whatever way it exits.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
SIPVNC=${SIPVNC:-$BUILD/sipvnc}
T=$(mktemp -d "${TMPDIR:-/tmp}/sipvnc-test.XXXXXX")
# sipvnc view's socket and password files: per test, gone with $T (the
# test viewers in tests/tools find the password file there)
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
PIDS=()
passed=0
failed=0

# mine PID: PID is still a child of this script.  A process that ended
# gave its number back, and with pid_max at 32768 and tests running side by
# side the number soon belongs to someone else's process (a Kamailio child
# of the neighbouring test was once killed that way).
mine() {
	[ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do mine "$p" && kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do mine "$p" || break; sleep 0.1; done
		mine "$p" && kill -9 "$p" 2>/dev/null
	done
	[ -f "$T/.ports" ] && (cd "$PORT_CLAIMS" && xargs rmdir <"$T/.ports") 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
bad()  { failed=$((failed + 1)); echo "  FAIL $*"; }
check() { # check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() { # finish NAME: the closing line, and the exit status
	echo "$1: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# A free TCP+UDP port on 127.0.0.1: not listening on TCP nor bound on UDP
# (ss from iproute2), picked at random in a range the kernel does not use
# for ephemeral ports, so that it does not collide with outgoing sockets.
# A port handed out is claimed (a directory in $PORT_CLAIMS, shared by the
# tests of a run) until the test ends: between free_port and the bind of
# whoever uses it, ss cannot see it, and a test running beside this one,
# or this one's next free_port, could otherwise be handed it too.
PORT_CLAIMS=${TMPDIR:-/tmp}/sipvnc-test-ports
free_port() {
	local p
	mkdir -p "$PORT_CLAIMS"
	while :; do
		p=$((10000 + RANDOM % 22000))
		ss -Htuln "sport = :$p" 2>/dev/null | grep -q . && continue
		mkdir "$PORT_CLAIMS/$p" 2>/dev/null || continue
		echo "$p" >>"$T/.ports"
		echo "$p"
		return
	done
}

# task_cpu_ns DIR: the CPU time of one thread (/proc/PID/task/TID) in ns,
# the first field of its schedstat: clock ticks are 10 ms, too coarse for
# the few milliseconds some tests and the bench measure.  False once gone.
task_cpu_ns() { local a; read -r a _ <"$1/schedstat" 2>/dev/null && echo "$a"; }
# cpu_ns PID: the CPU time of all its threads alive now, in ns.
cpu_ns() {
	local t a n=0
	for t in /proc/"$1"/task/*; do
		a=$(task_cpu_ns "$t") && n=$((n + a))
	done
	echo "$n"
}

# wait_until SECONDS command...: poll until the command succeeds.
wait_until() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_xvfb [WxHxD]: a private X server; sets DISPLAY.
start_xvfb() {
	local geom=${1:-640x480x24} fifo="$T/displayfd"
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 "$geom" -nolisten tcp -noreset 3>"$fifo" >"$T/xvfb.log" 2>&1 &
	PIDS+=($!)
	local num
	read -r -t 10 num <"$fifo" || { echo "Xvfb did not start"; cat "$T/xvfb.log"; return 1; }
	export DISPLAY=":$num"
}

# start_xorg_dummy: Xorg with the dummy driver (RandR sizes 1024x768 and
# 800x600, which Xvfb cannot switch between); sets DISPLAY, false if it
# did not start.
start_xorg_dummy() {
	local num
	mkdir -p "$T/xorg"   # -configdir reads every *.conf there
	cat >"$T/xorg/xorg.conf" <<'CONF'
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 64000
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0 - 1000.0
  VertRefresh 5.0 - 200.0
  Modeline "1024x768" 65.00 1024 1048 1184 1344 768 771 777 806
  Modeline "800x600" 40.00 800 840 968 1056 600 601 605 628
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Modes "1024x768" "800x600"
    Virtual 1024 768
  EndSubSection
EndSection
Section "ServerFlags"
  Option "AutoAddDevices" "false"
  Option "DontVTSwitch" "true"
EndSection
CONF
	mkfifo "$T/xorgfd"
	Xorg -displayfd 3 -config "$T/xorg/xorg.conf" -configdir "$T/xorg" -noreset -nolisten tcp \
		-logfile "$T/xorg.log" 3>"$T/xorgfd" >"$T/xorg.out" 2>&1 &
	PIDS+=($!)
	read -r -t 15 num <"$T/xorgfd" || return 1
	export DISPLAY=":$num"
}

# start_sipvnc NAME ARGS...: run sipvnc in the background, log in $T/NAME.log
start_sipvnc() {
	local name=$1; shift
	# Tests compare the shared screen with what viewers receive; the
	# "being watched" notice, a window that comes and goes with calls,
	# would make them differ.  It is off unless the file says otherwise
	# (capture_indicator_test says `indicator yes`).
	local a prev=
	for a in "$@"; do
		if [ "$prev" = -c ] && [ -f "$a" ] && ! grep -q '^[[:space:]]*indicator[[:space:]]' "$a"; then
			printf '\nindicator       no\n' >>"$a"
		fi
		prev=$a
	done
	${SIPVNC_WRAPPER:-} "$SIPVNC" "$@" >"$T/$name.log" 2>&1 &
	PIDS+=($!)
	eval "${name}_pid=$!"
}

# start_kamailio [-A DEFINE]...: registrar + proxy + MSRP relay on free
# ports; sets KAM_SIP_PORT, KAM_MSRP_PORT, and KAM_SIPS_PORT (SIP over TLS
# with -A WITH_TLS, which also needs $T/kamailio/tls.cfg).
# KAM_CFG=FILE runs another config with the same placeholders instead.
start_kamailio() {
	KAM_SIP_PORT=$(free_port)
	KAM_MSRP_PORT=$(free_port)
	KAM_SIPS_PORT=$(free_port)
	local d="$T/kamailio"
	mkdir -p "$d/run"
	sed -e "s|RUNDIR|$d|g; s|SIP_PORT|$KAM_SIP_PORT|g; s|MSRP_PORT|$KAM_MSRP_PORT|g" \
		-e "s|SIPS_PORT|$KAM_SIPS_PORT|g; s|MSRPS_PORT|$(free_port)|g" \
		"${KAM_CFG:-$TOP/tests/integration/kamailio/kamailio.cfg}" >"$d/kamailio.cfg"
	kamailio -f "$d/kamailio.cfg" -DD -E -m 64 -M 8 -P "$d/run/kamailio.pid" \
		-Y "$d/run" "$@" >"$T/kamailio.log" 2>&1 &
	PIDS+=($!)
	wait_until 10 port_open "$KAM_SIP_PORT" || { echo "kamailio did not start"; tail -20 "$T/kamailio.log"; return 1; }
}

# wait_x_settled OUT.ppm: wait until two screen grabs in a row are equal
# (a client still painting would make any pixel comparison flaky), and
# leave the settled screen in OUT.ppm.
# For tests that measure sipvnc's RSS: under ASan freed memory waits in a
# quarantine (256 MB by default), which RSS would measure; keep it at 1 MB.
rss_quiet_asan() {
	if grep -qa __asan_init "$SIPVNC"; then
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
	fi
}
# rss_kb PID: its resident memory in kB (0 once it is gone)
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# bench_fps FILE: frames a second of one vncbench output
bench_fps() { awk '/^updates/ {if ($6 > 0) printf "%.0f", $4 / $6}' "$1"; }

# A screen still all black (Xvfb's bare root) counts as unsettled for its
# first 3 s: a client started just before (xdemo) may not have drawn yet
# on a loaded machine, and two equal grabs of the bare root would pass
# (ci21: share_test compared the call's frame with a grab taken before
# xdemo's window was there).  A test whose screen stays black waits 3 s.
x_black() { [ "$(tail -n +4 "$1" | tr -d '\000' | head -c 1 | wc -c)" = 0 ]; }
wait_x_settled() {
	local out=$1 end=$((SECONDS + 10)) blank_end=$((SECONDS + 3))
	"$BUILD/tools/xgrab" "$out.prev" || return 1
	while [ $SECONDS -lt $end ]; do
		sleep 0.1
		"$BUILD/tools/xgrab" "$out" || return 1
		if cmp -s "$out" "$out.prev" &&
		   { [ $SECONDS -ge $blank_end ] || ! x_black "$out"; }; then
			rm -f "$out.prev"; return 0
		fi
		mv "$out" "$out.prev"
	done
	return 1
}

# need_puppeteer NAME: tests/web's node_modules (puppeteer-core; `make test`
# installs them first, this is for a test run by itself), or the test NAME
# fails saying why.  Sets WEBT.
need_puppeteer() {
	WEBT=$TOP/tests/web
	[ -d "$WEBT/node_modules/puppeteer-core" ] && return 0
	(cd "$WEBT" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >"$T/npm.log" 2>&1) && return 0
	bad "npm ci in tests/web ($(tail -3 "$T/npm.log"))"
	finish "$1"
	exit 1
}

# same_picture WANT.ppm GOT.ppm: the two pictures are equal; when not, say
# how (size, number of differing pixels and their bounding box, a sample),
# so that a rare mismatch in CI leaves something to go on.
same_picture() {
	cmp -s "$1" "$2" && return 0
	python3 - "$1" "$2" <<'PY'
import re, sys
def ppm(path):
    d = open(path, 'rb').read()
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+\d+\s', d)  # one whitespace, then pixels
    return int(m.group(1)), int(m.group(2)), d[m.end():]
try:
    (w1, h1, a), (w2, h2, b) = ppm(sys.argv[1]), ppm(sys.argv[2])
except Exception as e:
    print("    picture unreadable:", e); sys.exit(0)
if (w1, h1) != (w2, h2):
    print("    sizes differ: %dx%d wanted, %dx%d received" % (w1, h1, w2, h2)); sys.exit(0)
bad = [i for i in range(w1 * h1) if a[3*i:3*i+3] != b[3*i:3*i+3]]
xs = [i % w1 for i in bad]; ys = [i // w1 for i in bad]
i = bad[0]
print("    %d of %d pixels differ, in x %d-%d y %d-%d; first (%d,%d) wanted %s got %s"
      % (len(bad), w1 * h1, min(xs), max(xs), min(ys), max(ys), i % w1, i // w1,
         a[3*i:3*i+3].hex(), b[3*i:3*i+3].hex()))
PY
	return 1
}

# write_serve_conf [LINE...]: $T/serve.conf sharing $DISPLAY at a free
# port, $serve_port; the lines follow (default: anyone on 127.0.0.1 may
# control).
write_serve_conf() {
	serve_port=$(free_port)
	{
		echo "display         $DISPLAY"
		echo "sip_listen      127.0.0.1:$serve_port"
		if [ $# -gt 0 ]; then
			printf '%s\n' "$@"
		else
			echo "allow           sip:*@127.0.0.1 control"
		fi
	} >"$T/serve.conf"
}

# --- scaffolding the integration tests share

# kam_account USER [PORT]: the `account` line of USER (password USERpw) at
# the test Kamailio on 127.0.0.1 (PORT, default $KAM_SIP_PORT), over TCP.
kam_account() {
	printf 'account         <sip:%s@127.0.0.1>;auth_pass=%spw;outbound="sip:127.0.0.1:%s;transport=tcp";regint=60\n' \
		"$1" "$1" "${2:-$KAM_SIP_PORT}"
}

# start_view NAME [ARGS...]: `sipvnc view ARGS` for a local VNC viewer at
# 127.0.0.1:$view_port (a free port), logging in $T/NAME.log.
start_view() {
	local name=$1; shift
	view_port=$(free_port)
	start_sipvnc "$name" view "$@" --listen "127.0.0.1:$view_port"
}

# view_listening NAME: view NAME waits for its local viewer.  A probe
# connection would place a call, so its log line is what tells.
view_listening() { grep -qs "connect a VNC viewer" "$T/$1.log"; }

# start_views NAME...: a `sipvnc view` per NAME (log viewNAME, its local
# port in $port_NAME) calling serve at $serve_port without a password;
# views_listening NAME...: all of them wait for their viewer.
start_views() {
	local v
	for v in "$@"; do
		start_view "view$v" "sip:sipvnc@127.0.0.1:$serve_port" --no-auth
		eval "port_$v=$view_port"
	done
}
views_listening() {
	local v
	for v in "$@"; do view_listening "view$v" || return 1; done
}
# views_why NAME...: for each view that does not listen, whether it runs
# and the end of its log (a failed listen is otherwise a silent timeout).
views_why() {
	local v pid
	for v in "$@"; do
		view_listening "view$v" && continue
		eval "pid=\$view${v}_pid"
		kill -0 "$pid" 2>/dev/null && echo "    view$v runs" ||
			echo "    view$v has exited"
		tail -5 "$T/view$v.log" | sed 's/^/    | /'
	done
}

# serve_group_scene SCREEN AREA MAX NAME...: the encode-group tests' scene:
# Xvfb of SCREEN with an AREA animation at 30 fps ($demo), serve letting
# MAX callers view (log level info, which says who groups), and a view
# per NAME (start_views), checked to listen.
serve_group_scene() {
	local screen=$1 area=$2 max=$3; shift 3
	start_xvfb "${screen}x24" || exit 1
	"$BUILD/tools/xdemo" --animate "$area" 30 >/dev/null 2>&1 &
	demo=$!
	PIDS+=($demo)
	write_serve_conf "allow           sip:*@127.0.0.1 view" \
		"max_sessions    $max" "log_level       info"
	start_sipvnc serve -c "$T/serve.conf"
	start_views "$@"
	if wait_until 10 views_listening "$@"; then
		ok "$# sipvnc views listen"
	else
		bad "$# sipvnc views listen"
		views_why "$@"
	fi
}

# check_unslowed_flat FPS0 FPS1 RSS0 PEAK WHO: beside a stopped or stalled
# viewer, WHO kept at least 60% of its frame rate (a generous bound on 2
# shared cores that still catches one held up: it drops to ~0), and the
# desktop's RSS grew by less than 16 MB.
check_unslowed_flat() {
	check "$5 not slowed (${2:-0} >= 60% of ${1:-0})" \
		test $((${2:-0} * 10)) -ge $((${1:-0} * 6))
	check "the desktop's memory stays flat (+$(( (${4:-0} - $3) / 1024 )) MB)" \
		test $((${4:-0} - $3)) -lt 16384
}

# timed_grab OUT TIMEOUT LOG: one call through view's local port
# ($view_port) with vncgrab; its wall time, dial to frame, in $grab_ms.
timed_grab() {
	local t0 rc
	t0=$(date +%s%N)
	"$BUILD/tools/vncgrab" "127.0.0.1:$view_port" "$1" --timeout "$2" >"$3" 2>&1
	rc=$?
	grab_ms=$((($(date +%s%N) - t0) / 1000000))
	return $rc
}

# A test PKI in $P ($T/pki): test_ca NAME makes a self-signed CA,
# test_leaf NAME CA SAN a server certificate CA signs for SAN
# (e.g. IP:127.0.0.1, DNS:localhost); NAME.crt and NAME.key.
P=$T/pki
test_ca() {
	mkdir -p "$P"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
		-keyout "$P/$1.key" -out "$P/$1.crt" 2>/dev/null
}
test_leaf() {
	mkdir -p "$P"
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
		-keyout "$P/$1.key" -out "$P/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" >"$P/$1.ext" &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.crt" -CAkey "$P/$2.key" \
		-CAcreateserial -days 2 -extfile "$P/$1.ext" -out "$P/$1.crt" 2>/dev/null
}

# kamailio_tls_cfg NAME: $T/kamailio/tls.cfg, for start_kamailio -A
# WITH_TLS, showing $P/NAME.crt and verifying no one.
kamailio_tls_cfg() {
	mkdir -p "$T/kamailio"
	cat >"$T/kamailio/tls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $P/$1.key
certificate = $P/$1.crt

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
CFG
}
