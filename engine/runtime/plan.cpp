#include "runtime/plan.h"

#include <map>
#include <algorithm>

namespace streamlab::runtime {

using model::NodeKind;
using model::Partitioner;

std::string PlanTask::name() const
{
    std::string s;
    for (const auto& c : chain)
        s += (s.empty() ? "" : " -> ") + c;
    return s;
}

const PlanOperator* Plan::op(const std::string& id) const
{
    for (const auto& o : operators)
        if (o.id == id)
            return &o;
    return nullptr;
}

std::vector<const PlanExchange*> Plan::inputsOf(const std::string& id) const
{
    std::vector<const PlanExchange*> r;
    for (const auto& e : exchanges)
        if (e.to == id)
            r.push_back(&e);
    return r;
}

namespace {

    // The physical inputs of `id`: its logical input edges with keyBy nodes collapsed into a
    // HASH exchange keyed by the keyBy nearest to the consumer.
    void collectInputs(const model::JobSpec& spec, const std::string& id, const model::NodeSpec* keyBy,
        const std::string& consumer, std::vector<PlanExchange>& out)
    {
        for (const auto* e : spec.inputsOf(id)) {
            const model::NodeSpec* from = spec.node(e->from);
            if (!from)
                continue;
            if (from->kind == NodeKind::KeyBy) {
                collectInputs(spec, from->id, keyBy ? keyBy : from, consumer, out);
                continue;
            }
            PlanExchange x;
            x.from = e->from;
            x.fromPort = e->fromPort;
            x.to = consumer;
            if (keyBy) {
                x.partitioner = Partitioner::Hash;
                x.keyBy = keyBy->id;
                x.keyFields = keyBy->as<model::KeyBySpec>().key;
                x.explicitPartitioner = true;
            } else if (e->partitioner) {
                x.partitioner = *e->partitioner;
                x.explicitPartitioner = true;
            }
            out.push_back(x);
        }
    }

} // namespace

namespace {

