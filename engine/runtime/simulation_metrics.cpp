#include "runtime/simulation_engine.h"

namespace streamlab::runtime::sim {

// While a pipe runs, the subtasks downstream of it and the exchanges they send on are
// left empty (the downstream thread writes them): fillDownstream() adds them.
metrics::MetricsSnapshot Engine::snapshot(bool refreshState) const
{
    const Engine& E = *this;
    metrics::MetricsSnapshot snap;
    snap.processingTime = E.now;
    snap.eventsReplayed = E.events;
    snap.finished = E.complete;
    for (const auto& n : E.spec.nodes) {
        auto it = E.tasksOf.find(n.id);
        if (it == E.tasksOf.end())
            continue;
        metrics::OperatorMetrics om;
        om.id = n.id;
        om.kind = std::string(model::nodeKindName(n.kind));
        om.maxParallelism = E.maxParallelism.at(n.id);
        for (const Task* t : it->second) {
            if (downstream(*t)) {
                om.subtasks.emplace_back();
                continue;
            }
            if (t->op && !E.complete && refreshState)
                t->op->updateStateMetrics();
            om.subtasks.push_back(t->metrics);
        }
        if (auto kg = E.keyGroupRecords.find(n.id); kg != E.keyGroupRecords.end())
            om.keyGroupRecords.assign(kg->second.begin(), kg->second.end());
        snap.operators.push_back(std::move(om));
    }
    snap.exchanges.resize(E.exchanges.size());
    for (size_t x = 0; x < E.exchanges.size(); ++x)
        if (!pipe || !pipe->downstreamExchange[x])
            snap.exchanges[x] = E.exchanges[x];
    snap.checkpoints = E.checkpointMetrics;
    for (const auto& s : E.sources) {
        metrics::SourceMetrics sm;
        sm.id = s.node->id;
        sm.eventsRead = s.records;
        sm.watermarkLines = s.watermarkLines;
        sm.badLines = s.reader->badLines().count;
        sm.badLineReasons = s.reader->badLines().firstReasons;
        snap.sources.push_back(std::move(sm));
    }
    return snap;
}

// The downstream thread's half of snapshot(): its subtasks, the exchanges they send on,
// and the time it spent reading records back (until stopPipeline() adds it for good).
void Engine::fillDownstream(metrics::MetricsSnapshot& snap, bool refreshState) const
{
    size_t op = 0;
    for (const auto& n : spec.nodes) {
        auto it = tasksOf.find(n.id);
        if (it == tasksOf.end())
            continue;
        auto& om = snap.operators[op++];
        for (size_t i = 0; i < it->second.size(); ++i) {
            const Task* t = it->second[i];
            if (!downstream(*t))
                continue;
            if (t->op && refreshState)
                t->op->updateStateMetrics();
            om.subtasks[i] = t->metrics;
        }
    }
    for (size_t x = 0; x < snap.exchanges.size(); ++x) {
        if (pipe->downstreamExchange[x])
            snap.exchanges[x] = exchanges[x];
        snap.exchanges[x].serializeNs += pipe->deserializeNs[x];
    }
}

void Engine::answer(Pipe::MarkRequest& m) const
{
    fillDownstream(m.snap, m.refreshState);
    m.done(std::move(m.snap));
}

// A snapshot of every subtask at this point of the replay, handed to `done`: at once on
// one thread, else once the downstream thread gets there (on that thread).
void Engine::snapshotLater(bool refreshState, std::function<void(metrics::MetricsSnapshot)> done)
{
    if (!pipe) {
        done(snapshot(refreshState));
        return;
    }
    pipe->sendMark({ snapshot(refreshState), refreshState, std::move(done) });
}

} // namespace streamlab::runtime::sim
