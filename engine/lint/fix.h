// Applying a lint::Fix to a job: its `--set` assignments through model::applySet, then its graph
// edits. The job is changed in place; on error it may be partly changed (apply to a copy when
// that matters). Pure functions; thread-compatible.
#pragma once

#include "core/status.h"
#include "lint/finding.h"
#include "model/job.h"

namespace streamlab::lint {

// REQUIRES: nothing. Errors name the assignment, node or edge that could not be applied.
Status applyFix(model::Job& job, const Fix& fix);

} // namespace streamlab::lint
