#include "runtime/replay.h"

#include "core/value_codec.h"
#include "runtime/key_groups.h"
#include "runtime/key_selector.h"
#include "runtime/operator.h"
#include "runtime/plan.h"
#include "runtime/simulation.h"

#include <algorithm>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif
#include <chrono>
#include <cmath>
#include <cstring>

namespace streamlab::runtime {

namespace {

    using Clock = std::chrono::steady_clock;

    // Append-only storage in immutable chunks: full chunks are shared with published snapshots,
    // only the chunk being filled is copied on publish. Keeps the newest `capacity` items
    // (dropping whole chunks).
    template <class T> class ChunkStore {
    public:
        ChunkStore(size_t chunk, size_t capacity)
            : m_chunk(chunk)
            , m_capacity(capacity)
        {
        }
        T* append()
        {
            if (m_current.size() >= m_chunk) {
                m_full.push_back(std::make_shared<const std::vector<T>>(std::move(m_current)));
                m_current = {};
                m_current.reserve(m_chunk);
                while (m_full.size() * m_chunk > m_capacity) {
                    m_dropped += static_cast<int64_t>(m_full.front()->size());
                    m_size -= m_full.front()->size();
                    m_full.erase(m_full.begin());
                }
            }
            ++m_size;
            m_dirty = true;
            return &m_current.emplace_back();
        }
        T* last() { return m_current.empty() ? nullptr : &m_current.back(); }
        void touch() { m_dirty = true; }
        Chunks<T> publish()
        {
            if (m_dirty) {
                m_published = m_full;
                if (!m_current.empty())
                    m_published.push_back(std::make_shared<const std::vector<T>>(m_current));
                m_dirty = false;
            }
            return m_published;
        }
        int64_t dropped() const { return m_dropped; }

    private:
        size_t m_chunk;
        size_t m_capacity;
        std::vector<std::shared_ptr<const std::vector<T>>> m_full;
        std::vector<T> m_current;
        Chunks<T> m_published;
        size_t m_size = 0;
        int64_t m_dropped = 0;
        bool m_dirty = false;
    };

    // The sinks' records: the oldest `capacity` rows (then it stops accepting), in chunks
    // sealed on publish. Their bytes go one after the other into blocks of 2 MB that the chunks
    // using them share. (Huge pages for the blocks were slower: the kernel compacts memory for
    // them on the windows' thread.)
    class SinkRowStore {
    public:
        explicit SinkRowStore(size_t capacity)
            : m_capacity(capacity)
        {
        }
        void append(int sink, int subtask, const Record& r)
        {
            if (m_size >= m_capacity) {
                m_truncated = true;
                return;
            }
            m_scratch.clear();
            putVarint(m_scratch, r.fields.size());
            for (const auto& f : r.fields)
                encodeValue(m_scratch, f);
            encodeValue(m_scratch, Value { r.timestamp });
            if (!m_filling) {
                m_filling = std::make_shared<Filling>();
                m_filling->rows.reserve(m_lastRows);
                if (m_block)
                    m_filling->blocks.push_back(m_block);
            }
            if (!m_block || m_used + m_scratch.size() > m_block->size) {
                m_block = std::make_shared<Block>(std::max(kBlock, m_scratch.size()));
                m_used = 0;
                m_filling->blocks.push_back(m_block);
            }
            char* at = m_block->bytes.get() + m_used;
            std::memcpy(at, m_scratch.data(), m_scratch.size());
            m_used += m_scratch.size();
            m_filling->rows.push_back({ sink, subtask, std::string_view(at, m_scratch.size()) });
            ++m_size;
        }
        Chunks<SinkRow> publish()
        {
            if (m_filling && !m_filling->rows.empty()) {
                // The chunk points at its rows and owns them with their blocks.
                m_lastRows = m_filling->rows.size();
                std::shared_ptr<Filling> sealed = std::move(m_filling);
                m_full.push_back(std::shared_ptr<const std::vector<SinkRow>>(sealed, &sealed->rows));
            }
            return m_full;
        }
        bool truncated() const { return m_truncated; }

    private:
        static constexpr size_t kBlock = 2 * 1024 * 1024;
        struct Block {
            explicit Block(size_t n)
                : bytes(std::make_unique_for_overwrite<char[]>(n))
                , size(n)
            {
            }
            std::unique_ptr<char[]> bytes;
            size_t size;
        };
        struct Filling {
            std::vector<SinkRow> rows;
            std::vector<std::shared_ptr<Block>> blocks;
        };
        size_t m_capacity;
        size_t m_size = 0;
        bool m_truncated = false;
        std::string m_scratch;
        std::shared_ptr<Block> m_block; // being filled
        size_t m_used = 0;
        size_t m_lastRows = 0; // rows of the last chunk: the next one reserves as many
        std::shared_ptr<Filling> m_filling;
        Chunks<SinkRow> m_full;
    };

    // How a source's records reach the first window behind it: the key and the windows.
    struct TraceRoute {
        std::string window; // empty: none
        const model::WindowSpec* spec = nullptr;
        KeySelector key; // indices in the source's schema; empty when not keyed (or not resolvable)
        bool keyed = false;
        int parallelism = 1;
        int maxParallelism = 128;
    };

