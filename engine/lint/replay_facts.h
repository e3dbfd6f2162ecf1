// lint::ReplayFacts: what the doctor's dynamic rules read from one replay of a job. The final
// metrics, the peak state per operator (sampled on the processing-time clock), how long each
// source's watermark was held back by a silent partition, and the load per key value in front of
// each keyBy whose key fields come straight from a source. Value type; thread-compatible.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "metrics/metrics.h"
#include "model/spec.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace streamlab::lint {

struct ReplayFacts {
    metrics::MetricsSnapshot final;
    int64_t startTime = 0; // processing time of the first event, ms
    int64_t endTime = 0; // processing time at the end of the replay, ms

    struct StatePeak {
        int64_t entries = 0; // largest sum over the operator's subtasks in one sample
        int64_t bytes = 0;
        std::vector<std::pair<int64_t, int64_t>> entriesOverTime; // (processing time, entries)
    };
    std::map<std::string, StatePeak> state; // per operator
    int64_t peakStateBytes = 0; // largest sum over all operators in one sample
    int64_t peakStateEntries = 0;

    struct SourceIdleness {
        int partitions = 1;
        int64_t heldBack = 0; // longest stretch (ms) the source's watermark stood still while
                              // records arrived on other partitions and one stayed silent
        int silentPartition = -1; // the partition that stayed silent during that stretch
        int64_t heldBackFrom = 0; // processing time at which that stretch began
        int64_t watermarkAtStall = INT64_MIN;
    };
    std::map<std::string, SourceIdleness> idleness; // per source

    struct KeyLoad {
        std::vector<std::string> fields;
        std::vector<FieldType> types;
        std::vector<std::pair<Value, int64_t>> keys; // key value (a list for composite keys), records
        bool truncated = false; // more distinct keys than were kept
    };
    std::map<std::string, KeyLoad> keyLoads; // per keyBy node
};

struct ProbeOptions {
    std::map<std::string, std::filesystem::path> events; // event file per source, as RunOptions
    // Processing time between two state samples, ms. Default: 1 s.
    int64_t sampleInterval = 1000;
    // Distinct key values kept per keyBy. Default: 4096.
    size_t maxKeys = 4096;
    std::function<bool()> stopRequested; // as RunOptions::stopRequested
};

// Replays the job once (heap or RocksDB as configured) and gathers the facts.
Result<ReplayFacts> probeReplay(const model::JobSpec& spec, const ProbeOptions& options);

} // namespace streamlab::lint
