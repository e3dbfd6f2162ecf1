#include "runtime/simulation.h"

#include "core/java_hash.h"
#include "io/event_reader.h"
#include "runtime/basic_operators.h"
#include "runtime/key_groups.h"
#include "runtime/key_selector.h"
#include "runtime/valve.h"
#include "time/watermark_generator.h"
#include "window/window_operator.h"

#include <algorithm>
#include <queue>
#include <set>

namespace streamlab::runtime {

using model::NodeKind;
using model::Partitioner;

namespace {

    struct Task;

    // One physical edge leaving a subtask: where its records go and how they are partitioned.
    struct Gate {
        Partitioner partitioner = Partitioner::Forward;
        std::vector<std::pair<Task*, int>> targets; // downstream subtask and its input channel
        KeySelector key;                            // hash
        int maxParallelism = 128;                   // of the downstream operator (hash)
        size_t next = 0;                            // rebalance: round robin position
    };

    struct Timer {
        int64_t time;
        uint64_t seq;
        Task* task;      // operator processing-time callback, or
        int sourceIndex; // periodic watermark tick of a source subtask (task is its source task)
        bool operator>(const Timer& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };

    class Engine;

    struct Task final : Output, TimerHost, Valve::Listener {
        Engine* engine = nullptr;
        const model::NodeSpec* node = nullptr;
        int subtask = 0;
        int parallelism = 1;
        std::unique_ptr<Operator> op; // null for a source subtask
        Valve valve;
        std::vector<Gate> main, late;
        metrics::SubtaskMetrics metrics;
        bool isSink = false;
        std::set<int64_t> pendingTimers;
        // Source subtasks only.
        std::unique_ptr<time::SourceWatermarks> watermarks;

        void emit(const Record& r) override;
        void emitLate(const Record& r) override;
        int64_t currentProcessingTime() const override;
        void requestProcessingTime(int64_t t) override;
        void fail(Status s) override;
        void onValveWatermark(int64_t w) override;
        void onValveStatus(bool idle) override;

        void receive(const Record& r)
        {
            ++metrics.recordsIn;
            op->processElement(r);
        }
        void sendTo(std::vector<Gate>& gates, const Record& r);
        void broadcastWatermark(int64_t w);
        void broadcastStatus(bool idle);
    };

    struct SourceState {
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
        std::vector<Task*> tasks; // one per source subtask
    };

    class Engine {
    public:
        ResultListener* listener = nullptr;
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
        bool started = false;
        bool complete = false;
        Status failure;

        void schedule(int64_t t, Task* task, int sourceIndex)
        {
            timers.push(Timer { t, seq++, task, sourceIndex });
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
            else
                arrival = clockStart + static_cast<int64_t>(static_cast<double>(s.records) * 1000.0 / s.spec.rate);
            // A file is read in order: nothing arrives before the line above it.
            s.nextArrival = std::max(arrival, s.lastArrival);
            return {};
        }