    // What a window said about a late element (Observer::onLate, onLateCounted).
    struct LateFate {
        int64_t event = 0; // index of the source record among all read
        std::string window;
        EventFate fate = EventFate::LateFired;
    };

} // namespace

void assignWindows(const model::AssignerSpec& a, int64_t ts, std::vector<TraceWindow>& out)
{
    out.clear();
    if (ts == kMinTimestamp)
        return;
    auto startOf = [](int64_t t, int64_t offset, int64_t size) {
        int64_t rem = (t - offset) % size;
        if (rem < 0)
            rem += size;
        return t - rem;
    };
    switch (a.type) {
    case model::AssignerType::Tumbling:
        if (a.size > 0) {
            int64_t s = startOf(ts, a.offset, a.size);
            out.push_back({ s, s + a.size });
        }
        break;
    case model::AssignerType::Sliding:
        if (a.size > 0 && a.slide > 0)
            for (int64_t s = startOf(ts, a.offset, a.slide); s > ts - a.size; s -= a.slide)
                out.push_back({ s, s + a.size });
        break;
    case model::AssignerType::Session:
        out.push_back({ ts, ts + a.gap });
        break;
    case model::AssignerType::Global:
        break;
    }
}

struct Replay::Command {
    enum class Kind { Play, Pause, StepEvent, StepWatermark, StepFiring, Speed, Delay, Lateness, Stop, Sync };
    Kind kind;
    double number = 0;
    std::string node;
};

// The worker thread owns the simulation. At full speed the simulation may run the subtasks
// downstream of the sources on a second thread (RunOptions::pipelineReplay, as `streamlab run`
// does); the observer's calls for those subtasks, and the sinks' records, then come on that
// thread. So the worker's state is in two parts: what the sources' side writes (the trace's
// events, split watermarks, pacing), touched only by the worker thread, and `Down`, what the
// windows and sinks write (firings, results, window watermarks, late fates), touched only by
// whichever thread runs them. Each publish asks the simulation for a snapshot
// (snapshotLater); the thread that answers it, having got to that point of the replay, hands
// over Down's new part in `Part`, which the next publish shows: a pipelined replay's views lag
// by one publish, and every command (pause, step, a lateness change) settles to one thread first.
struct Replay::Worker final : ResultListener, Observer {
    Replay& owner;
    model::JobSpec spec;
    ReplayOptions options;
    std::unique_ptr<Simulation> sim;

    ReplayState state = ReplayState::Starting;
    std::string error;
    double speed = 0;
    // Pacing: the virtual time `anchorVirtual` was reached at `anchorWall`.
    Clock::time_point anchorWall;
    int64_t anchorVirtual = 0;
    bool anchorValid = false; // the clock only means something after the first step
    const std::stop_token* stopToken = nullptr;
    int64_t steps = 0;
    enum class StepMode { None, Event, Watermark, Firing } stepMode = StepMode::None;
    bool stepHit = false; // steps run on one thread (Simulation::step settles)

    // ----- the sources' side (the worker thread) -----
    std::vector<std::string> traceSources;
    std::vector<SchemaPtr> traceSchemas;
    std::vector<TraceRoute> routes;
    std::string traceWindow;
    ChunkStore<TraceEvent> trace;
    // Traced events whose fate the windows may still decide (a pipelined replay's second
    // thread has not got to them yet), in event order.
    std::deque<TraceEvent> pendingTrace;
    int64_t traceCounter = 0;
    int64_t traceStride = 1;
    int64_t eventsAtPublish = 0;
    int64_t maxEventTime = kMinTimestamp;
    // The largest watermark any source subtask has sent: a window's input watermark is never
    // above it, so an event later than it cannot be late and may be left out of the trace.
    int64_t maxSourceWatermark = kMinTimestamp;
    std::map<std::tuple<std::string, int, int>, std::pair<int64_t, bool>> splitState;
    int64_t shownTraceWatermark = kMinTimestamp;

    // ----- the windows' and sinks' side (see above) -----
    struct Down {
        std::map<std::string, std::vector<int64_t>> windowWatermarks; // input watermark per subtask
        ChunkStore<FiringEvent> firings;
        std::vector<std::string> sinks;
        std::vector<SchemaPtr> sinkSchemas;
        SinkRowStore results;
        std::vector<LateFate> fates; // since the last part
        Down(size_t firingCapacity, size_t resultCapacity)
            : firings(1024, std::max<size_t>(firingCapacity, 1024))
            , results(resultCapacity)
        {
        }
    } down;

    // What the last answered snapshot request handed over (under partMutex).
    struct Part {
        // Its metrics, firings, sinks, sinkSchemas, results, resultsTruncated, traceWatermark.
        ReplaySnapshot shown;
        int64_t settled = 0; // events read before the request: their fates are all in `fates`
        std::vector<LateFate> fates; // accumulated until a publish takes them
    };
    std::mutex partMutex;
    Part part;

