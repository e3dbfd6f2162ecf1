// lint: every rule fires on a job that walks into its pitfall and not on the same job after its fix;
// the dynamic rules' evidence equals the replay's metrics; every sample's doctor output names its
// pitfall and applying the suggested fix removes it.
#include "lint/fix.h"
#include "lint/linter.h"
#include "lint/replay_facts.h"
#include "model/job.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/simulation.h"
#include "whatif/sweep.h"

#include <QtTest>
#include <filesystem>

using namespace streamlab;

namespace {

model::Job loadJob(const std::string& relative)
{
    auto job = model::Job::load(std::string(STREAMLAB_SAMPLES "/") + relative);
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    return *job;
}

const lint::Finding* find(const std::vector<lint::Finding>& fs, const std::string& rule)
{
    for (const auto& f : fs)
        if (f.rule == rule)
            return &f;
    return nullptr;
}

std::vector<lint::Finding> replayLint(const model::Job& job)
{
    auto r = lint::lintWithReplay(job, {});
    if (!r.ok())
        qFatal("%s", r.status().message().c_str());
    return *r;
}

metrics::MetricsSnapshot replay(const model::Job& job)
{
    auto compiled = model::compile(job);
    if (compiled.hasErrors())
        qFatal("%s", model::describeErrors(compiled.problems, "").c_str());
    auto sim = runtime::Simulation::create(compiled.spec, {}, nullptr);
    if (!sim.ok() || !(*sim)->run().ok())
        qFatal("replay failed");
    return (*sim)->snapshot();
}

metrics::SubtaskMetrics total(const metrics::MetricsSnapshot& m, const std::string& op)
{
    metrics::SubtaskMetrics t;
    for (const auto& s : m.op(op)->subtasks) {
        t.recordsIn += s.recordsIn;
        t.firings.late += s.firings.late;
        t.firings.onTime += s.firings.onTime;
        t.stateEntries += s.stateEntries;
    }
    return t;
}

} // namespace

