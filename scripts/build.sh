#!/usr/bin/env bash
# Installs what is missing (Debian packages), then configures and builds Streamlab in build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build=${STREAMLAB_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >"$build.log" 2>&1 || { tail -n 60 "$build.log" >&2; echo "build failed; full log: $build.log" >&2; exit 1; }
