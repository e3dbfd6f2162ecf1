// Parallel simulation: results independent of parallelism, deterministic counters, real
// serialization across exchanges (typed versus generic, a redundant keyBy), the physical plan.
#include "model/job.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/plan.h"
#include "runtime/serializer.h"
#include "runtime/simulation.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

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
    void onSinkWatermark(const std::string& sink, int subtask, int64_t watermark) override
    {
        if (withWatermarks)
            records.push_back("watermark " + sink + "/" + std::to_string(subtask) + ": " + std::to_string(watermark));
    }
    bool withWatermarks = false;
};

struct Outcome {
    std::vector<std::string> records; // in emission order
    metrics::MetricsSnapshot metrics;
    bool pipelined = false;
    Status status;
    int planThreads = 0; // what `streamlab plan` says a run does with the job
};

struct How {
    bool pipeline = true;
    bool watermarks = false; // sink watermarks among the records
    bool mayFail = false;
};

Outcome runJob(const std::string& jobFile, const std::vector<std::string>& sets, How how = {})
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
    out.withWatermarks = how.watermarks;
    runtime::RunOptions options;
    options.pipeline = how.pipeline;
    auto sim = runtime::Simulation::create(c.spec, options, &out);
    if (!sim.ok())
        qFatal("%s", sim.status().message().c_str());
    Status st = (*sim)->run();
    if (!st.ok() && !how.mayFail)
        qFatal("%s", st.message().c_str());
    auto plan = runtime::buildPlan(c.spec);
    if (!plan.ok())
        qFatal("%s", plan.status().message().c_str());
    return { out.records, (*sim)->snapshot(), (*sim)->pipelined(), st, plan->runThreads };
}

