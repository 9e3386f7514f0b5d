#!/usr/bin/env bash
# Every test sipvnc has, in stages; one closing line "N passed, N failed"
# counting test programs.  Stages can be picked: tests/run.sh unit e2e ...
#   unit         tests/unit/*_test.c binaries
#   integration  tests/integration/*_test.sh against build/sipvnc
#   asan         unit tests and integration tests built with ASan+UBSan
#   tsan         the tests of input during resizes built with ThreadSanitizer
#   valgrind     unit tests under valgrind (leaks and invalid accesses)
#   fuzz         each libFuzzer harness for FUZZ_SECONDS (default 20)
#   stress       every tests/stress/*_stress.sh, short form (STRESS_LONG=1:
#                the long form, as make stress runs it); FIGURE lines shown
#   lint         cppcheck and clang-tidy
# Integration tests run TEST_JOBS at a time (default 2: most of their time
# is spent waiting on timers and peers, not on a core); a test whose script
# says "# test: alone" (it measures CPU or timing) runs after the others,
# by itself.  Results are printed in the order of the files.
set -u
cd "$(dirname "$0")/.."
jobs=${TEST_JOBS:-2}
stages=${*:-unit integration asan tsan valgrind fuzz stress lint}
passed=0
failed=0
skipped=0
failures=()
# every failure's report once more at the very end: CI shows the head and
# the tail of a long log, and a failure in the middle would be cut
digest=$(mktemp)

