// The simulation's inside (runtime/simulation.h is its interface), shared by its files and
// included by them only:
//   simulation.cpp             the record path: sources, timers, subtasks, exchanges (chained,
//                              serialized, or handed to the other thread of a pipelined run), and
//                              Simulation's calls that drive it;
//   simulation_setup.cpp       Simulation::create: subtasks, gates and serializers from the plan;
//   simulation_checkpoint.cpp  checkpoints and restoring from one;
//   simulation_metrics.cpp     the metrics snapshots the observer and the views are fed;
//   simulation_pipe.h          the hand-over between the two threads of a pipelined run.
// The types here were in one file's anonymous namespace; the record path's functions stay in
// one file (simulation.cpp), where the compiler sees them together.
#pragma once

#include "core/cache_line.h"
#include "io/event_reader.h"
#include "metrics/metrics.h"
#include "model/spec.h"
#include "runtime/file_sink.h"
#include "runtime/key_selector.h"
#include "runtime/operator.h"
#include "runtime/serializer.h"
#include "runtime/simulation.h"
#include "runtime/simulation_pipe.h"
#include "runtime/valve.h"
#include "state/keyed_state.h"
#include "time/watermark_generator.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <vector>

namespace streamlab::runtime::sim {

using model::NodeKind;
using model::Partitioner;
__extension__ typedef __int128 Wide; // GCC's and clang's, for arithmetic past int64_t

struct Task;

// One physical edge leaving a subtask: where its records go and how they are partitioned.
struct Gate {
    Partitioner partitioner = Partitioner::Forward;
    // Downstream subtask and input channel; read for every record, on lines of their own (a
    // setup-time allocation beside one the other thread writes made the partitioner 3x slower).
    CacheLineVector<std::pair<Task*, int>> targets;
    KeySelector key;                            // hash
    int maxParallelism = 128;                   // of the downstream operator (hash)
    size_t next = 0;                            // rebalance: round robin position
    int exchange = -1;                          // index into Engine::exchanges
    bool chained = false;
    const RecordSerializer* serializer = nullptr; // network exchanges
    CacheLineVector<int64_t>* keyGroupRecords = nullptr; // of the downstream operator (hash)
    // Hash: the index in `targets` of each key group's subtask, without a division for
    // every record (with the key group's, a tenth of the engine's thread in a keyed job).
    CacheLineVector<uint32_t> targetOfKeyGroup;
    bool handedOver = false; // a pipelined run: its targets run on the downstream thread
    int pipeId = -1;         // its number in the pipe's messages
};


struct Timer {
    int64_t time;
    uint64_t seq;
    Task* task;      // operator processing-time callback, or
    int sourceIndex; // periodic watermark tick of a source subtask (task is its source task)
    bool operator>(const Timer& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

struct alignas(64) Task final : Output, TimerHost, Valve::Listener, state::Clock {
    Engine* engine = nullptr;
    Lane* lane = nullptr; // the thread it runs on
    int pipeId = -1;      // a pipelined run's downstream subtasks: its number in messages
    const model::NodeSpec* node = nullptr;
    int subtask = 0;
    int parallelism = 1;
    std::unique_ptr<Operator> op; // null for a source subtask
    Valve valve;
    std::vector<Gate> main, late;
    metrics::SubtaskMetrics metrics;
    bool isSink = false;
    std::set<int64_t> pendingTimers;
    int64_t watermarksIn = 0; // combined input watermarks, for sampled timing
    // Source subtasks only.
    std::unique_ptr<time::SourceWatermarks> watermarks;
    // The time of its periodic watermark tick in the timer queue; a tick of another time
    // there is stale (replaced after a live change of the delay) and does nothing.
    int64_t nextTick = INT64_MIN;
    std::vector<std::pair<int64_t, bool>> splitSeen; // what the observer last heard per split
    // Keyed subtasks only: the state backend (declared before `op`'s states are destroyed).
    std::unique_ptr<state::KeyedStateBackend> backend;

    int64_t now() const override;

    ~Task() override { op.reset(); } // operator states before the backend that holds them
    void collect(const Record& r) override;
    void collectLate(const Record& r) override;
    int64_t currentProcessingTime() const override;
    void requestProcessingTime(int64_t t) override;
    void fail(Status s) override;
    int64_t currentEvent() const override { return lane->event; }
    void onValveWatermark(int64_t w) override;
    void onValveStatus(bool idle) override;

    void receive(const Record& r);
    void sendTo(std::vector<Gate>& gates, const Record& r);
    void broadcastWatermark(int64_t w);
    void broadcastStatus(bool idle);
};

template <class F>
void timed(Task& t, F&& f);

struct alignas(64) SourceState { // written for every record (see Pipe)
    const model::NodeSpec* node = nullptr;
    model::SourceSpec spec;
    std::unique_ptr<io::EventReader> reader;
    io::Event next;
    bool hasNext = false;
    bool done = false;
    int64_t records = 0; // records read (for rate-based arrival and round robin)
    int64_t watermarkLines = 0;
    int64_t lastArrival = INT64_MIN;
    int64_t nextArrival = 0;
    int partitionField = -1;
    int64_t integralRate = 0; // the rate when it is a whole number of events per second
    // records * 1000 / integralRate as quotient and remainder, for `arrivalAt` records: kept
    // up by addition from one record to the next (a division per record cost 3% of a replay).
    int64_t arrivalAt = 0, arrivalQuot = 0, arrivalRem = 0;
    int64_t rateStep = 0, rateStepRem = 0; // 1000 / integralRate, 1000 % integralRate
    int nextRoundRobin = 0;   // the partition of the next record (roundRobin)
    std::vector<std::pair<Task*, int>> routes; // partition -> (source subtask, its split index)
    std::vector<Task*> tasks; // one per source subtask

};

class alignas(64) Engine { // its clock and counters are written for every record (see Pipe)
public:
    ResultListener* listener = nullptr;
    bool pipelineAllowed = false; // by the job's structure: Plan::runThreads
    model::JobSpec spec;
    std::vector<std::unique_ptr<Task>> tasks;
    std::map<std::string, std::vector<Task*>> tasksOf;
    std::map<std::string, SchemaPtr> schemas;
    std::vector<SourceState> sources;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
    uint64_t seq = 0;
    int64_t now = 0;
    int64_t clockStart = 0;
    int64_t events = 0;
    Observer* observer = nullptr;
    bool observerOnTwoThreads = false; // RunOptions::pipelineReplay: advance() pipelines too
    std::map<std::string, std::unique_ptr<FileSinkCommitter>> fileSinks;
    std::vector<std::string> fileSinkOrder;
    std::filesystem::path checkpointDir;
    int64_t checkpointId = 0;
    int retainedCheckpoints = 2;
    metrics::CheckpointMetrics checkpointMetrics;
    bool resumed = false;
    std::filesystem::path stateRoot; // RocksDB instances live under it
    bool removeStateRoot = false;
    ~Engine()
    {
        // A pipelined advance()'s other thread first (run() has always stopped it), with
        // `pipe` still set: the marks it answers read it.
        (void)stopPipeline();
        tasks.clear(); // close the RocksDB instances first
        if (removeStateRoot) {
            std::error_code ec;
            std::filesystem::remove_all(stateRoot, ec);
        }
    }
    int64_t seriesInterval = 0;
    int64_t nextSeriesAt = INT64_MIN;
    std::function<void(const metrics::MetricsSnapshot&)> onSeries;
    CacheLineVector<metrics::ExchangeMetrics> exchanges;
    std::vector<std::unique_ptr<RecordSerializer>> serializers;
    // Written for every record on the engine's thread: in lines of their own (see Pipe).
    std::map<std::string, CacheLineVector<int64_t>> keyGroupRecords;
    std::map<std::string, int> maxParallelism;
    Lane lane { &now, &failure };
    std::unique_ptr<Pipe> pipe; // a pipelined run's hand-over, while it runs
    bool started = false;
    bool complete = false;
    Status failure;

    // While a pipe runs, the subtasks downstream of it and the exchanges they send on are
    // left empty (the downstream thread writes them): fillDownstream() adds them.
    metrics::MetricsSnapshot snapshot(bool refreshState = true) const;

    bool downstream(const Task& t) const { return pipe && t.lane == &pipe->lane; }

    // The downstream thread's half of snapshot(): its subtasks, the exchanges they send on,
    // and the time it spent reading records back (until stopPipeline() adds it for good).
    void fillDownstream(metrics::MetricsSnapshot& snap, bool refreshState) const;

    void answer(Pipe::MarkRequest& m) const;

    // A snapshot of every subtask at this point of the replay, handed to `done`: at once on
    // one thread, else once the downstream thread gets there (on that thread).
    void snapshotLater(bool refreshState, std::function<void(metrics::MetricsSnapshot)> done);

    void maybeSeries()
    {
        if (seriesInterval <= 0 || !onSeries)
            return;
        if (nextSeriesAt == INT64_MIN)
            nextSeriesAt = now;
        while (now >= nextSeriesAt) {
            auto snap = snapshot();
            snap.processingTime = nextSeriesAt;
            onSeries(snap);
            nextSeriesAt += seriesInterval;
        }
    }

    void schedule(int64_t t, Task* task, int sourceIndex)
    {
        timers.push(Timer { t, seq++, task, sourceIndex });
    }

    // The periodic tick of a source subtask: every autoWatermarkInterval from the clock's start,
    // as Flink's, but a tick that can change nothing is skipped. Until the source's next event
    // or watermark line, or the moment a split turns idle (SourceWatermarks::quietUntil), every
    // tick would emit the same as the one before; so the next tick is the first one of the
    // interval's phase at or after that moment. A gap of billions of milliseconds in an arrival
    // column is one step, not billions, and what is emitted is the same.
    void scheduleTick(Task* t, int sourceIndex, int64_t wake)
    {
        const int64_t interval = spec.config.autoWatermarkInterval;
        const Wide from = static_cast<Wide>(std::max(wake, now + 1)) - clockStart;
        const Wide k = (from + interval - 1) / interval;
        const Wide at = clockStart + std::max<Wide>(k, 1) * interval;
        t->nextTick = at > INT64_MAX ? INT64_MAX : static_cast<int64_t>(at);
        schedule(t->nextTick, t, sourceIndex);
    }

    Status fetch(SourceState& s)
    {
        auto r = s.reader->next(s.next);
        if (!r.ok())
            return r.status();
        s.hasNext = *r;
        if (!s.hasNext)
            return {};
        int64_t arrival;
        if (s.next.arrival)
            arrival = *s.next.arrival;
        else if (s.next.isWatermark)
            arrival = s.records == 0 ? clockStart : s.lastArrival;
        else if (s.integralRate > 0)
            arrival = clockStart + integralArrival(s); // exact, and no floating point
        else
            arrival = clockStart + static_cast<int64_t>(static_cast<double>(s.records) * 1000.0 / s.spec.rate);
        // A file is read in order: nothing arrives before the line above it.
        s.nextArrival = std::max(arrival, s.lastArrival);
        return {};
    }

    // records * 1000 / integralRate, the arrival offset of a source's next record.
    static int64_t integralArrival(SourceState& s)
    {
        if (s.records == s.arrivalAt + 1) {
            s.arrivalQuot += s.rateStep;
            s.arrivalRem += s.rateStepRem;
            if (s.arrivalRem >= s.integralRate) {
                s.arrivalRem -= s.integralRate;
                ++s.arrivalQuot;
            }
        } else if (s.records != s.arrivalAt) {
            s.arrivalQuot = s.records * 1000 / s.integralRate;
            s.arrivalRem = s.records * 1000 % s.integralRate;
        }
        s.arrivalAt = s.records;
        return s.arrivalQuot;
    }

    void emitSource(Task* t, const time::SourceWatermarks::Emission& e);

    void finishSource(SourceState& s);

    Status start();

    // A pipelined run (see Pipe), when the job allows one: false when it does not.
    bool startPipeline();
    // Waits for the downstream thread and runs everything on this thread again. A failure
    // downstream came first: the engine's thread only reads ahead of it.
    Status stopPipeline();

    static constexpr int kCheckpointTimer = -2;
    Status checkpoint();
    Status restore(const std::filesystem::path& dir);

    Status processRecord(SourceState& s);

    void fireTimer(const Timer& tm);

    // One record or timer; with batch > 1, up to that many records of a single source.
    Result<bool> step(int64_t batch = 1);
};

} // namespace streamlab::runtime::sim

namespace streamlab::runtime {

struct Simulation::Impl {
    sim::Engine engine;
    std::function<bool()> stopRequested;
    bool pipeline = true;
    bool pipelined = false; // the last run() was (or, with pipelineReplay, an advance())
};

} // namespace streamlab::runtime
