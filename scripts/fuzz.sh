#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer, UndefinedBehaviorSanitizer)
# in build-fuzz/ and runs each for SECONDS (default 60) on its seed corpus and regression inputs.
# New inputs go to a scratch corpus, not the tree; a crash, a sanitizer finding, a hang (an input
# that runs past 20 s) or a leak fails the run, and its input is kept in build-fuzz/findings/ (add
# it to tests/fuzz/regressions/TARGET once fixed).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_job fuzz_events fuzz_expr fuzz_lint)
"$root/scripts/install-deps.sh" --clang
build=${STREAMLAB_FUZZ_DIR:-$root/build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTREAMLAB_FUZZ=ON -DSTREAMLAB_BUILD_UI=OFF -DSTREAMLAB_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$build.log" 2>&1 \
  || { tail -n 60 "$build.log" >&2; echo "fuzz build failed; full log: $build.log" >&2; exit 1; }
mkdir -p "$build/findings"
passed=0 failed=0
for t in "${targets[@]}"; do
  scratch=$(mktemp -d)
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds}s" >&2
  if "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
      "$scratch" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" >"$log" 2>&1; then
    passed=$((passed + 1))
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$log" | sed "s/^/  $t /" >&2
  else
    failed=$((failed + 1))
    echo "fuzz: $t found a failure; its log: $log" >&2
    grep -E "ERROR|SUMMARY|Test unit written|deadly signal|timeout" "$log" | head -n 20 >&2
  fi
  rm -rf "$scratch"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
