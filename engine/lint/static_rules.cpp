#include "lint/rules.h"
#include "runtime/key_groups.h"
#include "runtime/simulation.h"
#include "time/duration.h"
#include "window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace streamlab::lint::detail {

using model::NodeKind;

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string humanDuration(int64_t ms)
{
    if (ms < 1000)
        return std::to_string(ms) + "ms";
    if (ms < 60000)
        return fixed(static_cast<double>(ms) / 1000.0, ms % 1000 ? 1 : 0) + "s";
    int64_t s = ms / 1000;
    if (s < 3600)
        return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
    return std::to_string(s / 3600) + "h " + std::to_string((s % 3600) / 60) + "m";
}

std::string humanBytes(double b)
{
    if (b < 1024)
        return fixed(b, b == std::floor(b) ? 0 : 1) + " B";
    if (b < 1024.0 * 1024)
        return fixed(b / 1024, 1) + " KiB";
    if (b < 1024.0 * 1024 * 1024)
        return fixed(b / 1024 / 1024, 1) + " MiB";
    return fixed(b / 1024 / 1024 / 1024, 2) + " GiB";
}

model::StateBackend backendOf(const model::JobSpec& spec, const model::NodeSpec& n)
{
    return n.stateBackend.value_or(spec.config.stateBackend);
}

std::string edgeFrom(const model::EdgeSpec& e)
{
    return e.fromPort.empty() ? e.from : e.from + "." + e.fromPort;
}

model::Json inferredSchema(const model::JobSpec& spec, const std::string& source, const LintOptions& options)
{
    runtime::RunOptions run;
    run.events = options.events;
    auto sim = runtime::Simulation::create(spec, run, nullptr);
    if (!sim.ok())
        return {};
    auto schema = (*sim)->outputSchema(source);
    if (!schema)
        return {};
    model::Json j = model::Json::object();
    for (const auto& f : schema->fields)
        j[f.name] = std::string(fieldTypeName(f.type == FieldType::Any ? FieldType::String : f.type));
    return j;
}

namespace {

    int64_t windowExtent(const model::WindowSpec& w)
    {
        switch (w.assigner.type) {
        case model::AssignerType::Tumbling:
        case model::AssignerType::Sliding:
            return w.assigner.size;
        case model::AssignerType::Session:
            return w.assigner.gap;
        case model::AssignerType::Global:
            return 0;
        }
        return 0;
    }

