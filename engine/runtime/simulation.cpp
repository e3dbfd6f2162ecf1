#include "runtime/simulation.h"

#include "core/cache_line.h"
#include "core/java_hash.h"
#include "core/temp_path.h"
#include "io/event_reader.h"
#include "runtime/basic_operators.h"
#include "runtime/file_sink.h"
#include "model/job.h"
#include "core/value_codec.h"
#include "runtime/key_groups.h"
#include "runtime/key_selector.h"
#include "runtime/plan.h"
#include "runtime/serializer.h"
#include "runtime/streams.h"
#include "runtime/valve.h"
#include "state/keyed_state.h"
#include "time/watermark_generator.h"
#include "window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <chrono>
#include <functional>
#include <atomic>
#include <bit>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#include <cassert>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <queue>
#include <set>
#include <thread>

namespace streamlab::runtime {

using model::NodeKind;
using model::Partitioner;

namespace {

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

    // Sampled timing: one source record in 64 is timed through the whole pipeline, one in 1024
    // after the first 65,536 (a clock read costs about 25 ns here, a timed record several, and
    // a long run has samples enough).
    constexpr int kSample = 64;
    constexpr int kSampleLater = 1024;
    constexpr int64_t kSampleLaterFrom = 65536;
    // The sampling period of the `events`-th source record, a power of two; 0: not timed.
    int64_t samplePeriod(int64_t events)
    {
        const int64_t period = events < kSampleLaterFrom ? kSample : kSampleLater;
        return (events & (period - 1)) == 0 ? period : 0;
    }

    // What one thread of the replay works with: the timing of the record in flight, the
    // processing time, the exchange buffers and where a failure goes. The engine's thread has
    // one; a pipelined run (see Pipe) gives the subtasks downstream of the sources another.
    struct Lane {
        Lane() = default;
        Lane(const int64_t* clock, Status* failed)
            : now(clock)
            , failure(failed)
        {
        }
        bool timing = false;
        int64_t scale = kSample;
        int64_t childNs = 0; // time of downstream work inside the timed section
        const int64_t* now = nullptr;
        Status* failure = nullptr;
        int64_t event = -1; // the source record being processed (Observer; TimerHost::currentEvent)
        std::string wire;  // bytes of the record crossing an exchange
        Record received;   // what the receiving side deserializes into
    };

    struct Timer {
        int64_t time;
        uint64_t seq;
        Task* task;      // operator processing-time callback, or
        int sourceIndex; // periodic watermark tick of a source subtask (task is its source task)
        bool operator>(const Timer& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };

    class Engine;

    // A pipelined run (Simulation::run, when the job allows it): the subtasks downstream of the
    // sources' network exchanges run on a second thread, as Flink runs each task in a thread of
    // its own. The engine's thread appends what crosses those exchanges (serialized records,
    // watermarks, idleness), each with the processing time it was sent at, to chunks, in the
    // order in which the single-threaded replay delivers it; the downstream thread delivers the
    // messages in that order. Nothing else reaches the downstream subtasks while it runs (no
    // processing-time timers, observer, metrics series or checkpoints), so the results, their
    // order and every counter are the same as on one thread.
    struct Chunk {
        // Messages, one after the other (see Pipe), written straight into the buffer: a string
        // append per field cost the engine's thread a third of its time per record.
        std::unique_ptr<char[]> data;
        size_t size = 0;
        size_t capacity = 0;

        std::string_view view() const { return { data.get(), size }; }
        // Where `n` more bytes go at the end.
        char* room(size_t n)
        {
            if (size + n > capacity) {
                const size_t grown = std::max(size + n, capacity * 2);
                auto bigger = std::make_unique_for_overwrite<char[]>(grown);
                if (size > 0)
                    std::memcpy(bigger.get(), data.get(), size);
                data = std::move(bigger);
                capacity = grown;
            }
            return data.get() + size;
        }
    };