        void emitSource(Task* t, const time::SourceWatermarks::Emission& e)
        {
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
                    if (spec.config.autoWatermarkInterval > 0)
                        schedule(clockStart + spec.config.autoWatermarkInterval, t,
                            static_cast<int>(&s - sources.data()));
                }
            }
            for (auto& s : sources)
                if (!s.hasNext)
                    finishSource(s);
            return {};
        }

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
                    partition = static_cast<int>(s.records % splits);
                }
                ++s.records;
                ++events;
                Task* t = s.tasks[static_cast<size_t>(partition % static_cast<int>(s.tasks.size()))];
                int local = partition / static_cast<int>(s.tasks.size());
                t->watermarks->onRecord(local, ev.record.timestamp);
                ++t->metrics.recordsIn;
                t->emit(ev.record);
            }
            STREAMLAB_RETURN_IF_ERROR(fetch(s));
            if (!s.hasNext)
                finishSource(s);
            return {};
        }

        void fireTimer(const Timer& tm)
        {
            now = std::max(now, tm.time);
            if (tm.sourceIndex >= 0) {
                SourceState& s = sources[static_cast<size_t>(tm.sourceIndex)];
                if (s.done)
                    return;
                emitSource(tm.task, tm.task->watermarks->onPeriodicEmit(now));
                schedule(now + spec.config.autoWatermarkInterval, tm.task, tm.sourceIndex);
                return;
            }
            tm.task->pendingTimers.erase(tm.time);
            tm.task->op->onProcessingTime(tm.time);
        }

        Result<bool> step()
        {
            if (complete)
                return false;
            if (!started)
                STREAMLAB_RETURN_IF_ERROR(start());
            if (!failure.ok())
                return failure;
            SourceState* next = nullptr;
            for (auto& s : sources)
                if (!s.done && s.hasNext && (!next || s.nextArrival < next->nextArrival))
                    next = &s;
            bool sourcesLeft = next != nullptr;
            // Records arriving at time t are read before timers due at t fire.
            if (next && (timers.empty() || next->nextArrival <= timers.top().time)) {
                STREAMLAB_RETURN_IF_ERROR(processRecord(*next));
            } else if (sourcesLeft && !timers.empty()) {
                Timer tm = timers.top();
                timers.pop();
                fireTimer(tm);
            } else {
                // Every source has ended: like Flink at the end of bounded input, pending
                // processing-time timers are dropped.
                complete = true;
                for (auto& t : tasks)
                    if (t->op)
                        t->op->updateStateMetrics();
                return false;
            }
            if (!failure.ok())
                return failure;
            return true;
        }
    };

    void Task::sendTo(std::vector<Gate>& gates, const Record& r)
    {
        for (Gate& g : gates) {
            switch (g.partitioner) {
            case Partitioner::Forward:
                for (auto& [t, c] : g.targets)
                    t->receive(r);
                break;
            case Partitioner::Rebalance: {
                auto& [t, c] = g.targets[g.next];
                g.next = (g.next + 1) % g.targets.size();
                t->receive(r);
                break;
            }
            case Partitioner::Broadcast:
                for (auto& [t, c] : g.targets)
                    t->receive(r);
                break;
            case Partitioner::Hash: {
                int kg = keyGroupForHash(g.key.hashCode(r), g.maxParallelism);
                int idx = subtaskForKeyGroup(kg, static_cast<int>(g.targets.size()), g.maxParallelism);
                g.targets[static_cast<size_t>(idx)].first->receive(r);
                break;
            }
            }
        }
    }

    void Task::emit(const Record& r)
    {
        ++metrics.recordsOut;
        sendTo(main, r);
    }

    void Task::emitLate(const Record& r)
    {
        ++metrics.lateSideOutput;
        sendTo(late, r);
    }

    int64_t Task::currentProcessingTime() const { return engine->now; }

    void Task::requestProcessingTime(int64_t t)
    {
        if (pendingTimers.insert(t).second)
            engine->schedule(t, this, -1);
    }

    void Task::fail(Status s)
    {
        if (engine->failure.ok())
            engine->failure = s.withPrefix("node '" + node->id + "' (subtask " + std::to_string(subtask) + "): ");
    }

    void Task::onValveWatermark(int64_t w)
    {
        metrics.watermark = w;
        op->processWatermark(w);
        if (isSink && engine->listener)
            engine->listener->onSinkWatermark(node->id, subtask, w);
        broadcastWatermark(w);
    }

    void Task::onValveStatus(bool idle)
    {
        metrics.idle = idle;
        broadcastStatus(idle);
    }

    void Task::broadcastWatermark(int64_t w)
    {
        for (auto* gates : { &main, &late })
            for (Gate& g : *gates)
                for (auto& [t, c] : g.targets)
                    t->valve.inputWatermark(c, w, *t);
    }

    void Task::broadcastStatus(bool idle)
    {
        for (auto* gates : { &main, &late })
            for (Gate& g : *gates)
                for (auto& [t, c] : g.targets)
                    t->valve.inputStatus(c, idle, *t);
    }

    // A physical input of a node: a logical edge with keyBy nodes collapsed into a hash exchange.
    struct PhysicalInput {
        std::string from;
        std::string fromPort;
        std::optional<Partitioner> partitioner;
        const model::NodeSpec* keyBy = nullptr; // the keyBy nearest the consumer, if any
    };

    void collectInputs(const model::JobSpec& spec, const std::string& id, const model::NodeSpec* keyBy,
        std::optional<Partitioner> explicitPartitioner, std::vector<PhysicalInput>& out)
    {
        for (const auto* e : spec.inputsOf(id)) {
            const model::NodeSpec* from = spec.node(e->from);
            if (!from)
                continue;
            if (from->kind == NodeKind::KeyBy) {
                collectInputs(spec, from->id, keyBy ? keyBy : from, std::nullopt, out);
                continue;
            }
            PhysicalInput in;
            in.from = e->from;
            in.fromPort = e->fromPort;
            in.keyBy = keyBy;
            in.partitioner = keyBy ? std::optional<Partitioner>(Partitioner::Hash)
                                   : (explicitPartitioner ? explicitPartitioner : e->partitioner);
            out.push_back(in);
        }
    }

    bool sameSchema(const Schema& a, const Schema& b)
    {
        if (a.fields.size() != b.fields.size())
            return false;
        for (size_t i = 0; i < a.fields.size(); ++i)
            if (a.fields[i].name != b.fields[i].name || a.fields[i].type != b.fields[i].type)
                return false;
        return true;
    }

} // namespace

