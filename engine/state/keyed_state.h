// Keyed state, in the shape of Flink's: state scoped by key group, key and namespace (a
// window, or none), behind a backend that is either the heap (abseil hash maps) or a real
// embedded RocksDB. Operators set the current key once per record (or per timer), then read
// and write their states for a namespace. Optional TTL per state (EVENT-TIME.md section 4).
// One backend per subtask; not thread-safe.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "model/spec.h"
#include "window/accumulator.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace streamlab::state {

// A window [start, end), or the void namespace {0, 0} of state that is not per window.
struct Namespace {
    int64_t start = 0;
    int64_t end = 0;
    bool operator==(const Namespace& o) const { return start == o.start && end == o.end; }
    bool operator<(const Namespace& o) const { return start != o.start ? start < o.start : end < o.end; }
};
inline constexpr Namespace kVoidNamespace {};

// The processing-time clock TTL reads (injected, so that tests are exact).
class Clock {
public:
    virtual ~Clock() = default;
    virtual int64_t now() const = 0;
};

// One accumulator per (key, namespace): Flink's ReducingState / AggregatingState.
// The state classes are cache-line aligned (alignas(64)): in a pipelined run, subtasks live
// on two threads, and an object written for every record keeps its cache lines to itself.
class alignas(64) AggregatingState {
public:
    virtual ~AggregatingState() = default;
    // True when the state was null before this element (never added, cleared or expired).
    virtual bool add(const Namespace& ns, const Value& element) = 0;
    // The accumulator, or nullopt when the state is null (never added, cleared or expired).
    virtual std::optional<window::Accumulator> get(const Namespace& ns) = 0;
    virtual void clear(const Namespace& ns) = 0;
    // Merges the sources' accumulators into the target's and clears the sources.
    virtual void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) = 0;
};

// Every element, in order: Flink's ListState (what a ProcessWindowFunction buffers).
class alignas(64) ListState {
public:
    virtual ~ListState() = default;
    // True when the list may have been empty before: exact on the heap, always true on RocksDB,
    // whose merge operator appends without reading.
    virtual bool add(const Namespace& ns, const Value& element) = 0;
    // nullopt when the list is null (empty).
    virtual std::optional<std::vector<Value>> get(const Namespace& ns) = 0;
    virtual void clear(const Namespace& ns) = 0;
    virtual void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) = 0;
};

// One value per (key, namespace): Flink's ValueState.
class alignas(64) ValueState {
public:
    virtual ~ValueState() = default;
    virtual std::optional<Value> get(const Namespace& ns) = 0;
    virtual void put(const Namespace& ns, const Value& v) = 0;
    virtual void clear(const Namespace& ns) = 0;
};

// A map per (key, namespace): Flink's MapState.
class alignas(64) MapState {
public:
    virtual ~MapState() = default;
    virtual std::optional<Value> get(const Namespace& ns, const Value& userKey) = 0;
    virtual void put(const Namespace& ns, const Value& userKey, const Value& v) = 0;
    virtual void remove(const Namespace& ns, const Value& userKey) = 0;
    // Entries in user-key byte order.
    virtual std::vector<std::pair<Value, Value>> entries(const Namespace& ns) = 0;
    virtual void clear(const Namespace& ns) = 0;
};

// Timers of one kind (event time or processing time), unique per (key, namespace, time).
// A timer holds its key: pollDue() makes that key the backend's current key.
class alignas(64) TimerQueue {
public:
    virtual ~TimerQueue() = default;
    virtual void add(const Namespace& ns, int64_t time) = 0;
    virtual void remove(const Namespace& ns, int64_t time) = 0;
    // The earliest timer at or before `limit`, removed, with the current key set to its key;
    // timers with equal times come in (key, namespace) order.
    virtual std::optional<std::pair<Namespace, int64_t>> pollDue(int64_t limit) = 0;
    virtual std::optional<int64_t> peekTime() = 0;
    virtual int64_t size() const = 0;
};

struct StateSize {
    int64_t entries = 0;
    int64_t bytes = 0; // heap: accounted bytes; RocksDB: live data + memtables
    // RocksDB only: its own properties.
    int64_t liveDataBytes = 0;
    int64_t memtableBytes = 0;
    int64_t sstBytes = 0;
};

class alignas(64) KeyedStateBackend {
public:
    virtual ~KeyedStateBackend() = default;
    virtual std::string_view name() const = 0; // "heap" or "rocksdb"

    // True when setCurrentKey needs the key group (RocksDB lays keys out by it).
    virtual bool usesKeyGroups() const = 0;
    virtual void setCurrentKey(const Value& key, int keyGroup) = 0;
    virtual const Value& currentKey() const = 0;

    virtual std::unique_ptr<AggregatingState> aggregatingState(
        const std::string& name, const window::Aggregator& agg, const std::optional<model::TtlSpec>& ttl)
        = 0;
    // Aggregating states that their owner adds to, reads and clears together, under one key and
    // namespace (the aggregates of one window). Each behaves exactly as aggregatingState(); the
    // heap backend keeps their accumulators side by side, so that one lookup finds them all.
    virtual std::vector<std::unique_ptr<AggregatingState>> aggregatingStates(const std::vector<std::string>& names,
        const std::vector<window::Aggregator>& aggs, const std::optional<model::TtlSpec>& ttl)
    {
        std::vector<std::unique_ptr<AggregatingState>> out;
        for (size_t i = 0; i < names.size(); ++i)
            out.push_back(aggregatingState(names[i], aggs[i], ttl));
        return out;
    }
    virtual std::unique_ptr<ListState> listState(const std::string& name) = 0;
    virtual std::unique_ptr<ValueState> valueState(const std::string& name) = 0;
    virtual std::unique_ptr<MapState> mapState(const std::string& name) = 0;
    virtual std::unique_ptr<TimerQueue> timerQueue(const std::string& name) = 0;

    virtual StateSize size() = 0;
    // RocksDB: flush the memtables and compact every column family (compaction filters run).
    virtual void compact() { }
    // Checkpoint: every state of the backend, the heap's into `out`, RocksDB's as a RocksDB
    // checkpoint (hard-linked SST files) in `dir`. REQUIRES: the same states are registered,
    // in the same order, before restore() as before snapshot().
    virtual Status snapshot(std::string& out, const std::filesystem::path& dir) = 0;
    virtual Status restore(ByteReader& in, const std::filesystem::path& dir) = 0;
    // A failure inside the backend (RocksDB I/O); sticky.
    virtual const Status& status() const = 0;
};

// The heap backend. `clock` must outlive the backend.
std::unique_ptr<KeyedStateBackend> makeHeapBackend(int maxParallelism, const Clock* clock);
// A RocksDB backend in `dir` (created; removed when the backend is destroyed unless `keep`).
// `cacheEntries` > 0 turns on the write-back cache: aggregating state updates stay in memory
// and go to RocksDB in one batch when that many entries are cached (and before a checkpoint),
// and timers already registered are not written again.
Result<std::unique_ptr<KeyedStateBackend>> makeRocksDbBackend(const std::filesystem::path& dir, int maxParallelism,
    const Clock* clock, bool keep = false, int64_t cacheEntries = 0);

} // namespace streamlab::state
