# tests/netns.sh - network namespaces for the integration tests (bash,
# sourced after lib.sh).  Each test names its namespaces with its own
# prefix (sv<issue>-...) and they go when the test exits, whatever way.
#
#   NETNS_PREFIX=sv15-             (set first) the test's name prefix
#   netns_usable || skip "why"     root and a working `ip netns`? ($NETNS_WHY)
#   netns_add NAME                 a namespace with loopback up
#   netns_link A IFA B IFB         a veth pair between them, up
#   in_ns NAME command...          run in a namespace
#   kam_cfg_listen OUT ADDR...     $TOP/tests/integration/kamailio/kamailio.cfg
#                                  also listening (udp+tcp SIP) on ADDRs
#   start_kamailio_in NS ADDR      start_kamailio's setup, run in NS; waits
#                                  for the SIP port on ADDR

NETNS_LIST=()

netns_cleanup() {
	local ns
	for ns in "${NETNS_LIST[@]}"; do
		# whatever still runs inside goes with it
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
# lib.sh's cleanup first (our processes), then the namespaces
trap 'cleanup; netns_cleanup' EXIT

netns_usable() {
	[ "$(id -u)" = 0 ] || { NETNS_WHY="not root"; return 1; }
	command -v ip >/dev/null || { NETNS_WHY="no ip(8)"; return 1; }
	local probe="${NETNS_PREFIX:?}probe$$"
	if ! ip netns add "$probe" 2>/dev/null; then
		NETNS_WHY="cannot create a network namespace"
		return 1
	fi
	if ! ip link add "svp$$a" netns "$probe" type veth peer name "svp$$b" netns "$probe" 2>/dev/null; then
		ip netns del "$probe"
		NETNS_WHY="no veth support"
		return 1
	fi
	ip netns del "$probe"
}

# skip WHY: the whole test is skipped, and says so (counted apart from
# passed and failed, exit 0 as tests/run.sh expects of a skip).
skip() {
	echo "  SKIP $*"
	echo "${SKIP_NAME:-test}: 0 passed, 0 failed, 1 skipped"
	exit 0
}

netns_add() { # netns_add NAME: ${NETNS_PREFIX}NAME
	[[ $1 == "${NETNS_PREFIX:?}"* ]] || { echo "netns $1 lacks prefix $NETNS_PREFIX"; return 1; }
	ip netns add "$1" || return 1
	NETNS_LIST+=("$1")
	ip -n "$1" link set lo up
}

netns_link() { # netns_link NS_A IF_A NS_B IF_B
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# port_open_at NS ADDR PORT: a TCP listener there (bash's /dev/tcp)
port_open_at() {
	local host=$2
	in_ns "$1" bash -c "(exec 3<>/dev/tcp/$host/$3)" 2>/dev/null
}

# kam_cfg_listen OUT ADDR...: extra udp+tcp SIP listeners, and every
# request's and reply's Via, Contact and SDP in the log ("SEEN ...") so
# that a test can check what each side wrote.
kam_cfg_listen() {
	local out=$1 a extra=""; shift
	for a in "$@"; do
		extra+="listen=udp:$a:SIP_PORT\nlisten=tcp:$a:SIP_PORT\n"
	done
	sed -e "s|^listen=tcp:127.0.0.1:SIP_PORT|&\n$extra|" \
		-e 's|^\(\s*\)xinfo("REQ $rm $ru from $fu\\n");|&\n\1route(SEEN);|' \
		"$TOP/tests/integration/kamailio/kamailio.cfg" >"$out"
	cat >>"$out" <<'KAM'

route[SEEN] {
	xinfo("SEEN $rm from $fu via=$hdr(Via) contact=$hdr(Contact)\n");
	if (has_body("application/sdp")) xinfo("SEEN SDP $rm $fu [$rb]\n");
}

onreply_route {
	xinfo("SEEN $rs $rm from $tu via=$hdr(Via) contact=$hdr(Contact)\n");
	if (has_body("application/sdp")) xinfo("SEEN SDP $rs $tu [$rb]\n");
}
KAM
}

# start_kamailio_in NS ADDR: as lib.sh's start_kamailio (same placeholders,
# KAM_CFG, KAM_SIP_PORT ...), but inside NS; ADDR is where to probe.
start_kamailio_in() {
	local ns=$1 addr=$2 d="$T/kamailio"
	KAM_SIP_PORT=$(free_port)
	KAM_MSRP_PORT=$(free_port)
	KAM_SIPS_PORT=$(free_port)
	mkdir -p "$d/run"
	sed -e "s|RUNDIR|$d|g; s|SIP_PORT|$KAM_SIP_PORT|g; s|MSRP_PORT|$KAM_MSRP_PORT|g" \
		-e "s|SIPS_PORT|$KAM_SIPS_PORT|g; s|MSRPS_PORT|$(free_port)|g" \
		"${KAM_CFG:-$TOP/tests/integration/kamailio/kamailio.cfg}" >"$d/kamailio.cfg"
	in_ns "$ns" kamailio -f "$d/kamailio.cfg" -DD -E -m 64 -M 8 -P "$d/run/kamailio.pid" \
		-Y "$d/run" >"$T/kamailio.log" 2>&1 &
	PIDS+=($!)
	wait_until 10 port_open_at "$ns" "$addr" "$KAM_SIP_PORT" ||
		{ echo "kamailio did not start"; tail -20 "$T/kamailio.log"; return 1; }
}