    // A window that fires (or holds each element) more often than a run can bear: a continuous
    // trigger at the end of input, and sliding windows with a tiny slide. Errors where a run
    // would stop at window::kMaxFiringsOfAWindowAtOnce / kMaxWindowsPerElement, else warnings.
    void runawayWindow(const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& w = n.as<model::WindowSpec>();
        const auto& a = w.assigner;
        if (w.trigger.type == model::TriggerType::ContinuousEventTime && w.trigger.interval > 0) {
            const bool global = a.type == model::AssignerType::Global;
            const int64_t extent = a.type == model::AssignerType::Sliding || a.type == model::AssignerType::Tumbling
                ? a.size + w.allowedLateness
                : 0;
            const double firings = global ? 9223372036854775807.0 / static_cast<double>(w.trigger.interval)
                                          : static_cast<double>(extent) / static_cast<double>(w.trigger.interval);
            if (global || firings > 1000) {
                Finding f;
                f.rule = "endless-firings";
                f.node = n.id;
                f.severity = global || firings > static_cast<double>(window::kMaxFiringsOfAWindowAtOnce) ? Severity::Error
                                                                                                          : Severity::Warning;
                f.figures["firingsPerWindow"] = firings;
                f.figures["intervalMs"] = static_cast<double>(w.trigger.interval);
                f.explanation = "ContinuousEventTimeTrigger fires a window once for every interval the watermark "
                                "passes, and at the end of input the watermark jumps to Long.MAX_VALUE: every window "
                                "still open then fires all its remaining intervals at once, for each key. Flink spins "
                                "through them; a replay stops once one window would fire more than "
                    + std::to_string(window::kMaxFiringsOfAWindowAtOnce) + " times at one watermark.";
                Fix fix;
                if (global) {
                    f.title = "a continuous trigger on a global window fires without end at the end of input";
                    f.evidence = "a global window ends at Long.MAX_VALUE: every " + time::formatDuration(w.trigger.interval)
                        + " up to it is " + fixed(firings, 0) + " firings for each key.";
                    fix.summary = "fire the global window once, at the end of input: trigger eventTime";
                    Edit edit;
                    edit.kind = Edit::Kind::PatchNode;
                    edit.node = n.id;
                    edit.value = model::Json::parse(R"({"trigger": {"type": "eventTime", "interval": null}})");
                    fix.edits.push_back(std::move(edit));
                } else {
                    const int64_t interval = std::max<int64_t>(1, extent / 100);
                    f.title = "the continuous trigger fires each window " + fixed(firings, 0) + " times";
                    f.evidence = "windows of " + time::formatDuration(a.size) + " (with lateness " + time::formatDuration(w.allowedLateness)
                        + ") fired every " + time::formatDuration(w.trigger.interval) + ": " + fixed(firings, 0)
                        + " firings of each window and key, most of them at once at the end of input.";
                    fix.summary = "fire every " + time::formatDuration(interval) + " (100 early results a window)";
                    fix.sets.push_back(n.id + ".trigger.interval=" + time::formatDuration(interval));
                }
                f.fix = fix;
                out.push_back(std::move(f));
            }
        }
        if (a.type == model::AssignerType::Sliding) {
            const int64_t perElement = window::slidingWindowsPerElement(a.size, a.slide);
            if (perElement > 1000) {
                Finding f;
                f.rule = "sliding-window-fanout";
                f.node = n.id;
                f.severity = perElement > window::kMaxWindowsPerElement ? Severity::Error : Severity::Warning;
                f.title = "each element goes into " + std::to_string(perElement) + " sliding windows";
                f.explanation = "SlidingEventTimeWindows assigns an element to size / slide windows, and the "
                                "WindowOperator adds it to the state of each one and fires each: the state and the work "
                                "grow by that factor. A replay refuses more than "
                    + std::to_string(window::kMaxWindowsPerElement)
                    + " windows an element; a larger slide, or a tumbling window with a running aggregate, does the same "
                      "job for a fraction.";
                f.evidence = "size " + time::formatDuration(a.size) + ", slide " + time::formatDuration(a.slide) + ": "
                    + std::to_string(perElement) + " windows for each element.";
                f.figures["windowsPerElement"] = static_cast<double>(perElement);
                const int64_t slide = std::max<int64_t>(1, a.size / 100);
                Fix fix;
                fix.summary = "slide every " + time::formatDuration(slide) + " (100 windows an element)";
                fix.sets.push_back(n.id + ".assigner.slide=" + time::formatDuration(slide));
                f.fix = fix;
                out.push_back(std::move(f));
            }
        }
    }

    void lateFiringFlood(const Context& ctx, const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& w = n.as<model::WindowSpec>();
        if (w.assigner.type == model::AssignerType::Global || w.allowedLateness <= 0 || w.lateFiringEvery)
            return;
        if (w.trigger.type != model::TriggerType::EventTime
            && w.trigger.type != model::TriggerType::ContinuousEventTime)
            return;
        (void)ctx;
        int64_t every = std::min<int64_t>(60000, w.allowedLateness);
        Finding f;
        f.rule = "late-firing-flood";
        f.severity = Severity::Warning;
        f.node = n.id;
        f.title = "every late element re-fires its whole window";
        f.explanation = "With allowedLateness > 0 (here " + humanDuration(w.allowedLateness)
            + "), Flink's EventTimeTrigger returns FIRE for each element that arrives after the watermark "
              "passed the "
              "window's end, so N late elements send N complete, updated results downstream. A stuck "
              "producer that "
              "delivers its backlog at once turns into a flood of updates for the sink. Streamlab's "
              "lateFiring: "
              "{\"every\": d} (in Flink, a custom Trigger that registers a processing-time timer for late "
              "elements) "
              "coalesces them into at most one late firing per window and interval, with the same final "
              "values.";
        f.evidence = "lateFiring is perElement (Flink's default) with allowedLateness "
            + humanDuration(w.allowedLateness) + ".";
        f.figures["allowedLatenessMs"] = static_cast<double>(w.allowedLateness);
        Fix fix;
        fix.summary
            = "coalesce late firings: lateFiring {\"every\": \"" + time::formatDuration(every) + "\"}";
        fix.sets.push_back(n.id + ".lateFiring.every=" + time::formatDuration(every));
        f.fix = fix;
        out.push_back(std::move(f));
    }

