// The records flowing along a job's edges (runtime::Streams): the schema out of every node and out
// of each window's late port, the schema and key into every operator, with each operator's
// expressions and aggregates checked against what reaches it. This is what a run checks once the
// sources' schemas are known, after validation (model::compile), and what lint checks too, so
// that lint finds every error run finds. Value type; thread-compatible.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "model/spec.h"
#include "runtime/key_selector.h"
#include "runtime/plan.h"

#include <filesystem>
#include <map>
#include <string>

namespace streamlab::runtime {

struct Streams {
    std::map<std::string, SchemaPtr> out; // by node id: what leaves its main output
    std::map<std::string, SchemaPtr> late; // by window id: what leaves its late port
    std::map<std::string, SchemaPtr> in; // by operator id: what reaches it
    std::map<std::string, KeySelector> key; // by operator id: the key of the keyBy before it, if any

    // What travels along the exchange `x`.
    SchemaPtr schemaOf(const PlanExchange& x) const;
    // The key of a HASH exchange, resolved against the schema it carries.
    Status keyOf(
        const model::JobSpec& spec, const PlanExchange& x, const Schema& schema, KeySelector& key) const;
};

// The most subtasks of one operator that a replay runs. Every exchange between two operators
// costs parallelism² channels (each upstream subtask feeds each downstream one), and each
// watermark or idle status crosses all of them: at 1024 a replay of a small file starts in a
// fraction of a second and takes about 80 MB; at 4096, ten seconds and 800 MB; at Flink's upper
// bound of 32768, tens of gigabytes. Flink runs such a job on a cluster: validation and export
// accept it, a replay refuses it with this limit in the message.
inline constexpr int kMaxReplayParallelism = 1024;

// REQUIRES: `sourceSchemas` holds the schema of every source of `spec` (as its reader settled it).
Result<Streams> resolveStreams(
    const model::JobSpec& spec, const Plan& plan, const std::map<std::string, SchemaPtr>& sourceSchemas);

// Opens each source's event file (a path of `events` replacing the job's) for its schema, then
// resolves the streams: every error a run would report before its first record.
Result<Streams> checkStreams(
    const model::JobSpec& spec, const Plan& plan, const std::map<std::string, std::filesystem::path>& events);

// "node 'id', field 'f': msg": the form of validation's problems.
Status nodeError(const model::NodeSpec& n, const std::string& field, const std::string& msg);

} // namespace streamlab::runtime
