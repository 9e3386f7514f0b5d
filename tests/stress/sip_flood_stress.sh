#!/bin/bash
# sip_flood_stress.sh - issue 18's flood: 4,700 refused INVITEs a second
# from one address for 10 s while an allowed caller calls from another,
# 4 s in.  Prints the three figures (the caller's wait for its 200,
# sipvnc's CPU, its RSS growth) and checks them (see sip_flood.sh).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/stress/sip_flood.sh"
[ -x "$SIPVNC" ] || { echo "no $SIPVNC (make first)"; exit 1; }

flood_measure "${FLOOD_SECONDS:-10}" "${FLOOD_CALL_AT:-4}"
finish sip_flood_stress