    void windowStateWithoutTtl(const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& w = n.as<model::WindowSpec>();
        if (w.allowedLateness <= 0 || w.ttl || w.assigner.type == model::AssignerType::Global)
            return;
        int64_t extent = windowExtent(w);
        int64_t ttl = extent + w.allowedLateness;
        Finding f;
        f.rule = "window-state-without-ttl";
        f.severity = w.allowedLateness > extent ? Severity::Warning : Severity::Info;
        f.node = n.id;
        f.title = "window state is kept for the whole allowed lateness";
        f.explanation
            = "Each window's contents live until the watermark passes its end plus allowedLateness ("
            + humanDuration(w.allowedLateness)
            + " here), on event time only: while a source stalls or a partition "
              "holds the watermark back, nothing is cleaned up. A state TTL (StateTtlConfig, processing "
              "time) bounds "
              "how long untouched window state may stay, whatever the watermark does; pick it no shorter "
              "than window "
              "size plus lateness, or results of quiet windows are lost.";
        f.evidence = "allowedLateness " + humanDuration(w.allowedLateness) + " on windows of "
            + humanDuration(extent) + ", no ttl.";
        f.figures["allowedLatenessMs"] = static_cast<double>(w.allowedLateness);
        Fix fix;
        fix.summary = "window state TTL of window size plus lateness (" + time::formatDuration(ttl) + ")";
        fix.sets.push_back(n.id + ".ttl.ttl=" + time::formatDuration(ttl));
        f.fix = fix;
        out.push_back(std::move(f));
    }

    void runningAggregateWithoutTtl(const Context& ctx, const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& a = n.as<model::RunningAggregateSpec>();
        if (a.ttl || ctx.spec.config.idleStateRetention)
            return;
        Finding f;
        f.rule = "running-aggregate-without-ttl";
        f.severity = Severity::Warning;
        f.node = n.id;
        f.title = "a running aggregate keeps one state entry per key forever";
        f.explanation
            = "A keyed aggregate without windows (SQL: GROUP BY without a window) never learns that a key "
              "is done, so every key ever seen keeps its entry and state grows without bound. Set a state "
              "TTL (StateTtlConfig) on the aggregate, or table.exec.state.ttl (config.idleStateRetention) "
              "job-wide; a key that comes back after the TTL starts from zero again.";
        f.evidence = "no ttl on '" + n.id + "' and no config.idleStateRetention.";
        Fix fix;
        fix.summary
            = "state TTL of 1h on the aggregate (choose the longest gap after which a key may restart)";
        fix.sets.push_back(n.id + ".ttl.ttl=1h");
        f.fix = fix;
        out.push_back(std::move(f));
    }

    void idlePartition(const Context& ctx, const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& s = n.as<model::SourceSpec>();
        const auto* op = ctx.plan.op(n.id);
        int parallelism = op ? op->parallelism : 1;
        if (s.watermark.idleTimeout || s.watermark.strategy == model::WatermarkStrategy::None)
            return;
        // Source subtasks without a split are marked idle at the start; only several partitions can go
        // silent.
        if (s.partitionCount <= 1)
            return;
        Finding f;
        f.rule = "idle-partition-without-timeout";
        f.severity = Severity::Warning;
        f.node = n.id;
        f.title = "one silent partition stops the watermark of the whole source";
        f.explanation
            = "The source's watermark is the minimum over its partitions, so a partition that receives "
              "nothing pins it, and no window fires until that partition speaks again. "
              "WatermarkStrategy.withIdleness(timeout) (SQL: table.exec.source.idle-timeout; here "
              "watermark.idleTimeout) marks a partition idle after the timeout so that the others carry the "
              "watermark; its records may then be late when it resumes.";
        f.evidence = std::to_string(s.partitionCount) + " partitions on " + std::to_string(parallelism)
            + " subtask(s), no watermark.idleTimeout.";
        f.figures["partitions"] = s.partitionCount;
        Fix fix;
        fix.summary = "mark a partition idle after 1 minute without records: watermark.idleTimeout = 1m";
        fix.sets.push_back(n.id + ".watermark.idleTimeout=1m");
        f.fix = fix;
        out.push_back(std::move(f));
    }

