// The physical plan (runtime::Plan): what Flink's job graph would be for a logical job.
// keyBy nodes become HASH exchanges into the next operator; edges get Flink's default
// partitioner (FORWARD for equal parallelism, else REBALANCE) unless one is given; operators
// chain by Flink's rules (one input, FORWARD, equal parallelism); keyed operators own
// key-group ranges. Built from a validated JobSpec without reading event files.
// Value type; thread-compatible.
#pragma once

#include "core/status.h"
#include "model/spec.h"
#include "runtime/key_groups.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace streamlab::runtime {

struct PlanExchange {
    std::string from;     // upstream operator
    std::string fromPort; // "" or "late"
    std::string to;       // downstream operator
    model::Partitioner partitioner = model::Partitioner::Forward;
    bool explicitPartitioner = false;
    std::string keyBy;                 // the keyBy node behind a HASH exchange
    std::vector<std::string> keyFields;
    bool chained = false; // inside one task: direct calls, no serialization
};

struct PlanOperator {
    std::string id;
    model::NodeKind kind = model::NodeKind::Source;
    int parallelism = 1;
    int maxParallelism = 128;
    bool keyed = false;
    int task = -1; // index into Plan::tasks
    bool inSourceTask = false; // chained to a source: on the engine's thread of a two-thread run
    std::vector<KeyGroupRange> keyGroups; // per subtask, for keyed operators
};

struct PlanTask {
    std::vector<std::string> chain; // operators in chain order, head first
    int parallelism = 1;
    std::string name() const;       // "clicks -> filter" as Flink names chained tasks
};

struct Plan {
    std::vector<PlanOperator> operators; // topological order; keyBy nodes are not operators
    std::vector<PlanExchange> exchanges; // physical edges
    std::vector<PlanTask> tasks;
    // What `streamlab run` does with the job (Simulation::run): 2 when the tasks after the
    // sources' network exchanges go to a second thread, else 1 and why. Simulation::run goes
    // by it; the run's own options (--one-thread, --checkpoint-dir, --metrics-series) and the
    // GUI keep it to one thread in any case.
    int runThreads = 1;
    std::string oneThreadBecause;

    const PlanOperator* op(const std::string& id) const;
    std::vector<const PlanExchange*> inputsOf(const std::string& id) const;
    std::string toText() const;
    nlohmann::ordered_json toJson() const;
};

Result<Plan> buildPlan(const model::JobSpec& spec);

} // namespace streamlab::runtime