    // Histories: sampled by whichever thread answers the sample's snapshot request.
    std::mutex historyMutex;
    ReplayHistory history;
    bool historyDirty = false;
    std::map<std::tuple<std::string, int, int>, size_t> seriesIndex;
    std::shared_ptr<const ReplayHistory> historyPublished = std::make_shared<ReplayHistory>();
    int64_t nextSampleAt = kMinTimestamp;
    size_t samplesTaken = 0; // what history.time.size() will be once every sample asked for is in
    int64_t sampleInterval = 100; // what history.interval will be then

    // Rates.
    Clock::time_point lastPublish;
    // Published snapshots measure state sizes at most every kStateRefreshMs of wall time while
    // playing (the history samples always do).
    static constexpr int kStateRefreshMs = 250;
    Clock::time_point lastStateRefresh;
    bool stateRefreshDue()
    {
        auto now = Clock::now();
        if (now - lastStateRefresh < std::chrono::milliseconds(kStateRefreshMs))
            return false;
        lastStateRefresh = now;
        return true;
    }
    Clock::time_point rateWall;
    int64_t rateEvents = 0;
    double eventsPerSecond = 0;

    Worker(Replay& o, model::JobSpec s, ReplayOptions opts)
        : owner(o)
        , spec(std::move(s))
        , options(std::move(opts))
        , speed(options.speed)
        , trace(1024, std::max<size_t>(options.traceCapacity, 1024))
        , down(options.firingCapacity, options.resultCapacity)
    {
    }

    // ----- ResultListener (the sinks' thread) -----
    void onRecord(const std::string& sink, int subtask, const Schema& schema, const Record& r) override
    {
        int index = -1;
        for (size_t i = 0; i < down.sinks.size(); ++i)
            if (down.sinks[i] == sink)
                index = static_cast<int>(i);
        if (index < 0) {
            index = static_cast<int>(down.sinks.size());
            down.sinks.push_back(sink);
            down.sinkSchemas.push_back(std::make_shared<const Schema>(schema));
        }
        down.results.append(index, subtask, r);
    }

    // ----- Observer -----
    // The sources' thread.
    void onSourceRecord(const std::string& source, int partition, int subtask, int64_t now,
        const Schema& schema, const Record& r) override
    {
        (void)subtask;
        (void)schema;
        const int64_t event = sim->eventsReplayed() - 1; // counted before the observer hears of it
        maxEventTime = std::max(maxEventTime, r.timestamp);
        if (stepMode == StepMode::Event)
            stepHit = true;
        int si = 0;
        while (si < static_cast<int>(traceSources.size()) && traceSources[static_cast<size_t>(si)] != source)
            ++si;
        if (si == static_cast<int>(traceSources.size()) || options.traceCapacity == 0)
            return;
        const TraceRoute& route = routes[static_cast<size_t>(si)];
        // Faster than a person can follow: trace one event in traceStride, and every one that may be late.
        ++traceCounter;
        if (traceStride > 1 && traceCounter % traceStride != 0
            && (route.window.empty() || r.timestamp > maxSourceWatermark))
            return;
        TraceEvent& e = pendingTrace.emplace_back();
        e.seq = event;
        e.eventTime = r.timestamp;
        e.arrival = now;
        e.sourceIndex = si;
        e.partition = partition;
        e.record = r;
        e.fate = route.window.empty() ? EventFate::NotWindowed : EventFate::OnTime;
        if (!route.window.empty()) {
            if (route.keyed && !route.key.empty()) {
                e.key = route.key.key(r);
                e.keyGroup = keyGroupForHash(route.key.hashCode(r), route.maxParallelism);
                e.subtask = subtaskForKeyGroup(e.keyGroup, route.parallelism, route.maxParallelism);
            } else if (!route.keyed) {
                e.subtask = 0;
            }
        }
    }

    // Either thread: sources on the sources' one, windows on the windows' one.
    void onWatermark(const std::string& node, int subtask, int split, int64_t now, int64_t watermark) override
    {
        (void)now;
        if (split >= 0) {
            splitState[{ node, subtask, split }].first = watermark;
            return;
        }
        if (isSource(node)) {
            maxSourceWatermark = std::max(maxSourceWatermark, watermark);
            return;
        }
        auto it = down.windowWatermarks.find(node);
        if (it != down.windowWatermarks.end() && subtask < static_cast<int>(it->second.size()))
            it->second[static_cast<size_t>(subtask)] = watermark;
        if (stepMode == StepMode::Watermark)
            stepHit = true;
    }

    void onIdle(const std::string& node, int subtask, int split, int64_t now, bool idle) override
    {
        (void)now;
        if (split >= 0)
            splitState[{ node, subtask, split }].second = idle;
    }

    // The windows' thread.
    void onLate(const std::string& window, int subtask, int64_t now, int64_t event, const Record& r,
        bool sideOutput) override
    {
        (void)subtask, (void)now, (void)r;
        down.fates.push_back({ event, window, sideOutput ? EventFate::SideOutput : EventFate::Dropped });
    }

