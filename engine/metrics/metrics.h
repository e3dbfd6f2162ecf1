// Counters of one subtask and the snapshot of a whole run. Counters are written by the engine
// thread only; a MetricsSnapshot is an immutable value that may be copied to any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace streamlab::metrics {

struct Firings {
    int64_t onTime = 0;
    int64_t late = 0;
    int64_t early = 0;
};

struct SubtaskMetrics {
    int64_t recordsIn = 0;
    int64_t recordsOut = 0;
    int64_t lateDropped = 0;     // Flink's numLateRecordsDropped
    int64_t lateSideOutput = 0;  // late elements sent to the late port
    Firings firings;
    int64_t stateEntries = 0;
    int64_t stateBytes = 0;
    int64_t watermark = INT64_MIN; // current input watermark (for a source: its output watermark)
    bool idle = false;             // source subtasks: output marked idle
    int64_t bytesSerialized = 0; // bytes this subtask wrote to network exchanges
    int64_t busyNs = 0;          // time in this subtask's operator, sampled (1 record in 64, later 1024) and scaled
};

struct OperatorMetrics {
    std::string id;
    std::string kind;
    int maxParallelism = 0;
    std::vector<SubtaskMetrics> subtasks;
    // Records received per key group (keyed operators behind a HASH exchange), index = key group.
    std::vector<int64_t> keyGroupRecords;
};

// One physical exchange between operators (a network edge, or a chained one). Cache-line
// aligned: in a pipelined run, the exchanges of a job are counted on two threads.
struct alignas(64) ExchangeMetrics {
    std::string from; // "node" or "node.port"
    std::string to;
    std::string partitioner; // FORWARD, REBALANCE, BROADCAST, HASH
    bool chained = false;
    bool genericSerializer = false;
    int64_t records = 0;     // records that crossed it
    int64_t bytes = 0;       // serialized bytes (0 when chained)
    int64_t serializeNs = 0; // time to serialize and deserialize, sampled and scaled
};

struct SourceMetrics {
    std::string id;
    int64_t eventsRead = 0;
    int64_t watermarkLines = 0;
    int64_t badLines = 0;
    std::vector<std::string> badLineReasons;
};

struct CheckpointMetrics {
    int64_t completed = 0;
    int64_t lastId = 0;
    int64_t lastBytes = 0;      // size of the last checkpoint on disk
    int64_t lastDurationNs = 0; // wall time to take it
    int64_t totalDurationNs = 0;
    int64_t restoredFrom = 0;   // checkpoint id a resumed run started from (0: none)
    int64_t recoveryNs = 0;     // wall time of that restore
};

struct MetricsSnapshot {
    int64_t processingTime = 0; // virtual clock, ms
    int64_t eventsReplayed = 0;
    bool finished = false;
    std::vector<OperatorMetrics> operators;
    std::vector<ExchangeMetrics> exchanges;
    std::vector<SourceMetrics> sources;
    CheckpointMetrics checkpoints;

    const OperatorMetrics* op(const std::string& id) const
    {
        for (const auto& o : operators)
            if (o.id == id)
                return &o;
        return nullptr;
    }
};

} // namespace streamlab::metrics
