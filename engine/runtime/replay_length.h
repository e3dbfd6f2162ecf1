// How long a job's replay lasts in virtual processing time, estimated from the first events of
// each source's file, so that the window can choose a replay speed a person can follow (100,000
// events read at most, about 10 ms, shared by the sources, whatever the files' sizes). Pure
// function of the job and its files; thread-safe.
#pragma once

#include "core/status.h"
#include "model/spec.h"

#include <cstdint>

namespace streamlab::runtime {

struct ReplayLength {
    // From the first arrival to the last, in milliseconds of processing time.
    int64_t processingMs = 0;
    // Every event was read (small files): the figure is the replay's; else extrapolated from the
    // bytes read, assuming the rest of each file looks like its beginning.
    bool exact = true;
};

// Reads `sampleEvents` events in all, shared by the sources (at least kMinSampleEvents each). A source with an arrival field lasts from
// its first arrival to its last; one without lasts (events - 1) / rate seconds from the clock's
// start. Fails when a file cannot be read (the replay would fail the same way).
inline constexpr int64_t kMinSampleEvents = 2000;
Result<ReplayLength> estimateReplayLength(const model::JobSpec& spec, int64_t sampleEvents = 100000);

} // namespace streamlab::runtime