    // Copies a chunk's bytes to where the other core will read them, with streaming stores:
    // they reach memory without first taking the lines from the core that read them last. On
    // this machine's virtual CPUs a line moves between the two cores in 25-30 ns at times and in
    // 170-180 ns at others (whichever physical cores the host runs them on); with ordinary stores
    // the engine's thread then waited for every line it wrote (a pipelined run 1.4-1.5x slower).
    inline void streamCopy(char* to, const char* from, size_t n)
    {
        size_t i = 0;
#if defined(__SSE2__)
        const size_t head = std::min(n, (16 - reinterpret_cast<uintptr_t>(to) % 16) % 16); // aligned stores
        std::memcpy(to, from, head);
        for (i = head; i + 16 <= n; i += 16)
            _mm_stream_si128(reinterpret_cast<__m128i*>(to + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
        _mm_sfence(); // the streaming stores are visible before the chunk is handed over
#endif
        std::memcpy(to + i, from + i, n - i);
    }

    class Pipe {
    public:
        // A message: a byte of kind (and for a timed record, a flag and its sampling period's
        // logarithm, see begin()), the target subtask's index, the processing time as a zig-zag
        // varint difference from the previous message's, then per kind: a record's gate index,
        // (when the run has an observer, the index of the source record it came from,) its
        // length (4 bytes) and bytes; a watermark's channel and value; an idleness change's
        // channel; a mark nothing (it answers the oldest of `marks`). About 30 bytes for a
        // record of three fields: the two threads share few cache lines per record.
        enum Kind : uint8_t { Record, Watermark, Idle, Active, Mark };
        static constexpr size_t kBytes = 8 * 1024; // per chunk
        // Chunks waiting at most: 1 MB, a few milliseconds of the engine's thread. When a
        // watermark passes the end of a tumbling window, the downstream thread fires every key's
        // window at once (10,000 firings, about 10 ms); with 16 chunks the engine's thread waited
        // through each burst and the downstream one then waited for it (a thousand times in 10
        // million events), where 128 let both keep going: 1.35-1.47 s against 1.49-2.00 s.
        static constexpr size_t kDepth = 128;
        static constexpr size_t kWake = kDepth / 2;

        Pipe(int64_t start, size_t exchanges)
            : now(start)
            , deserializeNs(exchanges, 0)
            , m_sentNow(start)
        {
            lane.now = &now;
            lane.failure = &failure;
        }
        ~Pipe() { finish(); }

        // Numbers for the subtasks and gates that messages name, before start().
        std::vector<Task*> targets;
        std::vector<const Gate*> gates;

        // The engine's thread: begin() starts a message in the stage (m_stage), with room
        // for `body` more bytes, and returns where they go; end() takes where they ended and
        // hands the chunk over once it is full. `timedScale`: the sampling period (a power of
        // two) of a timed record, else 0.
        char* begin(Kind kind, int64_t timedScale, int target, int64_t at, size_t body)
        {
            assert(timedScale == 0 || std::has_single_bit(static_cast<uint64_t>(timedScale)));
            char* p = m_stage->room(1 + 2 * kMaxVarint + body);
            *p++ = static_cast<char>(kind | (timedScale > 0 ? 8 | std::countr_zero(static_cast<uint64_t>(timedScale)) << 4 : 0));
            p = putVarint(p, static_cast<uint64_t>(target));
            p = putVarint(p, zigzag(at - m_sentNow));
            m_sentNow = at;
            return p;
        }
        void end(const char* p)
        {
            m_stage->size = static_cast<size_t>(p - m_stage->data.get());
            if (m_stage->size >= kBytes)
                send();
        }
        static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
        static int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

        void send()
        {
            if (m_stage->size == 0)
                return;
            std::unique_lock lock(m_mutex);
            if (m_full.size() == kDepth) {
                m_senderWaits = true;
                m_sender.wait(lock, [&] { return m_full.size() <= kWake; });
                m_senderWaits = false;
            }
            std::unique_ptr<Chunk> out;
            if (m_spare.empty()) {
                out = newChunk();
            } else {
                out = std::move(m_spare.back());
                m_spare.pop_back();
            }
            lock.unlock();
            out->size = 0;
            streamCopy(out->room(m_stage->size), m_stage->data.get(), m_stage->size);
            out->size = m_stage->size;
            m_stage->size = 0;
            lock.lock();
            m_full.push_back(std::move(out));
            const bool wake = m_receiverWaits && m_full.size() >= kWake;
            lock.unlock();
            if (wake)
                m_receiver.notify_one();
        }
        // Hands over the rest and waits until the downstream thread has delivered everything.
        void finish()
        {
            if (!m_thread.joinable())
                return;
            send();
            {
                std::lock_guard lock(m_mutex);
                m_closed = true;
            }
            m_receiver.notify_one();
            m_thread.join();
        }
        void start()
        {
            m_thread = std::thread([this] { deliverAll(); });
        }

        // Snapshots asked for while the pipe runs (Simulation::snapshotLater): the engine's
        // thread fills in its subtasks and sends a mark; the downstream thread, reaching the
        // mark, fills in its own and answers. Under m_mutex.
        struct MarkRequest {
            metrics::MetricsSnapshot snap;
            bool refreshState = false;
            std::function<void(metrics::MetricsSnapshot)> done;
        };
        void sendMark(MarkRequest request)
        {
            {
                std::lock_guard lock(m_mutex);
                m_marks.push_back(std::move(request));
            }
            char* p = begin(Mark, 0, 0, m_sentNow, 0);
            end(p);
        }
        // After the downstream thread has stopped: the marks it did not reach (after a failure).
        std::deque<MarkRequest> unansweredMarks()
        {
            std::lock_guard lock(m_mutex);
            return std::move(m_marks);
        }
        Engine* engine = nullptr;
        bool carryEvents = false; // record messages carry their source record's index (observer)
        std::vector<char> downstreamExchange; // per exchange: its senders run downstream

        // The downstream thread's, on cache lines of their own: the engine's thread writes next
        // to them on every record.
        alignas(64) std::atomic<bool> failed { false };
        alignas(64) Lane lane;
        int64_t now;
        Status failure;
        std::vector<int64_t> deserializeNs; // per exchange, timed on the downstream thread

    private:
        void deliverAll();
        void deliver(const Chunk& c);
        void answerMark();
        std::deque<MarkRequest> m_marks;
        static std::unique_ptr<Chunk> newChunk()
        {
            auto c = std::make_unique<Chunk>();
            c->room(kBytes + 4096); // a message or two beyond kBytes
            return c;
        }
        // Messages are written here, on the engine's thread only, and copied to a chunk of the
        // pipe when it is full (see streamCopy): its lines stay in this core's cache.
        alignas(64) std::unique_ptr<Chunk> m_stage = newChunk();
        int64_t m_sentNow; // the processing time of the last message begun
        // Each side sleeps only when it must (the sender on a full pipe, the receiver on an
        // empty one) and is woken only once half the pipe is there again: a wake-up crosses
        // cores, and on a virtual machine costs tens of microseconds.
        alignas(64) std::mutex m_mutex;
        std::condition_variable m_sender, m_receiver;
        bool m_senderWaits = false, m_receiverWaits = false;
        std::deque<std::unique_ptr<Chunk>> m_full;
        std::vector<std::unique_ptr<Chunk>> m_spare;
        bool m_closed = false;
        std::thread m_thread;
    };

    // Cache-line aligned: in a pipelined run, two threads write the counters of neighbouring subtasks.
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
        metrics::MetricsSnapshot snapshot(bool refreshState = true) const
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

        bool downstream(const Task& t) const { return pipe && t.lane == &pipe->lane; }

        // The downstream thread's half of snapshot(): its subtasks, the exchanges they send on,
        // and the time it spent reading records back (until stopPipeline() adds it for good).
        void fillDownstream(metrics::MetricsSnapshot& snap, bool refreshState) const
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

        void answer(Pipe::MarkRequest& m) const
        {
            fillDownstream(m.snap, m.refreshState);
            m.done(std::move(m.snap));
        }

        // A snapshot of every subtask at this point of the replay, handed to `done`: at once on
        // one thread, else once the downstream thread gets there (on that thread).
        void snapshotLater(bool refreshState, std::function<void(metrics::MetricsSnapshot)> done)
        {
            if (!pipe) {
                done(snapshot(refreshState));
                return;
            }
            pipe->sendMark({ snapshot(refreshState), refreshState, std::move(done) });
        }

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
            const __int128 from = static_cast<__int128>(std::max(wake, now + 1)) - clockStart;
            const __int128 k = (from + interval - 1) / interval;
            const __int128 at = clockStart + std::max<__int128>(k, 1) * interval;
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

        void emitSource(Task* t, const time::SourceWatermarks::Emission& e)
        {
            if (observer) {
                for (int split = 0; split < t->watermarks->splits(); ++split) {
                    int64_t w = t->watermarks->splitWatermark(split);
                    bool idle = t->watermarks->splitIdle(split);
                    auto& seen = t->splitSeen;
                    if (seen.size() < static_cast<size_t>(t->watermarks->splits()))
                        seen.assign(static_cast<size_t>(t->watermarks->splits()), { INT64_MIN, false });
                    if (seen[static_cast<size_t>(split)].first != w)
                        observer->onWatermark(t->node->id, t->subtask, split, now, w);
                    if (seen[static_cast<size_t>(split)].second != idle)
                        observer->onIdle(t->node->id, t->subtask, split, now, idle);
                    seen[static_cast<size_t>(split)] = { w, idle };
                }
                if (e.status)
                    observer->onIdle(t->node->id, t->subtask, -1, now, *e.status);
                if (e.watermark)
                    observer->onWatermark(t->node->id, t->subtask, -1, now, *e.watermark);
            }
            if (e.status)
                t->broadcastStatus(*e.status);
            if (e.watermark)
                t->broadcastWatermark(*e.watermark);
            t->metrics.watermark = t->watermarks->currentWatermark();
            t->metrics.idle = t->watermarks->idle();
        }

        void finishSource(SourceState& s)
        {
            s.done = true;
            for (Task* t : s.tasks) {
                if (t->watermarks->splits() > 0)
                    emitSource(t, t->watermarks->onPeriodicEmit(now));
                emitSource(t, t->watermarks->emitMaxWatermark());
            }
        }

        Status start()
        {
            started = true;
            for (const auto& id : fileSinkOrder)
                STREAMLAB_RETURN_IF_ERROR(fileSinks[id]->start().withPrefix("node '" + id + "', field 'path': "));
            // The clock starts at the earliest arrival of sources with an arrival field, else 0.
            bool anyArrival = false;
            int64_t first = INT64_MAX;
            for (auto& s : sources) {
                s.lastArrival = INT64_MIN;
                STREAMLAB_RETURN_IF_ERROR(fetch(s));
                if (s.hasNext && s.next.arrival) {
                    anyArrival = true;
                    first = std::min(first, *s.next.arrival);
                }
            }
            clockStart = anyArrival ? first : 0;
            now = clockStart;
            for (auto& s : sources) {
                if (s.hasNext && !s.next.arrival)
                    s.nextArrival = clockStart;
                for (Task* t : s.tasks) {
                    if (t->watermarks->splits() == 0)
                        emitSource(t, t->watermarks->markIdleWithoutSplits());
                    // A subtask without splits emits nothing at a tick: it gets none.
                    if (spec.config.autoWatermarkInterval > 0 && t->watermarks->splits() > 0)
                        scheduleTick(t, static_cast<int>(&s - sources.data()), clockStart);
                }
            }
            if (!checkpointDir.empty() && spec.config.checkpointInterval)
                schedule(clockStart + *spec.config.checkpointInterval, nullptr, kCheckpointTimer);
            for (auto& s : sources)
                if (!s.hasNext)
                    finishSource(s);
            return {};
        }

        // A pipelined run (see Pipe), when the job allows one: false when it does not.
        bool startPipeline()
        {
            // The job's structure (Plan::runThreads), then what this run asks for.
            if (!pipelineAllowed || pipe || complete || !failure.ok() || (observer && !observerOnTwoThreads)
                || (seriesInterval > 0 && onSeries) || !checkpointDir.empty())
                return false;
            // The source chains: source subtasks and what is chained to them.
            std::set<Task*> upstream;
            std::vector<Task*> todo;
            for (auto& s : sources)
                todo.insert(todo.end(), s.tasks.begin(), s.tasks.end());
            while (!todo.empty()) {
                Task* t = todo.back();
                todo.pop_back();
                if (!upstream.insert(t).second)
                    continue;
                for (auto* gates : { &t->main, &t->late })
                    for (Gate& g : *gates)
                        if (g.chained)
                            for (auto& target : g.targets)
                                todo.push_back(target.first);
            }
            pipe = std::make_unique<Pipe>(now, exchanges.size());
            pipe->engine = this;
            pipe->carryEvents = observer != nullptr;
            pipe->downstreamExchange.assign(exchanges.size(), 0);
            pipe->lane.event = lane.event;
            for (auto& t : tasks) {
                if (!upstream.contains(t.get())) {
                    t->lane = &pipe->lane;
                    t->pipeId = static_cast<int>(pipe->targets.size());
                    pipe->targets.push_back(t.get());
                    for (auto* gates : { &t->main, &t->late })
                        for (Gate& g : *gates)
                            pipe->downstreamExchange[static_cast<size_t>(g.exchange)] = 1;
                    continue;
                }
                for (auto* gates : { &t->main, &t->late })
                    for (Gate& g : *gates) {
                        g.handedOver = !g.chained;
                        if (g.handedOver) {
                            g.pipeId = static_cast<int>(pipe->gates.size());
                            pipe->gates.push_back(&g);
                        }
                    }
            }
            pipe->start();
            return true;
        }
        // Waits for the downstream thread and runs everything on this thread again. A failure
        // downstream came first: the engine's thread only reads ahead of it.
        Status stopPipeline()
        {
            if (!pipe)
                return failure;
            pipe->finish();
            // Marks the downstream thread did not reach (it stops at a failure) are answered now.
            for (auto& m : pipe->unansweredMarks())
                answer(m);
            for (auto& t : tasks) {
                t->lane = &lane;
                for (auto* gates : { &t->main, &t->late })
                    for (Gate& g : *gates)
                        g.handedOver = false;
            }
            for (size_t i = 0; i < exchanges.size(); ++i)
                exchanges[i].serializeNs += pipe->deserializeNs[i];
            if (!pipe->failure.ok())
                failure = pipe->failure;
            pipe.reset();
            return failure;
        }

        static constexpr int kCheckpointTimer = -2;
        Status checkpoint();
        Status restore(const std::filesystem::path& dir);

        Status processRecord(SourceState& s)
        {
            now = std::max(now, s.nextArrival);
            s.lastArrival = s.nextArrival;
            io::Event& ev = s.next;
            int splits = s.spec.partitionCount;
            if (ev.isWatermark) {
                ++s.watermarkLines;
                for (Task* t : s.tasks) {
                    // Translate the file's partition to this subtask's split index.
                    int local = -1;
                    if (ev.partition >= 0) {
                        if (ev.partition % static_cast<int>(s.tasks.size()) != t->subtask)
                            continue;
                        local = ev.partition / static_cast<int>(s.tasks.size());
                    }
                    emitSource(t, t->watermarks->onWatermarkLine(local, ev.watermark));
                }
            } else {
                int partition;
                if (s.partitionField >= 0) {
                    const auto& f = s.reader->schema()->fields[static_cast<size_t>(s.partitionField)];
                    int32_t h = javaValueHash(ev.record.fields[static_cast<size_t>(s.partitionField)], f.type);
                    partition = static_cast<int>(((h % splits) + splits) % splits);
                } else {
                    partition = s.nextRoundRobin; // records % splits, kept without a division
                    if (++s.nextRoundRobin == splits)
                        s.nextRoundRobin = 0;
                }
                ++s.records;
                ++events;
                const auto& route = s.routes[static_cast<size_t>(partition)];
                Task* t = route.first;
                int local = route.second;
                t->watermarks->onRecord(local, ev.record.timestamp);
                ++t->metrics.recordsIn;
                lane.scale = samplePeriod(events);
                lane.timing = lane.scale != 0;
                lane.event = events - 1;
                if (observer)
                    observer->onSourceRecord(s.node->id, partition, t->subtask, now, *s.reader->schema(), ev.record);
                t->collect(ev.record);
                lane.timing = false;
            }
            STREAMLAB_RETURN_IF_ERROR(fetch(s));
            if (!s.hasNext)
                finishSource(s);
            return {};
        }

        void fireTimer(const Timer& tm)
        {
            now = std::max(now, tm.time);
            if (tm.sourceIndex == kCheckpointTimer) {
                // The next checkpoint is scheduled first, so that this one holds its timer.
                schedule(now + *spec.config.checkpointInterval, nullptr, kCheckpointTimer);
                Status st = checkpoint();
                if (!st.ok() && failure.ok())
                    failure = st.withPrefix("checkpoint " + std::to_string(checkpointId) + ": ");
                return;
            }
            if (tm.sourceIndex >= 0) {
                SourceState& s = sources[static_cast<size_t>(tm.sourceIndex)];
                if (s.done || tm.time != tm.task->nextTick)
                    return;
                emitSource(tm.task, tm.task->watermarks->onPeriodicEmit(now));
                const int64_t input = s.hasNext ? s.nextArrival : INT64_MAX;
                scheduleTick(tm.task, tm.sourceIndex, std::min(input, tm.task->watermarks->quietUntil()));
                return;
            }
            tm.task->pendingTimers.erase(tm.time);
            lane.timing = true;
            lane.scale = 1;
            timed(*tm.task, [&] { tm.task->op->onProcessingTime(tm.time); });
            lane.timing = false;
        }

        // One record or timer; with batch > 1, up to that many records of a single source.
        Result<bool> step(int64_t batch = 1)
        {
            if (complete)
                return false;
            if (!started)
                STREAMLAB_RETURN_IF_ERROR(start());
            if (!failure.ok())
                return failure;
            if (pipe && pipe->failed.load(std::memory_order_relaxed))
                return stopPipeline();
            SourceState* next = nullptr;
            for (auto& s : sources)
                if (!s.done && s.hasNext && (!next || s.nextArrival < next->nextArrival))
                    next = &s;
            bool sourcesLeft = next != nullptr;
            // Records arriving at time t are read before timers due at t fire.
            if (next && (timers.empty() || next->nextArrival <= timers.top().time)) {
                STREAMLAB_RETURN_IF_ERROR(processRecord(*next));
                // A batch: with one source, the records that come before the next timer are
                // exactly what further calls would process, in the same order.
                for (int64_t more = batch - 1; more > 0 && sources.size() == 1 && failure.ok(); --more) {
                    if (next->done || !next->hasNext || (!timers.empty() && next->nextArrival > timers.top().time)
                        || (seriesInterval > 0 && now >= nextSeriesAt))
                        break;
                    STREAMLAB_RETURN_IF_ERROR(processRecord(*next));
                }
            } else if (sourcesLeft && !timers.empty()) {
                Timer tm = timers.top();
                timers.pop();
                fireTimer(tm);
            } else {
                // Every source has ended: like Flink at the end of bounded input, pending
                // processing-time timers are dropped.
                STREAMLAB_RETURN_IF_ERROR(stopPipeline());
                complete = true;
                for (const auto& id : fileSinkOrder) {
                    Status st = fileSinks[id]->finish();
                    if (!st.ok())
                        return st.withPrefix("file sink '" + id + "': ");
                }
                for (auto& t : tasks)
                    if (t->op)
                        t->op->updateStateMetrics();
                if (seriesInterval > 0 && onSeries)
                    onSeries(snapshot());
                return false;
            }
            if (!failure.ok())
                return failure;
            maybeSeries();
            return true;
        }
    };

    static int64_t nowNs()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    // Runs `f` and, while timing, adds its exclusive time (without the downstream operators it
    // calls) to this subtask's busy time, scaled by the sampling rate.
    template <class F>
    void timed(Task& t, F&& f)
    {
        Lane& L = *t.lane;
        if (!L.timing) {
            f();
            return;
        }
        int64_t start = nowNs();
        int64_t savedChild = L.childNs;
        L.childNs = 0;
        f();
        int64_t elapsed = nowNs() - start;
        t.metrics.busyNs += (elapsed - L.childNs) * L.scale;
        L.childNs = savedChild + elapsed;
    }

    void Task::receive(const Record& r)
    {
        ++metrics.recordsIn;
        if (!lane->timing) {
            op->processElement(r);
            return;
        }
        timed(*this, [&] { op->processElement(r); });
    }

    // Delivers `r` to `target`: directly when chained, else serialized to bytes and read back,
    // as a network exchange in Flink does even inside one process. In a pipelined run the bytes
    // go to the downstream thread, which reads them back.
    static void deliver(Engine& E, Task& sender, Gate& g, Task* target, const Record& r)
    {
        auto& x = E.exchanges[static_cast<size_t>(g.exchange)];
        ++x.records;
        if (g.chained) {
            target->receive(r);
            return;
        }
        Lane& L = *sender.lane;
        const int64_t start = L.timing ? nowNs() : 0;
        if (g.handedOver) {
            // The message: the gate, the record's length and its bytes.
            const bool typed = !g.serializer->generic();
            if (!typed) {
                L.wire.clear();
                g.serializer->serialize(r, L.wire);
            }
            const size_t bound = typed ? g.serializer->maxSize(r) : L.wire.size();
            char* p = E.pipe->begin(Pipe::Record, L.timing ? L.scale : 0, target->pipeId, *L.now, 2 * kMaxVarint + 4 + bound);
            p = putVarint(p, static_cast<uint64_t>(g.pipeId));
            if (E.pipe->carryEvents)
                p = putVarint(p, static_cast<uint64_t>(L.event));
            char* sizeAt = p;
            p += 4;
            char* body = p;
            if (typed) {
                p = g.serializer->write(r, p);
            } else {
                std::memcpy(p, L.wire.data(), L.wire.size());
                p += L.wire.size();
            }
            const auto n = static_cast<uint32_t>(p - body);
            std::memcpy(sizeAt, &n, sizeof n);
            x.bytes += n;
            sender.metrics.bytesSerialized += n;
            if (L.timing) {
                int64_t ns = nowNs() - start;
                x.serializeNs += ns * L.scale;
                L.childNs += ns;
            }
            E.pipe->end(p);
            return;
        }
        std::string& wire = L.wire;
        wire.clear();
        g.serializer->serialize(r, wire);
        const auto size = static_cast<int64_t>(wire.size());
        x.bytes += size;
        sender.metrics.bytesSerialized += size;
        Record& in = L.received;
        bool ok = g.serializer->deserialize(wire, in);
        assert(ok);
        (void)ok;
        if (L.timing) {
            int64_t ns = nowNs() - start;
            x.serializeNs += ns * L.scale;
            L.childNs += ns; // not the sender's operator time
        }
        // The receiver may keep the record: hand it a copy that it owns, not the shared buffer.
        Record fresh = std::move(in);
        target->receive(fresh);
        in = std::move(fresh);
    }

    // The downstream thread of a pipelined run: each message as the engine's thread would have
    // delivered it, at the processing time it was sent at. After a failure the rest is dropped.
    void Pipe::deliverAll()
    {
        for (;;) {
            std::unique_ptr<Chunk> c;
            {
                std::unique_lock lock(m_mutex);
                if (m_full.empty() && !m_closed) {
                    m_receiverWaits = true;
                    m_receiver.wait(lock, [&] { return m_full.size() >= kWake || m_closed; });
                    m_receiverWaits = false;
                }
                if (m_full.empty())
                    return;
                c = std::move(m_full.front());
                m_full.pop_front();
                const bool wake = m_senderWaits && m_full.size() <= kWake;
                lock.unlock();
                if (wake)
                    m_sender.notify_one();
            }
            if (failure.ok())
                deliver(*c);
            if (!failure.ok())
                failed.store(true, std::memory_order_relaxed);
            c->size = 0;
            std::lock_guard lock(m_mutex);
            m_spare.push_back(std::move(c));
        }
    }

    void Pipe::deliver(const Chunk& c)
    {
        ByteReader in { c.view() };
        while (!in.atEnd() && failure.ok()) {
            const auto head = in.fixed<uint8_t>();
            const bool timing = head & 8;
            const int64_t scale = int64_t(1) << (head >> 4);
            Task* target = targets[in.varint()];
            now += unzigzag(in.varint());
            switch (static_cast<Kind>(head & 7)) {
            case Record: {
                const Gate* g = gates[in.varint()];
                if (carryEvents)
                    lane.event = static_cast<int64_t>(in.varint());
                const auto size = in.fixed<uint32_t>();
                lane.timing = timing;
                lane.scale = scale;
                int64_t start = timing ? nowNs() : 0;
                bool ok = g->serializer->deserialize(in.bytes(size), lane.received);
                assert(ok && in.ok);
                (void)ok;
                if (timing)
                    deserializeNs[static_cast<size_t>(g->exchange)] += (nowNs() - start) * scale;
                // The receiver may keep the record: hand it a copy that it owns.
                streamlab::Record fresh = std::move(lane.received);
                target->receive(fresh);
                lane.received = std::move(fresh);
                lane.timing = false;
                break;
            }
            case Watermark: {
                const int channel = static_cast<int>(in.varint());
                target->valve.inputWatermark(channel, unzigzag(in.varint()), *target);
                break;
            }
            case Idle:
            case Active: {
                const int channel = static_cast<int>(in.varint());
                target->valve.inputStatus(channel, (head & 7) == Idle, *target);
                break;
            }
            case Mark:
                answerMark();
                break;
            }
        }
    }

    void Pipe::answerMark()
    {
        MarkRequest m;
        {
            std::lock_guard lock(m_mutex);
            assert(!m_marks.empty());
            m = std::move(m_marks.front());
            m_marks.pop_front();
        }
        engine->answer(m);
    }

    void Task::sendTo(std::vector<Gate>& gates, const Record& r)
    {
        Engine& E = *engine;
        for (Gate& g : gates) {
            switch (g.partitioner) {
            case Partitioner::Forward:
            case Partitioner::Broadcast:
                for (auto& [t, c] : g.targets)
                    deliver(E, *this, g, t, r);
                break;
            case Partitioner::Rebalance: {
                Task* t = g.targets[g.next].first;
                g.next = (g.next + 1) % g.targets.size();
                deliver(E, *this, g, t, r);
                break;
            }
            case Partitioner::Hash: {
                const auto kg = static_cast<size_t>(keyGroupForHash(g.key.hashCode(r), g.maxParallelism));
                ++(*g.keyGroupRecords)[kg];
                deliver(E, *this, g, g.targets[g.targetOfKeyGroup[kg]].first, r);
                break;
            }
            }
        }
    }

    void Task::collect(const Record& r)
    {
        ++metrics.recordsOut;
        sendTo(main, r);
    }

    void Task::collectLate(const Record& r)
    {
        ++metrics.lateSideOutput;
        sendTo(late, r);
    }

    int64_t Task::currentProcessingTime() const { return *lane->now; }
    int64_t Task::now() const { return *lane->now; }

    void Task::requestProcessingTime(int64_t t)
    {
        if (lane != &engine->lane) { // Plan::runThreads keeps such jobs on one thread
            fail(Status::internal("a processing-time timer on the downstream thread of a pipelined run"));
            return;
        }
        if (pendingTimers.insert(t).second)
            engine->schedule(t, this, -1);
    }

    void Task::fail(Status s)
    {
        if (lane->failure->ok())
            *lane->failure = s.withPrefix("node '" + node->id + "' (subtask " + std::to_string(subtask) + "): ");
    }

    void Task::onValveWatermark(int64_t w)
    {
        metrics.watermark = w;
        if (engine->observer)
            engine->observer->onWatermark(node->id, subtask, -1, *lane->now, w);
        // Watermarks are rare next to records, but each may fire many windows (and time each
        // result downstream): the first 64 are timed, then one in 16.
        bool outer = false;
        if (!lane->timing) {
            const int64_t period = ++watermarksIn <= 64 ? 1 : 16;
            outer = watermarksIn % period == 0;
            lane->timing = outer;
            lane->scale = period;
        }
        timed(*this, [&] { op->processWatermark(w); });
        if (outer)
            lane->timing = false;
        if (!lane->failure->ok())
            return; // the operator failed on it: the watermark goes no further, as in Flink
        if (isSink && engine->listener)
            engine->listener->onSinkWatermark(node->id, subtask, w);
        broadcastWatermark(w);
    }

    void Task::onValveStatus(bool idle)
    {
        metrics.idle = idle;
        if (engine->observer)
            engine->observer->onIdle(node->id, subtask, -1, *lane->now, idle);
        broadcastStatus(idle);
    }

    void Task::broadcastWatermark(int64_t w)
    {
        for (auto* gates : { &main, &late })
            for (Gate& g : *gates)
                for (auto& [t, c] : g.targets) {
                    if (!g.handedOver) {
                        t->valve.inputWatermark(c, w, *t);
                        continue;
                    }
                    char* p = engine->pipe->begin(Pipe::Watermark, 0, t->pipeId, *lane->now, 2 * kMaxVarint);
                    p = putVarint(p, static_cast<uint64_t>(c));
                    p = putVarint(p, Pipe::zigzag(w));
                    engine->pipe->end(p);
                }
    }

    void Task::broadcastStatus(bool idle)
    {
        for (auto* gates : { &main, &late })
            for (Gate& g : *gates)
                for (auto& [t, c] : g.targets) {
                    if (!g.handedOver) {
                        t->valve.inputStatus(c, idle, *t);
                        continue;
                    }
                    char* p = engine->pipe->begin(idle ? Pipe::Idle : Pipe::Active, 0, t->pipeId, *lane->now, kMaxVarint);
                    p = putVarint(p, static_cast<uint64_t>(c));
                    engine->pipe->end(p);
                }
    }

    // --- checkpoints ---

    struct CkOut {
        std::string b;
        void i(int64_t v) { encodeValue(b, Value { v }); }
        void str(const std::string& v) { encodeValue(b, Value { v }); }
        void bytes(const std::string& v)
        {
            putVarint(b, v.size());
            b += v;
        }
    };
    struct CkIn {
        ByteReader r;
        int64_t i() { return r.int64(); }
        std::string str()
        {
            Value v = r.value();
            if (auto* x = std::get_if<std::string>(&v))
                return *x;
            r.ok = false;
            return {};
        }
        std::string_view bytes() { return r.bytes(r.varint()); }
    };

    void saveMetrics(CkOut& o, const metrics::SubtaskMetrics& m)
    {
        for (int64_t v : { m.recordsIn, m.recordsOut, m.lateDropped, m.lateSideOutput, m.firings.onTime, m.firings.late,
                 m.firings.early, m.stateEntries, m.stateBytes, m.watermark, int64_t(m.idle), m.bytesSerialized, m.busyNs })
            o.i(v);
    }
    void loadMetrics(CkIn& in, metrics::SubtaskMetrics& m)
    {
        for (int64_t* v : { &m.recordsIn, &m.recordsOut, &m.lateDropped, &m.lateSideOutput, &m.firings.onTime,
                 &m.firings.late, &m.firings.early, &m.stateEntries, &m.stateBytes, &m.watermark })
            *v = in.i();
        m.idle = in.i() != 0;
        m.bytesSerialized = in.i();
        m.busyNs = in.i();
    }

    std::string jobSignature(const Engine& E)
    {
        std::string sig = "streamlab-checkpoint-1";
        for (const auto& t : E.tasks)
            sig += "|" + t->node->id + "#" + std::to_string(t->subtask);
        return sig;
    }

    Status Engine::checkpoint()
    {
        auto t0 = std::chrono::steady_clock::now();
        int64_t id = ++checkpointId;
        std::filesystem::path dir = checkpointDir / ("chk-" + std::to_string(id));
        std::filesystem::path tmp = dir;
        tmp += ".inprogress";
        std::error_code ec;
        std::filesystem::remove_all(tmp, ec);
        std::filesystem::create_directories(tmp, ec);
        if (ec)
            return Status::ioError(tmp.string() + ": cannot create (" + ec.message() + ")");
        CkOut o;
        o.str(jobSignature(*this));
        o.i(id);
        o.i(now);
        o.i(events);
        o.i(static_cast<int64_t>(seq));
        o.i(clockStart);
        // The timer queue: periodic watermark ticks, processing-time timers, checkpoints.
        auto copy = timers;
        std::map<const Task*, int64_t> index;
        for (size_t i = 0; i < tasks.size(); ++i)
            index[tasks[i].get()] = static_cast<int64_t>(i);
        std::vector<Timer> live;
        for (; !copy.empty(); copy.pop())
            if (copy.top().sourceIndex < 0 || !copy.top().task || copy.top().time == copy.top().task->nextTick)
                live.push_back(copy.top()); // stale ticks are left out
        o.i(static_cast<int64_t>(live.size()));
        for (const Timer& tm : live) {
            o.i(tm.time);
            o.i(static_cast<int64_t>(tm.seq));
            o.i(tm.task ? index[tm.task] : -1);
            o.i(tm.sourceIndex);
        }
        for (const auto& src : sources) {
            o.i(src.records);
            o.i(src.watermarkLines);
            o.i(src.lastArrival);
            o.i(src.done);
            // Restart at the peeked event: bad lines before it are counted already.
            o.i(src.hasNext ? src.reader->eventOffset() : src.reader->bytesRead());
            o.i(src.hasNext ? src.reader->eventLine() : src.reader->lineNumber());
            o.i(src.reader->badLines().count);
            const auto& reasons = src.reader->badLines().firstReasons;
            o.i(static_cast<int64_t>(reasons.size()));
            for (const auto& r : reasons)
                o.str(r);
        }
        for (size_t i = 0; i < tasks.size(); ++i) {
            Task& t = *tasks[i];
            saveMetrics(o, t.metrics);
            std::string v;
            t.valve.save(v);
            o.bytes(v);
            o.i(static_cast<int64_t>(t.pendingTimers.size()));
            for (int64_t p : t.pendingTimers)
                o.i(p);
            for (auto* gates : { &t.main, &t.late })
                for (const Gate& g : *gates)
                    o.i(static_cast<int64_t>(g.next));
            std::string w;
            if (t.watermarks)
                t.watermarks->save(w);
            o.bytes(w);
            std::string ops;
            if (t.op)
                t.op->snapshotState(ops);
            o.bytes(ops);
            std::string st;
            if (t.backend) {
                auto sub = tmp / ("task-" + std::to_string(i));
                std::filesystem::create_directories(sub, ec);
                STREAMLAB_RETURN_IF_ERROR(t.backend->snapshot(st, sub));
            }
            o.bytes(st);
        }
        for (const auto& x : exchanges) {
            o.i(x.records);
            o.i(x.bytes);
            o.i(x.serializeNs);
        }
        for (const auto& [op, counts] : keyGroupRecords) {
            o.str(op);
            o.i(static_cast<int64_t>(counts.size()));
            for (int64_t c : counts)
                o.i(c);
        }
        // File sinks: stage what is pending before the checkpoint is complete.
        for (const auto& sinkId : fileSinkOrder) {
            int64_t before = 0, after = 0;
            STREAMLAB_RETURN_IF_ERROR(fileSinks[sinkId]->stage(id, before, after));
            o.str(sinkId);
            o.i(before);
            o.i(after);
        }
        STREAMLAB_RETURN_IF_ERROR(model::writeFileAtomically(tmp / "state.bin", o.b));
        nlohmann::ordered_json meta = { { "format", "streamlab-checkpoint" }, { "version", 1 }, { "id", id },
            { "processingTime", now }, { "eventsReplayed", events } };
        STREAMLAB_RETURN_IF_ERROR(model::writeFileAtomically(tmp / "_metadata", meta.dump(2) + "\n"));
        // Complete: the folder gets its final name in one rename.
        std::filesystem::remove_all(dir, ec);
        std::filesystem::rename(tmp, dir, ec);
        if (ec)
            return Status::ioError(dir.string() + ": cannot complete the checkpoint (" + ec.message() + ")");
        for (const auto& sinkId : fileSinkOrder)
            STREAMLAB_RETURN_IF_ERROR(fileSinks[sinkId]->commit(id).withPrefix("file sink '" + sinkId + "': "));
        // Keep the latest complete checkpoints.
        if (id > retainedCheckpoints)
            std::filesystem::remove_all(checkpointDir / ("chk-" + std::to_string(id - retainedCheckpoints)), ec);
        int64_t size = 0;
        for (auto& f : std::filesystem::recursive_directory_iterator(dir, ec))
            if (f.is_regular_file(ec))
                size += static_cast<int64_t>(f.file_size(ec));
        auto& m = checkpointMetrics;
        ++m.completed;
        m.lastId = id;
        m.lastBytes = size;
        m.lastDurationNs = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
        m.totalDurationNs += m.lastDurationNs;
        return {};
    }

    // The latest complete checkpoint (chk-N with a _metadata file) in `dir`.
    std::optional<std::pair<int64_t, std::filesystem::path>> latestCheckpoint(const std::filesystem::path& dir)
    {
        std::optional<std::pair<int64_t, std::filesystem::path>> best;
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(dir, ec)) {
            std::string name = e.path().filename().string();
            if (name.rfind("chk-", 0) != 0 || !std::filesystem::exists(e.path() / "_metadata", ec))
                continue;
            char* end = nullptr;
            long long id = std::strtoll(name.c_str() + 4, &end, 10);
            if (*end != '\0')
                continue;
            if (!best || id > best->first)
                best = std::make_pair(static_cast<int64_t>(id), e.path());
        }
        return best;
    }

