#!/usr/bin/env bash
# Builds every cargo-fuzz target of fuzz/ and runs each for a fixed time; exits non-zero if any crashed.
#
#   bash fuzz/run.sh [SECONDS]      # SECONDS per target, default 30
#
# One line per target: its name, the seconds, libFuzzer's count of executions, and the outcome. A crash
# prints libFuzzer's report (the panic message and location) and leaves the input in
# fuzz/artifacts/<target>/: minimise it with `cargo fuzz tmin`, keep it in fuzz/regressions/<target>/, and
# turn it into a test in the crate it broke.
#
# Only stable Rust is on these machines; cargo-fuzz needs nightly flags, so RUSTC_BOOTSTRAP=1 lets the stable
# compiler take them. FUZZ_SANITIZER=none builds without AddressSanitizer (default: address).
# Each run starts from a fresh copy of fuzz/seeds/<target>/ (the committed seeds) in a temporary folder, so
# nothing the fuzzer adds to its corpus ends up in the work tree. fuzz/make_seeds.py rewrites the .xlsx seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never
# FUZZ_TARGETS="command policy" runs only those.
read -r -a targets <<<"${FUZZ_TARGETS:-scenario policy command excel_import excel_rows}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing (cargo install cargo-fuzz --locked)" >&2
  exit 2
fi

# One build of all targets (fuzz/target), so the runs below only run.
cargo fuzz build --sanitizer "$sanitizer"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  log="$work/$target.log"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  cp fuzz/seeds/"$target"/* "$corpus"/
  set +e
  # -timeout: one input taking longer than this counts as a failure (a hang), as a crash does.
  cargo fuzz run --sanitizer "$sanitizer" "$target" "$corpus" -- \
    -max_total_time="$seconds" -timeout=20 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  runs="$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1 || true)"
  if [ "$rc" -eq 0 ]; then
    echo "fuzz $target: ${seconds} s, ${runs:-?} runs, no crash"
  else
    failed=1
    artifact="$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)"
    cp "$log" "fuzz/artifacts/$target/fuzz.log"
    echo "fuzz $target: FAILED (exit $rc) after ${runs:-?} runs; input: ${artifact:-none written}; log: fuzz/artifacts/$target/fuzz.log"
    # libFuzzer's report: the panic (message and location), what kind of failure, and the input.
    grep -E -A 2 "panicked at" "$log" | head -n 20 | sed "s/^/  $target | /" || true
    grep -E '^(SUMMARY|Base64:|==[0-9]+== ERROR|ALARM|ERROR: libFuzzer)' "$log" | head -n 10 | sed "s/^/  $target | /" || true
    # Without a recognised report (a build error, say), the end of the log.
    grep -qE "panicked at|^SUMMARY" "$log" || tail -n 40 "$log" | sed "s/^/  $target | /"
  fi
done
exit "$failed"
