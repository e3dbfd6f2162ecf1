#!/usr/bin/env bash
# The engine and CLI tests under sanitizers, with clang:
# - build-fuzz/: AddressSanitizer + UndefinedBehaviorSanitizer (with the float-cast check), every
#   engine, CLI and fuzz-regression test (the libFuzzer targets are built there too, see fuzz.sh);
# - with --tsan, build-tsan/: ThreadSanitizer, the tests that run two threads (the live replay, the
#   pipelined run of `streamlab run`, the parallel runs). CI runs the first only: both builds do not
#   fit its hour on two cores beside the others; run --tsan before resolving threaded work.
# Any finding stops the test it happens in, and the script fails.
#   scripts/sanitize.sh [--tsan]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --clang
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

asan=${STREAMLAB_FUZZ_DIR:-$root/build-fuzz}
if [ ! -f "$asan/build.ninja" ]; then
  cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTREAMLAB_FUZZ=ON -DSTREAMLAB_BUILD_UI=OFF -DSTREAMLAB_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$asan" -j"$(nproc)" >"$asan.log" 2>&1 \
  || { tail -n 60 "$asan.log" >&2; echo "ASan build failed; full log: $asan.log" >&2; exit 1; }
(cd "$asan" && ctest --output-on-failure -j"$(nproc)" -E "^export/")

[ "${1:-}" = "--tsan" ] || exit 0
tsan=$root/build-tsan
if [ ! -f "$tsan/build.ninja" ]; then
  cmake -S "$root" -B "$tsan" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTREAMLAB_TSAN=ON -DSTREAMLAB_BUILD_UI=OFF -DSTREAMLAB_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$tsan" -j"$(nproc)" --target streamlab engine_runtime_tst_replay engine_runtime_tst_parallel >"$tsan.log" 2>&1 \
  || { tail -n 60 "$tsan.log" >&2; echo "TSan build failed; full log: $tsan.log" >&2; exit 1; }
export TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$root/tests/tsan.supp"
(cd "$tsan" && ctest --output-on-failure -j"$(nproc)" -R "^(engine/runtime/tst_replay|engine/runtime/tst_parallel)$")
# `streamlab run` on two threads, on every sample at parallelism 1 and 4, as a person runs it (the
# CLI tests start it through QProcess, whose fork TSan's runtime trips over in clang 14).
for job in "$root"/samples/*/job.json; do
  for p in 1 4; do
    "$tsan/app/streamlab" run "$job" --set config.parallelism=$p --out /dev/null 2>"$tsan/run.err" \
      || { cat "$tsan/run.err" >&2; echo "tsan: streamlab run $job (parallelism $p) failed" >&2; exit 1; }
  done
done
echo "tsan: streamlab run on every sample, parallelism 1 and 4: no race" >&2