    Status Engine::restore(const std::filesystem::path& resumeDir)
    {
        auto t0 = std::chrono::steady_clock::now();
        auto latest = latestCheckpoint(resumeDir);
        if (!latest)
            return Status::notFound(resumeDir.string() + ": no complete checkpoint to resume from");
        // Named, not a structured binding: the lambdas below capture them (clang 14 refuses that).
        const auto id = latest->first;
        const std::filesystem::path dir = latest->second;
        std::string bytes;
        {
            std::ifstream f(dir / "state.bin", std::ios::binary);
            std::stringstream ss;
            ss << f.rdbuf();
            bytes = ss.str();
        }
        auto corrupt = [&](const std::string& what) {
            return Status::invalid(dir.string() + ": " + what);
        };
        CkIn in { ByteReader { bytes } };
        if (in.str() != jobSignature(*this))
            return corrupt("the checkpoint belongs to another job (or other parallelism); it cannot be resumed here");
        checkpointId = in.i();
        now = in.i();
        events = in.i();
        seq = static_cast<uint64_t>(in.i());
        clockStart = in.i();
        timers = {};
        int64_t nTimers = in.i();
        for (int64_t k = 0; k < nTimers && in.r.ok; ++k) {
            Timer tm;
            tm.time = in.i();
            tm.seq = static_cast<uint64_t>(in.i());
            int64_t ti = in.i();
            tm.task = ti >= 0 && ti < static_cast<int64_t>(tasks.size()) ? tasks[static_cast<size_t>(ti)].get() : nullptr;
            tm.sourceIndex = static_cast<int>(in.i());
            if (tm.sourceIndex >= 0 && tm.task)
                tm.task->nextTick = tm.time;
            timers.push(tm);
        }
        for (auto& src : sources) {
            src.records = in.i();
            src.nextRoundRobin = static_cast<int>(src.records % src.spec.partitionCount);
            src.watermarkLines = in.i();
            src.lastArrival = in.i();
            src.done = in.i() != 0;
            int64_t offset = in.i();
            int64_t line = in.i();
            io::BadLines bad;
            bad.count = in.i();
            int64_t nReasons = in.i();
            for (int64_t k = 0; k < nReasons && in.r.ok; ++k)
                bad.firstReasons.push_back(in.str());
            if (!in.r.ok)
                return corrupt("state.bin is corrupt");
            STREAMLAB_RETURN_IF_ERROR(src.reader->restorePosition(offset, line, bad));
            if (src.done) {
                src.hasNext = false;
            } else {
                STREAMLAB_RETURN_IF_ERROR(fetch(src));
            }
        }
        for (size_t i = 0; i < tasks.size() && in.r.ok; ++i) {
            Task& t = *tasks[i];
            loadMetrics(in, t.metrics);
            {
                ByteReader vr { in.bytes() };
                if (!t.valve.load(vr))
                    return corrupt("task " + std::to_string(i) + ": the valve state does not match");
            }
            t.pendingTimers.clear();
            int64_t np = in.i();
            for (int64_t k = 0; k < np; ++k)
                t.pendingTimers.insert(in.i());
            for (auto* gates : { &t.main, &t.late })
                for (Gate& g : *gates)
                    g.next = static_cast<size_t>(in.i());
            {
                ByteReader wr { in.bytes() };
                if (t.watermarks && !t.watermarks->load(wr))
                    return corrupt("task " + std::to_string(i) + ": the watermark state does not match");
            }
            {
                ByteReader orr { in.bytes() };
                if (t.op && !t.op->restoreState(orr))
                    return corrupt("task " + std::to_string(i) + ": the operator state does not match");
            }
            {
                ByteReader sr { in.bytes() };
                if (t.backend)
                    STREAMLAB_RETURN_IF_ERROR(t.backend->restore(sr, dir / ("task-" + std::to_string(i))));
            }
        }
        for (auto& x : exchanges) {
            x.records = in.i();
            x.bytes = in.i();
            x.serializeNs = in.i();
        }
        for (size_t k = 0; k < keyGroupRecords.size() && in.r.ok; ++k) {
            std::string op = in.str();
            int64_t n = in.i();
            auto& counts = keyGroupRecords[op];
            counts.assign(static_cast<size_t>(std::max<int64_t>(n, 0)), 0);
            for (auto& c : counts)
                c = in.i();
        }
        for (size_t k = 0; k < fileSinkOrder.size() && in.r.ok; ++k) {
            std::string sinkId = in.str();
            int64_t before = in.i(), after = in.i();
            auto it = fileSinks.find(sinkId);
            if (it == fileSinks.end())
                return corrupt("file sink '" + sinkId + "' is not in this job");
            STREAMLAB_RETURN_IF_ERROR(it->second->restore(id, before, after));
        }
        if (!in.r.ok)
            return corrupt("state.bin is corrupt");
        started = true;
        resumed = true;
        checkpointMetrics.restoredFrom = id;
        checkpointMetrics.lastId = id;
        checkpointMetrics.recoveryNs
            = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
        return {};
    }

} // namespace

struct Simulation::Impl {
    Engine engine;
    std::function<bool()> stopRequested;
    bool pipeline = true;
    bool pipelined = false; // the last run() was (or, with pipelineReplay, an advance())
};

Simulation::Simulation()
    : m(std::make_unique<Impl>())
{
}
Simulation::~Simulation() = default;

Result<std::unique_ptr<Simulation>> Simulation::create(
    const model::JobSpec& spec, const RunOptions& options, ResultListener* listener)
{
    std::unique_ptr<Simulation> sim(new Simulation());
    Engine& E = sim->m->engine;
    E.spec = spec;
    E.listener = listener;
    E.seriesInterval = options.seriesInterval;
    E.observer = options.observer;
    E.observerOnTwoThreads = options.pipelineReplay;
    E.checkpointDir = options.checkpointDir;
    E.retainedCheckpoints = std::max(1, options.retainedCheckpoints);
    if (!options.checkpointDir.empty() && !E.spec.config.checkpointInterval)
        return Status::invalid("checkpoints need config.checkpoints.interval in the job (for example \"10s\")");
    if (!options.checkpointDir.empty()) {
        // Now, not when the first checkpoint falls due minutes into the run.
        std::error_code ec;
        if (std::filesystem::exists(options.checkpointDir, ec) && !std::filesystem::is_directory(options.checkpointDir, ec))
            return Status::invalid(options.checkpointDir.string() + ": the checkpoint folder is a file; name a folder");
        std::filesystem::create_directories(options.checkpointDir, ec);
        if (ec)
            return Status::ioError(options.checkpointDir.string() + ": cannot create the checkpoint folder (" + ec.message() + ")");
    }
    E.onSeries = options.onSeries;
    sim->m->stopRequested = options.stopRequested;
    sim->m->pipeline = options.pipeline;
    const model::JobSpec& S = E.spec;
    auto planned = buildPlan(S);
    if (!planned.ok())
        return planned.status();
    const Plan& plan = *planned;
    E.pipelineAllowed = plan.runThreads == 2;

    // Sources first: open the readers and settle their schemas.
    for (const auto& n : S.nodes) {
        if (n.kind != NodeKind::Source)
            continue;
        SourceState s;
        s.node = &n;
        s.spec = n.as<model::SourceSpec>();
        if (auto it = options.events.find(n.id); it != options.events.end())
            s.spec.path = it->second;
        auto reader = io::EventReader::open(s.spec, n.id);
        if (!reader.ok())
            return reader.status();
        s.reader = std::move(reader).value();
        if (s.spec.rate >= 1 && s.spec.rate <= 1e12 && std::floor(s.spec.rate) == s.spec.rate) {
            s.integralRate = static_cast<int64_t>(s.spec.rate);
            s.rateStep = 1000 / s.integralRate;
            s.rateStepRem = 1000 % s.integralRate;
        }
        if (s.spec.partitionBy != "roundRobin")
            s.partitionField = s.reader->schema()->indexOf(s.spec.partitionBy); // checked by resolveStreams
        E.schemas[n.id] = s.reader->schema();
        E.sources.push_back(std::move(s));
    }
    for (const auto& [id, file] : options.events)
        if (!S.node(id) || S.node(id)->kind != NodeKind::Source)
            return Status::invalid("--events " + id + "=" + file.string() + ": there is no source node '" + id + "'");

    // Schemas flowing out of each operator (and out of windows' late ports), in plan order.
    auto resolved = resolveStreams(S, plan, E.schemas);
    if (!resolved.ok())
        return resolved.status();
    const Streams& streams = *resolved;
    E.schemas = streams.out;

    // Subtasks.
    for (const auto& o : plan.operators) {
        const model::NodeSpec* n = S.node(o.id);
        for (int i = 0; i < o.parallelism; ++i) {
            auto t = std::make_unique<Task>();
            t->engine = &E;
            t->lane = &E.lane;
            t->node = n;
            t->subtask = i;
            t->parallelism = o.parallelism;
            t->isSink = o.kind == NodeKind::Sink;
            E.tasksOf[o.id].push_back(t.get());
            E.tasks.push_back(std::move(t));
        }
        E.maxParallelism[o.id] = o.maxParallelism;
        if (o.keyed)
            E.keyGroupRecords[o.id].assign(static_cast<size_t>(o.maxParallelism), 0);
    }
    // Sources: splits per subtask (partition p goes to subtask p % parallelism).
    for (auto& s : E.sources) {
        s.tasks = E.tasksOf[s.node->id];
        int p = static_cast<int>(s.tasks.size());
        for (Task* t : s.tasks) {
            int splits = 0;
            for (int part = 0; part < s.spec.partitionCount; ++part)
                if (part % p == t->subtask)
                    ++splits;
            t->watermarks = std::make_unique<time::SourceWatermarks>(s.spec.watermark, splits);
        }
        for (int part = 0; part < s.spec.partitionCount; ++part)
            s.routes.emplace_back(s.tasks[static_cast<size_t>(part % p)], part / p);
    }
    // Exchanges: gates on the upstream subtasks, channels on the downstream valves.
    std::map<std::string, std::vector<int>> channels;
    for (const auto& o : plan.operators)
        channels[o.id].assign(static_cast<size_t>(o.parallelism), 0);
    for (const auto& x : plan.exchanges) {
        auto& ups = E.tasksOf[x.from];
        auto& downs = E.tasksOf[x.to];
        auto& ch = channels[x.to];
        SchemaPtr schema = streams.schemaOf(x);
        KeySelector key;
        if (x.partitioner == Partitioner::Hash)
            STREAMLAB_RETURN_IF_ERROR(streams.keyOf(S, x, *schema, key));
        int index = static_cast<int>(E.exchanges.size());
        metrics::ExchangeMetrics xm;
        xm.from = x.fromPort.empty() ? x.from : x.from + "." + x.fromPort;
        xm.to = x.to;
        std::string p(model::partitionerName(x.partitioner));
        for (auto& c : p)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        xm.partitioner = p;
        xm.chained = x.chained;
        const RecordSerializer* serializer = nullptr;
        if (!x.chained) {
            E.serializers.push_back(std::make_unique<RecordSerializer>(schema));
            serializer = E.serializers.back().get();
            xm.genericSerializer = serializer->generic();
        }
        E.exchanges.push_back(xm);
        for (Task* up : ups) {
            Gate g;
            g.partitioner = x.partitioner;
            g.key = key;
            g.maxParallelism = E.maxParallelism[x.to];
            g.exchange = index;
            g.chained = x.chained;
            g.serializer = serializer;
            if (x.partitioner == Partitioner::Hash)
                g.keyGroupRecords = &E.keyGroupRecords[x.to];
            if (x.partitioner == Partitioner::Forward) {
                Task* d = downs[static_cast<size_t>(up->subtask)];
                g.targets.push_back({ d, ch[static_cast<size_t>(up->subtask)]++ });
            } else {
                for (size_t j = 0; j < downs.size(); ++j)
                    g.targets.push_back({ downs[j], ch[j]++ });
                // Flink starts each sender's round robin at a random channel; here at its own index.
                if (x.partitioner == Partitioner::Rebalance)
                    g.next = static_cast<size_t>(up->subtask) % downs.size();
            }
            if (x.partitioner == Partitioner::Hash)
                for (int kg = 0; kg < g.maxParallelism; ++kg)
                    g.targetOfKeyGroup.push_back(static_cast<uint32_t>(
                        subtaskForKeyGroup(kg, static_cast<int>(g.targets.size()), g.maxParallelism)));
            (x.fromPort == "late" ? up->late : up->main).push_back(std::move(g));
        }
    }
    for (const auto& o : plan.operators) {
        auto& downs = E.tasksOf[o.id];
        for (size_t j = 0; j < downs.size(); ++j)
            downs[j]->valve.reset(channels[o.id][j]);
    }
    // Operators.
    for (const auto& o : plan.operators) {
        if (o.kind == NodeKind::Source)
            continue;
        const model::NodeSpec& n = *S.node(o.id);
        SchemaPtr in = streams.in.at(o.id);
        const KeySelector& key = streams.key.at(o.id);
        bool keyedOp = n.kind == NodeKind::Window || n.kind == NodeKind::Aggregate;
        model::StateBackend backendKind = n.stateBackend.value_or(S.config.stateBackend);
        for (Task* t : E.tasksOf[n.id]) {
            if (keyedOp) {
                if (backendKind == model::StateBackend::RocksDb) {
                    if (E.stateRoot.empty()) {
                        E.stateRoot = options.stateDir.empty() ? uniqueTempPath("streamlab-state") : options.stateDir;
                        E.removeStateRoot = options.stateDir.empty();
                    }
                    auto b = state::makeRocksDbBackend(E.stateRoot / (n.id + "-" + std::to_string(t->subtask)),
                        o.maxParallelism, t, !options.stateDir.empty(), n.stateCache.value_or(S.config.stateCache));
                    if (!b.ok())
                        return b.status().withPrefix("node '" + n.id + "': ");
                    t->backend = std::move(b).value();
                } else {
                    t->backend = state::makeHeapBackend(o.maxParallelism, t);
                }
            }
            std::unique_ptr<Operator> op;
            switch (n.kind) {
            case NodeKind::Filter:
                op = std::make_unique<FilterOperator>(*expr::Expression::compile(n.as<model::FilterSpec>().where, *in));
                break;
            case NodeKind::Map: {
                std::vector<expr::Expression> exprs;
                std::vector<int> targets;
                for (const auto& [field, text] : n.as<model::MapSpec>().set) {
                    exprs.push_back(*expr::Expression::compile(text, *in));
                    targets.push_back(E.schemas[n.id]->indexOf(field));
                }
                op = std::make_unique<MapOperator>(std::move(exprs), std::move(targets));
                break;
            }
            case NodeKind::Window:
            case NodeKind::Aggregate: {
                auto w = window::createKeyedOperator(n, *in, key, S.config.idleStateRetention);
                if (!w.ok())
                    return w.status();
                op = std::move(w).value();
                break;
            }
            case NodeKind::Sink: {
                FileSinkCommitter* file = nullptr;
                const auto& sink = n.as<model::SinkSpec>();
                if (sink.type == model::SinkType::File) {
                    auto& c = E.fileSinks[n.id];
                    if (!c) {
                        c = std::make_unique<FileSinkCommitter>(sink.path, sink.format, o.parallelism);
                        E.fileSinkOrder.push_back(n.id);
                    }
                    file = c.get();
                }
                op = std::make_unique<SinkOperator>(listener, file);
                break;
            }
            default:
                break;
            }
            OperatorContext ctx;
            ctx.nodeId = n.id;
            ctx.subtask = t->subtask;
            ctx.parallelism = t->parallelism;
            ctx.maxParallelism = o.maxParallelism;
            ctx.inSchema = in;
            ctx.outSchema = E.schemas[n.id];
            ctx.out = t;
            ctx.host = t;
            ctx.metrics = &t->metrics;
            ctx.observer = options.observer;
            ctx.state = t->backend.get();
            if (t->backend)
                ctx.stateBackendName = std::string(t->backend->name());
            op->open(ctx);
            t->op = std::move(op);
        }
    }
    if (!options.resumeDir.empty())
        STREAMLAB_RETURN_IF_ERROR(E.restore(options.resumeDir));
    return sim;
}

Status Simulation::run()
{
    Engine& E = m->engine;
    m->pipelined = (m->pipeline && E.startPipeline()) || E.pipe != nullptr; // (an advance() may have started it)
    Status st;
    for (;;) {
        if (m->stopRequested && m->stopRequested()) {
            st = Status::aborted("the replay was stopped");
            break;
        }
        auto r = E.step(4096);
        if (!r.ok()) {
            st = r.status();
            break;
        }
        if (!*r)
            break;
    }
    // A failure downstream came before whatever stopped the engine's thread, which reads ahead.
    Status downstream = E.stopPipeline();
    return st.ok() || downstream.ok() ? st : downstream;
}

Result<bool> Simulation::step()
{
    settle();
    return m->engine.step();
}

Result<bool> Simulation::advance(int64_t maxRecords)
{
    Engine& E = m->engine;
    if (E.observerOnTwoThreads && m->pipeline && !E.pipe && E.startPipeline())
        m->pipelined = true;
    return E.step(std::max<int64_t>(1, maxRecords));
}

void Simulation::settle() { (void)m->engine.stopPipeline(); } // a failure stays for the next step

void Simulation::snapshotLater(bool refreshState, std::function<void(metrics::MetricsSnapshot)> done)
{
    m->engine.snapshotLater(refreshState, std::move(done));
}
bool Simulation::finished() const { return m->engine.complete; }
bool Simulation::pipelined() const { return m->pipelined; }
int Simulation::threads() const { return m->engine.pipe ? 2 : 1; }
int64_t Simulation::processingTime() const { return m->engine.now; }
std::optional<int64_t> Simulation::nextTime() const
{
    const Engine& e = m->engine;
    if (!e.started || e.complete)
        return std::nullopt;
    std::optional<int64_t> t;
    for (const auto& s : e.sources)
        if (!s.done && s.hasNext && (!t || s.nextArrival < *t))
            t = s.nextArrival;
    if (t && !e.timers.empty())
        t = std::min(*t, e.timers.top().time);
    return t; // with no source left the next step completes the replay at once
}
int64_t Simulation::eventsReplayed() const { return m->engine.events; }

std::pair<int64_t, int64_t> Simulation::progress() const
{
    int64_t done = 0, total = 0;
    for (const auto& s : m->engine.sources) {
        done += s.reader->bytesRead();
        total += s.reader->fileSize();
    }
    return { done, total };
}

SchemaPtr Simulation::outputSchema(const std::string& nodeId) const
{
    auto it = m->engine.schemas.find(nodeId);
    return it == m->engine.schemas.end() ? nullptr : it->second;
}

metrics::MetricsSnapshot Simulation::snapshot(bool refreshState) const
{
    (void)m->engine.stopPipeline(); // see settle()
    return m->engine.snapshot(refreshState);
}

bool Simulation::setMaxOutOfOrderness(const std::string& source, int64_t ms)
{
    for (auto& s : m->engine.sources) {
        if (s.node->id != source)
            continue;
        auto& E = m->engine;
        const int sourceIndex = static_cast<int>(&s - E.sources.data());
        for (Task* t : s.tasks) {
            t->watermarks->setMaxOutOfOrderness(ms);
            // A tick skipped as unable to change anything could now: the next one is due again.
            if (E.started && !s.done && E.spec.config.autoWatermarkInterval > 0 && t->nextTick > E.now + E.spec.config.autoWatermarkInterval)
                E.scheduleTick(t, sourceIndex, E.now + 1);
        }
        s.spec.watermark.maxOutOfOrderness = ms;
        return true;
    }
    return false;
}

bool Simulation::setAllowedLateness(const std::string& window, int64_t ms)
{
    auto it = m->engine.tasksOf.find(window);
    if (it == m->engine.tasksOf.end() || it->second.empty() || it->second.front()->node->kind != NodeKind::Window)
        return false;
    settle(); // the window's subtasks may run on the second thread
    for (Task* t : it->second)
        t->op->setAllowedLateness(ms);
    return true;
}

} // namespace streamlab::runtime