    void onLateCounted(const std::string& window, int subtask, int64_t now, int64_t event) override
    {
        (void)subtask, (void)now;
        down.fates.push_back({ event, window, EventFate::LateFired });
    }

    void onFiring(const std::string& window, int subtask, int64_t now, const Record& result) override
    {
        if (stepMode == StepMode::Firing)
            stepHit = true;
        const auto& v = result.fields;
        const size_t n = v.size();
        if (n < 6)
            return;
        const auto* start = std::get_if<int64_t>(&v[1]);
        const auto* end = std::get_if<int64_t>(&v[2]);
        const auto* kind = std::get_if<std::string>(&v[n - 2]);
        const auto* pane = std::get_if<int64_t>(&v[n - 1]);
        if (FiringEvent* last = down.firings.last(); last && last->at == now && last->subtask == subtask
            && last->windowStart == (start ? *start : kMinTimestamp) && last->windowEnd == (end ? *end : kMinTimestamp)
            && last->pane == (pane ? *pane : 0) && kind && last->firing == *kind && last->window == window) {
            ++last->count;
            down.firings.touch();
            return;
        }
        FiringEvent* f = down.firings.append();
        f->at = now;
        f->window = window;
        f->subtask = subtask;
        {
            f->key = v[0];
            if (start)
                f->windowStart = *start;
            if (end)
                f->windowEnd = *end;
            // One aggregate: its value; a list: the list of their values.
            f->value = n == 6 ? v[3] : makeList(std::vector<Value>(v.begin() + 3, v.end() - 2));
            if (kind)
                f->firing = *kind;
            if (pane)
                f->pane = *pane;
        }
    }

    // Whether every window, aggregate and sink runs after the sources' network exchanges: the
    // condition for the split of the worker's state (see above) when the simulation pipelines.
    static bool downstreamOfSources(const Plan& plan)
    {
        if (plan.runThreads != 2)
            return false;
        for (const auto& o : plan.operators)
            if (o.inSourceTask
                && (o.kind == model::NodeKind::Window || o.kind == model::NodeKind::Aggregate
                    || o.kind == model::NodeKind::Sink))
                return false;
        return true;
    }

    bool isSource(const std::string& node) const
    {
        const model::NodeSpec* n = spec.node(node);
        return n && n->kind == model::NodeKind::Source;
    }

    // ----- setup -----
    void setupTrace(const Plan& plan)
    {
        for (const auto& n : spec.nodes) {
            if (n.kind != model::NodeKind::Source)
                continue;
            TraceRoute route;
            std::vector<std::string> keyFields;
            // Follow the main outputs to the first window (through filters, maps and keyBy).
            std::string at = n.id;
            for (int depth = 0; depth < 64 && route.window.empty(); ++depth) {
                auto outs = spec.outputsOf(at);
                const model::EdgeSpec* next = nullptr;
                for (const auto* e : outs)
                    if (e->fromPort.empty()) {
                        next = e;
                        break;
                    }
                if (!next)
                    break;
                const model::NodeSpec* d = spec.node(next->to);
                if (!d)
                    break;
                if (d->kind == model::NodeKind::KeyBy)
                    keyFields = d->as<model::KeyBySpec>().key;
                else if (d->kind == model::NodeKind::Window)
                    route.window = d->id;
                else if (d->kind == model::NodeKind::Sink || d->kind == model::NodeKind::Aggregate)
                    break;
                at = d->id;
            }
            SchemaPtr schema = sim->outputSchema(n.id);
            if (!route.window.empty()) {
                route.spec = &spec.node(route.window)->as<model::WindowSpec>();
                if (const PlanOperator* op = plan.op(route.window)) {
                    route.parallelism = op->parallelism;
                    route.maxParallelism = op->maxParallelism;
                    route.keyed = op->keyed;
                }
                if (route.keyed && schema) {
                    for (const auto& f : keyFields) {
                        int i = schema->indexOf(f);
                        if (i < 0) {
                            route.key = {};
                            break;
                        }
                        route.key.fields.push_back(i);
                        route.key.types.push_back(schema->fields[static_cast<size_t>(i)].type);
                        route.key.names.push_back(f);
                    }
                }
                down.windowWatermarks[route.window].assign(static_cast<size_t>(route.parallelism), kMinTimestamp);
                if (traceWindow.empty())
                    traceWindow = route.window;
            }
            traceSources.push_back(n.id);
            traceSchemas.push_back(schema ? schema : std::make_shared<const Schema>());
            routes.push_back(std::move(route));
        }
    }

    // ----- histories -----
    size_t seriesFor(const std::string& node, int subtask, int split)
    {
        auto key = std::make_tuple(node, subtask, split);
        auto it = seriesIndex.find(key);
        if (it != seriesIndex.end())
            return it->second;
        size_t i = history.watermarkSeries.size();
        history.watermarkSeries.push_back({ node, subtask, split });
        history.watermarks.emplace_back(history.time.size(), kMinTimestamp);
        history.idle.emplace_back(history.time.size(), char(0));
        seriesIndex.emplace(key, i);
        return i;
    }

