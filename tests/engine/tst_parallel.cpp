// Parallel simulation: results independent of parallelism, deterministic counters, real
// serialization across exchanges (typed versus generic, a redundant keyBy), the physical plan.
#include "model/job.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/plan.h"
#include "runtime/serializer.h"
#include "runtime/simulation.h"

#include <QtTest>

using namespace streamlab;

namespace {

class Collect final : public runtime::ResultListener {
public:
    std::vector<std::string> records;
    void onRecord(const std::string& sink, int, const Schema& schema, const Record& r) override
    {
        std::string s = sink;
        s += ':';
        appendRecordJson(s, schema, r);
        records.push_back(s);
    }
};

struct Outcome {
    std::vector<std::string> records; // in emission order
    metrics::MetricsSnapshot metrics;
};

Outcome runJob(const std::string& jobFile, const std::vector<std::string>& sets)
{
    auto job = model::Job::load(jobFile);
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    for (const auto& s : sets)
        if (auto st = model::applySet(*job, s); !st.ok())
            qFatal("%s", st.message().c_str());
    auto c = model::compile(*job);
    if (c.hasErrors())
        qFatal("%s", model::describeErrors(c.problems, "").c_str());
    Collect out;
    auto sim = runtime::Simulation::create(c.spec, {}, &out);
    if (!sim.ok())
        qFatal("%s", sim.status().message().c_str());
    if (auto st = (*sim)->run(); !st.ok())
        qFatal("%s", st.message().c_str());
    return { out.records, (*sim)->snapshot() };
}

const metrics::ExchangeMetrics* exchange(const metrics::MetricsSnapshot& m, const std::string& from, const std::string& to)
{
    for (const auto& x : m.exchanges)
        if (x.from == from && x.to == to)
            return &x;
    return nullptr;
}

const std::string kClicks = STREAMLAB_SAMPLES "/clickstream/job.json";

} // namespace

class TestParallel : public QObject {
    Q_OBJECT
private slots:
    void resultsDoNotDependOnParallelism()
    {
        auto one = runJob(kClicks, { "config.parallelism=1" });
        QVERIFY(one.records.size() > 300);
        std::sort(one.records.begin(), one.records.end());
        for (const char* p : { "config.parallelism=4", "config.parallelism=3" }) {
            auto many = runJob(kClicks, { p });
            std::sort(many.records.begin(), many.records.end());
            QCOMPARE(many.records, one.records);
        }
    }

    void deterministic()
    {
        auto a = runJob(kClicks, { "config.parallelism=4" });
        auto b = runJob(kClicks, { "config.parallelism=4" });
        QCOMPARE(a.records, b.records); // same order too
        const auto* wa = a.metrics.op("perMinute");
        const auto* wb = b.metrics.op("perMinute");
        for (size_t i = 0; i < wa->subtasks.size(); ++i) {
            QCOMPARE(wa->subtasks[i].recordsIn, wb->subtasks[i].recordsIn);
            QCOMPARE(wa->subtasks[i].firings.late, wb->subtasks[i].firings.late);
        }
        QCOMPARE(wa->keyGroupRecords, wb->keyGroupRecords);
        QCOMPARE(exchange(a.metrics, "clicks", "perMinute")->bytes, exchange(b.metrics, "clicks", "perMinute")->bytes);
    }

    void keyGroupCountsAddUp()
    {
        auto r = runJob(kClicks, {});
        const auto* w = r.metrics.op("perMinute");
        int64_t sum = 0;
        for (auto n : w->keyGroupRecords)
            sum += n;
        QCOMPARE(sum, 5000);
        QCOMPARE(w->keyGroupRecords.size(), size_t(128));
    }

    void genericSerializationCostsSeveralTimesTyped()
    {
        // The same job without a declared schema falls back to the self-describing encoding.
        auto typed = runJob(kClicks, {});
        auto generic = runJob(kClicks, { "clicks.schema=null" });
        const auto* xt = exchange(typed.metrics, "clicks", "perMinute");
        const auto* xg = exchange(generic.metrics, "clicks", "perMinute");
        QVERIFY(xt && xg);
        QVERIFY(!xt->genericSerializer);
        QVERIFY(xg->genericSerializer);
        QCOMPARE(xt->records, 5000);
        QCOMPARE(xg->records, 5000);
        QVERIFY2(xg->bytes >= 2 * xt->bytes, qPrintable(QString("generic %1 vs typed %2").arg(xg->bytes).arg(xt->bytes)));
        std::sort(typed.records.begin(), typed.records.end());
        std::sort(generic.records.begin(), generic.records.end());
        QCOMPARE(generic.records, typed.records);
    }

