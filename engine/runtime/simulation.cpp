#include "runtime/simulation.h"

#include "core/java_hash.h"
#include "io/event_reader.h"
#include "runtime/key_groups.h"
#include "runtime/simulation_engine.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>

namespace streamlab::runtime::sim {

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


inline void Engine::emitSource(Task* t, const time::SourceWatermarks::Emission& e)
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

inline void Engine::finishSource(SourceState& s)
{
    s.done = true;
    for (Task* t : s.tasks) {
        if (t->watermarks->splits() > 0)
            emitSource(t, t->watermarks->onPeriodicEmit(now));
        emitSource(t, t->watermarks->emitMaxWatermark());
    }
}

Status Engine::start()
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
bool Engine::startPipeline()
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
Status Engine::stopPipeline()
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

inline Status Engine::processRecord(SourceState& s)
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

inline void Engine::fireTimer(const Timer& tm)
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
inline Result<bool> Engine::step(int64_t batch)
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

} // namespace streamlab::runtime::sim

namespace streamlab::runtime {

using model::NodeKind;
using sim::Engine;
using sim::Task;

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