    void decimate()
    {
        auto halve = [](auto& v) {
            size_t j = 0;
            for (size_t i = 0; i < v.size(); i += 2)
                v[j++] = v[i];
            v.resize(j);
        };
        halve(history.time);
        halve(history.events);
        halve(history.maxEventTime);
        for (auto& v : history.stateEntries)
            halve(v);
        for (auto& v : history.stateBytes)
            halve(v);
        for (auto& v : history.watermarks)
            halve(v);
        for (auto& v : history.idle)
            halve(v);
        for (auto& v : history.exchangeRecords)
            halve(v);
        for (auto& v : history.exchangeBytes)
            halve(v);
        history.interval *= 2;
    }

    // What the sources' side knows at a sample (the rest is in its metrics snapshot).
    struct SampleAt {
        int64_t at = 0;
        int64_t maxEventTime = kMinTimestamp;
        std::map<std::tuple<std::string, int, int>, std::pair<int64_t, bool>> splits;
    };

    // On the thread that answers the sample's snapshot request.
    void sample(const metrics::MetricsSnapshot& m, const SampleAt& s)
    {
        std::lock_guard lock(historyMutex);
        const int64_t at = s.at;
        if (history.time.size() >= ReplayHistory::kMaxSamples)
            decimate();
        const size_t n = history.time.size();
        history.time.push_back(at);
        history.events.push_back(m.eventsReplayed);
        history.maxEventTime.push_back(s.maxEventTime);
        if (history.stateOperators.empty()) {
            for (const auto& o : m.operators) {
                const model::NodeSpec* node = spec.node(o.id);
                if (!node
                    || (node->kind != model::NodeKind::Window && node->kind != model::NodeKind::Aggregate))
                    continue;
                history.stateOperators.push_back(o.id);
                auto backend = node->stateBackend.value_or(spec.config.stateBackend);
                history.stateBackends.push_back(backend == model::StateBackend::RocksDb ? "rocksdb" : "heap");
                history.stateEntries.emplace_back();
                history.stateBytes.emplace_back();
            }
        }
        for (size_t i = 0; i < history.stateOperators.size(); ++i) {
            int64_t entries = 0, bytes = 0;
            if (const auto* o = m.op(history.stateOperators[i]))
                for (const auto& s : o->subtasks) {
                    entries += s.stateEntries;
                    bytes += s.stateBytes;
                }
            history.stateEntries[i].push_back(entries);
            history.stateBytes[i].push_back(bytes);
        }
        for (const auto& [key, value] : s.splits) {
            size_t i = seriesFor(std::get<0>(key), std::get<1>(key), std::get<2>(key));
            history.watermarks[i].resize(n, kMinTimestamp);
            history.idle[i].resize(n, 0);
            history.watermarks[i].push_back(value.first);
            history.idle[i].push_back(value.second ? 1 : 0);
        }
        for (const auto& o : m.operators)
            for (size_t s = 0; s < o.subtasks.size(); ++s) {
                size_t i = seriesFor(o.id, static_cast<int>(s), -1);
                history.watermarks[i].resize(n, kMinTimestamp);
                history.idle[i].resize(n, 0);
                history.watermarks[i].push_back(o.subtasks[s].watermark);
                history.idle[i].push_back(o.subtasks[s].idle ? 1 : 0);
            }
        history.exchangeRecords.resize(m.exchanges.size());
        history.exchangeBytes.resize(m.exchanges.size());
        for (size_t x = 0; x < m.exchanges.size(); ++x) {
            history.exchangeRecords[x].resize(n, 0);
            history.exchangeBytes[x].resize(n, 0);
            history.exchangeRecords[x].push_back(m.exchanges[x].records);
            history.exchangeBytes[x].push_back(m.exchanges[x].bytes);
        }
        historyDirty = true;
    }

    void maybeSample(bool force)
    {
        int64_t now = sim->processingTime();
        if (nextSampleAt == kMinTimestamp) {
            std::lock_guard lock(historyMutex);
            history.interval = sampleInterval;
            nextSampleAt = now;
        }
        if (!force && now < nextSampleAt)
            return;
        // The histories keep exact state sizes.
        sim->snapshotLater(true, [this, s = SampleAt { now, maxEventTime, splitState }](metrics::MetricsSnapshot m) {
            sample(m, s);
        });
        // sample() decimates the history when it is full, doubling its interval; in a pipelined
        // replay it may run later, so the worker counts the samples itself.
        if (samplesTaken >= ReplayHistory::kMaxSamples) {
            samplesTaken = (samplesTaken + 1) / 2;
            sampleInterval *= 2;
        }
        ++samplesTaken;
        nextSampleAt = now - (now % sampleInterval) + sampleInterval;
    }

