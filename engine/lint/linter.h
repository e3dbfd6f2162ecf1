// The pipeline doctor (lint): finds the known production pitfalls of an event-time job, explains
// them and offers fixes. Static rules read the job alone; dynamic rules replay it (deterministic,
// like `streamlab run`) and measure: late firings, state growth, watermark hold-back by an idle
// partition, serialization bytes and time, state size, key load. Thread-safe (no shared state);
// a call may take as long as a few replays.
//
// Rules (id, where, when):
//   late-firing-flood            window  allowedLateness > 0 with Flink's per-element late firing
//   window-state-without-ttl     window  allowedLateness > 0 and no state TTL
//   running-aggregate-without-ttl aggregate  no ttl and no config.idleStateRetention
//   idle-partition-without-timeout source  several partitions, no watermark.idleTimeout
//   generic-serialization        source  schema inferred or with `any` fields, crossing an exchange
//   redundant-exchange           keyBy/edge  a keyBy or rebalance whose input is already partitioned so
//   list-window-state            window  stateKind list on RocksDB
//   large-state                  node    (replay) heap state above LintOptions::largeStateBytes
//   state-size                   node    (replay, info) the same estimate on RocksDB
//   coupled-warehouse-sink       sink    a warehouse written directly by the job
//   uneven-key-groups            window/aggregate  maxParallelism % parallelism != 0
//   key-skew                     window/aggregate  (replay) max/mean subtask load >= skewThreshold
//   endless-firings              window  a continuous trigger that fires a window past the bound of a run
//   sliding-window-fanout        window  size / slide windows per element (error past a run's bound)
//   job-does-not-run             node?   a run would refuse the job before its first record: a field
//                                        not in the stream, a missing event file, ... (what
//                                        runtime::checkStreams finds once the sources' schemas are known)
//   invalid-job                  -       the job does not compile (nothing else is checked)
#pragma once

#include "core/status.h"
#include "lint/finding.h"
#include "model/job.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace streamlab::lint {

struct LintOptions {
    // Event file per source node id, replacing the job's `path` (as `--events`).
    std::map<std::string, std::filesystem::path> events;
    // Processing time between two state samples of the replay, ms. Default: 1000.
    int64_t sampleInterval = 1000;
    // Bandwidth of a local SSD for recovery estimates, bytes per second. Default: 500 MB/s.
    double localDiskBytesPerSecond = 500e6;
    // Bandwidth of a network disk or object store. Default: 50 MB/s.
    double networkDiskBytesPerSecond = 50e6;
    // Peak state (sum over operators) from which the state counts as large. Default: 8 MiB.
    int64_t largeStateBytes = int64_t(8) << 20;
    // Max over mean records per subtask of a keyed operator from which the load is skewed. Default: 1.5.
    double skewThreshold = 1.5;
    // Re-run the job with a fix applied to measure the alternative (typed serializer, reducing
    // state, coalesced late firings). Default: true.
    bool measureAlternatives = true;
    // Asked during each replay (from the replay's thread); true stops it, and lintWithReplay fails
    // with an Aborted status. Default: none.
    std::function<bool()> stopRequested;
};

// Static rules only. A job that does not compile gives one `invalid-job` error per problem.
std::vector<Finding> lintStatic(const model::Job& job);
// The same, with `options.events` for the rules that read a source's inferred schema.
std::vector<Finding> lintStatic(const model::Job& job, const LintOptions& options);

// Static rules, then a replay and the dynamic rules; static findings get the replay's figures
// as evidence. Fails when the replay fails (a bad event file, ...), naming the node and file.
Result<std::vector<Finding>> lintWithReplay(const model::Job& job, const LintOptions& options);

// Exit status of `streamlab lint`: 0 clean (or info only), 2 warnings, 1 errors.
int exitCodeFor(const std::vector<Finding>& findings);

// The findings as text for people, one block per finding (headline, explanation, evidence, fix).
std::string formatFindings(const std::vector<Finding>& findings);

} // namespace streamlab::lint
