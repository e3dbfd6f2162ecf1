// The what-if sweep (issue 10): replays a job once per value of one or more parameters, each
// replay identical to `streamlab run --set TARGET=VALUE`, and measures the trade between
// completeness and latency: the share of (event, window) assignments counted in on-time results,
// the latency of each window's on-time result after its last on-time element, late firings,
// late-dropped and side-output counts, and the peak state. Replays run on up to
// SweepOptions::threads threads; results are deterministic whatever the thread count (all but
// the wall time). Thread-safe: no shared state between calls.
#pragma once

#include "core/status.h"
#include "model/job.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::whatif {

// One `--vary NODE.PARAM=FROM..TO[/STEP]`: the target and its values as `--set` texts.
struct SweepAxis {
    std::string target; // "clicks.watermark.maxOutOfOrderness"
    std::vector<std::string> values; // "0ms", "5s", ... (durations) or numbers
};

// Parses FROM..TO/STEP with durations ("0s..60s/5s") or numbers ("1..8/1", "0.5..2/0.5"). Without
// STEP, ten evenly spaced values. At most 1000 values. Errors say what was expected.
Result<SweepAxis> parseVary(std::string_view text);

struct SweepOutcome {
    std::vector<std::string> settings; // the `--set` texts of this replay
    int64_t events = 0; // events replayed
    int64_t assignments = 0; // (event, window) assignments of the followed windows
    int64_t onTimeAssignments = 0;
    double completeness = 0; // onTimeAssignments / assignments (NaN when none)
    int64_t windows = 0; // on-time results with a latency
    int64_t latencyMedian = 0; // ms; nearest-rank percentiles over windows
    int64_t latencyP99 = 0;
    int64_t latencyMax = 0;
    int64_t lateFirings = 0;
    int64_t lateDropped = 0;
    int64_t sideOutput = 0;
    int64_t peakStateEntries = 0; // sum over operators, sampled every SweepOptions::sampleInterval
    int64_t peakStateBytes = 0;
    double wallSeconds = 0; // measured, not deterministic
};

struct SweepOptions {
    std::map<std::string, std::filesystem::path> events; // as `--events`
    // Replays at once. Default 0: min(2, hardware threads).
    int threads = 0;
    // Processing time between two state samples, ms. Default: 1000.
    int64_t sampleInterval = 1000;
    // Asked during each replay (from its thread); true stops the replay, which then fails with an
    // Aborted status. Default: none.
    std::function<bool()> stopRequested;
};

// One replay of `job` as it is (after any --set), measured.
Result<SweepOutcome> measureReplay(const model::Job& job, const SweepOptions& options);

// The cartesian product of the axes' values, one replay each, in axis order (the last axis varies
// fastest). Fails on the first replay that fails, naming its settings.
Result<std::vector<SweepOutcome>> runSweep(
    const model::Job& job, const std::vector<SweepAxis>& axes, const SweepOptions& options);

// A table for people (one row per replay) and CSV with a header line.
std::string formatTable(const std::vector<SweepAxis>& axes, const std::vector<SweepOutcome>& rows);
std::string toCsv(const std::vector<SweepAxis>& axes, const std::vector<SweepOutcome>& rows);

} // namespace streamlab::whatif