    // ----- publishing -----
    // On the thread that answers a publish's snapshot request: hands Down's news to the worker.
    void handOver(metrics::MetricsSnapshot m, int64_t settled)
    {
        int64_t traceWatermark = kMinTimestamp;
        if (auto it = down.windowWatermarks.find(traceWindow); it != down.windowWatermarks.end() && !it->second.empty())
            traceWatermark = *std::min_element(it->second.begin(), it->second.end());
        auto firings = down.firings.publish();
        auto results = down.results.publish();
        std::lock_guard lock(partMutex);
        ReplaySnapshot& shown = part.shown;
        shown.metrics = std::move(m);
        shown.firings = std::move(firings);
        shown.results = std::move(results);
        shown.resultsTruncated = down.results.truncated();
        if (shown.sinks.size() != down.sinks.size()) {
            shown.sinks = down.sinks;
            shown.sinkSchemas = down.sinkSchemas;
        }
        shown.traceWatermark = traceWatermark;
        part.settled = settled;
        part.fates.insert(part.fates.end(), std::make_move_iterator(down.fates.begin()),
            std::make_move_iterator(down.fates.end()));
        down.fates.clear();
    }

    // Moves the traced events the windows are done with into the trace, with their fates
    // (`fates` in event order, as a window reads its records).
    void settleTrace(int64_t settled, const std::vector<LateFate>& fates)
    {
        size_t f = 0;
        while (!pendingTrace.empty() && pendingTrace.front().seq < settled) {
            TraceEvent& e = pendingTrace.front();
            while (f < fates.size() && fates[f].event < e.seq)
                ++f;
            const std::string& window = routes[static_cast<size_t>(e.sourceIndex)].window;
            for (size_t g = f; g < fates.size() && fates[g].event == e.seq; ++g)
                if (fates[g].window == window && e.fate != EventFate::Dropped && e.fate != EventFate::SideOutput)
                    e.fate = fates[g].fate;
            *trace.append() = std::move(e);
            pendingTrace.pop_front();
        }
    }

    void publish()
    {
        auto snap = std::make_shared<ReplaySnapshot>();
        snap->generation = owner.m_generation;
        snap->state = state;
        snap->error = error;
        snap->speed = speed;
        if (sim) {
            snap->processingTime = sim->processingTime();
            snap->eventsReplayed = sim->eventsReplayed();
            auto [done, total] = sim->progress();
            snap->bytesRead = done;
            snap->bytesTotal = total;
            snap->pipelined = sim->pipelined();
            snap->threads = sim->threads();
            // Answered at once on one thread; pipelined, the answer shows in the next publish.
            sim->snapshotLater(state != ReplayState::Playing || stateRefreshDue(),
                [this, settled = snap->eventsReplayed](metrics::MetricsSnapshot m) { handOver(std::move(m), settled); });
        }
        int64_t settled = 0;
        std::vector<LateFate> fates;
        {
            std::lock_guard lock(partMutex);
            const ReplaySnapshot& shown = part.shown;
            snap->metrics = shown.metrics;
            snap->firings = shown.firings;
            snap->sinks = shown.sinks;
            snap->sinkSchemas = shown.sinkSchemas;
            snap->results = shown.results;
            snap->resultsTruncated = shown.resultsTruncated;
            snap->traceWatermark = shown.traceWatermark;
            settled = part.settled;
            fates.swap(part.fates);
        }
        if (state == ReplayState::Finished)
            snap->metrics.finished = true;
        auto now = Clock::now();
        double secs = std::chrono::duration<double>(now - rateWall).count();
        if (secs >= 0.5) {
            eventsPerSecond = static_cast<double>(snap->eventsReplayed - rateEvents) / secs;
            rateWall = now;
            rateEvents = snap->eventsReplayed;
        }
        snap->eventsPerSecond = state == ReplayState::Playing ? eventsPerSecond : 0;
        {
            std::lock_guard lock(historyMutex);
            if (historyDirty) {
                historyPublished = std::make_shared<const ReplayHistory>(history);
                historyDirty = false;
            }
        }
        snap->history = historyPublished;
        snap->traceSources = traceSources;
        snap->traceSchemas = traceSchemas;
        snap->traceWindow = traceWindow;
        settleTrace(settled, fates);
        if (snap->traceWatermark != shownTraceWatermark) {
            shownTraceWatermark = snap->traceWatermark;
            trace.touch();
        }
        snap->trace = trace.publish();
        snap->traceDropped = trace.dropped();
        snap->traceStride = traceStride;
        const int64_t seen = snap->eventsReplayed - eventsAtPublish;
        eventsAtPublish = snap->eventsReplayed;
        const auto budget = static_cast<int64_t>(std::max<size_t>(options.traceBudget, 1));
        traceStride = seen > budget ? (seen + budget - 1) / budget : 1;
        lastPublish = now;
        {
            std::lock_guard lock(owner.m_mutex);
            owner.m_published = std::move(snap);
        }
        owner.m_cv.notify_all();
        if (options.onPublish)
            options.onPublish(owner.m_generation);
    }

    // One simulation step; false when the replay is over (finished or failed).
    // One step, or with `batch` > 1 the records of one source up to the next timer, at most
    // `batch` of them (Simulation::advance: the same results as single steps).
    bool stepOnce(int64_t batch = 1)
    {
        ++steps;
        auto r = batch > 1 ? sim->advance(batch) : sim->step();
        if (!r.ok()) {
            state = ReplayState::Failed;
            error = r.status().message();
            maybeSample(true);
            return false;
        }
        if (!*r) {
            state = ReplayState::Finished;
            maybeSample(true);
            return false;
        }
        maybeSample(false);
        return true;
    }

