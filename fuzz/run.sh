#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) on the stable toolchain, one after the
# other, and fails if any crashes, panics, times out or runs out of memory.
#
#   cargo install cargo-fuzz --locked     # once; from crates.io
#   fuzz/run.sh 60                        # a brief run of each target
#   fuzz/run.sh 3600 normalize            # one target for an hour
#
# Seeds come from the repository (tests/negatives, the benchmark's small log, signatures/);
# what a run learns is kept in fuzz/corpus/<target>/ and crashes in fuzz/artifacts/<target>/,
# both outside git. Logs go to fuzz/logs/<target>.log.
set -euo pipefail
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(normalize corpus match)
fi
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi
# libFuzzer's sanitizer-coverage flags are stable rustc flags; `--sanitizer none` leaves out
# the nightly-only -Zsanitizer, so the stable toolchain builds the targets.
fuzz=(cargo fuzz)
build_flags=(--sanitizer none)

mkdir -p logs
for target in "${targets[@]}"; do
  if ! "${fuzz[@]}" build "${build_flags[@]}" "$target" >"logs/build-$target.log" 2>&1; then
    cat "logs/build-$target.log" >&2
    echo "error: fuzz target $target does not build" >&2
    exit 2
  fi
done

status=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  case "$target" in
    corpus) seeds=(../signatures); options=(-max_len=32768 -dict=corpus.dict) ;;
    *) seeds=(../tests/negatives ../benches/data/small.log); options=(-max_len=65536) ;;
  esac
  # A seed file (not a directory) goes in through a scratch directory.
  dirs=()
  for seed in "${seeds[@]}"; do
    if [ -d "$seed" ]; then
      dirs+=("$seed")
    else
      mkdir -p "logs/seeds-$target"
      cp "$seed" "logs/seeds-$target/"
      dirs+=("logs/seeds-$target")
    fi
  done
  echo "== $target for ${seconds}s" >&2
  started=$(date +%s)
  if "${fuzz[@]}" run "${build_flags[@]}" "$target" "corpus/$target" "${dirs[@]}" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      "${options[@]}" >"logs/$target.log" 2>&1; then
    result="ok"
  else
    result="FAILED"
    status=1
  fi
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo "?")
  peak=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "logs/$target.log" | tail -1 || true)
  echo "$target: $result after ${elapsed}s, $runs runs, $cov, peak RSS ${peak} MB (fuzz/logs/$target.log)"
  if [ "$result" != ok ]; then
    grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written" "logs/$target.log" | head -5 >&2 || true
  fi
done
exit "$status"