run() { # run NAME command...
	local name=$1; shift
	local log; log=$(mktemp)
	local t0=$SECONDS
	local rc=0
	"$@" >"$log" 2>&1 || rc=$?
	if [ $rc = 0 ] && grep -qE ' [1-9][0-9]* skipped$' "$log"; then
		# it could not run here (no namespaces, no IPv6 ...): not a pass
		skipped=$((skipped + 1))
		echo "SKIP $name: $(grep -E '^  SKIP| skipped$' "$log" | head -1 | sed 's/^  SKIP //')"
	elif [ $rc = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name ($((SECONDS - t0)) s): $(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)"
		# measured figures a test reports ("  FIGURES: ...") stay visible
		grep -E '^  FIGURES:' "$log" | sed 's/^ */    /'
		grep '^FIGURE' "$log" | sort -u | sed 's/^/    /'
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name ($((SECONDS - t0)) s)"
		grep -E '^  FAIL' "$log" | sed 's/^/    /'
		tail -60 "$log" | sed 's/^/    /'
		{ echo "FAIL $name"; grep -E '^  FAIL' "$log"; tail -25 "$log"; } |
			sed 's/^/    /' >"$log.digest"
		cat "$log.digest" >>"$digest"
		rm -f "$log.digest"
	fi
	rm -f "$log"
}

# run_integration [PREFIX [ENV...]]: every tests/integration/*_test.sh,
# $jobs at a time, then the ones marked "# test: alone" one by one.  Each
# test's report goes to a file; the reports are counted and printed in the
# order of the files once all are done.
run_integration() {
	local prefix=${1:-}; shift || true
	local out; out=$(mktemp -d)
	local t i=0 running=0 alone=()
	for t in tests/integration/*_test.sh; do
		i=$((i + 1))
		if grep -q '^# test: alone' "$t"; then
			alone+=("$i:$t")
			continue
		fi
		if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
		(run "$prefix$(basename "$t" .sh)" env "$@" "$t" >"$out/$(printf %03d $i)") &
		running=$((running + 1))
	done
	wait
	for t in "${alone[@]}"; do
		(run "$prefix$(basename "${t#*:}" .sh)" env "$@" "${t#*:}" \
			>"$out/$(printf %03d "${t%%:*}")")
	done
	for t in "$out"/*; do
		cat "$t"
		case $(head -c 4 "$t") in
		PASS) passed=$((passed + 1)) ;;
		SKIP) skipped=$((skipped + 1)) ;;
		*) failed=$((failed + 1))
		   failures+=("$(head -1 "$t" | cut -d' ' -f2)") ;;
		esac
	done
	rm -rf "$out"
}

# The end-to-end test with both sipvnc processes under valgrind: any
# invalid access, uninitialised use or definite leak in their logs fails.
valgrind_e2e() {
	local logs; logs=$(mktemp -d)
	SIPVNC_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--suppressions=$PWD/tests/valgrind.supp --log-file=$logs/vg.%p.log" \
		tests/integration/e2e_test.sh || return 1
	if grep -lE 'definitely lost|Invalid (read|write|free)|uninitialised|Mismatched' "$logs"/vg.*.log; then
		grep -hE -A12 'definitely lost|Invalid|uninitialised|Mismatched' "$logs"/vg.*.log | head -80
		return 1
	fi
	echo "valgrind_e2e: $(ls "$logs" | wc -l) processes checked, 1 passed, 0 failed"
	rm -rf "$logs"
}

# The tsan stage: what runs viewers' input threads next to a resize on the
# event loop.  A report in any process's log fails the test.
TSAN_UNIT="capture_resize_input_test capture_input_test"
TSAN_INTEGRATION="capture_resize_test capture_monitor_test"
tsan_run() { # tsan_run COMMAND...
	local logs; logs=$(mktemp -d)
	# libvncserver never joins a client thread that ended on its own.
	TSAN_OPTIONS="report_thread_leaks=0 log_path=$logs/tsan" "$@"
	local rc=$?
	if ls "$logs"/tsan.* >/dev/null 2>&1; then
		grep -h -A20 'WARNING: ThreadSanitizer\|ERROR\|CHECK failed' "$logs"/tsan.* | head -80
		rm -rf "$logs"
		return 1
	fi
	rm -rf "$logs"
	return $rc
}

for stage in $stages; do
	echo "== $stage"
	case $stage in
	unit)
		for t in build/tests/*_test; do [ -x "$t" ] && run "$(basename "$t")" "$t"; done ;;
	integration)
		run_integration ;;
	asan)
		if make -s asan >/tmp/sipvnc-asan-build.log 2>&1; then
			export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
			export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
			export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
			for t in build/asan/tests/*_test; do run "asan:$(basename "$t")" "$t"; done
			run_integration asan: SIPVNC="$PWD/build/asan/sipvnc"
			unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
		else
			failed=$((failed + 1)); failures+=("asan build")
			tail -30 /tmp/sipvnc-asan-build.log
		fi ;;
	tsan)
		if make -s tsan >/tmp/sipvnc-tsan-build.log 2>&1; then
			for t in $TSAN_UNIT; do
				run "tsan:$t" tsan_run "build/tsan/tests/$t"
			done
			for t in $TSAN_INTEGRATION; do
				run "tsan:$t" tsan_run env SIPVNC="$PWD/build/tsan/sipvnc" \
					"tests/integration/$t.sh"
			done
		else
			failed=$((failed + 1)); failures+=("tsan build")
			tail -30 /tmp/sipvnc-tsan-build.log
		fi ;;
	valgrind)
		for t in build/tests/*_test; do
			run "valgrind:$(basename "$t")" valgrind -q --error-exitcode=99 \
				--leak-check=full --errors-for-leak-kinds=definite \
				--suppressions=tests/valgrind.supp "$t"
		done
		run "valgrind:e2e" valgrind_e2e ;;
	fuzz)
		run "fuzz" tests/fuzz/run.sh ;;
	lint)
		run "cppcheck+clang-tidy" make -s lint ;;
	stress)
		for t in tests/stress/*_stress.sh; do
			[ -e "$t" ] && run "stress:$(basename "$t" .sh)" "$t"
		done ;;
	*)
		echo "unknown stage $stage"; exit 2 ;;
	esac
done

if [ ${#failures[@]} != 0 ]; then
	echo "== the failures again"
	cat "$digest"
	echo "failed: ${failures[*]}"
fi
rm -f "$digest"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