    void resetPacing()
    {
        anchorWall = Clock::now();
        anchorVirtual = sim ? sim->processingTime() : 0;
        anchorValid = steps > 0;
    }

    // Reports the end before publishing it, so whoever sees the Finished snapshot also sees onDone's effects.
    void finish()
    {
        if (options.onDone)
            options.onDone(owner.m_generation,
                state == ReplayState::Failed ? Status::internal(error) : Status::okStatus());
        publish();
    }

    // Applies one command; returns false on Stop.
    bool apply(const Command& c)
    {
        const bool over = state == ReplayState::Finished || state == ReplayState::Failed;
        switch (c.kind) {
        case Command::Kind::Play:
            if (!over) {
                state = ReplayState::Playing;
                resetPacing();
            }
            break;
        case Command::Kind::Pause:
            if (!over)
                state = ReplayState::Paused;
            break;
        case Command::Kind::StepEvent:
        case Command::Kind::StepWatermark:
        case Command::Kind::StepFiring:
            if (!over) {
                state = ReplayState::Paused;
                stepMode = c.kind == Command::Kind::StepEvent ? StepMode::Event
                    : c.kind == Command::Kind::StepWatermark  ? StepMode::Watermark
                                                              : StepMode::Firing;
                stepHit = false;
                bool more = true;
                // A step may run long (no firing until the end): a stop request ends it.
                while (more && !stepHit && !(stopToken && stopToken->stop_requested()))
                    more = stepOnce();
                stepMode = StepMode::None;
                if (!more) {
                    finish();
                    return true;
                }
            }
            break;
        case Command::Kind::Speed:
            speed = c.number > 0 ? c.number : 0;
            resetPacing();
            break;
        case Command::Kind::Delay:
            if (sim)
                sim->setMaxOutOfOrderness(c.node, static_cast<int64_t>(c.number));
            break;
        case Command::Kind::Lateness:
            if (sim)
                sim->setAllowedLateness(c.node, static_cast<int64_t>(c.number));
            break;
        case Command::Kind::Stop:
            return false;
        case Command::Kind::Sync:
            break;
        }
        return true;
    }

    void run(std::stop_token st)
    {
#ifdef __linux__
        // A lower priority than the thread that drives the window: the GUI gets the CPU as soon
        // as it wakes up, the replay gets the rest.
        if (options.workerNice > 0)
            (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), options.workerNice);
#endif
        stopToken = &st;
        // Errors are Status values; an exception that still escapes (an allocation that fails,
        // a bug) fails this replay with its message, and the worker keeps answering commands,
        // since a std::jthread that throws ends the process.
        Status escaped = catchAll([&] {
            begin();
            loop(st);
            return Status();
        });
        if (!escaped.ok()) {
            failInternally(escaped.message());
            // Only commands are served now; the replay has failed already.
            catchAll([&] {
                loop(st);
                return Status();
            }).permitUncheckedError();
        }
        // The simulation's second thread, if any, calls into this worker: it ends here, before
        // the worker's members do.
        sim.reset();
    }

    // `message`: catchAll's ("internal error: ...", "out of memory; ...").
    void failInternally(const std::string& message)
    {
        sim.reset();
        state = ReplayState::Failed;
        error = message;
        finish();
    }

    // Creates the simulation: Paused or Playing, or Failed with the reason.
    void begin()
    {
        rateWall = lastPublish = Clock::now();
        RunOptions ro;
        ro.events = options.events;
        ro.observer = this;
        auto plan = buildPlan(spec);
        ro.pipelineReplay = options.pipeline && plan.ok() && downstreamOfSources(*plan);
        auto created = Simulation::create(spec, ro, this);
        if (!created.ok()) {
            state = ReplayState::Failed;
            error = created.status().message();
            finish();
            // Keep answering sync() until stopped.
        } else {
            sim = std::move(*created);
            if (plan.ok())
                setupTrace(*plan);
            state = options.startPlaying ? ReplayState::Playing : ReplayState::Paused;
            resetPacing();
            publish();
        }
    }

    // Serves commands and plays until a stop request.
    void loop(std::stop_token& st)
    {
        while (!st.stop_requested()) {
            std::deque<std::shared_ptr<Command>> commands;
            {
                std::unique_lock lock(owner.m_mutex);
                const bool busy = state == ReplayState::Playing;
                if (!busy)
                    owner.m_cv.wait(lock, st, [&] { return !owner.m_queue.empty(); });
                commands.swap(owner.m_queue);
            }
            if (st.stop_requested())
                break;
            bool keepGoing = true;
            if (!commands.empty() && sim)
                sim->settle(); // a person acts on what the views show: everything read so far
            for (const auto& c : commands)
                keepGoing = keepGoing && apply(*c);
            if (!commands.empty()) {
                publish();
                {
                    std::lock_guard lock(owner.m_mutex);
                    owner.m_handled += commands.size();
                }
                owner.m_cv.notify_all();
            }
            if (!keepGoing)
                break;
            if (state != ReplayState::Playing)
                continue;
            playSlice(st);
        }
    }

