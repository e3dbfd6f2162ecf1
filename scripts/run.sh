#!/usr/bin/env bash
# Builds Streamlab and opens the GUI on the clickstream sample. With arguments, runs the
# streamlab command instead: scripts/run.sh run samples/clickstream/job.json --out -
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
bin=${STREAMLAB_BUILD_DIR:-$root/build}/app/streamlab
if [ $# -eq 0 ]; then
  exec "$bin" "$root/samples/clickstream/job.json"
fi
exec "$bin" "$@"
