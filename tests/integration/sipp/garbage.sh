#!/bin/bash
# garbage.sh PORT: hostile and broken SIP/SDP at sipvnc over UDP and TCP.
#
# Each case must end cleanly: the 4xx it deserves, or silence where
# dropping is right; never a 2xx or a 5xx (the caller checks afterwards
# that sipvnc still serves).  Replies come back to our own UDP socket
# because every Via asks for rport.  One line per case; exit status 0 when
# every case behaved.  Bash only: /dev/udp and /dev/tcp.
PORT=$1
H=127.0.0.1
failures=0

sdp_good=$'v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=application 7394 TCP/MSRP *\r\na=accept-types:application/x-rfb\r\na=setup:active\r\na=path:msrp://127.0.0.1:7394/g;tcp\r\n'

invite() { # invite BODY [CALLER] [EXTRA_HEADERS] [CONTENT_LENGTH]
	local body=$1 caller=${2:-alice} extra=${3:-} len=${4:-${#1}}
	# unique per message (we run in a subshell: no counter survives), or
	# sipvnc rightly takes it for a retransmission of the last one
	local n=$RANDOM$RANDOM
	printf 'INVITE sip:desk@%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:9;rport;branch=z9hG4bKg%s%s\r\nFrom: <sip:%s@127.0.0.1>;tag=g%s\r\nTo: <sip:desk@%s>\r\nCall-ID: garbage%s.%s@%s\r\nCSeq: 1 INVITE\r\nContact: <sip:%s@%s:9>\r\nMax-Forwards: 70\r\n%sContent-Type: application/sdp\r\nContent-Length: %s\r\n\r\n%s' \
		"$H" "$PORT" "$H" "$$" "$n" "$caller" "$n" "$H" "$$" "$n" "$H" \
		"$caller" "$H" "$extra" "$len" "$body"
}

udp() { # udp: stdin as one datagram; prints the final status or "none"
	local line status=none
	exec 3<>"/dev/udp/$H/$PORT" || { echo error; return; }
	# one write, one datagram: dd gathers all of stdin first (bash's own
	# printf would send a datagram per line)
	dd bs=65536 count=1 iflag=fullblock status=none >&3 2>/dev/null
	# a read takes a whole datagram: dd reads each in one go (bash's own
	# read would take one byte of it and lose the rest)
	for _ in 1 2 3; do
		line=$(timeout 1 dd bs=65536 count=1 status=none <&3 | head -n 1)
		case $line in
		"SIP/2.0 1"*) ;;                      # provisional: wait on
		SIP/2.0\ *) status=${line#SIP/2.0 }; status=${status%% *}; break ;;
		*) break ;;
		esac
	done
	exec 3>&-
	echo "$status"
}

case_() { # case_ NAME GOT WANT...: WANT "drop" accepts silence and 4xx
	local name=$1 got=$2; shift 2
	local want ok=0
	for want in "$@"; do
		[ "$got" = "$want" ] && ok=1
		[ "$want" = drop ] && { [ "$got" = none ] || [[ $got == 4?? ]]; } && ok=1
	done
	if [ $ok = 1 ]; then echo "ok   $name: $got"
	else echo "FAIL $name: $got (want $*)"; failures=$((failures + 1)); fi
}

case_ "binary junk over UDP" "$(head -c 700 /dev/urandom | udp)" drop
case_ "text junk over UDP" "$(printf 'hello sipvnc\r\n\r\n' | udp)" drop
case_ "request line only" "$(printf 'INVITE sip:desk@127.0.0.1 SIP/2.0\r\n\r\n' | udp)" drop
case_ "INVITE without Call-ID" "$(invite "$sdp_good" | sed 's/^Call-ID/Call-Xx/' | udp)" drop
cut=${sdp_good%%m=*}
case_ "SDP cut inside the m= line" "$(invite "${cut}m=applic" | udp)" 400
case_ "SDP cut after the session part" "$(invite "$cut" | udp)" 488
case_ "SDP that is not SDP" "$(invite 'hello world' | udp)" 400
case_ "SDP with 40 media lines" \
	"$(invite "$sdp_good$(for i in $(seq 40); do printf 'm=audio 1 RTP/AVP 0\r\n'; done)" | udp)" 488
case_ "SDP with a bare CR inside a line" "$(invite "${sdp_good/s=-/s=$'\r'x}" | udp)" 400
case_ "Content-Length beyond the datagram" \
	"$(invite "$sdp_good" alice "" $((${#sdp_good} + 500)) | udp)" drop
case_ "P-Asserted-Identity from an untrusted source is ignored" \
	"$(invite "$sdp_good" mallory $'P-Asserted-Identity: <sip:alice@127.0.0.1>\r\n' | udp)" 403
case_ "garbage From header" \
	"$(invite "$sdp_good" | sed 's/^From: .*/From: <<<\x01>/' | udp)" drop

# TCP: a stream cut short, a giant header line, junk; no answer is owed
tcp() { exec 4<>"/dev/tcp/$H/$PORT" && cat >&4; exec 4>&-; echo none; }
case_ "TCP: INVITE cut short, connection closed" \
	"$(invite "$sdp_good" alice "" 5000 | head -c 300 | tcp)" drop
case_ "TCP: 70 kB header line" \
	"$( { printf 'INVITE sip:x SIP/2.0\r\nVia: '; head -c 70000 /dev/zero | tr '\0' A; printf '\r\n\r\n'; } | tcp)" drop
case_ "TCP: binary junk" "$(head -c 4096 /dev/urandom | tcp)" drop
[ $failures = 0 ]
