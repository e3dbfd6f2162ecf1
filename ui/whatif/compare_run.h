// A replay kept for comparison (issue 10): PinnedRun holds copies of what the Compare A/B view
// draws of a run (its sink results, firings, sampled watermarks and state) and the settings it ran
// with, so that the run stays as it was while the live controller replays another one. RunSettings
// describes a run's job as `--set` texts, so that two runs are labelled by what differs between
// them ("A: clicks.watermark.maxOutOfOrderness=0ms"). Qt-free value types; thread-compatible.
#pragma once

#include "model/job.h"
#include "runtime/replay.h"
#include "whatif/compare_diff.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace streamlab::ui {

// Every parameter of the job's nodes and config, "NODE.PARAM" (or "config.PARAM") to its value
// as `--set` takes it; durations in one canonical form ("5s" whether written 5000 or "5s").
// Designer-only keys (ui positions) are left out.
using RunSettings = std::map<std::string, std::string>;

// The settings of a replay of `job` with the simulator's live settings applied on top (watermark
// delay per source and allowed lateness per window in ms, event file per source).
RunSettings runSettingsOf(model::Job job, const std::map<std::string, int64_t>& watermarkDelays,
    const std::map<std::string, int64_t>& allowedLateness,
    const std::map<std::string, std::string>& eventFiles);

// The "NODE.PARAM=VALUE" texts of `run` whose parameter `other` lacks or sets to another value,
// in parameter order; "NODE.PARAM unset" for those only `other` has.
std::vector<std::string> settingsDifference(const RunSettings& run, const RunSettings& other);

// A short label of a run's settings for a legend: the differences joined by ", ", at most
// `maxChars` characters ("… +2 more" when cut), or `whenSame` when nothing differs.
std::string settingsLabel(
    const std::vector<std::string>& difference, size_t maxChars, const std::string& whenSame);

struct PinnedRun {
    uint64_t generation = 0;
    runtime::ReplayState state = runtime::ReplayState::Starting;
    int64_t eventsReplayed = 0;
    int64_t processingTime = 0;
    RunSettings settings;
    RunResults results;
    std::vector<runtime::FiringEvent> firings; // the most recent ReplayOptions::firingCapacity
    size_t firingsDropped = 0; // older firings no longer in the snapshot
    runtime::ReplayHistory history;
    // Totals over the window operators' subtasks.
    int64_t onTimeFirings = 0;
    int64_t lateFirings = 0;
    int64_t lateDropped = 0;
    int64_t sideOutput = 0;
};

// Copies what the compare view needs out of `snap`; nothing is shared with the live replay.
// `maxFirings` > 0 makes a preview for the charts of a run still playing: no results (the diff
// waits for the run to stop) and at most about that many firings, evenly spaced; copying
// millions of rows every second would stall the window.
PinnedRun pinRun(const runtime::ReplaySnapshot& snap, RunSettings settings, size_t maxFirings = 0);

} // namespace streamlab::ui