    // The source whose (undeclared) records reach `op`'s output unchanged in type, or null.
    const model::NodeSpec* genericOrigin(const model::JobSpec& spec, const std::string& op)
    {
        const model::NodeSpec* n = spec.node(op);
        for (int guard = 0; n && guard < 64; ++guard) {
            if (n->kind == NodeKind::Source) {
                const auto& s = n->as<model::SourceSpec>();
                bool generic = !s.schema.declared;
                for (const auto& fld : s.schema.fields)
                    if (fld.type == FieldType::Any)
                        generic = true;
                return generic ? n : nullptr;
            }
            if (n->kind != NodeKind::Filter && n->kind != NodeKind::Map && n->kind != NodeKind::KeyBy)
                return nullptr;
            auto ins = spec.inputsOf(n->id);
            if (ins.size() != 1)
                return nullptr;
            n = spec.node(ins.front()->from);
        }
        return nullptr;
    }

    void genericSerialization(const Context& ctx, std::vector<Finding>& out)
    {
        std::map<std::string, std::vector<std::string>> bySource; // source -> exchanges
        for (const auto& x : ctx.plan.exchanges) {
            if (x.chained)
                continue;
            if (const auto* src = genericOrigin(ctx.spec, x.from))
                bySource[src->id].push_back(x.from + "->" + x.to);
        }
        for (const auto& [id, exchanges] : bySource) {
            const auto& s = ctx.spec.node(id)->as<model::SourceSpec>();
            std::string anyFields;
            for (const auto& fld : s.schema.fields)
                if (fld.type == FieldType::Any)
                    anyFields += (anyFields.empty() ? "" : ", ") + fld.name;
            std::string list;
            for (const auto& e : exchanges)
                list += (list.empty() ? "" : ", ") + e;
            Finding f;
            f.rule = "generic-serialization";
            f.severity = Severity::Warning;
            f.node = id;
            f.title = "records cross the network with the generic (Kryo-like) serializer";
            f.explanation
                = "Flink serializes every record that leaves a chain, even between tasks of one machine. "
                  "Without a declared type for every field, it falls back to a generic serializer (Kryo; "
                  "pipeline.generic-types) that writes class and field names with each record: more bytes "
                  "and more CPU per record than the typed (POJO/Row/Tuple) serializer. Declare the schema.";
            f.evidence = (s.schema.declared ? "fields typed any: " + anyFields
                                            : std::string("no schema declared (inferred from the file)"))
                + "; generic exchanges: " + list + ".";
            Fix fix;
            fix.summary = "declare the schema with the types inferred from the event file";
            model::Json schema = inferredSchema(ctx.spec, id, ctx.options);
            if (!schema.is_null()) {
                Edit e;
                e.kind = Edit::Kind::PatchNode;
                e.node = id;
                e.value = model::Json { { "schema", schema } };
                fix.edits.push_back(std::move(e));
                f.fix = fix;
            }
            out.push_back(std::move(f));
        }
    }

    // The keyed operator whose key partitioning reaches `op`'s output through forward edges only,
    // with its single key field; null when the partitioning is lost or unknown.
    const runtime::PlanOperator* partitionedBy(const Context& ctx, const std::string& op)
    {
        const runtime::PlanOperator* cur = ctx.plan.op(op);
        for (int guard = 0; cur && guard < 64; ++guard) {
            if (cur->kind == NodeKind::Window || cur->kind == NodeKind::Aggregate)
                return cur;
            if (cur->kind != NodeKind::Filter)
                return nullptr;
            auto ins = ctx.plan.inputsOf(cur->id);
            if (ins.size() != 1 || ins.front()->partitioner != model::Partitioner::Forward)
                return nullptr;
            cur = ctx.plan.op(ins.front()->from);
        }
        return nullptr;
    }

