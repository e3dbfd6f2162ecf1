#include "core/java_hash.h"
#include "lint/fix.h"
#include "lint/rules.h"
#include "runtime/key_groups.h"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace streamlab::lint::detail {

using model::NodeKind;

namespace {

    metrics::SubtaskMetrics totalOf(const metrics::MetricsSnapshot& m, const std::string& op)
    {
        metrics::SubtaskMetrics t;
        if (const auto* o = m.op(op))
            for (const auto& s : o->subtasks) {
                t.recordsIn += s.recordsIn;
                t.recordsOut += s.recordsOut;
                t.lateDropped += s.lateDropped;
                t.lateSideOutput += s.lateSideOutput;
                t.firings.onTime += s.firings.onTime;
                t.firings.late += s.firings.late;
                t.firings.early += s.firings.early;
                t.stateEntries += s.stateEntries;
                t.stateBytes += s.stateBytes;
                t.busyNs += s.busyNs;
            }
        return t;
    }

    const metrics::ExchangeMetrics* exchangeOf(
        const metrics::MetricsSnapshot& m, const std::string& from, const std::string& to)
    {
        for (const auto& x : m.exchanges)
            if (x.from == from && x.to == to)
                return &x;
        return nullptr;
    }

    // The job with `fix` applied, replayed.
    Result<ReplayFacts> replayWithFix(const Context& ctx, const Fix& fix)
    {
        model::Job job = ctx.job;
        STREAMLAB_RETURN_IF_ERROR(applyFix(job, fix));
        auto compiled = model::compile(job);
        if (compiled.hasErrors())
            return Status::invalid(
                "the fixed job does not compile: " + model::describeErrors(compiled.problems, ""));
        ProbeOptions probe;
        probe.events = ctx.options.events;
        probe.sampleInterval = ctx.options.sampleInterval;
        probe.stopRequested = ctx.options.stopRequested;
        return probeReplay(compiled.spec, probe);
    }

    double perRecord(int64_t v, int64_t records)
    {
        return records ? static_cast<double>(v) / static_cast<double>(records) : 0.0;
    }

    void lateFlood(const Context& ctx, const ReplayFacts& facts, Finding& f)
    {
        auto t = totalOf(facts.final, f.node);
        f.measured = true;
        f.figures["lateFirings"] = static_cast<double>(t.firings.late);
        f.figures["onTimeFirings"] = static_cast<double>(t.firings.onTime);
        f.evidence = "this replay: " + std::to_string(t.firings.late) + " late firings next to "
            + std::to_string(t.firings.onTime) + " on-time results";
        if (t.firings.onTime > 0)
            f.evidence
                += " (" + fixed(perRecord(t.firings.late, t.firings.onTime), 1) + " updates per window)";
        if (ctx.options.measureAlternatives && f.fix && t.firings.late > 0) {
            auto alt = replayWithFix(ctx, *f.fix);
            if (alt.ok()) {
                auto a = totalOf(alt->final, f.node);
                f.figures["lateFiringsAfterFix"] = static_cast<double>(a.firings.late);
                f.evidence += "; with the fix: " + std::to_string(a.firings.late) + " late firings";
            }
        }
        f.evidence += ".";
    }

    void statePeakEvidence(const ReplayFacts& facts, Finding& f)
    {
        auto it = facts.state.find(f.node);
        if (it == facts.state.end())
            return;
        f.measured = true;
        f.figures["peakStateEntries"] = static_cast<double>(it->second.entries);
        f.figures["peakStateBytes"] = static_cast<double>(it->second.bytes);
        f.evidence += " This replay: up to " + std::to_string(it->second.entries) + " state entries ("
            + humanBytes(static_cast<double>(it->second.bytes)) + ").";
    }

    void stateGrowth(const ReplayFacts& facts, Finding& f)
    {
        auto it = facts.state.find(f.node);
        if (it == facts.state.end() || it->second.entriesOverTime.empty())
            return;
        const auto& series = it->second.entriesOverTime;
        auto at = [&](double q) {
            return series[std::min(
                series.size() - 1, static_cast<size_t>(q * static_cast<double>(series.size() - 1)))];
        };
        f.measured = true;
        int64_t end = series.back().second;
        int64_t mid = at(0.5).second;
        bool neverShrank = true;
        for (size_t i = 1; i < series.size(); ++i)
            if (series[i].second < series[i - 1].second)
                neverShrank = false;
        f.figures["stateEntriesAtHalf"] = static_cast<double>(mid);
        f.figures["stateEntriesAtEnd"] = static_cast<double>(end);
        f.figures["peakStateBytes"] = static_cast<double>(it->second.bytes);
        f.evidence = "this replay: " + std::to_string(at(0.25).second)
            + " entries after a quarter of the run, " + std::to_string(mid) + " at half, "
            + std::to_string(end) + " at the end (" + humanBytes(static_cast<double>(it->second.bytes)) + ")"
            + (neverShrank ? ", never shrinking." : ".");
    }