class TestLint : public QObject {
    Q_OBJECT

private slots:
    // Static rules: the job (a sample, with --set changes) triggers the rule on the node; after
    // applyFix with the finding's fix it does not.
    void staticRule_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QStringList>("sets");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("where");
        QTest::addColumn<int>("severity");
        QTest::newRow("late-firing-flood")
            << "stuck-producer/job.json" << QStringList {} << "late-firing-flood"
            << "avgPer5m" << int(lint::Severity::Warning);
        QTest::newRow("window-state-without-ttl")
            << "stuck-producer/job.json" << QStringList {} << "window-state-without-ttl"
            << "avgPer5m" << int(lint::Severity::Warning);
        QTest::newRow("window-state-without-ttl, short lateness")
            << "clickstream/job.json" << QStringList {} << "window-state-without-ttl"
            << "perMinute" << int(lint::Severity::Info);
        QTest::newRow("running-aggregate-without-ttl")
            << "state-growth/job.json" << QStringList {} << "running-aggregate-without-ttl"
            << "viewsPerSession" << int(lint::Severity::Warning);
        QTest::newRow("idle-partition-without-timeout")
            << "idle-partition/job.json" << QStringList {} << "idle-partition-without-timeout"
            << "orders" << int(lint::Severity::Warning);
        QTest::newRow("idle partitions of the clickstream")
            << "clickstream/job.json" << QStringList { "clicks.watermark.idleTimeout=null" }
            << "idle-partition-without-timeout"
            << "clicks" << int(lint::Severity::Warning);
        QTest::newRow("generic-serialization")
            << "generic-serialization/job.json" << QStringList {} << "generic-serialization"
            << "clicks" << int(lint::Severity::Warning);
        QTest::newRow("generic-serialization, any field")
            << "clickstream/job.json" << QStringList { "clicks.schema.page=any" } << "generic-serialization"
            << "clicks" << int(lint::Severity::Warning);
        QTest::newRow("redundant keyBy")
            << "redundant-keyby/job.json" << QStringList {} << "redundant-exchange"
            << "byKeyAgain" << int(lint::Severity::Warning);
        QTest::newRow("list-window-state")
            << "list-vs-reducing/job.json" << QStringList {} << "list-window-state"
            << "avgPer10m" << int(lint::Severity::Warning);
        QTest::newRow("coupled-warehouse-sink")
            << "coupled-warehouse/job.json" << QStringList {} << "coupled-warehouse-sink"
            << "warehouse" << int(lint::Severity::Error);
        QTest::newRow("coupled-warehouse-sink, no outages")
            << "coupled-warehouse/job.json" << QStringList { "warehouse.outages=[]" }
            << "coupled-warehouse-sink"
            << "warehouse" << int(lint::Severity::Warning);
        QTest::newRow("uneven-key-groups")
            << "skew/job.json" << QStringList { "config.parallelism=3", "config.maxParallelism=10" }
            << "uneven-key-groups"
            << "sumPer10s" << int(lint::Severity::Warning);
        QTest::newRow("uneven-key-groups, slight")
            << "skew/job.json" << QStringList { "config.parallelism=3" } << "uneven-key-groups"
            << "sumPer10s" << int(lint::Severity::Info);
    }
    void staticRule()
    {
        QFETCH(QString, job);
        QFETCH(QStringList, sets);
        QFETCH(QString, rule);
        QFETCH(QString, where);
        QFETCH(int, severity);
        auto j = loadJob(job.toStdString());
        for (const auto& s : sets)
            QVERIFY(model::applySet(j, s.toStdString()).ok());
        auto findings = lint::lintStatic(j);
        const auto* f = find(findings, rule.toStdString());
        QVERIFY2(f, lint::formatFindings(findings).c_str());
        QCOMPARE(QString::fromStdString(f->node), where);
        QCOMPARE(int(f->severity), severity);
        QVERIFY(!f->title.empty());
        QVERIFY(f->explanation.size() > 100);
        QVERIFY(!f->evidence.empty());
        QVERIFY(!f->measured);
        QVERIFY(f->fix);
        auto st = lint::applyFix(j, *f->fix);
        QVERIFY2(st.ok(), st.message().c_str());
        QVERIFY2(!model::compile(j).hasErrors(), j.toText().c_str());
        auto after = lint::lintStatic(j);
        QVERIFY2(!find(after, rule.toStdString()), lint::formatFindings(after).c_str());
    }

    void aJobThatDoesNotRunSaysWhyInItsTitle()
    {
        auto j = loadJob("clickstream/job.json");
        QVERIFY(model::applySet(j, "clicks.path=/nonexistent/clicks.csv").ok());
        auto findings = lint::lintStatic(j);
        const auto* f = find(findings, "job-does-not-run");
        QVERIFY2(f, lint::formatFindings(findings).c_str());
        QVERIFY2(f->title.rfind("the job does not run: ", 0) == 0 && f->title.find("clicks.csv") != std::string::npos,
            f->title.c_str());
    }

    void lateFiringEvidenceIsTheReplaysCount()
    {
        auto job = loadJob("stuck-producer/job.json");
        auto all = replayLint(job);
        auto f = find(all, "late-firing-flood");
        QVERIFY(f && f->measured);
        auto t = total(replay(job), "avgPer5m");
        QCOMPARE(f->figures.at("lateFirings"), double(t.firings.late));
        QCOMPARE(f->figures.at("lateFirings"), 3600.0);
        QCOMPARE(f->figures.at("onTimeFirings"), double(t.firings.onTime));
        QCOMPARE(f->figures.at("lateFiringsAfterFix"), 12.0);
        QVERIFY(f->evidence.find("3600 late firings") != std::string::npos);
    }

    void stateGrowthEvidence()
    {
        auto job = loadJob("state-growth/job.json");
        auto all = replayLint(job);
        auto f = find(all, "running-aggregate-without-ttl");
        QVERIFY(f && f->measured);
        QCOMPARE(
            f->figures.at("stateEntriesAtEnd"), double(total(replay(job), "viewsPerSession").stateEntries));
        QCOMPARE(f->figures.at("stateEntriesAtEnd"), 3602.0);
        QVERIFY(f->figures.at("stateEntriesAtHalf") < f->figures.at("stateEntriesAtEnd"));
        // The sample's own fix (idle state retention) is clean.
        QVERIFY(
            !find(replayLint(loadJob("state-growth/job-retention.json")), "running-aggregate-without-ttl"));
    }

    void idlePartitionHoldsTheWatermarkTenMinutes()
    {
        auto job = loadJob("idle-partition/job.json");
        auto all = replayLint(job);
        auto f = find(all, "idle-partition-without-timeout");
        QVERIFY(f && f->measured);
        QCOMPARE(f->figures.at("silentPartition"), 2.0);
        // Shard 2 is silent from minute 5 to 15 (its last record arrives up to 1.5 s after 5:00).
        QVERIFY2(f->figures.at("heldBackMs") > 590000 && f->figures.at("heldBackMs") <= 600000,
            f->evidence.c_str());
        // With the fix the watermark is held back at most about the timeout.
        QVERIFY(lint::applyFix(job, *f->fix).ok());
        auto compiled = model::compile(job);
        lint::ProbeOptions probe;
        auto facts = lint::probeReplay(compiled.spec, probe);
        QVERIFY(facts.ok());
        QVERIFY(facts->idleness.at("orders").heldBack < 70000);
    }

    void genericSerializationMeasuredBothWays()
    {
        auto job = loadJob("generic-serialization/job.json");
        auto all = replayLint(job);
        auto f = find(all, "generic-serialization");
        QVERIFY(f && f->measured);
        auto m = replay(job);
        const metrics::ExchangeMetrics* x = nullptr;
        for (const auto& e : m.exchanges)
            if (!e.chained)
                x = &e;
        QVERIFY(x && x->genericSerializer);
        QCOMPARE(f->figures.at("records"), double(x->records));
        QCOMPARE(f->figures.at("genericBytesPerRecord"), double(x->bytes) / double(x->records));
        QVERIFY(f->figures.at("typedBytesPerRecord") < f->figures.at("genericBytesPerRecord") * 0.7);
        QVERIFY(f->figures.at("genericNsPerRecord") > 0);
        QVERIFY(f->figures.at("typedNsPerRecord") > 0);
    }

    void redundantKeyByMeasuredBytes()
    {
        auto job = loadJob("redundant-keyby/job.json");
        auto all = replayLint(job);
        auto f = find(all, "redundant-exchange");
        QVERIFY(f && f->measured);
        QCOMPARE(QString::fromStdString(f->edge), QString("perMinute->out"));
        auto m = replay(job);
        for (const auto& x : m.exchanges)
            if (x.from == "perMinute" && x.to == "out") {
                QCOMPARE(f->figures.at("bytes"), double(x.bytes));
                QCOMPARE(f->figures.at("records"), double(x.records));
                QVERIFY(x.bytes > 0);
            }
        // The fix chains the sink: no bytes are serialized behind the window any more.
        QVERIFY(lint::applyFix(job, *f->fix).ok());
        auto after = replay(job);
        for (const auto& x : after.exchanges)
            if (x.from == "perMinute")
                QVERIFY(x.chained && x.bytes == 0);
    }

    void listStateMeasuredAgainstReducing()
    {
        auto all = replayLint(loadJob("list-vs-reducing/job.json"));
        auto f = find(all, "list-window-state");
        QVERIFY(f && f->measured);
        // 20000 readings in 10-minute windows: every element against one accumulator per sensor.
        QVERIFY(f->figures.at("listStateBytes") > 10 * f->figures.at("reducingStateBytes"));
        QVERIFY(f->figures.at("listStateEntries") >= f->figures.at("reducingStateEntries"));
        QVERIFY(f->figures.count("listBusyMs") && f->figures.count("reducingBusyMs"));
    }

    void largeStateEstimates()
    {
        auto job = loadJob("large-state/job.json");
        lint::LintOptions options;
        options.localDiskBytesPerSecond = 400e6;
        options.networkDiskBytesPerSecond = 40e6;
        auto r = lint::lintWithReplay(job, options);
        QVERIFY(r.ok());
        auto f = find(*r, "large-state");
        QVERIFY2(f, lint::formatFindings(*r).c_str());
        // The peak equals the largest state of a run sampled every second.
        auto compiled = model::compile(job);
        int64_t peak = 0;
        runtime::RunOptions run;
        run.seriesInterval = 1000;
        run.onSeries = [&](const metrics::MetricsSnapshot& m) {
            int64_t b = 0;
            for (const auto& o : m.operators)
                for (const auto& s : o.subtasks)
                    b += s.stateBytes;
            peak = std::max(peak, b);
        };
        auto sim = runtime::Simulation::create(compiled.spec, run, nullptr);
        QVERIFY(sim.ok() && (*sim)->run().ok());
        QCOMPARE(f->figures.at("peakStateBytes"), double(peak));
        QCOMPARE(f->figures.at("recoveryLocalSeconds"), double(peak) / 400e6);
        QCOMPARE(f->figures.at("recoveryNetworkSeconds"), double(peak) / 40e6);
        // A threshold above the peak: nothing to say.
        options.largeStateBytes = peak + 1;
        QVERIFY(!find(*lint::lintWithReplay(job, options), "large-state"));
        // After the fix (RocksDB) the warning is gone; the estimate stays as a note.
        QVERIFY(lint::applyFix(job, *f->fix).ok());
        auto after = replayLint(job);
        QVERIFY(!find(after, "large-state"));
        const auto* note = find(after, "state-size");
        QVERIFY(note && note->severity == lint::Severity::Info && !note->fix);
    }

    void keySkewFromTheReplay()
    {
        auto job = loadJob("skew/job.json");
        auto all = replayLint(job);
        auto f = find(all, "key-skew");
        QVERIFY(f && f->measured);
        auto m = replay(job);
        const auto* op = m.op("sumPer10s");
        int64_t mx = 0, sum = 0;
        for (const auto& s : op->subtasks) {
            mx = std::max(mx, s.recordsIn);
            sum += s.recordsIn;
        }
        QCOMPARE(f->figures.at("maxOverMean"), double(mx) / (double(sum) / 8));
        QCOMPARE(f->figures.at("maxOverMean"), 4.0);
        QCOMPARE(f->figures.at("distinctKeys"), 8.0);
        QCOMPARE(f->figures.at("maxOverMeanAfterRemap"), 1.0);
        QVERIFY(f->fix);
        QVERIFY(lint::applyFix(job, *f->fix).ok());
        auto after = replay(job);
        for (const auto& s : after.op("sumPer10s")->subtasks)
            QCOMPARE(s.recordsIn, int64_t(1000));
        QVERIFY(!find(replayLint(job), "key-skew"));
    }

    // Every sample: the doctor (with a replay) names the sample's pitfall; the suggested fix removes it.
    void samples_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("rule");
        QTest::newRow("clickstream") << "clickstream/job.json"
                                     << "late-firing-flood";
        QTest::newRow("stuck-producer") << "stuck-producer/job.json"
                                        << "late-firing-flood";
        QTest::newRow("skew") << "skew/job.json"
                              << "key-skew";
        QTest::newRow("state-growth") << "state-growth/job.json"
                                      << "running-aggregate-without-ttl";
        QTest::newRow("idle-partition") << "idle-partition/job.json"
                                        << "idle-partition-without-timeout";
        QTest::newRow("generic-serialization") << "generic-serialization/job.json"
                                               << "generic-serialization";
        QTest::newRow("redundant-keyby") << "redundant-keyby/job.json"
                                         << "redundant-exchange";
        QTest::newRow("list-vs-reducing") << "list-vs-reducing/job.json"
                                          << "list-window-state";
        QTest::newRow("large-state") << "large-state/job.json"
                                     << "large-state";
        QTest::newRow("coupled-warehouse") << "coupled-warehouse/job.json"
                                           << "coupled-warehouse-sink";
    }
    void samples()
    {
        QFETCH(QString, job);
        QFETCH(QString, rule);
        auto j = loadJob(job.toStdString());
        auto findings = replayLint(j);
        const auto* f = find(findings, rule.toStdString());
        QVERIFY2(f, lint::formatFindings(findings).c_str());
        QVERIFY(f->severity != lint::Severity::Info);
        QVERIFY(f->fix);
        QVERIFY(lint::applyFix(j, *f->fix).ok());
        auto after = replayLint(j);
        QVERIFY2(!find(after, rule.toStdString()), lint::formatFindings(after).c_str());
    }

    void replaysWriteNoFileBesideTheJob()
    {
        // The clickstream sample with its sinks turned into file sinks in a folder of the test:
        // measuring it (lint, and the sweep's replay) must leave that folder empty.
        QTemporaryDir dir;
        auto j = loadJob("clickstream/job.json");
        int sinks = 0;
        for (auto& n : j.nodes)
            if (n.kind() == "sink") {
                n.doc["type"] = "file";
                n.doc["path"] = dir.filePath(QString("out-%1.jsonl").arg(++sinks)).toStdString();
            }
        QVERIFY(sinks > 0);
        QVERIFY(model::compile(j).spec.nodes.size() > 0);
        QVERIFY(lint::lintWithReplay(j, {}).ok());
        QVERIFY(whatif::measureReplay(j, {}).ok());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::NoDotAndDotDot), QStringList());
    }

    void everySampleFolderIsWalked()
    {
        int folders = 0;
        for (const auto& d : std::filesystem::directory_iterator(STREAMLAB_SAMPLES))
            if (std::filesystem::exists(d.path() / "job.json"))
                ++folders;
        QCOMPARE(folders, 10); // the rows of samples_data
    }

    void applyFixEdits()
    {
        auto job = loadJob("clickstream/job.json");
        lint::Fix fix;
        fix.sets = { "perMinute.allowedLateness=0s" };
        lint::Edit add { lint::Edit::Kind::AddNode, "", "", "",
            model::Json { { "id", "onlyBig" }, { "kind", "filter" }, { "where", "amount > 10" } } };
        lint::Edit rm { lint::Edit::Kind::RemoveEdge, "", "clicks", "byUser", {} };
        lint::Edit a1 { lint::Edit::Kind::AddEdge, "", "", "",
            model::Json { { "from", "clicks" }, { "to", "onlyBig" } } };
        lint::Edit a2 { lint::Edit::Kind::AddEdge, "", "", "",
            model::Json { { "from", "onlyBig" }, { "to", "byUser" } } };
        lint::Edit patch { lint::Edit::Kind::PatchNode, "perMinute", "", "",
            model::Json { { "lateOutput", nullptr } } };
        lint::Edit edge { lint::Edit::Kind::PatchEdge, "", "perMinute", "out",
            model::Json { { "partitioner", "forward" } } };
        lint::Edit drop { lint::Edit::Kind::RemoveNode, "late", "", "", {} };
        fix.edits = { add, rm, a1, a2, patch, edge, drop };
        auto st = lint::applyFix(job, fix);
        QVERIFY2(st.ok(), st.message().c_str());
        QVERIFY2(!model::compile(job).hasErrors(),
            model::describeErrors(model::compile(job).problems, "").c_str());
        QCOMPARE(job.node("perMinute")->doc["allowedLateness"].get<std::string>(), std::string("0s"));
        QVERIFY(!job.node("perMinute")->doc.contains("lateOutput"));
        QVERIFY(!job.node("late"));
        QCOMPARE(job.edges.size(), size_t(4));
        // Errors name what is missing.
        lint::Fix bad;
        bad.edits = { lint::Edit { lint::Edit::Kind::RemoveEdge, "", "nope", "out", {} } };
        st = lint::applyFix(job, bad);
        QVERIFY(!st.ok() && st.message().find("nope->out") != std::string::npos);
        bad.edits
            = { lint::Edit { lint::Edit::Kind::AddNode, "", "", "", model::Json { { "id", "onlyBig" } } } };
        QVERIFY(!lint::applyFix(job, bad).ok());
        bad = {};
        bad.sets = { "perMinute.nosuch=1" };
        QVERIFY(!lint::applyFix(job, bad).ok());
    }

    void exitCodesAndJson()
    {
        QCOMPARE(lint::exitCodeFor({}), 0);
        lint::Finding info, warning, error;
        info.severity = lint::Severity::Info;
        warning.severity = lint::Severity::Warning;
        error.severity = lint::Severity::Error;
        QCOMPARE(lint::exitCodeFor({ info }), 0);
        QCOMPARE(lint::exitCodeFor({ info, warning }), 2);
        QCOMPARE(lint::exitCodeFor({ warning, error }), 1);
        auto findings = lint::lintStatic(loadJob("coupled-warehouse/job.json"));
        auto j = lint::toJson(*find(findings, "coupled-warehouse-sink"));
        QCOMPARE(j["severity"].get<std::string>(), std::string("error"));
        QCOMPARE(j["fix"]["edits"][0]["op"].get<std::string>(), std::string("patchNode"));
        QVERIFY(j["fix"]["edits"][0]["value"]["outages"].is_null());
        // A clean job: the state-growth sample with retention has nothing to say statically.
        QCOMPARE(lint::exitCodeFor(lint::lintStatic(loadJob("state-growth/job-retention.json"))), 0);
    }

    void invalidJobIsAnError()
    {
        auto job = loadJob("clickstream/job.json");
        QVERIFY(model::applySet(job, "perMinute.allowedLateness=-5s").ok());
        auto findings = lint::lintStatic(job);
        QVERIFY(find(findings, "invalid-job"));
        QCOMPARE(lint::exitCodeFor(findings), 1);
    }
};

QTEST_APPLESS_MAIN(TestLint)
#include "tst_lint.moc"
