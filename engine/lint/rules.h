// Internal to engine/lint: the rule functions behind linter.h and the helpers they share.
#pragma once

#include "lint/finding.h"
#include "lint/linter.h"
#include "lint/replay_facts.h"
#include "model/spec.h"
#include "runtime/plan.h"

#include <string>
#include <vector>

namespace streamlab::lint::detail {

struct Context {
    const model::Job& job;
    const model::JobSpec& spec;
    const runtime::Plan& plan;
    const LintOptions& options;
};

void staticRules(const Context& ctx, std::vector<Finding>& out);
// Adds the replay's evidence to the static findings and appends the dynamic ones.
Status dynamicRules(const Context& ctx, const ReplayFacts& facts, std::vector<Finding>& out);

// "10m 0s", "2.5s", "340ms"
std::string humanDuration(int64_t ms);
// "1.2 MB", "640 B"
std::string humanBytes(double bytes);
std::string fixed(double v, int decimals);
model::StateBackend backendOf(const model::JobSpec& spec, const model::NodeSpec& n);
// The "from" of an edge as written in the job ("a" or "a.late").
std::string edgeFrom(const model::EdgeSpec& e);
// The declared schema (JSON) Streamlab infers for a source from its event file, or null.
model::Json inferredSchema(const model::JobSpec& spec, const std::string& source, const LintOptions& options);

} // namespace streamlab::lint::detail
