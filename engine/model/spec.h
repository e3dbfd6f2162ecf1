// Typed, validated view of a job (JobSpec), compiled from the job file's JSON (model::Job).
// compile() checks everything that can be checked without reading event files and reports
// every problem at once; a JobSpec is only used to run when there are no errors.
// Value types; thread-compatible.
#pragma once

#include "core/value.h"
#include "model/job.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace streamlab::model {

enum class WatermarkStrategy { BoundedOutOfOrderness, Monotonous, Punctuated, None };
enum class EventFormat { Csv, JsonLines };
enum class OnError { Fail, Skip };
enum class StateBackend { Heap, RocksDb };

struct WatermarkSpec {
    WatermarkStrategy strategy = WatermarkStrategy::BoundedOutOfOrderness;
    int64_t maxOutOfOrderness = 0;      // ms
    std::optional<int64_t> idleTimeout; // ms, > 0
};

// The slowest `rate` a source may have: one event every 1000 s of processing time. Slower is no
// replay a person watches; a file with long gaps gives its events an arrival field instead.
inline constexpr double kMinSourceRate = 0.001;

struct SourceSpec {
    std::filesystem::path path; // absolute
    EventFormat format = EventFormat::Csv;
    Schema schema;              // declared fields; empty (declared=false) when inferred from the file
    std::string timestampField; // empty: records carry no timestamp
    std::string arrivalField;   // empty: arrival from `rate`
    double rate = 1000;         // events per second of virtual processing time, >= kMinSourceRate
    int partitionCount = 1;
    std::string partitionBy = "roundRobin"; // or a field name
    WatermarkSpec watermark;
    OnError onError = OnError::Fail;
};

struct FilterSpec {
    std::string where;
};

struct MapSpec {
    std::vector<std::pair<std::string, std::string>> set; // field -> expression, in order
};

struct KeyBySpec {
    std::vector<std::string> key;
};

enum class AssignerType { Tumbling, Sliding, Session, Global };
struct AssignerSpec {
    AssignerType type = AssignerType::Tumbling;
    int64_t size = 0;   // tumbling, sliding
    int64_t slide = 0;  // sliding
    int64_t offset = 0; // tumbling, sliding
    int64_t gap = 0;    // session
};

enum class TriggerType { EventTime, ProcessingTime, Count, ContinuousEventTime, EndOfStream, Never };
struct TriggerSpec {
    TriggerType type = TriggerType::EventTime;
    int64_t count = 0;    // count
    int64_t interval = 0; // continuousEventTime
    bool purging = false;
};

enum class AggregateFn { Count, Sum, Min, Max, Avg, Collect };
std::string_view aggregateFnName(AggregateFn fn);
std::optional<AggregateFn> parseAggregateFn(std::string_view s);
// sum, min, max and avg aggregate a field; count and collect may go without one.
bool aggregateNeedsField(AggregateFn fn);
// The result field of a list's aggregate that has no `as`: "count", or "sum_amount".
std::string defaultAggregateName(std::string_view fn, std::string_view field);
struct AggregateSpec {
    AggregateFn fn = AggregateFn::Count;
    std::string field; // empty for count (and for collect: the whole record)
    std::string as;    // the result field's name; only in the list form
};
// A node's `aggregate`: one object, whose result is the record's `value` (version 1), or a list
// of them with `as` names, each its own field of the result (COUNT(*), SUM(x) of one window, as
// one Flink AggregateFunction or one SQL GROUP BY computes them).
struct Aggregates {
    std::vector<AggregateSpec> parts{ AggregateSpec{} }; // never empty
    bool named = false;                                  // the list form
    const AggregateSpec& first() const { return parts.front(); }
};

enum class TtlUpdate { OnCreateAndWrite, OnReadAndWrite };
enum class TtlVisibility { NeverReturnExpired, ReturnExpiredIfNotCleanedUp };
struct TtlSpec {
    int64_t ttl = 0; // ms of processing time, > 0
    TtlUpdate update = TtlUpdate::OnCreateAndWrite;
    TtlVisibility visibility = TtlVisibility::NeverReturnExpired;
    std::vector<std::string> cleanup; // "fullSnapshot", "incremental", "rocksdbCompactionFilter"
    int incrementalSize = 5;
    bool incrementalPerRecord = false;
    int compactionQueryEvery = 1000;
};