struct Simulation::Impl {
    Engine engine;
};

Simulation::Simulation()
    : m(std::make_unique<Impl>())
{
}
Simulation::~Simulation() = default;

static Status nodeError(const model::NodeSpec& n, const std::string& field, const std::string& msg)
{
    return Status::invalid("node '" + n.id + "'" + (field.empty() ? "" : ", field '" + field + "'") + ": " + msg);
}

Result<std::unique_ptr<Simulation>> Simulation::create(
    const model::JobSpec& spec, const RunOptions& options, ResultListener* listener)
{
    std::unique_ptr<Simulation> sim(new Simulation());
    Engine& E = sim->m->engine;
    E.spec = spec;
    E.listener = listener;
    const model::JobSpec& S = E.spec;
    auto parallelismOf = [&](const model::NodeSpec& n) { return n.parallelism.value_or(S.config.parallelism); };
    auto maxParallelismOf = [&](const model::NodeSpec& n) {
        if (n.maxParallelism)
            return *n.maxParallelism;
        if (S.config.maxParallelism)
            return *S.config.maxParallelism;
        return defaultMaxParallelism(parallelismOf(n));
    };

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
        if (s.spec.partitionBy != "roundRobin") {
            s.partitionField = s.reader->schema()->indexOf(s.spec.partitionBy);
            if (s.partitionField < 0)
                return nodeError(n, "partitions.by",
                    "field '" + s.spec.partitionBy + "' is not in the events (fields: " + s.reader->schema()->names() + ")");
        }
        E.schemas[n.id] = s.reader->schema();
        E.sources.push_back(std::move(s));
    }
    for (const auto& [id, file] : options.events)
        if (!S.node(id) || S.node(id)->kind != NodeKind::Source)
            return Status::invalid("--events " + id + "=" + file.string() + ": there is no source node '" + id + "'");

    // Schemas and operators, in topological order.
    std::map<std::string, std::vector<PhysicalInput>> inputs;
    std::map<std::string, SchemaPtr> lateSchemas;
    for (const auto& n : S.nodes) {
        if (n.kind == NodeKind::Source || n.kind == NodeKind::KeyBy) {
            if (n.kind == NodeKind::KeyBy) {
                // A keyBy passes its input's schema on.
                auto ins = S.inputsOf(n.id);
                if (!ins.empty()) {
                    const auto* e = ins.front();
                    auto it = e->fromPort == "late" ? lateSchemas.find(e->from) : E.schemas.find(e->from);
                    if (it != (e->fromPort == "late" ? lateSchemas.end() : E.schemas.end()))
                        E.schemas[n.id] = it->second;
                }
            }
            continue;
        }
        std::vector<PhysicalInput> ins;
        collectInputs(S, n.id, nullptr, std::nullopt, ins);
        if (ins.empty())
            return nodeError(n, "", "has no input");
        SchemaPtr in;
        for (const auto& pi : ins) {
            SchemaPtr s = pi.fromPort == "late" ? lateSchemas[pi.from] : E.schemas[pi.from];
            if (!s)
                return nodeError(n, "", "its input '" + pi.from + "' has no schema");
            if (!in)
                in = s;
            else if (!sameSchema(*in, *s))
                return nodeError(n, "", "its inputs carry different fields (" + in->names() + " versus " + s->names()
                        + "); a node with several inputs needs the same schema on each");
        }
        inputs[n.id] = ins;
        // The keyBy's fields, resolved in the input schema.
        KeySelector key;
        if (ins.front().keyBy) {
            const auto& kb = ins.front().keyBy->as<model::KeyBySpec>();
            for (const auto& f : kb.key) {
                int i = in->indexOf(f);
                if (i < 0)
                    return nodeError(*ins.front().keyBy, "key", "field '" + f + "' is not in the stream (fields: " + in->names() + ")");
                key.fields.push_back(i);
                key.types.push_back(in->fields[static_cast<size_t>(i)].type);
                key.names.push_back(f);
            }
        }
        auto out = std::make_shared<Schema>(*in);
        std::unique_ptr<Operator> opProto; // validated once; one per subtask built below
        switch (n.kind) {
        case NodeKind::Filter: {
            auto e = expr::Expression::compile(n.as<model::FilterSpec>().where, *in);
            if (!e.ok())
                return nodeError(n, "where", e.status().message());
            break;
        }
        case NodeKind::Map: {
            for (const auto& [field, text] : n.as<model::MapSpec>().set) {
                auto e = expr::Expression::compile(text, *in);
                if (!e.ok())
                    return nodeError(n, "set." + field, e.status().message());
                int i = out->indexOf(field);
                if (i < 0)
                    out->fields.push_back({ field, e->resultType() });
                else
                    out->fields[static_cast<size_t>(i)].type = e->resultType();
            }
            break;
        }
        case NodeKind::Window:
        case NodeKind::Aggregate: {
            if (key.empty())
                return nodeError(n, "", "needs a keyBy directly before it");
            auto o = window::outputSchema(n, *in, key);
            if (!o.ok())
                return o.status();
            out = std::make_shared<Schema>(*o);
            if (n.kind == NodeKind::Window)
                lateSchemas[n.id] = in;
            break;
        }
        default:
            break;
        }
        E.schemas[n.id] = out;
        (void)opProto;
    }

    // Subtasks.
    for (const auto& n : S.nodes) {
        if (n.kind == NodeKind::KeyBy)
            continue;
        int p = parallelismOf(n);
        for (int i = 0; i < p; ++i) {
            auto t = std::make_unique<Task>();
            t->engine = &E;
            t->node = &n;
            t->subtask = i;
            t->parallelism = p;
            t->isSink = n.kind == NodeKind::Sink;
            E.tasksOf[n.id].push_back(t.get());
            E.tasks.push_back(std::move(t));
        }
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
    }
    // Exchanges: gates on the upstream subtasks, channels on the downstream valves.
    for (const auto& n : S.nodes) {
        auto it = inputs.find(n.id);
        if (it == inputs.end())
            continue;
        auto& downs = E.tasksOf[n.id];
        std::vector<int> channels(downs.size(), 0);
        for (const auto& pi : it->second) {
            const model::NodeSpec* from = S.node(pi.from);
            auto& ups = E.tasksOf[pi.from];
            Partitioner part = pi.partitioner ? *pi.partitioner
                                              : (ups.size() == downs.size() ? Partitioner::Forward : Partitioner::Rebalance);
            if (part == Partitioner::Forward && ups.size() != downs.size())
                return nodeError(n, "",
                    "a forward edge from '" + pi.from + "' needs equal parallelism (" + std::to_string(ups.size()) + " versus "
                        + std::to_string(downs.size()) + ")");
            KeySelector key;
            if (pi.keyBy) {
                SchemaPtr in = pi.fromPort == "late" ? lateSchemas[pi.from] : E.schemas[pi.from];
                for (const auto& f : pi.keyBy->as<model::KeyBySpec>().key) {
                    int i = in->indexOf(f);
                    key.fields.push_back(i);
                    key.types.push_back(in->fields[static_cast<size_t>(i)].type);
                    key.names.push_back(f);
                }
            }
            for (Task* up : ups) {
                Gate g;
                g.partitioner = part;
                g.key = key;
                g.maxParallelism = maxParallelismOf(n);
                if (part == Partitioner::Forward) {
                    Task* d = downs[static_cast<size_t>(up->subtask)];
                    g.targets.push_back({ d, channels[static_cast<size_t>(up->subtask)]++ });
                } else {
                    for (size_t j = 0; j < downs.size(); ++j)
                        g.targets.push_back({ downs[j], channels[j]++ });
                    if (part == Partitioner::Rebalance)
                        g.next = static_cast<size_t>(up->subtask) % downs.size();
                }
                (pi.fromPort == "late" ? up->late : up->main).push_back(std::move(g));
            }
            (void)from;
        }
        for (size_t j = 0; j < downs.size(); ++j)
            downs[j]->valve.reset(channels[j]);
    }
    // Operators.
    for (const auto& n : S.nodes) {
        if (n.kind == NodeKind::Source || n.kind == NodeKind::KeyBy)
            continue;
        const auto& ins = inputs[n.id];
        SchemaPtr in = ins.front().fromPort == "late" ? lateSchemas[ins.front().from] : E.schemas[ins.front().from];
        KeySelector key;
        if (ins.front().keyBy)
            for (const auto& f : ins.front().keyBy->as<model::KeyBySpec>().key) {
                int i = in->indexOf(f);
                key.fields.push_back(i);
                key.types.push_back(in->fields[static_cast<size_t>(i)].type);
                key.names.push_back(f);
            }
        for (Task* t : E.tasksOf[n.id]) {
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
                auto w = window::createKeyedOperator(n, *in, key);
                if (!w.ok())
                    return w.status();
                op = std::move(w).value();
                break;
            }
            case NodeKind::Sink:
                op = std::make_unique<SinkOperator>(listener);
                break;
            default:
                break;
            }
            OperatorContext ctx;
            ctx.nodeId = n.id;
            ctx.subtask = t->subtask;
            ctx.parallelism = t->parallelism;
            ctx.maxParallelism = maxParallelismOf(n);
            ctx.inSchema = in;
            ctx.outSchema = E.schemas[n.id];
            ctx.out = t;
            ctx.host = t;
            ctx.metrics = &t->metrics;
            op->open(ctx);
            t->op = std::move(op);
        }
    }
    return sim;
}

Status Simulation::run()
{
    for (;;) {
        auto r = m->engine.step();
        if (!r.ok())
            return r.status();
        if (!*r)
            return {};
    }
}

Result<bool> Simulation::step() { return m->engine.step(); }
bool Simulation::finished() const { return m->engine.complete; }
int64_t Simulation::processingTime() const { return m->engine.now; }
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

metrics::MetricsSnapshot Simulation::snapshot() const
{
    const Engine& E = m->engine;
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
        for (const Task* t : it->second)
            om.subtasks.push_back(t->metrics);
        snap.operators.push_back(std::move(om));
    }
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

} // namespace streamlab::runtime
