#include "lint/replay_facts.h"

#include "core/temp_path.h"
#include "core/value_codec.h"
#include "runtime/plan.h"
#include "runtime/simulation.h"

#include <algorithm>
#include <unordered_map>

namespace streamlab::lint {

namespace {

    // The source whose fields reach `keyBy` unchanged (through filters and maps that do not set
    // a key field), or empty.
    std::string sourceOfKey(const model::JobSpec& spec, const model::NodeSpec& keyBy)
    {
        const auto& key = keyBy.as<model::KeyBySpec>().key;
        const model::NodeSpec* n = &keyBy;
        for (int guard = 0; guard < 64; ++guard) {
            auto ins = spec.inputsOf(n->id);
            if (ins.size() != 1 || !ins.front()->fromPort.empty())
                return {};
            n = spec.node(ins.front()->from);
            if (!n)
                return {};
            if (n->kind == model::NodeKind::Source)
                return n->id;
            if (n->kind == model::NodeKind::Map) {
                for (const auto& [field, text] : n->as<model::MapSpec>().set)
                    if (std::find(key.begin(), key.end(), field) != key.end())
                        return {};
            } else if (n->kind != model::NodeKind::Filter) {
                return {};
            }
        }
        return {};
    }

    class FactsObserver final : public runtime::Observer {
    public:
        struct Source {
            std::vector<int64_t> lastRecord; // per partition; INT64_MIN: none yet
            std::vector<int64_t> subtaskWatermark;
            std::vector<bool> subtaskIdle;
            int64_t combined = INT64_MIN;
            int64_t lastAdvance = INT64_MIN;
            ReplayFacts::SourceIdleness* out = nullptr;
        };
        struct KeyTap {
            std::string source;
            std::vector<int> indices; // in the source schema; resolved at the first record
            bool resolved = false;
            bool usable = true;
            std::unordered_map<std::string, size_t> index;
            ReplayFacts::KeyLoad* out = nullptr;
        };

        FactsObserver(ReplayFacts& facts, size_t maxKeys)
            : m_facts(facts)
            , m_maxKeys(maxKeys)
        {
        }

        std::map<std::string, Source> sources;
        std::map<std::string, KeyTap> taps; // per keyBy
        bool sawRecord = false;

        void onSourceRecord(const std::string& source, int partition, int subtask, int64_t now,
            const Schema& schema, const Record& r) override
        {
            (void)subtask;
            if (!sawRecord) {
                sawRecord = true;
                m_facts.startTime = now;
            }
            auto it = sources.find(source);
            if (it != sources.end()) {
                Source& s = it->second;
                if (s.lastAdvance == INT64_MIN)
                    s.lastAdvance = now;
                int64_t stall = now - s.lastAdvance;
                for (size_t q = 0; q < s.lastRecord.size(); ++q) {
                    if (static_cast<int>(q) == partition || s.lastRecord[q] > s.lastAdvance)
                        continue;
                    if (stall > s.out->heldBack) {
                        s.out->heldBack = stall;
                        s.out->silentPartition = static_cast<int>(q);
                        s.out->heldBackFrom = s.lastAdvance;
                        s.out->watermarkAtStall = s.combined;
                    }
                    break;
                }
                if (partition >= 0 && static_cast<size_t>(partition) < s.lastRecord.size())
                    s.lastRecord[static_cast<size_t>(partition)] = now;
            }
            for (auto& [id, tap] : taps) {
                if (tap.source != source || !tap.usable)
                    continue;
                if (!tap.resolved) {
                    tap.resolved = true;
                    for (const auto& f : tap.out->fields) {
                        int i = schema.indexOf(f);
                        if (i < 0) {
                            tap.usable = false;
                            break;
                        }
                        tap.indices.push_back(i);
                        tap.out->types.push_back(schema.fields[static_cast<size_t>(i)].type);
                    }
                    if (!tap.usable)
                        continue;
                }
                Value key;
                if (tap.indices.size() == 1) {
                    key = r.fields[static_cast<size_t>(tap.indices[0])];
                } else {
                    std::vector<Value> parts;
                    for (int i : tap.indices)
                        parts.push_back(r.fields[static_cast<size_t>(i)]);
                    key = makeList(std::move(parts));
                }
                m_bytes.clear();
                encodeValue(m_bytes, key);
                auto found = tap.index.find(m_bytes);
                if (found != tap.index.end()) {
                    ++tap.out->keys[found->second].second;
                } else if (tap.index.size() < m_maxKeys) {
                    tap.index.emplace(m_bytes, tap.out->keys.size());
                    tap.out->keys.emplace_back(key, 1);
                } else {
                    tap.out->truncated = true;
                }
            }
        }

