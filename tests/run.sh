#!/usr/bin/env bash
# Every test sipvnc has, in stages; one closing line "N passed, N failed"
# counting test programs.  Stages can be picked: tests/run.sh unit e2e ...
#   unit         tests/unit/*_test.c binaries
#   integration  tests/integration/*_test.sh against build/sipvnc
#   asan         unit tests and integration tests built with ASan+UBSan
#   valgrind     unit tests under valgrind (leaks and invalid accesses)
#   fuzz         each libFuzzer harness for FUZZ_SECONDS (default 20)
#   lint         cppcheck and clang-tidy
#   stress       tests/stress/*_stress.sh: long runs, not in the default
#                stages (make stress)
set -u
cd "$(dirname "$0")/.."
stages=${*:-unit integration asan valgrind fuzz lint}
passed=0
failed=0
skipped=0
failures=()

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
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name ($((SECONDS - t0)) s)"
		grep -E '^  FAIL' "$log" | sed 's/^/    /'
		tail -60 "$log" | sed 's/^/    /'
	fi
	rm -f "$log"
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

for stage in $stages; do
	echo "== $stage"
	case $stage in
	unit)
		for t in build/tests/*_test; do [ -x "$t" ] && run "$(basename "$t")" "$t"; done ;;
	integration)
		for t in tests/integration/*_test.sh; do run "$(basename "$t" .sh)" "$t"; done ;;
	asan)
		if make -s asan >/tmp/sipvnc-asan-build.log 2>&1; then
			export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
			export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
			export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
			for t in build/asan/tests/*_test; do run "asan:$(basename "$t")" "$t"; done
			for t in tests/integration/*_test.sh; do
				run "asan:$(basename "$t" .sh)" env SIPVNC="$PWD/build/asan/sipvnc" "$t"
			done
			unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
		else
			failed=$((failed + 1)); failures+=("asan build")
			tail -30 /tmp/sipvnc-asan-build.log
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
		for t in tests/stress/*_stress.sh; do run "$(basename "$t" .sh)" "$t"; done ;;
	*)
		echo "unknown stage $stage"; exit 2 ;;
	esac
done

[ ${#failures[@]} = 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
