#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# `make fuzz` inside `make test`, bounded: every libFuzzer target in
# tests/fuzz/ built with clang (ASan, UBSan) and run for FUZZ_TEST_TIME
# seconds (10 by default) from its seeds and the corpus kept in build/fuzz/:
# no crash, no leak, no timeout. Without clang this says so and passes
# (`make deps` installs it). The first run builds every target (minutes).
# timeout: 1200
. "$(dirname "$0")/../lib/lib.sh"

if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
    ok "fuzz: skipped, ${FUZZ_CC:-clang} is not installed (make deps installs it)"
    exit 0
fi
targets=$(ls "$ROOT"/tests/fuzz/fuzz_*.c | wc -l | tr -d ' ')
if make -j2 --no-print-directory -C "$ROOT" fuzz FUZZ_TIME="${FUZZ_TEST_TIME:-10}" \
    >"$T/fuzz.out" 2>&1; then
    ok "make fuzz: $targets targets, ${FUZZ_TEST_TIME:-10} s each, no crash"
else
    not_ok "make fuzz: $targets targets, ${FUZZ_TEST_TIME:-10} s each, no crash" \
        "$(grep -E 'ERROR|SUMMARY|crash-|RUN' "$T/fuzz.out" | tail -n 20)"
fi
check_eq "every target ran" "$(grep -c '^  RUN  fuzz_' "$T/fuzz.out")" "$targets"
runs=$(grep -c '^stat::number_of_executed_units' "$T/fuzz.out")
check_eq "every target reported its runs" "$runs" "$targets"
grep '^stat::number_of_executed_units' "$T/fuzz.out" | sed 's/^/# /'
