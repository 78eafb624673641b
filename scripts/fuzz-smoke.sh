#!/usr/bin/env bash
# Runs every libFuzzer target for a short time. New inputs go to a scratch folder,
# never into fuzz/corpus/; a crash leaves its reproducer in the scratch folder and
# fails the run.
set -euo pipefail
dir=${1:?usage: fuzz-smoke.sh BUILD_FUZZ_DIR SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
for bin in "$dir"/*_fuzzer; do
  name=$(basename "$bin" _fuzzer)
  mkdir -p "$scratch/$name"
  seeds="$root/fuzz/corpus/$name"
  dict=()
  [[ -f "$root/fuzz/$name.dict" ]] && dict=(-dict="$root/fuzz/$name.dict")
  # fuzz/NAME.lsan: LeakSanitizer suppressions for leaks inside system libraries.
  lsan=""
  [[ -f "$root/fuzz/$name.lsan" ]] && lsan="suppressions=$root/fuzz/$name.lsan"
  echo "fuzz $name: ${seconds}s"
  if ! LSAN_OPTIONS="$lsan" "$bin" "$scratch/$name" "$seeds" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -max_len=262144 -artifact_prefix="$scratch/" -print_final_stats=1 >"$scratch/$name.log" 2>&1; then
    echo "fuzz $name FAILED:"; tail -n 60 "$scratch/$name.log"
    ls "$scratch"/crash-* "$scratch"/timeout-* "$scratch"/oom-* 2>/dev/null || true
    for f in "$scratch"/crash-* "$scratch"/timeout-* "$scratch"/oom-*; do
      [[ -f "$f" ]] && { echo "reproducer (base64) $f:"; base64 -w0 "$f" | head -c 4000; echo; }
    done
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$scratch/$name.log" | tail -n 2 || true
  fi
done
exit $status
