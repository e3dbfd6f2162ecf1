// The live replay (runtime::Replay): owns a Simulation on its own std::jthread and drives it at a
// chosen speed of virtual processing time, taking commands (play, pause, step, speed, live
// watermark delay / allowed lateness, stop) through a thread-safe queue. What the GUI shows is
// published copy-on-publish as an immutable ReplaySnapshot (metrics, bounded histories for the
// charts, the event trace of the event-time view, firings and sink results), tagged with the
// run's generation number so that a newer run's consumer drops an older run's snapshots.
// Thread-safe: every public member may be called from any thread; the simulation itself is only
// touched by the replay's worker thread.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "metrics/metrics.h"
#include "model/spec.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace streamlab::runtime {

enum class ReplayState { Starting, Paused, Playing, Finished, Failed };

// What happened to an event at the first window behind its source.
enum class EventFate {
    OnTime, // counted in its windows before they fired
    LateFired, // late, but within the allowed lateness: counted and (perElement) fired again
    Dropped, // late beyond the allowed lateness: dropped (numLateRecordsDropped)
    SideOutput, // late beyond the allowed lateness: sent to the window's late output
    NotWindowed // the job has no window behind this source
};

struct TraceWindow {
    int64_t start = 0;
    int64_t end = 0; // exclusive
};

// One source record as the event-time view shows it.
struct TraceEvent {
    int64_t seq = 0; // 0-based index among all events of the replay
    int64_t eventTime = 0; // kMinTimestamp when the record has none
    int64_t arrival = 0; // processing time it was read at
    int sourceIndex = 0; // index into ReplaySnapshot::traceSources
    int partition = 0; // source partition (split)
    int keyGroup = -1; // at the window, -1 when not keyed
    int subtask = -1; // window subtask, -1 when not windowed
    EventFate fate = EventFate::OnTime;
    Value key; // the key value (null when not keyed)
    Record record; // the source record (fields in the source's schema)
};

// The windows an assigner puts an element with timestamp `ts` in (sessions: its own [ts, ts+gap)),
// as the window operator assigns them. Cheap enough to compute when shown rather than store.
void assignWindows(const model::AssignerSpec& assigner, int64_t ts, std::vector<TraceWindow>& out);

// Firings of one window subtask at one processing time, for the same window bounds, kind and
// pane, one after the other: when a watermark completes a window, it fires for every key at
// once, and those firings are one entry (a replay of 10 M events has 1.7 million firings and
// writing each out cost its windows' thread a tenth of its time).
struct FiringEvent {
    int64_t at = 0; // processing time
    std::string window;
    int subtask = 0;
    int64_t windowStart = kMinTimestamp; // kMinTimestamp for a global window
    int64_t windowEnd = kMinTimestamp;
    std::string firing; // "on_time", "late", "early"
    int64_t pane = 0;
    int64_t count = 1; // firings (keys) it stands for
    Value key; // the first one's
    Value value; // the first one's
};

// How many firings the entries stand for (FiringEvent::count).
int64_t firingCount(const std::vector<std::shared_ptr<const std::vector<FiringEvent>>>& chunks);

// A record that reached a sink, kept encoded (value_codec) in memory its chunk owns (no
// allocation a row: a long replay keeps millions of them, and an allocation each cost a live
// replay a third of its windows' thread).
struct SinkRow {
    int sink = 0; // index into ReplaySnapshot::sinks
    int subtask = 0;
    std::string_view encoded; // valid while its chunk is

    Record record() const;
};

// Chunks are immutable once published: a snapshot shares them with the worker.
template <class T> using Chunks = std::vector<std::shared_ptr<const std::vector<T>>>;

template <class T> size_t chunkedSize(const Chunks<T>& c)
{
    size_t n = 0;
    for (const auto& p : c)
        n += p->size();
    return n;
}

// Histories sampled at processing-time intervals (the interval doubles whenever kMaxSamples is
// reached, so they stay bounded however long the replay).
struct SampleSeriesKey {
    std::string node;
    int subtask = 0;
    int split = -1; // source split, or -1 for the subtask
};

struct ReplayHistory {
    static constexpr size_t kMaxSamples = 1200;
    int64_t interval = 0; // ms of processing time between samples
    std::vector<int64_t> time; // processing time of each sample
    std::vector<int64_t> events; // events replayed at each sample
    std::vector<int64_t> maxEventTime; // the largest event time read so far (kMinTimestamp: none)
    // Per operator (ids in `stateOperators`): state entries and bytes, summed over subtasks.
    std::vector<std::string> stateOperators;
    std::vector<std::string> stateBackends;
    std::vector<std::vector<int64_t>> stateEntries;
    std::vector<std::vector<int64_t>> stateBytes;
    // Watermarks: per source split, per source subtask and per operator subtask input.
    std::vector<SampleSeriesKey> watermarkSeries;
    std::vector<std::vector<int64_t>> watermarks; // kMinTimestamp before the first one
    std::vector<std::vector<char>> idle; // 1 when marked idle at the sample
    // Per exchange (index in MetricsSnapshot::exchanges): cumulative records and bytes.
    std::vector<std::vector<int64_t>> exchangeRecords;
    std::vector<std::vector<int64_t>> exchangeBytes;
};