    void redundantExchange(const Context& ctx, std::vector<Finding>& out)
    {
        for (const auto& x : ctx.plan.exchanges) {
            if (x.chained)
                continue;
            const auto* up = ctx.plan.op(x.from);
            const auto* down = ctx.plan.op(x.to);
            if (!up || !down || up->parallelism != down->parallelism)
                continue;
            bool downKeyed = down->kind == NodeKind::Window || down->kind == NodeKind::Aggregate;
            Finding f;
            f.rule = "redundant-exchange";
            f.severity = Severity::Warning;
            f.edge = x.from + "->" + x.to;
            Fix fix;
            if (x.partitioner == model::Partitioner::Hash && !x.keyBy.empty() && x.fromPort.empty()) {
                const auto* keyed = partitionedBy(ctx, x.from);
                if (!keyed || x.keyFields != std::vector<std::string> { "key" }
                    || keyed->maxParallelism != down->maxParallelism)
                    continue;
                auto keyIns = ctx.plan.inputsOf(keyed->id);
                if (keyIns.empty() || keyIns.front()->keyFields.size() != 1)
                    continue;
                f.node = x.keyBy;
                f.title = "keyBy on a stream that is already partitioned by that key";
                f.explanation = "'" + keyed->id + "' is keyed by " + keyIns.front()->keyFields.front()
                    + " with the same parallelism and max parallelism, so each of its results already sits "
                      "on the "
                      "subtask that keyBy(key) sends it to. The keyBy still breaks the chain: every record "
                      "is "
                      "serialized, copied through the network stack and deserialized for nothing. Drop it"
                    + std::string(downKeyed ? " (Flink: DataStreamUtils.reinterpretAsKeyedStream)." : ".");
                f.evidence = "HASH exchange " + f.edge + " by key, behind '" + keyed->id + "' keyed by "
                    + keyIns.front()->keyFields.front() + "; parallelism " + std::to_string(down->parallelism)
                    + ".";
                if (!downKeyed) {
                    fix.summary
                        = "remove keyBy '" + x.keyBy + "': its input already sits on the right subtasks";
                    Edit rm;
                    rm.kind = Edit::Kind::RemoveNode;
                    rm.node = x.keyBy;
                    fix.edits.push_back(rm);
                    for (const auto* in : ctx.spec.inputsOf(x.keyBy))
                        for (const auto* o : ctx.spec.outputsOf(x.keyBy)) {
                            Edit add;
                            add.kind = Edit::Kind::AddEdge;
                            add.value = model::Json { { "from", edgeFrom(*in) }, { "to", o->to } };
                            fix.edits.push_back(add);
                        }
                    f.fix = fix;
                }
            } else if (x.partitioner == model::Partitioner::Rebalance && x.explicitPartitioner) {
                // A rebalance behind a round-robin source or another rebalance redistributes an even stream.
                auto ins = ctx.plan.inputsOf(x.from);
                bool even = up->kind == NodeKind::Source
                    || (ins.size() == 1 && ins.front()->partitioner == model::Partitioner::Rebalance);
                if (up->kind == NodeKind::Source
                    && ctx.spec.node(up->id)->as<model::SourceSpec>().partitionBy != "roundRobin")
                    even = false;
                if (!even)
                    continue;
                f.title = "rebalance of a stream that is already evenly spread";
                f.explanation
                    = "rebalance() sends records round robin to every downstream subtask, which breaks the "
                      "chain: each record is serialized and deserialized. Its input is already spread evenly "
                      "over subtasks of the same parallelism, so a forward edge (chained, no serialization) "
                      "does the same work.";
                f.evidence = "explicit REBALANCE on " + f.edge + " behind an even input; parallelism "
                    + std::to_string(down->parallelism) + ".";
                fix.summary = "let the edge be forward (chained)";
                Edit e;
                e.kind = Edit::Kind::PatchEdge;
                e.from = x.fromPort.empty() ? x.from : x.from + "." + x.fromPort;
                e.to = x.to;
                e.value = model::Json { { "partitioner", nullptr } };
                // A keyBy node in between is not an edge of the job; only plain edges are patched.
                fix.edits.push_back(e);
                f.fix = fix;
            } else {
                continue;
            }
            out.push_back(std::move(f));
        }
    }

    void listWindowState(const Context& ctx, const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& w = n.as<model::WindowSpec>();
        if (w.stateKind != model::StateKind::List || backendOf(ctx.spec, n) != model::StateBackend::RocksDb)
            return;
        Finding f;
        f.rule = "list-window-state";
        f.severity = Severity::Warning;
        f.node = n.id;
        f.title = "window keeps every element in RocksDB list state instead of one accumulator";
        f.explanation
            = "With a ProcessWindowFunction (stateKind list) Flink buffers every element of a window in "
              "ListState; on RocksDB each element is serialized into the list and the whole list is read "
              "and deserialized at firing. An incremental aggregate (reduce/aggregate, stateKind reducing) "
              "keeps one accumulator per key and window: less state, less I/O, same result.";
        f.evidence = "stateKind list on the rocksdb backend, aggregate "
            + std::string(w.aggregate.first().field.empty() ? "count" : w.aggregate.first().field) + ".";
        Fix fix;
        fix.summary = "incremental aggregation: stateKind reducing";
        fix.sets.push_back(n.id + ".stateKind=reducing");
        f.fix = fix;
        out.push_back(std::move(f));
    }