    void redundantKeyByBeforeSinkIsSerialized()
    {
        auto job = model::Job::load(kClicks);
        QVERIFY(job.ok());
        // perMinute -> out becomes perMinute -> again(keyBy key) -> out.
        job->nodes.push_back(model::Node { model::Json::parse(R"({"id":"again","kind":"keyBy","key":["key"]})") });
        for (auto& e : job->edges)
            if (e.doc["from"] == "perMinute" && e.doc["to"] == "out")
                e.doc["to"] = "again";
        job->edges.push_back(model::Edge { model::Json::parse(R"({"from":"again","to":"out"})") });
        auto c = model::compile(*job);
        QVERIFY2(!c.hasErrors(), model::describeErrors(c.problems, "").c_str());
        auto plan = runtime::buildPlan(c.spec);
        QVERIFY(plan.ok());
        Collect out;
        auto sim = runtime::Simulation::create(c.spec, {}, &out);
        QVERIFY(sim.ok());
        QVERIFY((*sim)->run().ok());
        auto m = (*sim)->snapshot();
        const auto* x = exchange(m, "perMinute", "out");
        QVERIFY(x);
        QCOMPARE(x->partitioner, std::string("HASH"));
        QVERIFY(!x->chained);
        QVERIFY(x->bytes > 0);
        QCOMPARE(x->records, 395);
        QVERIFY(m.op("perMinute")->subtasks[0].bytesSerialized + m.op("perMinute")->subtasks[1].bytesSerialized >= x->bytes);
        // Without the keyBy the same edge is chained: no bytes.
        auto plain = runJob(kClicks, {});
        QVERIFY(exchange(plain.metrics, "perMinute", "out")->chained);
        QCOMPARE(exchange(plain.metrics, "perMinute", "out")->bytes, 0);
    }

    void planChainsAndPartitioners()
    {
        auto job = model::Job::parse(R"({"format":"streamlab-job","version":1,"config":{"parallelism":2},"nodes":[
            {"id":"src","kind":"source","path":"x.csv","timestamp":"ts","parallelism":1},
            {"id":"f","kind":"filter","where":"true","parallelism":1},
            {"id":"m","kind":"map","set":{"y":"1"}},
            {"id":"k","kind":"keyBy","key":["y"]},
            {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1s"},"aggregate":{"fn":"count"}},
            {"id":"out","kind":"sink"}],
            "edges":[{"from":"src","to":"f"},{"from":"f","to":"m"},{"from":"m","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"}]})",
            "t");
        QVERIFY(job.ok());
        auto c = model::compile(*job);
        QVERIFY(!c.hasErrors());
        auto plan = runtime::buildPlan(c.spec);
        QVERIFY(plan.ok());
        // src -> f chain (forward, parallelism 1); f -> m rebalances (1 -> 2); m -> w hash; w -> out chains.
        QCOMPARE(plan->tasks.size(), size_t(3));
        QCOMPARE(plan->tasks[0].name(), std::string("src -> f"));
        QCOMPARE(plan->tasks[1].name(), std::string("m"));
        QCOMPARE(plan->tasks[2].name(), std::string("w -> out"));
        QCOMPARE(plan->inputsOf("m")[0]->partitioner, model::Partitioner::Rebalance);
        QCOMPARE(plan->inputsOf("w")[0]->partitioner, model::Partitioner::Hash);
        QCOMPARE(plan->op("w")->keyGroups.size(), size_t(2));
        QCOMPARE(plan->op("w")->keyGroups[1].first, 64);
    }

    void serializerRoundTrips()
    {
        auto typed = std::make_shared<Schema>();
        typed->declared = true;
        typed->fields = { { "s", FieldType::String }, { "i", FieldType::Int }, { "l", FieldType::Long },
            { "d", FieldType::Double }, { "b", FieldType::Boolean }, { "t", FieldType::Timestamp } };
        Record r;
        r.timestamp = 1663927200000;
        r.fields = { std::string("héllo"), int64_t(-7), int64_t(1) << 40, 2.5, true, Value {} };
        for (bool generic : { false, true }) {
            auto schema = std::make_shared<Schema>(*typed);
            schema->declared = !generic;
            runtime::RecordSerializer s(schema);
            QCOMPARE(s.generic(), generic);
            std::string bytes;
            s.serialize(r, bytes);
            Record back;
            QVERIFY(s.deserialize(bytes, back));
            QCOMPARE(back.timestamp, r.timestamp);
            QVERIFY(back.fields == r.fields);
        }
        // A list (composite key, collect) survives the generic encoding.
        auto any = std::make_shared<Schema>();
        any->fields = { { "k", FieldType::Any } };
        runtime::RecordSerializer g(any);
        Record l;
        l.fields = { makeList({ std::string("a"), int64_t(1) }) };
        std::string bytes;
        g.serialize(l, bytes);
        Record back;
        QVERIFY(g.deserialize(bytes, back));
        QCOMPARE(valueToText(back.fields[0]), std::string("[\"a\",1]"));
        QCOMPARE(back.timestamp, kMinTimestamp);
    }
};

QTEST_APPLESS_MAIN(TestParallel)
#include "tst_parallel.moc"