// Every counter of a snapshot but the measured times, one line each.
std::vector<std::string> counters(const metrics::MetricsSnapshot& m)
{
    std::vector<std::string> out;
    auto add = [&](const std::string& what, int64_t v) { out.push_back(what + " " + std::to_string(v)); };
    add("processingTime", m.processingTime);
    add("eventsReplayed", m.eventsReplayed);
    for (const auto& o : m.operators) {
        for (size_t i = 0; i < o.subtasks.size(); ++i) {
            const auto& s = o.subtasks[i];
            const std::string at = o.id + "/" + std::to_string(i) + " ";
            add(at + "recordsIn", s.recordsIn);
            add(at + "recordsOut", s.recordsOut);
            add(at + "lateDropped", s.lateDropped);
            add(at + "lateSideOutput", s.lateSideOutput);
            add(at + "firings", s.firings.onTime * 1000000 + s.firings.late * 1000 + s.firings.early);
            add(at + "stateEntries", s.stateEntries);
            add(at + "stateBytes", s.stateBytes);
            add(at + "watermark", s.watermark);
            add(at + "idle", s.idle);
            add(at + "bytesSerialized", s.bytesSerialized);
        }
        for (size_t g = 0; g < o.keyGroupRecords.size(); ++g)
            add(o.id + " keyGroup " + std::to_string(g), o.keyGroupRecords[g]);
    }
    for (const auto& x : m.exchanges) {
        add(x.from + "->" + x.to + " records", x.records);
        add(x.from + "->" + x.to + " bytes", x.bytes);
    }
    for (const auto& s : m.sources) {
        add(s.id + " eventsRead", s.eventsRead);
        add(s.id + " badLines", s.badLines);
    }
    return out;
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

    // run() hands what is downstream of the sources' exchanges to a second thread: the same
    // results and sink watermarks in the same order, and the same counters, as on one thread.
    void pipelinedRunMatchesOneThread_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("set");
        QTest::addColumn<QString>("more");
        QTest::addColumn<bool>("pipelines");
        for (const char* name : { "clickstream", "coupled-warehouse", "generic-serialization", "idle-partition",
                 "large-state", "list-vs-reducing", "redundant-keyby", "skew", "state-growth", "stuck-producer" })
            for (const char* p : { "config.parallelism=1", "config.parallelism=4" })
                QTest::addRow("%s %s", name, p) << QString(STREAMLAB_SAMPLES "/%1/job.json").arg(name) << QString(p)
                                                 << QString() << true;
        // A network exchange on the downstream thread too (window p4 -> sink p1, rebalance).
        QTest::addRow("clickstream sink parallelism 1")
            << QString(STREAMLAB_SAMPLES "/clickstream/job.json") << QString("config.parallelism=4")
            << QString("out.parallelism=1") << true;
        // Late firings every minute of processing time: timers keep the job on one thread.
        QTest::addRow("stuck-producer lateFiring every 1m")
            << QString(STREAMLAB_SAMPLES "/stuck-producer/job.json") << QString("config.parallelism=2")
            << QString("avgPer5m.lateFiring.every=1m") << false;
        // So does a processing-time trigger.
        QTest::addRow("clickstream processingTime trigger")
            << QString(STREAMLAB_SAMPLES "/clickstream/job.json") << QString("config.parallelism=2")
            << QString("perMinute.trigger.type=processingTime") << false;
    }
    void pipelinedRunMatchesOneThread()
    {
        QFETCH(QString, job);
        QFETCH(QString, set);
        QFETCH(QString, more);
        QFETCH(bool, pipelines);
        std::vector<std::string> sets { set.toStdString() };
        if (!more.isEmpty())
            sets.push_back(more.toStdString());
        auto one = runJob(job.toStdString(), sets, { .pipeline = false, .watermarks = true });
        auto two = runJob(job.toStdString(), sets, { .pipeline = true, .watermarks = true });
        QVERIFY(!one.pipelined);
        QCOMPARE(two.pipelined, pipelines);
        QCOMPARE(two.planThreads, pipelines ? 2 : 1); // `streamlab plan` says what run() does
        QVERIFY(!one.records.empty());
        QCOMPARE(two.records, one.records);
        QCOMPARE(counters(two.metrics), counters(one.metrics));
    }

    // A failure on the downstream thread (here: records without a timestamp reach an event-time
    // window) fails the run with the same message as on one thread, and nothing after it is
    // delivered.
    void pipelinedRunFailsAsOneThread()
    {
        const std::vector<std::string> sets { "clicks.timestamp=null", "clicks.watermark.strategy=none" };
        auto one = runJob(kClicks, sets, { .pipeline = false, .mayFail = true });
        auto two = runJob(kClicks, sets, { .pipeline = true, .mayFail = true });
        QVERIFY(two.pipelined);
        QVERIFY(!one.status.ok());
        QCOMPARE(two.status.message(), one.status.message());
        QVERIFY2(one.status.message().find("perMinute") != std::string::npos, one.status.message().c_str());
        QCOMPARE(two.records, one.records);
    }

    // Records far larger than a pipe chunk (8 KB) cross to the downstream thread whole: a
    // chunk grows for them and is reused after.
    void pipelinedRunCarriesLargeRecords()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath("big.csv");
        {
            std::ofstream f(csv.toStdString());
            f << "ts,key,payload\n";
            for (int i = 0; i < 300; ++i)
                f << 1663927200000 + i * 100 << ",k" << i % 7 << "," << std::string(static_cast<size_t>(i % 3 == 0 ? 40000 : 10), 'a' + i % 26) << "\n";
        }
        const QString job = dir.filePath("job.json");
        std::ofstream(job.toStdString()) << R"({"format":"streamlab-job","version":1,"nodes":[
            {"id":"src","kind":"source","path":)" << nlohmann::json(csv.toStdString()).dump() << R"(,"timestamp":"ts",
             "schema":{"ts":"timestamp","key":"string","payload":"string"},
             "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"1s"}},
            {"id":"k","kind":"keyBy","key":["key"]},
            {"id":"out","kind":"sink"}],
            "edges":[{"from":"src","to":"k"},{"from":"k","to":"out"}]})";
        auto one = runJob(job.toStdString(), {}, { .pipeline = false });
        auto two = runJob(job.toStdString(), {}, { .pipeline = true });
        QVERIFY(two.pipelined);
        QCOMPARE(one.records.size(), size_t(300));
        QCOMPARE(two.records, one.records);
        QCOMPARE(counters(two.metrics), counters(one.metrics));
    }

    // A replay stopped mid-run (RunOptions::stopRequested) while the downstream thread works:
    // run() waits for that thread and fails with Aborted, and nothing hangs.
    void pipelinedRunStops()
    {
        auto job = model::Job::load(kClicks);
        QVERIFY(job.ok());
        auto c = model::compile(*job);
        QVERIFY(!c.hasErrors());
        Collect out;
        runtime::RunOptions options;
        int asked = 0;
        options.stopRequested = [&] { return ++asked > 1; };
        auto sim = runtime::Simulation::create(c.spec, options, &out);
        QVERIFY(sim.ok());
        Status st = (*sim)->run();
        QVERIFY((*sim)->pipelined());
        QCOMPARE(st.code(), Status::Code::Aborted);
        QVERIFY((*sim)->eventsReplayed() > 0);
        QVERIFY((*sim)->eventsReplayed() < 5000);
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
        QCOMPARE(plan->runThreads, 2); // m and w -> out after the rebalance, on the second thread
    }

    // Why a run stays on one thread, as `streamlab plan` says it (the samples' rows of
    // pipelinedRunMatchesOneThread check the prediction against run()).
    void planSaysWhyOneThread_data()
    {
        QTest::addColumn<QString>("nodes");
        QTest::addColumn<QString>("edges");
        QTest::addColumn<QString>("because");
        QTest::newRow("sink chained to the source")
            << R"({"id":"out","kind":"sink"})" << R"({"from":"src","to":"out"})" << "sink 'out' is chained to source 'src'";
        QTest::newRow("sink chained after a filter")
            << R"({"id":"f","kind":"filter","where":"true"},{"id":"out","kind":"sink"})"
            << R"({"from":"src","to":"f"},{"from":"f","to":"out"})" << "sink 'out' is chained to source 'src'";
        QTest::newRow("global window")
            << R"({"id":"k","kind":"keyBy","key":["v"]},{"id":"w","kind":"window","assigner":{"type":"global"},"trigger":{"type":"count","count":2},"aggregate":{"fn":"count"}},{"id":"out","kind":"sink"})"
            << R"({"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"})" << "window 'w' may ask for processing-time timers (a global window)";
    }
    void planSaysWhyOneThread()
    {
        QFETCH(QString, nodes);
        QFETCH(QString, edges);
        QFETCH(QString, because);
        auto job = model::Job::parse(R"({"format":"streamlab-job","version":1,"config":{"parallelism":1},"nodes":[
            {"id":"src","kind":"source","path":"x.csv","timestamp":"ts","schema":{"ts":"timestamp","v":"long"}},)"
                + nodes.toStdString() + R"(],"edges":[)" + edges.toStdString() + "]}",
            "t");
        QVERIFY2(job.ok(), job.status().message().c_str());
        auto c = model::compile(*job);
        QVERIFY2(!c.hasErrors(), model::describeErrors(c.problems, "").c_str());
        auto plan = runtime::buildPlan(c.spec);
        QVERIFY(plan.ok());
        QCOMPARE(plan->runThreads, 1);
        QVERIFY2(plan->oneThreadBecause.find(because.toStdString()) == 0, plan->oneThreadBecause.c_str());
        QVERIFY(plan->toText().find("run: 1 thread: " + because.toStdString()) != std::string::npos);
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
        // Typed fields holding another alternative are coerced, a record without a timestamp
        // keeps none, and records appended one after the other read back apart.
        auto schema = std::make_shared<Schema>(*typed);
        runtime::RecordSerializer s(schema);
        Record loose;
        loose.fields = { int64_t(42), 3.9, true, int64_t(5), int64_t(0), 7.0 };
        std::string two;
        s.serialize(r, two);
        const size_t first = two.size();
        s.serialize(loose, two);
        Record a, b;
        QVERIFY(s.deserialize(std::string_view(two).substr(0, first), a));
        QVERIFY(s.deserialize(std::string_view(two).substr(first), b));
        QVERIFY(a.fields == r.fields);
        QCOMPARE(b.timestamp, kMinTimestamp);
        std::vector<Value> coerced { std::string("42"), int64_t(3), int64_t(1), 5.0, false, int64_t(7) };
        QVERIFY(b.fields == coerced);
        QVERIFY(s.maxSize(loose) >= two.size() - first);
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
