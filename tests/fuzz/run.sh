#!/usr/bin/env bash
# Build each libFuzzer harness (tests/fuzz/fuzz_*.c) with the sources of the
# folder it names, and run it FUZZ_SECONDS on its seed corpus, FUZZ_JOBS
# (default 2) side by side (FUZZ_ONLY=fuzz_sip_uri: that one).  A crash, a
# leak or a sanitizer report fails the run; the input is kept in build/fuzz.
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
out=build/fuzz
mkdir -p "$out"
CFLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -I. $(pkg-config --cflags libre)"
# what any folder's sources may link against (as the Makefile's PKGS)
PKGS="libre libvncserver openssl xcb xcb-shm xcb-xtest xcb-damage xcb-xfixes xcb-randr xcb-keysyms xcb-composite zlib"
# libvncserver's own leaks (per-client statistics) are not ours to find
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
jobs=${FUZZ_JOBS:-2}   # each harness is one process on one core
# fuzz_one HARNESS.c: build it, run it $secs s; its report on stdout, false
# if it found something
fuzz_one() {
	local h=$1 name folder srcs corpus seeds
	name=$(basename "$h" .c)           # fuzz_msrp_parse -> folder msrp
	folder=${name#fuzz_}; folder=${folder%%_*}
	srcs=$(ls "$folder"/*.c | grep -vx server/main.c)
	# server/ is where the libraries meet: it needs all of them
	[ "$folder" = server ] && srcs="$srcs $(ls capture/*.c msrp/*.c sip/*.c)"
	clang $CFLAGS $(pkg-config --cflags $PKGS) -o "$out/$name" "$h" $srcs \
		$(pkg-config --libs $PKGS) \
		-lmbedtls -lmbedx509 -lmbedcrypto -lssl -lcrypto -lpthread || return 1
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
	echo "== $name for $secs s"
	if ! "$out/$name" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1; then
		echo "$name FAILED:"; tail -40 "$out/$name.log"; return 1
	fi
	grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "$out/$name.log" | tail -1
}

running=0
for h in tests/fuzz/${FUZZ_ONLY:-fuzz_*}.c; do
	if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
	name=$(basename "$h" .c)
	(fuzz_one "$h" >"$out/$name.report" 2>&1 && touch "$out/$name.ok") &
	running=$((running + 1))
done
wait
status=0
for h in tests/fuzz/${FUZZ_ONLY:-fuzz_*}.c; do
	name=$(basename "$h" .c)
	cat "$out/$name.report"
	[ -e "$out/$name.ok" ] || status=1
	rm -f "$out/$name.ok" "$out/$name.report"
done
exit $status