        void onWatermark(const std::string& node, int subtask, int split, int64_t now, int64_t w) override
        {
            if (split != -1)
                return;
            auto it = sources.find(node);
            if (it == sources.end() || subtask < 0
                || static_cast<size_t>(subtask) >= it->second.subtaskWatermark.size())
                return;
            it->second.subtaskWatermark[static_cast<size_t>(subtask)] = w;
            recompute(it->second, now);
        }

        void onIdle(const std::string& node, int subtask, int split, int64_t now, bool idle) override
        {
            if (split != -1)
                return;
            auto it = sources.find(node);
            if (it == sources.end() || subtask < 0
                || static_cast<size_t>(subtask) >= it->second.subtaskIdle.size())
                return;
            it->second.subtaskIdle[static_cast<size_t>(subtask)] = idle;
            recompute(it->second, now);
        }

    private:
        static void recompute(Source& s, int64_t now)
        {
            int64_t m = INT64_MAX;
            bool any = false;
            for (size_t i = 0; i < s.subtaskWatermark.size(); ++i) {
                if (s.subtaskIdle[i])
                    continue;
                any = true;
                m = std::min(m, s.subtaskWatermark[i]);
            }
            if (any && m > s.combined) {
                s.combined = m;
                s.lastAdvance = now;
            }
        }

        ReplayFacts& m_facts;
        size_t m_maxKeys;
        std::string m_bytes;
    };

} // namespace

Result<ReplayFacts> probeReplay(const model::JobSpec& spec, const ProbeOptions& options)
{
    auto plan = runtime::buildPlan(spec);
    if (!plan.ok())
        return plan.status();
    ReplayFacts facts;
    FactsObserver observer(facts, options.maxKeys);
    for (const auto& n : spec.nodes) {
        if (n.kind == model::NodeKind::Source) {
            const auto* op = plan->op(n.id);
            const auto& src = n.as<model::SourceSpec>();
            auto& out = facts.idleness[n.id];
            out.partitions = src.partitionCount;
            auto& s = observer.sources[n.id];
            s.out = &out;
            s.lastRecord.assign(static_cast<size_t>(std::max(1, src.partitionCount)), INT64_MIN);
            size_t p = static_cast<size_t>(op ? op->parallelism : 1);
            s.subtaskWatermark.assign(p, INT64_MIN);
            s.subtaskIdle.assign(p, false);
        } else if (n.kind == model::NodeKind::KeyBy) {
            std::string source = sourceOfKey(spec, n);
            if (source.empty())
                continue;
            auto& load = facts.keyLoads[n.id];
            load.fields = n.as<model::KeyBySpec>().key;
            auto& tap = observer.taps[n.id];
            tap.source = source;
            tap.out = &load;
        }
    }
    runtime::RunOptions run;
    run.events = options.events;
    run.observer = &observer;
    run.stopRequested = options.stopRequested;
    run.seriesInterval = std::max<int64_t>(1, options.sampleInterval);
    run.onSeries = [&facts](const metrics::MetricsSnapshot& m) {
        int64_t allBytes = 0, allEntries = 0;
        for (const auto& o : m.operators) {
            int64_t e = 0, b = 0;
            for (const auto& s : o.subtasks) {
                e += s.stateEntries;
                b += s.stateBytes;
            }
            auto& peak = facts.state[o.id];
            peak.entries = std::max(peak.entries, e);
            peak.bytes = std::max(peak.bytes, b);
            if (o.kind == "window" || o.kind == "aggregate")
                peak.entriesOverTime.emplace_back(m.processingTime, e);
            allBytes += b;
            allEntries += e;
        }
        facts.peakStateBytes = std::max(facts.peakStateBytes, allBytes);
        facts.peakStateEntries = std::max(facts.peakStateEntries, allEntries);
    };
    // File sinks write into a folder of the probe's own, removed after it: measuring a job must
    // not change the person's files.
    const std::filesystem::path sinkDir = uniqueTempPath("streamlab-lint");
    model::JobSpec local = spec;
    if (!model::redirectFileSinks(local, sinkDir))
        return Status::ioError(sinkDir.string() + ": cannot create a folder for the file sinks");
    struct RemoveDir {
        std::filesystem::path dir;
        ~RemoveDir()
        {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } removeSinkDir { sinkDir };
    auto sim = runtime::Simulation::create(local, run, nullptr);
    if (!sim.ok())
        return sim.status();
    STREAMLAB_RETURN_IF_ERROR((*sim)->run());
    facts.final = (*sim)->snapshot();
    facts.endTime = facts.final.processingTime;
    // Keys for a keyBy that the source never saw (no records) stay empty.
    for (auto it = facts.keyLoads.begin(); it != facts.keyLoads.end();) {
        auto tap = observer.taps.find(it->first);
        if (tap == observer.taps.end() || !tap->second.usable)
            it = facts.keyLoads.erase(it);
        else
            ++it;
    }
    return facts;
}

} // namespace streamlab::lint
