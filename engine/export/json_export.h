// Export of a job to its canonical job file (issue 8), for diffing and for other tools: every
// object's keys sorted, defaults of the parameter catalogue written out, durations normalized,
// nodes sorted by id and edges by (from, to), unknown keys kept. Validates against
// resources/job.schema.json. Pure function; thread-safe.
#pragma once

#include "model/job.h"

#include <string>

namespace streamlab::exporter {

// The canonical text (2-space indented JSON, trailing newline). Durations are written as the
// shortest exact duration string of time::formatDuration ("1m", "1500ms", "0ms"), never as bare
// milliseconds. Optional parameters without a default (source.arrival, config.checkpoints.interval,
// ...) are written as null. Idempotent: exporting the loaded export gives the same text, and the
// loaded export compiles to the same graph. Values that do not validate are kept as they are.
std::string exportCanonicalJson(const model::Job& job);

} // namespace streamlab::exporter