    void idleEvidence(const ReplayFacts& facts, Finding& f)
    {
        auto it = facts.idleness.find(f.node);
        if (it == facts.idleness.end())
            return;
        const auto& s = it->second;
        f.measured = true;
        f.figures["heldBackMs"] = static_cast<double>(s.heldBack);
        f.figures["silentPartition"] = s.silentPartition;
        if (s.silentPartition < 0 || s.heldBack < 1000) {
            f.evidence += " This replay: no partition went silent long enough to hold the watermark back "
                          "(longest stall "
                + humanDuration(s.heldBack) + ").";
            return;
        }
        f.evidence = "this replay: partition " + std::to_string(s.silentPartition)
            + " received nothing while the others went on, " + "and the source's watermark stood still for "
            + humanDuration(s.heldBack) + " (from processing time "
            + humanDuration(s.heldBackFrom - facts.startTime)
            + " into the replay): every window waited that long to fire.";
    }

    void serializationEvidence(const Context& ctx, const ReplayFacts& facts, Finding& f)
    {
        int64_t records = 0, bytes = 0, ns = 0;
        std::vector<std::pair<std::string, std::string>> edges;
        for (const auto& x : facts.final.exchanges) {
            if (x.chained || !x.genericSerializer)
                continue;
            // Only the exchanges this source's records reach (named in the static evidence).
            auto from = x.from.substr(0, x.from.find('.'));
            if (f.evidence.find(from + "->" + x.to) == std::string::npos)
                continue;
            records += x.records;
            bytes += x.bytes;
            ns += x.serializeNs;
            edges.emplace_back(x.from, x.to);
        }
        if (records == 0)
            return;
        f.measured = true;
        f.figures["genericBytesPerRecord"] = perRecord(bytes, records);
        f.figures["genericNsPerRecord"] = perRecord(ns, records);
        f.figures["records"] = static_cast<double>(records);
        f.evidence = "this replay: " + std::to_string(records) + " records, "
            + fixed(perRecord(bytes, records), 1) + " bytes and " + fixed(perRecord(ns, records), 0)
            + " ns each (generic)";
        if (ctx.options.measureAlternatives && f.fix) {
            auto alt = replayWithFix(ctx, *f.fix);
            if (alt.ok()) {
                int64_t r2 = 0, b2 = 0, n2 = 0;
                for (const auto& [from, to] : edges)
                    if (const auto* x = exchangeOf(alt->final, from, to)) {
                        r2 += x->records;
                        b2 += x->bytes;
                        n2 += x->serializeNs;
                    }
                if (r2 > 0) {
                    f.figures["typedBytesPerRecord"] = perRecord(b2, r2);
                    f.figures["typedNsPerRecord"] = perRecord(n2, r2);
                    f.evidence += " against " + fixed(perRecord(b2, r2), 1) + " bytes and "
                        + fixed(perRecord(n2, r2), 0) + " ns typed (replayed with the declared schema)";
                }
            }
        }
        f.evidence += ".";
    }

    void exchangeEvidence(const ReplayFacts& facts, Finding& f)
    {
        auto arrow = f.edge.find("->");
        if (arrow == std::string::npos)
            return;
        const auto* x = exchangeOf(facts.final, f.edge.substr(0, arrow), f.edge.substr(arrow + 2));
        if (!x)
            return;
        f.measured = true;
        f.figures["records"] = static_cast<double>(x->records);
        f.figures["bytes"] = static_cast<double>(x->bytes);
        f.figures["serializeNs"] = static_cast<double>(x->serializeNs);
        f.evidence += " This replay: " + std::to_string(x->records) + " records, "
            + humanBytes(static_cast<double>(x->bytes)) + " serialized, "
            + fixed(static_cast<double>(x->serializeNs) / 1e6, 2) + " ms serializing for nothing.";
    }