enum class StateKind { Reducing, List };
struct WindowSpec {
    AssignerSpec assigner;
    TriggerSpec trigger;
    int64_t allowedLateness = 0;
    bool lateOutput = false;
    Aggregates aggregate;
    StateKind stateKind = StateKind::Reducing;
    std::optional<int64_t> lateFiringEvery; // nullopt: Flink's perElement
    std::optional<TtlSpec> ttl;
};

struct RunningAggregateSpec {
    Aggregates aggregate;
    std::optional<TtlSpec> ttl;
};

enum class SinkType { Collect, File, Warehouse, Discard };
struct OutageSpec {
    int64_t at = 0;       // processing time, ms
    int64_t duration = 0; // ms
};
struct SinkSpec {
    SinkType type = SinkType::Collect;
    std::filesystem::path path; // file
    std::string format = "jsonl";
    std::vector<OutageSpec> outages; // warehouse
};

enum class NodeKind { Source, Filter, Map, KeyBy, Window, Aggregate, Sink };
std::string_view nodeKindName(NodeKind k);
std::optional<NodeKind> parseNodeKind(std::string_view s);

struct NodeSpec {
    std::string id;
    std::string name;
    NodeKind kind = NodeKind::Source;
    std::optional<int> parallelism;
    std::optional<int> maxParallelism;
    std::optional<StateBackend> stateBackend;
    std::optional<int64_t> stateCache; // overrides config.stateCache
    std::variant<SourceSpec, FilterSpec, MapSpec, KeyBySpec, WindowSpec, RunningAggregateSpec, SinkSpec> params;

    template <class T>
    const T& as() const { return std::get<T>(params); }
};

enum class Partitioner { Forward, Rebalance, Broadcast, Hash };
std::string_view partitionerName(Partitioner p);

struct EdgeSpec {
    std::string from;
    std::string fromPort; // "" or "late"
    std::string to;
    std::optional<Partitioner> partitioner; // explicit; derived in the plan when absent
};

struct ConfigSpec {
    int parallelism = 1;
    std::optional<int> maxParallelism;
    StateBackend stateBackend = StateBackend::Heap;
    int64_t autoWatermarkInterval = 200; // ms; 0 disables periodic watermarks
    std::optional<int64_t> checkpointInterval;
    std::optional<int64_t> idleStateRetention;
    // RocksDB write-back cache: accumulators kept in memory, written back in batches when it
    // holds this many entries (like Flink SQL's mini-batch). 0: off. Default: 0.
    int64_t stateCache = 0;
};

struct JobSpec {
    std::string name;
    ConfigSpec config;
    std::vector<NodeSpec> nodes; // in topological order (sources first)
    std::vector<EdgeSpec> edges;

    const NodeSpec* node(std::string_view id) const;
    std::vector<const EdgeSpec*> inputsOf(std::string_view id) const;
    std::vector<const EdgeSpec*> outputsOf(std::string_view id) const;
};

struct Compiled {
    JobSpec spec;
    std::vector<Problem> problems; // errors and warnings
    bool hasErrors() const;
};

// Validates and types the job. Every problem is reported, each naming its node or edge and field.
Compiled compile(const Job& job);

// All error messages joined, one per line, prefixed with `source` ("jobs/a.json: ").
std::string describeErrors(const std::vector<Problem>& problems, const std::string& source);

// Points every file sink of `spec` into `dir` (as DIR/NODE.FORMAT), for replays that measure a
// job (lint, sweep) and must neither change the person's files nor race each other on them.
// Creates `dir` when there is a file sink; false when it cannot.
bool redirectFileSinks(JobSpec& spec, const std::filesystem::path& dir);

} // namespace streamlab::model