    static constexpr int64_t kFastBatch = 128;

    // Plays for a few milliseconds of wall time (or until a command arrives), pacing the
    // virtual clock to `speed`.
    void playSlice(std::stop_token& st)
    {
        const auto sliceEnd = Clock::now() + std::chrono::milliseconds(8);
        for (int i = 0;; ++i) {
            if (speed > 0 && anchorValid) {
                // Hold back until wall time catches up with the virtual time of the next step, so
                // that an event is shown when it arrives, not when the one before it did.
                int64_t next = sim->nextTime().value_or(sim->processingTime());
                auto due = anchorWall
                    + std::chrono::microseconds(static_cast<int64_t>(
                        static_cast<double>(next - anchorVirtual) * 1000.0 / speed));
                if (due > Clock::now()) {
                    std::unique_lock lock(owner.m_mutex);
                    auto until
                        = std::min(due, lastPublish + std::chrono::milliseconds(options.publishIntervalMs));
                    owner.m_cv.wait_until(lock, st, until, [&] { return !owner.m_queue.empty(); });
                    lock.unlock();
                    if (Clock::now() - lastPublish >= std::chrono::milliseconds(options.publishIntervalMs))
                        publish();
                    return;
                }
            }
            // As fast as possible: batches, with a look at the clock and the commands after each.
            const bool fastest = speed <= 0;
            if (!stepOnce(fastest ? kFastBatch : 1)) {
                finish();
                return;
            }
            if (!anchorValid)
                resetPacing();
            if (fastest || (i & 255) == 255) {
                auto now = Clock::now();
                if (now - lastPublish >= std::chrono::milliseconds(options.publishIntervalMs))
                    publish();
                if (now >= sliceEnd)
                    return;
                std::lock_guard lock(owner.m_mutex);
                if (!owner.m_queue.empty())
                    return;
            }
        }
    }
};

int64_t firingCount(const Chunks<FiringEvent>& chunks)
{
    int64_t n = 0;
    for (const auto& c : chunks)
        for (const auto& f : *c)
            n += f.count;
    return n;
}

Record SinkRow::record() const
{
    Record r;
    ByteReader in { encoded };
    const uint64_t n = in.varint();
    r.fields.reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n && in.ok; ++i)
        r.fields.push_back(in.value());
    r.timestamp = in.int64();
    return r;
}

Replay::Replay(model::JobSpec spec, ReplayOptions options, uint64_t generation)
    : m_generation(generation)
{
    auto first = std::make_shared<ReplaySnapshot>();
    first->generation = generation;
    first->speed = options.speed;
    first->history = std::make_shared<ReplayHistory>();
    m_published = std::move(first);
    m_worker = std::make_unique<Worker>(*this, std::move(spec), std::move(options));
    m_thread = std::jthread([this](std::stop_token st) { m_worker->run(st); });
}

Replay::~Replay()
{
    m_thread.request_stop();
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Replay::push(Command c)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::make_shared<Command>(std::move(c)));
        ++m_queued;
    }
    m_cv.notify_all();
}

void Replay::play() { push({ Command::Kind::Play, 0, {} }); }
void Replay::pause() { push({ Command::Kind::Pause, 0, {} }); }
void Replay::stepEvent() { push({ Command::Kind::StepEvent, 0, {} }); }
void Replay::stepToWatermark() { push({ Command::Kind::StepWatermark, 0, {} }); }
void Replay::stepToFiring() { push({ Command::Kind::StepFiring, 0, {} }); }
void Replay::setSpeed(double speed) { push({ Command::Kind::Speed, speed, {} }); }
void Replay::setMaxOutOfOrderness(const std::string& source, int64_t ms)
{
    push({ Command::Kind::Delay, static_cast<double>(ms), source });
}
void Replay::setAllowedLateness(const std::string& window, int64_t ms)
{
    push({ Command::Kind::Lateness, static_cast<double>(ms), window });
}
void Replay::stop() { push({ Command::Kind::Stop, 0, {} }); }

std::shared_ptr<const ReplaySnapshot> Replay::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_published;
}

std::shared_ptr<const ReplaySnapshot> Replay::waitDone() const
{
    return waitFor([](const ReplaySnapshot& s) {
        return s.state == ReplayState::Finished || s.state == ReplayState::Failed;
    });
}

std::shared_ptr<const ReplaySnapshot> Replay::waitFor(
    const std::function<bool(const ReplaySnapshot&)>& pred) const
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return pred(*m_published); });
    return m_published;
}

std::shared_ptr<const ReplaySnapshot> Replay::sync() const
{
    std::unique_lock lock(m_mutex);
    const uint64_t target = m_queued;
    m_cv.wait(lock, [&] { return m_handled >= target && m_published->state != ReplayState::Starting; });
    return m_published;
}

} // namespace streamlab::runtime