    // Peak state of `node` (heap-accounted bytes: what a checkpoint holds) and its operator time,
    // with `fix` applied.
    void listStateEvidence(const Context& ctx, const ReplayFacts& facts, Finding& f)
    {
        auto t = totalOf(facts.final, f.node);
        f.measured = true;
        f.figures["listBusyMs"] = static_cast<double>(t.busyNs) / 1e6;
        f.evidence = "this replay on RocksDB: " + fixed(static_cast<double>(t.busyNs) / 1e6, 1)
            + " ms in the window operator with list state";
        if (!ctx.options.measureAlternatives || !f.fix) {
            f.evidence += ".";
            return;
        }
        auto reducing = replayWithFix(ctx, *f.fix);
        if (reducing.ok()) {
            auto rt = totalOf(reducing->final, f.node);
            f.figures["reducingBusyMs"] = static_cast<double>(rt.busyNs) / 1e6;
            f.evidence += ", " + fixed(static_cast<double>(rt.busyNs) / 1e6, 1) + " ms with reducing state";
        }
        // The logical size of the state (what a checkpoint writes), from the heap backend's accounting.
        Fix listHeap { {}, { f.node + ".stateBackend=heap" }, {} };
        Fix reducingHeap = *f.fix;
        reducingHeap.sets.push_back(f.node + ".stateBackend=heap");
        auto lh = replayWithFix(ctx, listHeap);
        auto rh = replayWithFix(ctx, reducingHeap);
        if (lh.ok() && rh.ok() && lh->state.count(f.node) && rh->state.count(f.node)) {
            const auto& l = lh->state.at(f.node);
            const auto& r = rh->state.at(f.node);
            f.figures["listStateBytes"] = static_cast<double>(l.bytes);
            f.figures["reducingStateBytes"] = static_cast<double>(r.bytes);
            f.figures["listStateEntries"] = static_cast<double>(l.entries);
            f.figures["reducingStateEntries"] = static_cast<double>(r.entries);
            f.evidence += "; window state at its peak holds " + humanBytes(static_cast<double>(l.bytes))
                + " as lists against " + humanBytes(static_cast<double>(r.bytes)) + " as accumulators ("
                + fixed(static_cast<double>(l.bytes) / std::max<double>(1, static_cast<double>(r.bytes)), 0)
                + "x: every checkpoint writes the difference)";
        }
        f.evidence += ".";
    }

    void largeState(const Context& ctx, const ReplayFacts& facts, std::vector<Finding>& out)
    {
        if (facts.peakStateBytes < ctx.options.largeStateBytes)
            return;
        std::string biggest;
        int64_t biggestBytes = -1;
        bool anyHeap = false;
        Fix fix;
        fix.sets.push_back("config.stateBackend=rocksdb");
        for (const auto& [id, peak] : facts.state) {
            const auto* n = ctx.spec.node(id);
            if (!n || (n->kind != NodeKind::Window && n->kind != NodeKind::Aggregate))
                continue;
            bool heap = backendOf(ctx.spec, *n) == model::StateBackend::Heap;
            anyHeap = anyHeap || heap;
            if (heap && n->stateBackend)
                fix.sets.push_back(id + ".stateBackend=rocksdb");
            if (peak.bytes > biggestBytes) {
                biggestBytes = peak.bytes;
                biggest = id;
            }
        }
        double bytes = static_cast<double>(facts.peakStateBytes);
        double local = bytes / ctx.options.localDiskBytesPerSecond;
        double network = bytes / ctx.options.networkDiskBytesPerSecond;
        Finding f;
        f.rule = anyHeap ? "large-state" : "state-size";
        f.severity = anyHeap ? Severity::Warning : Severity::Info;
        f.node = biggest;
        f.measured = true;
        f.title = anyHeap ? "large state on the heap backend: full checkpoints and slow recovery"
                          : "state size, checkpoint size and recovery time";
        f.explanation
            = "Every checkpoint of the heap backend (HashMapStateBackend) writes the whole state, and a "
              "restart must download and load all of it before the job moves again, so recovery time grows "
              "with state size over disk bandwidth. The RocksDB backend (state.backend.type: rocksdb, with "
              "execution.checkpointing.incremental: true) keeps state off the JVM heap and uploads only new "
              "SST files per checkpoint; state.backend.local-recovery keeps a local copy for fast restarts.";
        f.evidence = "this replay: peak state " + humanBytes(bytes) + " ("
            + std::to_string(facts.peakStateEntries) + " entries; most in '" + biggest
            + "'). A full checkpoint is about " + humanBytes(bytes) + "; recovery reads it in "
            + fixed(local, 1) + " s from a local SSD (" + humanBytes(ctx.options.localDiskBytesPerSecond)
            + "/s) or " + fixed(network, 1) + " s from a network disk ("
            + humanBytes(ctx.options.networkDiskBytesPerSecond) + "/s).";
        if (ctx.spec.config.checkpointInterval)
            f.evidence += " Writing it to the network disk takes " + fixed(network, 1) + " s of every "
                + humanDuration(*ctx.spec.config.checkpointInterval) + " checkpoint interval.";
        f.figures["peakStateBytes"] = bytes;
        f.figures["checkpointBytes"] = bytes;
        f.figures["recoveryLocalSeconds"] = local;
        f.figures["recoveryNetworkSeconds"] = network;
        if (anyHeap) {
            fix.summary = "RocksDB state backend (incremental checkpoints, state off the heap)";
            f.fix = fix;
        }
        out.push_back(std::move(f));
    }