struct ReplaySnapshot {
    uint64_t generation = 0;
    ReplayState state = ReplayState::Starting;
    std::string error; // when Failed
    double speed = 1; // 0: as fast as possible
    int64_t processingTime = 0;
    int64_t eventsReplayed = 0;
    int64_t bytesRead = 0;
    int64_t bytesTotal = 0;
    double eventsPerSecond = 0; // wall clock, over the last second or so
    metrics::MetricsSnapshot metrics;
    std::shared_ptr<const ReplayHistory> history;
    // Event trace: the most recent `traceCapacity` events (older chunks dropped).
    std::vector<std::string> traceSources;
    std::vector<SchemaPtr> traceSchemas; // per trace source
    std::string traceWindow; // the window operator the fates refer to
    Chunks<TraceEvent> trace;
    int64_t traceDropped = 0; // events no longer in the trace
    // 1: every event is traced. N > 1: the replay runs faster than a person can follow, so one
    // event in N is traced (plus every event that may be late, which are always traced).
    int64_t traceStride = 1;
    // Firings, most recent `firingCapacity`.
    Chunks<FiringEvent> firings;
    // Sink records in emission order (up to `resultCapacity`).
    std::vector<std::string> sinks;
    std::vector<SchemaPtr> sinkSchemas;
    Chunks<SinkRow> results;
    bool resultsTruncated = false;
    // Current input watermark of the trace window's subtasks (for the event-time view).
    int64_t traceWatermark = kMinTimestamp;
    // The replay has run its windows and sinks on a second thread (ReplayOptions::pipeline).
    bool pipelined = false;
    // Threads the simulation runs on now: 2 while playing at full speed pipelined, else 1.
    int threads = 1;
};

struct ReplayOptions {
    std::map<std::string, std::filesystem::path> events; // event file per source
    double speed = 0; // x virtual processing time; 0: max. Default: max
    bool startPlaying = true;
    // Bounds of what a snapshot keeps. Defaults suit a GUI.
    size_t traceCapacity = 20000;
    // Events traced per published snapshot at most (beyond it, one in N; late ones always). Default: 1500.
    size_t traceBudget = 1500;
    size_t firingCapacity = 20000;
    size_t resultCapacity = 2000000;
    // Linux: nice increment of the worker thread, so that a GUI thread on a busy machine is
    // scheduled as soon as it wakes. 0: same priority. Default: 0 (a GUI sets it).
    int workerNice = 0;
    // At full speed, run the windows and sinks on a second thread as `streamlab run` does, when
    // the job allows it (Plan::runThreads, and no window or sink chained to a source): the views
    // then lag one publish behind while playing. Pausing, stepping and slower speeds use one
    // thread. Default: true.
    bool pipeline = true;
    // Wall-clock interval between published snapshots while playing. Default: 30 ms.
    int publishIntervalMs = 30;
    // Called on the worker thread when the replay finishes (ok) or fails, with the generation.
    std::function<void(uint64_t generation, const Status&)> onDone;
    // Called on the worker thread after each publish (e.g. to wake a consumer); may be empty.
    std::function<void(uint64_t generation)> onPublish;
};

class Replay {
public:
    // Starts the worker, which creates the simulation (errors are reported through onDone and a
    // Failed snapshot, never thrown).
    Replay(model::JobSpec spec, ReplayOptions options, uint64_t generation);
    // Requests a stop and joins the worker.
    ~Replay();
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    void play();
    void pause();
    void stepEvent();
    void stepToWatermark();
    void stepToFiring();
    // x virtual processing time (1 = real time); 0 or negative: as fast as possible.
    void setSpeed(double speed);
    void setMaxOutOfOrderness(const std::string& source, int64_t ms);
    void setAllowedLateness(const std::string& window, int64_t ms);
    void stop();

    uint64_t generation() const { return m_generation; }
    // The latest published snapshot; never null. Cheap (a shared_ptr copy under a mutex).
    std::shared_ptr<const ReplaySnapshot> snapshot() const;
    // Blocks until a snapshot with state Finished/Failed is published. For tests and benchmarks.
    std::shared_ptr<const ReplaySnapshot> waitDone() const;
    // Blocks until a published snapshot satisfies `pred` (called under the lock). For tests.
    std::shared_ptr<const ReplaySnapshot> waitFor(
        const std::function<bool(const ReplaySnapshot&)>& pred) const;
    // Blocks until the worker has processed every command queued so far and published.
    std::shared_ptr<const ReplaySnapshot> sync() const;

private:
    struct Command;
    struct Worker;
    void push(Command c);

    const uint64_t m_generation;
    mutable std::mutex m_mutex;
    mutable std::condition_variable_any m_cv;
    std::deque<std::shared_ptr<Command>> m_queue;
    uint64_t m_queued = 0; // commands pushed
    uint64_t m_handled = 0; // commands handled and published (guarded by m_mutex)
    std::shared_ptr<const ReplaySnapshot> m_published;
    std::unique_ptr<Worker> m_worker;
    std::jthread m_thread; // last: joined first
};

} // namespace streamlab::runtime
