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
#include "runtime/simulation_engine.h"

#include <algorithm>

namespace streamlab::runtime {

using model::NodeKind;
using model::Partitioner;
using sim::Engine;
using sim::Gate;
using sim::SourceState;
using sim::Task;

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

} // namespace streamlab::runtime