    bool identifier(const std::string& s)
    {
        if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
            return false;
        return std::all_of(s.begin(), s.end(),
            [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    }

    // Searches `field + C` (integers) or `concat(field, '#C')` (strings) for an offset C that spreads
    // the keys over the subtasks as evenly as their loads allow. Returns the expression, or empty.
    std::string remapExpression(
        const ReplayFacts::KeyLoad& load, int parallelism, int maxParallelism, double* bestRatio)
    {
        if (load.fields.size() != 1 || load.types.size() != 1 || !identifier(load.fields[0]))
            return {};
        FieldType t = load.types[0];
        bool integer = t == FieldType::Int || t == FieldType::Long;
        if (!integer && t != FieldType::String)
            return {};
        int64_t total = 0, heaviest = 0;
        for (const auto& [k, n] : load.keys) {
            if (integer ? !std::holds_alternative<int64_t>(k) : !std::holds_alternative<std::string>(k))
                return {};
            total += n;
            heaviest = std::max(heaviest, n);
        }
        int64_t bound = std::max(heaviest, (total + parallelism - 1) / parallelism);
        std::vector<int64_t> loads(static_cast<size_t>(parallelism));
        int64_t bestMax = INT64_MAX, bestC = 0;
        for (int64_t c = 1; c <= 200000 && bestMax > bound; ++c) {
            std::fill(loads.begin(), loads.end(), 0);
            int64_t mx = 0;
            for (const auto& [k, n] : load.keys) {
                int32_t h = integer ? javaLongHash(std::get<int64_t>(k) + c)
                                    : javaStringHash(std::get<std::string>(k) + "#" + std::to_string(c));
                int kg = runtime::keyGroupForHash(h, maxParallelism);
                auto& l = loads[static_cast<size_t>(
                    runtime::subtaskForKeyGroup(kg, parallelism, maxParallelism))];
                l += n;
                mx = std::max(mx, l);
                if (mx >= bestMax)
                    break;
            }
            if (mx < bestMax) {
                bestMax = mx;
                bestC = c;
            }
        }
        *bestRatio
            = static_cast<double>(bestMax) * parallelism / static_cast<double>(std::max<int64_t>(1, total));
        const std::string& f = load.fields[0];
        return integer ? f + " + " + std::to_string(bestC)
                       : "concat(" + f + ", '#" + std::to_string(bestC) + "')";
    }

    void keySkew(const Context& ctx, const ReplayFacts& facts, std::vector<Finding>& out)
    {
        for (const auto& o : facts.final.operators) {
            if ((o.kind != "window" && o.kind != "aggregate") || o.subtasks.size() < 2)
                continue;
            int p = static_cast<int>(o.subtasks.size());
            std::vector<int64_t> loads;
            for (const auto& s : o.subtasks)
                loads.push_back(s.recordsIn);
            int64_t total = std::accumulate(loads.begin(), loads.end(), int64_t(0));
            if (total < 100)
                continue;
            int64_t mx = *std::max_element(loads.begin(), loads.end());
            double mean = static_cast<double>(total) / p;
            double ratio = static_cast<double>(mx) / mean;
            if (ratio < ctx.options.skewThreshold)
                continue;
            int usedGroups = 0;
            for (auto r : o.keyGroupRecords)
                usedGroups += r > 0;
            std::string loadText;
            for (auto l : loads)
                loadText += (loadText.empty() ? "" : ", ") + std::to_string(l);
            Finding f;
            f.rule = "key-skew";
            f.severity = Severity::Warning;
            f.node = o.id;
            f.measured = true;
            f.title = "records land unevenly on the subtasks";
            f.figures["maxOverMean"] = ratio;
            f.figures["maxLoad"] = static_cast<double>(mx);
            f.figures["meanLoad"] = mean;
            f.figures["usedKeyGroups"] = usedGroups;
            auto ins = ctx.spec.inputsOf(o.id);
            const ReplayFacts::KeyLoad* keys = nullptr;
            std::string keyBy;
            if (ins.size() == 1) {
                keyBy = ins.front()->from;
                auto k = facts.keyLoads.find(keyBy);
                if (k != facts.keyLoads.end() && !k->second.truncated)
                    keys = &k->second;
            }
            f.evidence = "this replay: records per subtask " + loadText + " (max/mean " + fixed(ratio, 2)
                + "), " + std::to_string(usedGroups) + " key groups used";
            if (keys) {
                f.figures["distinctKeys"] = static_cast<double>(keys->keys.size());
                f.evidence += ", " + std::to_string(keys->keys.size()) + " distinct keys";
            }
            f.evidence += ".";
            bool fewKeys = keys && !keys->keys.empty() && keys->keys.size() <= static_cast<size_t>(4 * p);
            f.explanation
                = "Flink sends a key to subtask keyGroup * parallelism / maxParallelism with keyGroup = "
                  "murmurHash(key.hashCode()) % maxParallelism, so a few distinct keys (partition numbers, "
                  "regions) do not spread one per subtask: some get several, others none, and the busiest "
                  "subtask sets the pace (and the backpressure) of the job.";
            if (fewKeys) {
                f.explanation
                    += " Remapping the few keys to values that Flink routes to distinct subtasks "
                       "(`streamlab keys --remap`) spreads them; results then carry the remapped key.";
                double best = 0;
                const auto* plan = ctx.plan.op(o.id);
                std::string expr
                    = remapExpression(*keys, p, plan ? plan->maxParallelism : o.maxParallelism, &best);
                const auto* keyNode = ctx.spec.node(keyBy);
                auto keyIns = ctx.spec.inputsOf(keyBy);
                if (!expr.empty() && best < ratio && keyNode && keyIns.size() == 1) {
                    f.figures["maxOverMeanAfterRemap"] = best;
                    const auto* up = ctx.plan.op(keyIns.front()->from);
                    std::string mapId = keyBy + "Remap";
                    Fix fix;
                    fix.summary = "remap the keys before '" + keyBy + "': " + keys->fields[0] + " = " + expr
                        + " (max/mean " + fixed(best, 2) + " on this data)";
                    Edit add;
                    add.kind = Edit::Kind::AddNode;
                    add.value = model::Json { { "id", mapId }, { "kind", "map" },
                        { "set", model::Json { { keys->fields[0], expr } } } };
                    if (up)
                        add.value["parallelism"] = up->parallelism;
                    Edit rm;
                    rm.kind = Edit::Kind::RemoveEdge;
                    rm.from = edgeFrom(*keyIns.front());
                    rm.to = keyBy;
                    Edit in;
                    in.kind = Edit::Kind::AddEdge;
                    in.value = model::Json { { "from", rm.from }, { "to", mapId } };
                    Edit outE;
                    outE.kind = Edit::Kind::AddEdge;
                    outE.value = model::Json { { "from", mapId }, { "to", keyBy } };
                    fix.edits = { add, rm, in, outE };
                    f.fix = fix;
                }
            } else {
                f.explanation += " With many keys, a few hot ones dominate: pre-aggregate them (two-phase "
                                 "aggregation, table.optimizer.agg-phase-strategy) or salt the hot keys.";
            }
            out.push_back(std::move(f));
        }
    }

} // namespace

Status dynamicRules(const Context& ctx, const ReplayFacts& facts, std::vector<Finding>& out)
{
    for (auto& f : out) {
        if (f.rule == "late-firing-flood")
            lateFlood(ctx, facts, f);
        else if (f.rule == "window-state-without-ttl")
            statePeakEvidence(facts, f);
        else if (f.rule == "running-aggregate-without-ttl")
            stateGrowth(facts, f);
        else if (f.rule == "idle-partition-without-timeout")
            idleEvidence(facts, f);
        else if (f.rule == "generic-serialization")
            serializationEvidence(ctx, facts, f);
        else if (f.rule == "redundant-exchange")
            exchangeEvidence(facts, f);
        else if (f.rule == "list-window-state")
            listStateEvidence(ctx, facts, f);
    }
    largeState(ctx, facts, out);
    keySkew(ctx, facts, out);
    return {};
}

} // namespace streamlab::lint::detail
