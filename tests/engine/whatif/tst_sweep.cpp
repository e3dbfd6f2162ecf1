// whatif::runSweep: per value of a parameter, completeness, result latency, late firings,
// late-dropped and side-output counts of a replay, checked against figures worked out by hand on
// seven events (tests/data/lint/sweep.csv); each replay equals `streamlab run --set`; completeness
// never decreases as the watermark delay grows on the clickstream sample.
#include "model/job.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/simulation.h"
#include "whatif/sweep.h"

#include <QtTest>

using namespace streamlab;

namespace {

model::Job loadJob(const std::string& path)
{
    auto job = model::Job::load(path);
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    return *job;
}

const std::string kSweepJob = STREAMLAB_TEST_DATA "/lint/sweep.job.json";

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

private slots:
    void parseVary_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("values");
        QTest::newRow("durations with step")
            << "src.watermark.maxOutOfOrderness=0s..20s/5s"
            << "src.watermark.maxOutOfOrderness" << QStringList { "0ms", "5s", "10s", "15s", "20s" };
        QTest::newRow("step not reaching TO") << "w.allowedLateness=1m..2m/25s"
                                              << "w.allowedLateness" << QStringList { "1m", "85s", "110s" };
        QTest::newRow("integers") << "config.parallelism=1..4/1"
                                  << "config.parallelism" << QStringList { "1", "2", "3", "4" };
        QTest::newRow("decimals") << "src.rate=0.5..1.5/0.5"
                                  << "src.rate" << QStringList { "0.5", "1", "1.5" };
        QTest::newRow("no step: ten values")
            << "src.watermark.maxOutOfOrderness=0s..9s"
            << "src.watermark.maxOutOfOrderness"
            << QStringList { "0ms", "1s", "2s", "3s", "4s", "5s", "6s", "7s", "8s", "9s" };
        QTest::newRow("one value") << "w.allowedLateness=5s..5s/1s"
                                   << "w.allowedLateness" << QStringList { "5s" };
    }
    void parseVary()
    {
        QFETCH(QString, text);
        QFETCH(QString, target);
        QFETCH(QStringList, values);
        auto axis = whatif::parseVary(text.toStdString());
        QVERIFY2(axis.ok(), axis.status().message().c_str());
        QCOMPARE(QString::fromStdString(axis->target), target);
        QStringList got;
        for (const auto& v : axis->values)
            got << QString::fromStdString(v);
        QCOMPARE(got, values);
    }

    void parseVaryErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("no range") << "src.rate=5"
                                  << "expected NODE.PARAM=FROM..TO[/STEP]";
        QTest::newRow("no param") << "src=1..2"
                                  << "expected NODE.PARAM=FROM..TO[/STEP]";
        QTest::newRow("backwards") << "w.allowedLateness=10s..5s/1s"
                                   << "TO must not be below FROM";
        QTest::newRow("zero step") << "src.rate=1..5/0"
                                   << "STEP must be positive";
        QTest::newRow("bad duration") << "w.allowedLateness=1x..5s/1s"
                                      << "must be durations";
        QTest::newRow("too many") << "w.allowedLateness=0ms..10s/1ms"
                                  << "more than 1000 values";
    }
    void parseVaryErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto axis = whatif::parseVary(text.toStdString());
        QVERIFY(!axis.ok());
        QVERIFY2(axis.status().message().find(message.toStdString()) != std::string::npos,
            axis.status().message().c_str());
    }

    // Worked out by hand (sweep.csv; ticks every 200 ms fall on every arrival, records before ticks):
    // delay 0: [0,10s) fires at 11 s with e1,e2 (last at 2 s); e4 and e6 come after: side output.
    //          [10s,20s) fires at the end (25 s) with e3,e5 (13 s); [20s,30s) at 25 s with e7 (25 s).
    // delay 2s and 4s: e4 makes it (fires at 13 s, latency 1 s); e6 is late.
    // delay 6s and 8s: [0,10s) waits for the end (25 s) and gets all four, last e6 at 16 s.
    void watermarkDelayByHand_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<qint64>("onTime");
        QTest::addColumn<qint64>("median");
        QTest::addColumn<qint64>("p99");
        QTest::addColumn<qint64>("sideOutput");
        QTest::newRow("0s") << "0ms" << qint64(5) << qint64(9000) << qint64(12000) << qint64(2);
        QTest::newRow("2s") << "2s" << qint64(6) << qint64(1000) << qint64(12000) << qint64(1);
        QTest::newRow("4s") << "4s" << qint64(6) << qint64(1000) << qint64(12000) << qint64(1);
        QTest::newRow("6s") << "6s" << qint64(7) << qint64(9000) << qint64(12000) << qint64(0);
        QTest::newRow("8s") << "8s" << qint64(7) << qint64(9000) << qint64(12000) << qint64(0);
    }
    void watermarkDelayByHand()
    {
        QFETCH(QString, value);
        QFETCH(qint64, onTime);
        QFETCH(qint64, median);
        QFETCH(qint64, p99);
        QFETCH(qint64, sideOutput);
        auto axis = whatif::parseVary("src.watermark.maxOutOfOrderness=0s..8s/2s");
        QVERIFY(axis.ok());
        auto rows = whatif::runSweep(loadJob(kSweepJob), { *axis }, {});
        QVERIFY2(rows.ok(), rows.status().message().c_str());
        QCOMPARE(rows->size(), size_t(5));
        const whatif::SweepOutcome* row = nullptr;
        for (const auto& r : *rows)
            if (r.settings.front() == "src.watermark.maxOutOfOrderness=" + value.toStdString())
                row = &r;
        QVERIFY(row);
        QCOMPARE(row->events, int64_t(7));
        QCOMPARE(row->assignments, int64_t(7));
        QCOMPARE(row->onTimeAssignments, int64_t(onTime));
        QCOMPARE(row->completeness, double(onTime) / 7.0);
        QCOMPARE(row->windows, int64_t(3));
        QCOMPARE(row->latencyMedian, int64_t(median));
        QCOMPARE(row->latencyP99, int64_t(p99));
        QCOMPARE(row->latencyMax, int64_t(12000));
        QCOMPARE(row->lateFirings, int64_t(0));
        QCOMPARE(row->lateDropped, int64_t(0));
        QCOMPARE(row->sideOutput, int64_t(sideOutput));
        QVERIFY(row->peakStateEntries > 0);
        QVERIFY(row->peakStateBytes > 0);
    }

    // Lateness 2 s at delay 0: e4 (8 s, arriving at 12 s) re-fires [0,10s) late; e6 (at 16 s) is past
    // the cleanup time and goes to the side output. Without the late port it would be dropped.
    void allowedLatenessByHand_data()
    {
        QTest::addColumn<bool>("lateOutput");
        QTest::addColumn<QVector<qint64>>("lateFirings");
        QTest::addColumn<QVector<qint64>>("sideOutput");
        QTest::addColumn<QVector<qint64>>("dropped");
        QTest::newRow("late port") << true << QVector<qint64> { 0, 1 } << QVector<qint64> { 2, 1 }
                                   << QVector<qint64> { 0, 0 };
        QTest::newRow("no late port")
            << false << QVector<qint64> { 0, 1 } << QVector<qint64> { 0, 0 } << QVector<qint64> { 2, 1 };
    }
    void allowedLatenessByHand()
    {
        QFETCH(bool, lateOutput);
        QFETCH(QVector<qint64>, lateFirings);
        QFETCH(QVector<qint64>, sideOutput);
        QFETCH(QVector<qint64>, dropped);
        auto job = loadJob(kSweepJob);
        QVERIFY(
            model::applySet(job, std::string("perTen.lateOutput=") + (lateOutput ? "true" : "false")).ok());
        if (!lateOutput)
            std::erase_if(job.edges, [](const model::Edge& e) { return e.fromPort() == "late"; }),
                job.nodes.pop_back();
        auto axis = whatif::parseVary("perTen.allowedLateness=0s..2s/2s");
        QVERIFY(axis.ok());
        auto rows = whatif::runSweep(job, { *axis }, {});
        QVERIFY2(rows.ok(), rows.status().message().c_str());
        QCOMPARE(rows->size(), size_t(2));
        for (int i = 0; i < 2; ++i) {
            const auto& r = (*rows)[static_cast<size_t>(i)];
            QCOMPARE(r.onTimeAssignments, int64_t(5)); // e4 late-fired is not on time
            QCOMPARE(r.latencyMedian, int64_t(9000));
            QCOMPARE(r.latencyMax, int64_t(12000));
            QCOMPARE(r.lateFirings, int64_t(lateFirings[i]));
            QCOMPARE(r.sideOutput, int64_t(sideOutput[i]));
            QCOMPARE(r.lateDropped, int64_t(dropped[i]));
        }
    }

    // Each replay of the sweep is the replay `streamlab run --set` makes: same counters.
    void listOfAggregatesMeasuresTheSame()
    {
        // The outcome observer finds the firing kind after a list of aggregates as after one.
        auto axis = whatif::parseVary("src.watermark.maxOutOfOrderness=0s..8s/2s");
        QVERIFY(axis.ok());
        auto one = whatif::runSweep(loadJob(kSweepJob), { *axis }, {});
        auto job = loadJob(kSweepJob);
        job.node("perTen")->doc["aggregate"] = model::Json::parse(R"([{"fn":"count"},{"fn":"max","field":"ts"}])");
        auto list = whatif::runSweep(job, { *axis }, {});
        QVERIFY2(one.ok() && list.ok(), list.ok() ? one.status().message().c_str() : list.status().message().c_str());
        QCOMPARE(list->size(), one->size());
        for (size_t i = 0; i < one->size(); ++i) {
            QCOMPARE((*list)[i].onTimeAssignments, (*one)[i].onTimeAssignments);
            QCOMPARE((*list)[i].latencyMedian, (*one)[i].latencyMedian);
            QCOMPARE((*list)[i].sideOutput, (*one)[i].sideOutput);
        }
        QVERIFY((*list)[0].onTimeAssignments > 0);
    }

    void sameAsRunWithSet()
    {
        auto job = loadJob(STREAMLAB_SAMPLES "/clickstream/job.json");
        auto axis = whatif::parseVary("perMinute.allowedLateness=0s..20s/10s");
        QVERIFY(axis.ok());
        auto rows = whatif::runSweep(job, { *axis }, {});
        QVERIFY2(rows.ok(), rows.status().message().c_str());
        for (const auto& row : *rows) {
            model::Job j = job;
            QVERIFY(model::applySet(j, row.settings.front()).ok());
            auto compiled = model::compile(j);
            QVERIFY(!compiled.hasErrors());
            auto sim = runtime::Simulation::create(compiled.spec, {}, nullptr);
            QVERIFY(sim.ok());
            QVERIFY((*sim)->run().ok());
            auto snap = (*sim)->snapshot();
            int64_t late = 0, dropped = 0, side = 0;
            for (const auto& o : snap.operators)
                for (const auto& s : o.subtasks) {
                    late += s.firings.late;
                    dropped += s.lateDropped;
                    side += s.lateSideOutput;
                }
            QCOMPARE(row.events, snap.eventsReplayed);
            QCOMPARE(row.lateFirings, late);
            QCOMPARE(row.lateDropped, dropped);
            QCOMPARE(row.sideOutput, side);
        }
    }

    void sameResultsOnOneOrTwoThreads()
    {
        auto job = loadJob(STREAMLAB_SAMPLES "/clickstream/job.json");
        auto axis = whatif::parseVary("clicks.watermark.maxOutOfOrderness=0s..30s/10s");
        QVERIFY(axis.ok());
        whatif::SweepOptions one, two;
        one.threads = 1;
        two.threads = 2;
        auto a = whatif::runSweep(job, { *axis }, one);
        auto b = whatif::runSweep(job, { *axis }, two);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->size(), b->size());
        for (size_t i = 0; i < a->size(); ++i) {
            QCOMPARE((*a)[i].settings, (*b)[i].settings);
            QCOMPARE((*a)[i].onTimeAssignments, (*b)[i].onTimeAssignments);
            QCOMPARE((*a)[i].latencyP99, (*b)[i].latencyP99);
            QCOMPARE((*a)[i].lateFirings, (*b)[i].lateFirings);
            QCOMPARE((*a)[i].peakStateBytes, (*b)[i].peakStateBytes);
        }
    }

    void completenessNeverDecreasesWithTheDelay()
    {
        auto job = loadJob(STREAMLAB_SAMPLES "/clickstream/job.json");
        auto axis = whatif::parseVary("clicks.watermark.maxOutOfOrderness=0s..45s/5s");
        QVERIFY(axis.ok());
        auto rows = whatif::runSweep(job, { *axis }, {});
        QVERIFY2(rows.ok(), rows.status().message().c_str());
        QCOMPARE(rows->size(), size_t(10));
        for (size_t i = 1; i < rows->size(); ++i)
            QVERIFY2(
                (*rows)[i].completeness >= (*rows)[i - 1].completeness, (*rows)[i].settings.front().c_str());
        QVERIFY(rows->front().completeness < rows->back().completeness);
        QVERIFY(rows->front().latencyMedian < rows->back().latencyMedian);
        QCOMPARE(rows->back().completeness, 1.0); // 40 s covers every late click of the sample
    }

    void twoAxesAndCsv()
    {
        auto a = whatif::parseVary("src.watermark.maxOutOfOrderness=0s..2s/2s");
        auto b = whatif::parseVary("perTen.allowedLateness=0s..2s/2s");
        QVERIFY(a.ok() && b.ok());
        auto rows = whatif::runSweep(loadJob(kSweepJob), { *a, *b }, {});
        QVERIFY2(rows.ok(), rows.status().message().c_str());
        QCOMPARE(rows->size(), size_t(4));
        QCOMPARE((*rows)[1].settings,
            (std::vector<std::string> {
                "src.watermark.maxOutOfOrderness=0ms", "perTen.allowedLateness=2s" }));
        std::string csv = whatif::toCsv({ *a, *b }, *rows);
        QVERIFY(csv.rfind("src.watermark.maxOutOfOrderness,perTen.allowedLateness,completeness,", 0) == 0);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 5L);
        QVERIFY(csv.find("\n0ms,2s,0.714286,5,7,9000,12000,12000,3,1,0,1,") != std::string::npos);
        std::string table = whatif::formatTable({ *a, *b }, *rows);
        QVERIFY(table.find("71.43%") != std::string::npos);
    }

    void badSetIsRefusedBeforeAnyReplay()
    {
        auto axis = whatif::parseVary("nosuch.allowedLateness=0s..2s/1s");
        QVERIFY(axis.ok());
        auto rows = whatif::runSweep(loadJob(kSweepJob), { *axis }, {});
        QVERIFY(!rows.ok());
        QVERIFY(rows.status().message().find("there is no node 'nosuch'") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