    // Whether a pipelined run may take the job: the source tasks (a source and what is chained
    // to it) stay on the engine's thread; the rest go to a second one when something leaves a
    // source task over a network exchange, no sink is chained to a source (its results would
    // interleave with the other thread's sinks at random), and no operator on the second thread
    // may ask for processing-time timers (a window's processing-time trigger, lateFiring.every,
    // or a global window's trigger), which only the engine's timer queue orders among records.
    void decideRunThreads(Plan& plan, const model::JobSpec& spec)
    {
        for (const auto& t : plan.tasks)
            if (plan.op(t.chain.front())->kind == NodeKind::Source)
                for (auto& o : plan.operators)
                    o.inSourceTask = o.inSourceTask || std::find(t.chain.begin(), t.chain.end(), o.id) != t.chain.end();
        for (const auto& t : plan.tasks) {
            if (plan.op(t.chain.front())->kind != NodeKind::Source)
                continue;
            for (const auto& id : t.chain)
                if (plan.op(id)->kind == NodeKind::Sink) {
                    plan.oneThreadBecause = "sink '" + id + "' is chained to source '" + t.chain.front()
                        + "' (its results would interleave with the other thread's sinks)";
                    return;
                }
        }
        bool handOver = false;
        for (const auto& x : plan.exchanges)
            handOver |= !x.chained && plan.op(x.from)->inSourceTask;
        if (!handOver) {
            plan.oneThreadBecause = "no network exchange follows the sources' tasks";
            return;
        }
        for (const auto& o : plan.operators) {
            if (o.inSourceTask || o.kind != NodeKind::Window)
                continue;
            const auto& w = spec.node(o.id)->as<model::WindowSpec>();
            std::string why;
            if (w.assigner.type == model::AssignerType::Global)
                why = "a global window";
            else if (w.trigger.type == model::TriggerType::ProcessingTime)
                why = "a processingTime trigger";
            else if (w.lateFiringEvery)
                why = "lateFiring.every";
            if (!why.empty()) {
                plan.oneThreadBecause = "window '" + o.id + "' may ask for processing-time timers (" + why
                    + "), which one thread orders among the records";
                return;
            }
        }
        plan.runThreads = 2;
    }

} // namespace

Result<Plan> buildPlan(const model::JobSpec& spec)
{
    Plan plan;
    auto parallelismOf = [&](const model::NodeSpec& n) { return n.parallelism.value_or(spec.config.parallelism); };
    for (const auto& n : spec.nodes) {
        if (n.kind == NodeKind::KeyBy)
            continue;
        PlanOperator o;
        o.id = n.id;
        o.kind = n.kind;
        o.parallelism = parallelismOf(n);
        o.maxParallelism = n.maxParallelism ? *n.maxParallelism
                                            : spec.config.maxParallelism.value_or(defaultMaxParallelism(o.parallelism));
        if (o.parallelism > o.maxParallelism)
            return Status::invalid("node '" + n.id + "': parallelism " + std::to_string(o.parallelism)
                + " exceeds maxParallelism " + std::to_string(o.maxParallelism));
        plan.operators.push_back(o);
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < plan.operators.size(); ++i)
        index[plan.operators[i].id] = i;
    for (auto& o : plan.operators) {
        if (o.kind == NodeKind::Source)
            continue;
        std::vector<PlanExchange> ins;
        collectInputs(spec, o.id, nullptr, o.id, ins);
        for (auto& x : ins) {
            const PlanOperator& up = plan.operators[index[x.from]];
            if (!x.explicitPartitioner)
                x.partitioner = up.parallelism == o.parallelism ? Partitioner::Forward : Partitioner::Rebalance;
            if (x.partitioner == Partitioner::Forward && up.parallelism != o.parallelism)
                return Status::invalid("edge '" + x.from + "->" + o.id + "': forward needs equal parallelism ("
                    + std::to_string(up.parallelism) + " versus " + std::to_string(o.parallelism) + ")");
            if (x.partitioner == Partitioner::Hash)
                o.keyed = true;
            plan.exchanges.push_back(x);
        }
        if (o.kind == NodeKind::Window || o.kind == NodeKind::Aggregate)
            o.keyed = true;
    }
    // Chaining (StreamingJobGraphGenerator.isChainable): the downstream has exactly one input,
    // the edge is FORWARD, and both have the same parallelism (chaining enabled, one slot
    // sharing group, every operator ALWAYS-chainable).
    std::map<std::string, int> inputCount;
    for (const auto& x : plan.exchanges)
        ++inputCount[x.to];
    for (auto& x : plan.exchanges)
        x.chained = inputCount[x.to] == 1 && x.partitioner == Partitioner::Forward
            && plan.operators[index[x.from]].parallelism == plan.operators[index[x.to]].parallelism;
    for (auto& o : plan.operators) {
        const PlanExchange* chainedIn = nullptr;
        for (const auto& x : plan.exchanges)
            if (x.to == o.id && x.chained)
                chainedIn = &x;
        if (chainedIn) {
            int t = plan.operators[index[chainedIn->from]].task;
            o.task = t;
            plan.tasks[static_cast<size_t>(t)].chain.push_back(o.id);
        } else {
            o.task = static_cast<int>(plan.tasks.size());
            PlanTask t;
            t.chain.push_back(o.id);
            t.parallelism = o.parallelism;
            plan.tasks.push_back(t);
        }
        if (o.keyed)
            for (int i = 0; i < o.parallelism; ++i)
                o.keyGroups.push_back(keyGroupRange(o.maxParallelism, o.parallelism, i));
    }
    decideRunThreads(plan, spec);
    return plan;
}

static std::string upper(std::string_view s)
{
    std::string r(s);
    for (auto& c : r)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return r;
}

std::string Plan::toText() const
{
    std::string s;
    for (size_t i = 0; i < tasks.size(); ++i) {
        const auto& t = tasks[i];
        s += "task " + std::to_string(i) + ": " + t.name() + "  (parallelism " + std::to_string(t.parallelism) + ")\n";
        for (const auto& id : t.chain) {
            const PlanOperator* o = op(id);
            s += "  " + id + " [" + std::string(model::nodeKindName(o->kind)) + "]";
            if (o->keyed) {
                s += " maxParallelism " + std::to_string(o->maxParallelism) + ", key groups:";
                for (size_t k = 0; k < o->keyGroups.size(); ++k)
                    s += " #" + std::to_string(k) + "=" + std::to_string(o->keyGroups[k].first) + ".."
                        + std::to_string(o->keyGroups[k].last);
            }
            s += "\n";
        }
    }
    s += "exchanges:\n";
    for (const auto& x : exchanges) {
        s += "  " + x.from + (x.fromPort.empty() ? "" : "." + x.fromPort) + " -> " + x.to + "  "
            + upper(model::partitionerName(x.partitioner));
        if (!x.keyFields.empty()) {
            s += " by ";
            for (size_t i = 0; i < x.keyFields.size(); ++i)
                s += (i ? ", " : "") + x.keyFields[i];
            s += " (keyBy " + x.keyBy + ")";
        }
        s += x.chained ? "  chained\n" : "  network (serialized)\n";
    }
    if (runThreads == 2)
        s += "run: 2 threads, the tasks after the sources' network exchanges on the second (one with "
             "--one-thread, --checkpoint-dir or --metrics-series)\n";
    else
        s += "run: 1 thread: " + oneThreadBecause + "\n";
    return s;
}

nlohmann::ordered_json Plan::toJson() const
{
    nlohmann::ordered_json j;
    j["tasks"] = nlohmann::ordered_json::array();
    for (const auto& t : tasks)
        j["tasks"].push_back({ { "name", t.name() }, { "chain", t.chain }, { "parallelism", t.parallelism } });
    j["operators"] = nlohmann::ordered_json::array();
    for (const auto& o : operators) {
        nlohmann::ordered_json oj = { { "id", o.id }, { "kind", model::nodeKindName(o.kind) }, { "parallelism", o.parallelism },
            { "maxParallelism", o.maxParallelism }, { "task", o.task }, { "keyed", o.keyed } };
        if (o.keyed) {
            auto ranges = nlohmann::ordered_json::array();
            for (const auto& r : o.keyGroups)
                ranges.push_back({ r.first, r.last });
            oj["keyGroups"] = ranges;
        }
        j["operators"].push_back(oj);
    }
    j["exchanges"] = nlohmann::ordered_json::array();
    for (const auto& x : exchanges) {
        nlohmann::ordered_json xj = { { "from", x.fromPort.empty() ? x.from : x.from + "." + x.fromPort }, { "to", x.to },
            { "partitioner", upper(model::partitionerName(x.partitioner)) }, { "chained", x.chained } };
        if (!x.keyFields.empty())
            xj["key"] = x.keyFields;
        j["exchanges"].push_back(xj);
    }
    j["run"] = { { "threads", runThreads } };
    if (runThreads == 1)
        j["run"]["oneThreadBecause"] = oneThreadBecause;
    return j;
}

} // namespace streamlab::runtime