    void coupledSink(const model::NodeSpec& n, std::vector<Finding>& out)
    {
        const auto& s = n.as<model::SinkSpec>();
        if (s.type != model::SinkType::Warehouse)
            return;
        Finding f;
        f.rule = "coupled-warehouse-sink";
        f.severity = s.outages.empty() ? Severity::Warning : Severity::Error;
        f.node = n.id;
        f.title = "the job writes straight into the warehouse: its outages fail the job";
        f.explanation
            = "A sink that writes synchronously to an external system couples the job's availability to "
              "it: when the warehouse is down, the sink blocks or throws, checkpoints stall, and Flink "
              "restarts the job (restart-strategy) until the warehouse is back, replaying from the last "
              "checkpoint. Write to a durable file sink (FileSink, exactly-once on checkpoints) and load the "
              "files into the warehouse separately, with its own retries.";
        int64_t down = 0;
        for (const auto& o : s.outages)
            down += o.duration;
        f.evidence = s.outages.empty() ? std::string("warehouse sink, no outage schedule declared.")
                                       : std::to_string(s.outages.size()) + " outage(s) declared, "
                + humanDuration(down) + " down in all: the job would fail and restart during each.";
        f.figures["outages"] = static_cast<double>(s.outages.size());
        f.figures["outageMs"] = static_cast<double>(down);
        Fix fix;
        fix.summary = "write to a durable file sink (" + n.id
            + "-staging.jsonl) and load it into the warehouse separately";
        Edit e;
        e.kind = Edit::Kind::PatchNode;
        e.node = n.id;
        e.value = model::Json { { "type", "file" }, { "path", n.id + "-staging.jsonl" },
            { "format", "jsonl" }, { "outages", nullptr } };
        fix.edits.push_back(std::move(e));
        f.fix = fix;
        out.push_back(std::move(f));
    }

    void unevenKeyGroups(const Context& ctx, std::vector<Finding>& out)
    {
        for (const auto& op : ctx.plan.operators) {
            if (!op.keyed || op.parallelism <= 1 || op.maxParallelism % op.parallelism == 0)
                continue;
            int lo = op.maxParallelism / op.parallelism, hi = lo + 1;
            int better = op.parallelism * ((op.maxParallelism + op.parallelism - 1) / op.parallelism);
            if (better > runtime::kUpperBoundMaxParallelism)
                continue;
            Finding f;
            f.rule = "uneven-key-groups";
            double ratio = static_cast<double>(hi) / lo;
            f.severity = ratio >= 1.1 ? Severity::Warning : Severity::Info;
            f.node = op.id;
            f.title = "max parallelism is not a multiple of the parallelism";
            f.explanation
                = "Flink splits the key space into maxParallelism key groups and gives each subtask a "
                  "contiguous range; when maxParallelism ("
                + std::to_string(op.maxParallelism) + ") is not a multiple of the parallelism ("
                + std::to_string(op.parallelism)
                + "), some subtasks own one key group more and get that much more load and state. Choose "
                  "setMaxParallelism as a multiple of every parallelism you plan to run with (it cannot "
                  "change "
                  "later without losing state).";
            f.evidence = "subtasks own " + std::to_string(lo) + " or " + std::to_string(hi)
                + " key groups: up to " + fixed((ratio - 1) * 100, 1) + "% more load on some.";
            f.figures["maxParallelism"] = op.maxParallelism;
            f.figures["parallelism"] = op.parallelism;
            Fix fix;
            fix.summary = "maxParallelism " + std::to_string(better);
            fix.sets.push_back(op.id + ".maxParallelism=" + std::to_string(better));
            f.fix = fix;
            out.push_back(std::move(f));
        }
    }

} // namespace

void staticRules(const Context& ctx, std::vector<Finding>& out)
{
    for (const auto& n : ctx.spec.nodes) {
        switch (n.kind) {
        case NodeKind::Window:
            runawayWindow(n, out);
            lateFiringFlood(ctx, n, out);
            windowStateWithoutTtl(n, out);
            listWindowState(ctx, n, out);
            break;
        case NodeKind::Aggregate:
            runningAggregateWithoutTtl(ctx, n, out);
            break;
        case NodeKind::Source:
            idlePartition(ctx, n, out);
            break;
        case NodeKind::Sink:
            coupledSink(n, out);
            break;
        default:
            break;
        }
    }
    genericSerialization(ctx, out);
    redundantExchange(ctx, out);
    unevenKeyGroups(ctx, out);
}

} // namespace streamlab::lint::detail
