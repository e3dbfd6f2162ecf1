#!/usr/bin/env bash
# Takes every screenshot of the README again (docs/), from the built streamlab, under xvfb-run,
# each with a settings folder of its own so that no earlier layout leaks in. Run after a change
# the window shows: scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build}/app/streamlab
docs=$root/docs
samples=$root/samples
[ -x "$bin" ] || { echo "screenshots: no $bin; build first (scripts/build.sh)" >&2; exit 1; }
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

n=0
shot() { # OUT ARGS...
    local out=$1
    shift
    n=$((n + 1))
    HOME=$home/$n xvfb-run -a -s "-screen 0 1600x1000x24" "$bin" "$@" --screenshot "$out" >/dev/null 2>&1 \
        || { echo "screenshots: failed: $out" >&2; return 1; }
    echo "$out"
}

# The start page of an empty start.
shot "$docs/start-page.png" --screenshot-after 1500

# The designer on every sample, light and dark.
for dir in "$samples"/*/; do
    name=$(basename "$dir")
    shot "$docs/designer/$name-light.png" "$dir/job.json" --light --screenshot-after 1500
    shot "$docs/designer/$name-dark.png" "$dir/job.json" --dark --screenshot-after 1500
done

# The replay's views, each on the sample that shows it best.
shot "$docs/screenshot.png" "$samples/clickstream/job.json" --replay --speed 0 --view eventtime --screenshot-after 4000
shot "$docs/replay-event-time.png" "$samples/clickstream/job.json" --replay --speed 0 --view eventtime --screenshot-after 4000
shot "$docs/replay-firings.png" "$samples/stuck-producer/job.json" --replay --speed 0 --view firings --screenshot-after 5000
shot "$docs/replay-load.png" "$samples/skew/job.json" --replay --speed 0 --view load --screenshot-after 4000
shot "$docs/replay-watermarks.png" "$samples/stuck-producer/job.json" --replay --speed 0 --view watermarks --screenshot-after 5000
shot "$docs/replay-state.png" "$samples/state-growth/job.json" --replay --speed 0 --view state --screenshot-after 5000
shot "$docs/replay-exchanges.png" "$samples/generic-serialization/job.json" --replay --speed 0 --view exchanges --screenshot-after 4000
shot "$docs/replay-results.png" "$samples/clickstream/job.json" --replay --speed 0 --view results --screenshot-after 4000
shot "$docs/replay-settings.png" "$samples/clickstream/job.json" --replay --speed 0 --view settings --screenshot-after 4000
shot "$docs/replay-dark.png" "$samples/clickstream/job.json" --dark --replay --speed 0 --view eventtime --screenshot-after 4000

# What-if: a sweep and a comparison.
shot "$docs/whatif/sweep-stuck-producer.png" "$samples/stuck-producer/job.json" \
    --sweep readings.watermark.maxOutOfOrderness=0s..8s/1s --screenshot-after 20000
shot "$docs/whatif/compare-clickstream.png" "$samples/clickstream/job.json" \
    --compare clicks.watermark.maxOutOfOrderness=30s --screenshot-after 8000

# The doctor, before and after its fixes.
doctor() { # SAMPLE [VIEW]
    local sample=$1 view=${2:-} suffix=
    [ -n "$view" ] && suffix=-$view
    shot "$docs/doctor/$sample-before$suffix.png" "$samples/$sample/job.json" --replay --speed 0 \
        --view "${view:-doctor}" --screenshot-after 3000
    shot "$docs/doctor/$sample-after$suffix.png" "$samples/$sample/job.json" --replay --speed 0 \
        --view "${view:-doctor}" --apply-fixes --screenshot-after 5000
}
doctor stuck-producer
doctor stuck-producer firings
doctor idle-partition
doctor idle-partition watermarks
doctor skew
doctor skew load
doctor redundant-keyby
doctor coupled-warehouse
