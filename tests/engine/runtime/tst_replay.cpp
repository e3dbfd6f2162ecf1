// runtime::Replay: the live replay on its own thread. Its results equal Simulation::run's, step
// commands move by exactly what they say, speed paces the virtual clock, live changes apply.
#include "model/job.h"
#include "model/spec.h"
#include "runtime/replay.h"
#include "runtime/replay_length.h"
#include "runtime/simulation.h"

#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace streamlab;
using runtime::Replay;
using runtime::ReplayOptions;
using runtime::ReplayState;

namespace {

model::JobSpec loadSpec(const QString& relative)
{
    auto job = model::Job::load((QStringLiteral(STREAMLAB_SAMPLES "/") + relative).toStdString());
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    auto compiled = model::compile(*job);
    if (compiled.hasErrors())
        qFatal("%s", model::describeErrors(compiled.problems, "").c_str());
    return compiled.spec;
}

struct Collect final : runtime::ResultListener {
    std::vector<std::string> lines;
    void onRecord(const std::string& sink, int subtask, const Schema& schema, const Record& r) override
    {
        std::string s = sink + "/" + std::to_string(subtask) + " ";
        appendRecordJson(s, schema, r);
        lines.push_back(std::move(s));
    }
};

std::vector<std::string> resultLines(const runtime::ReplaySnapshot& snap)
{
    std::vector<std::string> lines;
    for (const auto& chunk : snap.results)
        for (const auto& row : *chunk) {
            std::string s
                = snap.sinks[static_cast<size_t>(row.sink)] + "/" + std::to_string(row.subtask) + " ";
            appendRecordJson(s, *snap.sinkSchemas[static_cast<size_t>(row.sink)], row.record());
            lines.push_back(std::move(s));
        }
    return lines;
}

metrics::Firings firingsOf(const metrics::MetricsSnapshot& m, const std::string& op)
{
    metrics::Firings f;
    if (const auto* o = m.op(op))
        for (const auto& s : o->subtasks) {
            f.onTime += s.firings.onTime;
            f.late += s.firings.late;
            f.early += s.firings.early;
        }
    return f;
}

int64_t sumOf(
    const metrics::MetricsSnapshot& m, const std::string& op, int64_t metrics::SubtaskMetrics::*field)
{
    int64_t n = 0;
    if (const auto* o = m.op(op))
        for (const auto& s : o->subtasks)
            n += s.*field;
    return n;
}

// 300,000 events, one in 500 late by 5 s (dropped or counted late), through keyBy -> a 1 s
// tumbling window with 2 s allowed lateness -> a sink: enough that a pipelined replay's two
// threads really overlap (the pipe hands over half a megabyte at a time).
model::JobSpec overlapJob(const std::string& events)
{
    {
        std::ofstream out(events);
        out << "ts,key,value\n";
        for (int64_t i = 0; i < 300000; ++i)
            out << (1000000 + i * 3 - (i % 500 == 499 ? 5000 : 0)) << ",k" << (i * 7919) % 997 << "," << i % 100
                << "\n";
    }
    auto job = model::Job::parse(R"({"format":"streamlab-job","version":1,"name":"overlap",
        "config":{"parallelism":2,"autoWatermarkInterval":"100ms"},"nodes":[
        {"id":"src","kind":"source","path":)" + nlohmann::json(events).dump() + R"(,"timestamp":"ts",
         "rate":100000,"schema":{"ts":"timestamp","key":"string","value":"long"},
         "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"1s"}},
        {"id":"k","kind":"keyBy","key":["key"]},
        {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1s"},"allowedLateness":"2s",
         "aggregate":[{"fn":"count"},{"fn":"sum","field":"value"}]},
        {"id":"out","kind":"sink","type":"collect"}],
        "edges":[{"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"}]})",
        "overlap.json");
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    auto compiled = model::compile(*job);
    if (compiled.hasErrors())
        qFatal("%s", model::describeErrors(compiled.problems, "").c_str());
    return compiled.spec;
}

// A whole replay at full speed, every event traced (the same trace whatever the pace), with
// many publishes while a second thread runs; on one thread unless `pipeline`.
std::shared_ptr<const runtime::ReplaySnapshot> replayToTheEnd(const model::JobSpec& spec, bool pipeline)
{
    ReplayOptions o;
    o.pipeline = pipeline;
    o.traceBudget = 100000000;
    o.traceCapacity = 100000000;
    o.publishIntervalMs = 1;
    Replay replay(spec, o, 1);
    return replay.waitDone();
}

// A data table of sample jobs: column "job", a row per sample named after it.
void samples_data(std::initializer_list<const char*> names)
{
    QTest::addColumn<QString>("job");
    for (const char* n : names)
        QTest::newRow(n) << QString(n) + "/job.json";
}

ReplayOptions paused()
{
    ReplayOptions o;
    o.startPlaying = false;
    return o;
}

} // namespace

class TestReplay : public QObject {
    Q_OBJECT
private slots:
    void sameResultsAsRun_data() { samples_data({ "clickstream", "stuck-producer", "skew", "state-growth" }); }
    void sameResultsAsRun()
    {
        QFETCH(QString, job);
        auto spec = loadSpec(job);
        Collect headless;
        auto sim = runtime::Simulation::create(spec, {}, &headless);
        QVERIFY2(sim.ok(), sim.status().message().c_str());
        QVERIFY((*sim)->run().ok());
        auto expected = (*sim)->snapshot();

        uint64_t doneGeneration = 0;
        bool doneOk = false;
        ReplayOptions o;
        o.onDone = [&](uint64_t g, const Status& s) {
            doneOk = s.ok();
            doneGeneration = g;
        };
        Replay replay(spec, o, 42);
        auto snap = replay.waitDone();
        QCOMPARE(snap->state, ReplayState::Finished);
        QCOMPARE(snap->generation, uint64_t(42));
        replay.sync();
        QCOMPARE(doneGeneration, uint64_t(42));
        QVERIFY(doneOk);
        QVERIFY(!headless.lines.empty());
        QCOMPARE(resultLines(*snap), headless.lines);
        QCOMPARE(snap->eventsReplayed, expected.eventsReplayed);
        QCOMPARE(snap->metrics.operators.size(), expected.operators.size());
        for (size_t i = 0; i < expected.operators.size(); ++i)
            for (size_t s = 0; s < expected.operators[i].subtasks.size(); ++s) {
                QCOMPARE(snap->metrics.operators[i].subtasks[s].recordsIn,
                    expected.operators[i].subtasks[s].recordsIn);
                QCOMPARE(snap->metrics.operators[i].subtasks[s].firings.late,
                    expected.operators[i].subtasks[s].firings.late);
            }
        // Histories are bounded and cover the run.
        QVERIFY(snap->history->time.size() >= 2);
        QVERIFY(snap->history->time.size() <= runtime::ReplayHistory::kMaxSamples);
        QCOMPARE(snap->history->time.back(), expected.processingTime);
    }

    // At full speed the replay runs its windows and sinks on a second thread: what it shows in
    // the end (results, firings, the trace's fates, the histories' samples, the counters) is
    // what the one-thread replay shows.
    void pipelinedSameAsOneThread_data()
    {
        samples_data({ "clickstream", "stuck-producer", "skew", "idle-partition", "coupled-warehouse" });
    }
    void pipelinedSameAsOneThread()
    {
        QFETCH(QString, job);
        auto spec = loadSpec(job);
        auto one = replayToTheEnd(spec, false);
        auto two = replayToTheEnd(spec, true);
        QCOMPARE(one->state, ReplayState::Finished);
        QCOMPARE(two->state, ReplayState::Finished);
        QVERIFY(!one->pipelined);
        QVERIFY(two->pipelined);
        QCOMPARE(resultLines(*two), resultLines(*one));
        auto firings = [](const runtime::ReplaySnapshot& s) {
            std::vector<std::string> v;
            for (const auto& c : s.firings)
                for (const auto& f : *c)
                    v.push_back(std::to_string(f.at) + " " + f.window + "/" + std::to_string(f.subtask) + " "
                        + std::to_string(f.windowStart) + " " + f.firing + " " + std::to_string(f.pane) + " x" + std::to_string(f.count) + " "
                        + valueToText(f.key) + " " + valueToText(f.value));
            return v;
        };
        QCOMPARE(firings(*two), firings(*one));
        auto trace = [](const runtime::ReplaySnapshot& s) {
            std::vector<std::string> v;
            for (const auto& c : s.trace)
                for (const auto& e : *c)
                    v.push_back(std::to_string(e.seq) + " " + std::to_string(e.arrival) + " "
                        + std::to_string(static_cast<int>(e.fate)) + " " + std::to_string(e.subtask));
            return v;
        };
        QCOMPARE(trace(*two), trace(*one));
        QCOMPARE(static_cast<int64_t>(trace(*two).size()), two->eventsReplayed);
        QCOMPARE(two->metrics.operators.size(), one->metrics.operators.size());
        for (size_t i = 0; i < one->metrics.operators.size(); ++i) {
            const auto& a = one->metrics.operators[i];
            const auto& b = two->metrics.operators[i];
            for (size_t t = 0; t < a.subtasks.size(); ++t) {
                QCOMPARE(b.subtasks[t].recordsIn, a.subtasks[t].recordsIn);
                QCOMPARE(b.subtasks[t].recordsOut, a.subtasks[t].recordsOut);
                QCOMPARE(b.subtasks[t].lateDropped, a.subtasks[t].lateDropped);
                QCOMPARE(b.subtasks[t].watermark, a.subtasks[t].watermark);
                QCOMPARE(b.subtasks[t].stateEntries, a.subtasks[t].stateEntries);
            }
        }
        const auto& h1 = *one->history;
        const auto& h2 = *two->history;
        QCOMPARE(h2.time, h1.time);
        QCOMPARE(h2.events, h1.events);
        QCOMPARE(h2.stateEntries, h1.stateEntries);
        QCOMPARE(h2.watermarks, h1.watermarks);
        QCOMPARE(h2.idle, h1.idle);
        QCOMPARE(h2.exchangeRecords, h1.exchangeRecords);
    }

    // The same with enough events that the two threads really overlap (overlapJob).
    void pipelinedSameAsOneThreadWhileBothRun()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto spec = overlapJob(dir.filePath("events.csv").toStdString());
        auto one = replayToTheEnd(spec, false);
        auto two = replayToTheEnd(spec, true);
        QCOMPARE(two->state, ReplayState::Finished);
        QVERIFY(two->pipelined);
        QCOMPARE(two->eventsReplayed, int64_t(300000));
        QCOMPARE(resultLines(*two), resultLines(*one));
        QCOMPARE(firingCount(two->firings), firingCount(one->firings));
        std::map<runtime::EventFate, int64_t> fates1, fates2;
        for (const auto& c : one->trace)
            for (const auto& e : *c)
                ++fates1[e.fate];
        for (const auto& c : two->trace)
            for (const auto& e : *c)
                ++fates2[e.fate];
        QCOMPARE(fates2, fates1);
        QVERIFY(fates1[runtime::EventFate::Dropped] > 0);
        QVERIFY(fates1[runtime::EventFate::LateFired] > 0);
        QCOMPARE(two->history->stateEntries, one->history->stateEntries);
        QCOMPARE(two->history->watermarks, one->history->watermarks);
    }

    // Results beyond resultCapacity are not kept (and the snapshot says so); the rows kept are
    // the first ones, and stay readable after the replay that made them is gone.
    void resultsKeepTheOldestAndOutliveTheReplay()
    {
        auto spec = loadSpec("clickstream/job.json");
        Collect headless;
        auto sim = runtime::Simulation::create(spec, {}, &headless);
        QVERIFY((*sim)->run().ok());
        QVERIFY(headless.lines.size() > 10);
        std::shared_ptr<const runtime::ReplaySnapshot> all, first;
        {
            Replay replay(spec, {}, 1);
            all = replay.waitDone();
            ReplayOptions o;
            o.resultCapacity = 10;
            Replay bounded(spec, o, 2);
            first = bounded.waitDone();
        }
        QVERIFY(!all->resultsTruncated);
        QCOMPARE(resultLines(*all), headless.lines);
        QVERIFY(first->resultsTruncated);
        QCOMPARE(resultLines(*first), std::vector<std::string>(headless.lines.begin(), headless.lines.begin() + 10));
    }

    // Playing at full speed runs on two threads; a pause settles to one, and what the pause
    // shows is complete: every event read so far is in the trace with its fate.
    void pauseSettlesToOneThread()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto spec = overlapJob(dir.filePath("events.csv").toStdString());
        ReplayOptions o;
        o.traceBudget = 100000000;
        o.traceCapacity = 100000000;
        Replay replay(spec, o, 1);
        auto snap = replay.waitFor([](const runtime::ReplaySnapshot& s) {
            return s.threads == 2 || s.state == ReplayState::Finished;
        });
        QCOMPARE(snap->threads, 2);
        replay.pause();
        snap = replay.sync();
        if (snap->state == ReplayState::Finished)
            QSKIP("the replay ended before the pause");
        QCOMPARE(snap->state, ReplayState::Paused);
        QCOMPARE(snap->threads, 1);
        QCOMPARE(static_cast<int64_t>(runtime::chunkedSize(snap->trace)), snap->eventsReplayed);
        replay.play();
        snap = replay.waitDone();
        QCOMPARE(snap->eventsReplayed, int64_t(300000));
        QCOMPARE(snap->threads, 1);
    }

    // Closing the window mid-replay destroys a replay whose second thread is still delivering.
    void destroyedWhilePipelined()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto spec = overlapJob(dir.filePath("events.csv").toStdString());
        for (int64_t after : { 1000, 50000, 150000 }) {
            Replay replay(spec, {}, 1);
            auto snap = replay.waitFor([&](const runtime::ReplaySnapshot& s) {
                return s.eventsReplayed >= after || s.state == ReplayState::Finished;
            });
            QVERIFY(snap->state != ReplayState::Failed);
        }
    }

    void firingsOfAListOfAggregates()
    {
        // The firing kind and pane are the last two fields whatever the number of aggregates.
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        QVERIFY(job.ok());
        job->node("perMinute")->doc["aggregate"]
            = model::Json::parse(R"([{"fn":"count"},{"fn":"sum","field":"amount","as":"total"}])");
        auto compiled = model::compile(*job);
        QVERIFY2(!compiled.hasErrors(), model::describeErrors(compiled.problems, "").c_str());
        Replay replay(compiled.spec, ReplayOptions {}, 1);
        auto snap = replay.waitDone();
        QCOMPARE(snap->state, ReplayState::Finished);
        int64_t onTime = 0, late = 0, later = 0;
        for (const auto& chunk : snap->firings)
            for (const auto& f : *chunk) {
                onTime += f.firing == "on_time" ? f.count : 0;
                late += f.firing == "late" ? f.count : 0;
                later += f.pane > 0;
                const auto* values = std::get_if<ListPtr>(&f.value);
                QVERIFY(values && (*values)->items.size() == 2); // count and total
            }
        QVERIFY(onTime > 0);
        QVERIFY(late > 0);
        int64_t onTimeMetric = 0, lateMetric = 0;
        for (const auto& st : snap->metrics.op("perMinute")->subtasks) {
            onTimeMetric += st.firings.onTime;
            lateMetric += st.firings.late;
        }
        QCOMPARE(onTime, onTimeMetric);
        QCOMPARE(late, lateMetric);
        QCOMPARE(late + onTime, runtime::firingCount(snap->firings));
        QVERIFY(runtime::chunkedSize(snap->firings) < size_t(late + onTime)); // a minute's keys are one entry
        QVERIFY(later > 0); // panes counted, not read from an aggregate's field
    }

    void stepsMoveByWhatTheySay()
    {
        Replay replay(loadSpec("clickstream/job.json"), paused(), 1);
        auto snap = replay.sync();
        QCOMPARE(snap->state, ReplayState::Paused);
        QCOMPARE(snap->eventsReplayed, int64_t(0));
        // Paused: nothing moves however long we look.
        replay.pause();
        QCOMPARE(replay.sync()->eventsReplayed, int64_t(0));

        replay.stepEvent();
        snap = replay.sync();
        QCOMPARE(snap->eventsReplayed, int64_t(1));
        QCOMPARE(runtime::chunkedSize(snap->trace), size_t(1));
        for (int i = 0; i < 4; ++i)
            replay.stepEvent();
        snap = replay.sync();
        QCOMPARE(snap->eventsReplayed, int64_t(5));
        QCOMPARE(snap->state, ReplayState::Paused);
        const auto& first = snap->trace.front()->front();
        QCOMPARE(first.seq, int64_t(0));
        QVERIFY(first.keyGroup >= 0 && first.keyGroup < 128);
        QVERIFY(first.subtask >= 0 && first.subtask < 2);
        std::vector<runtime::TraceWindow> windows;
        runtime::assignWindows(
            loadSpec("clickstream/job.json").node("perMinute")->as<model::WindowSpec>().assigner,
            first.eventTime, windows);
        QCOMPARE(windows.size(), size_t(1));
        QCOMPARE(windows[0].end - windows[0].start, int64_t(60000));
        QVERIFY(windows[0].start <= first.eventTime && first.eventTime < windows[0].end);

        const int64_t before = snap->processingTime;
        replay.stepToWatermark();
        snap = replay.sync();
        QVERIFY(snap->processingTime >= before);
        QVERIFY(snap->traceWatermark > kMinTimestamp);

        QCOMPARE(runtime::chunkedSize(snap->firings), size_t(0));
        replay.stepToFiring();
        snap = replay.sync();
        QCOMPARE(snap->state, ReplayState::Paused);
        QVERIFY(runtime::chunkedSize(snap->firings) >= 1);
        // One step: the watermark that completed the first minute fired it for every user in it.
        const auto firings = firingsOf(snap->metrics, "perMinute");
        QCOMPARE(firings.onTime + firings.late + firings.early, runtime::firingCount(snap->firings));
        QCOMPARE(runtime::chunkedSize(snap->firings), size_t(2)); // one entry per subtask
        for (const auto& f : *snap->firings.front())
            QCOMPARE(f.windowEnd, snap->firings.front()->front().windowEnd);
        QCOMPARE(snap->firings.front()->front().firing, std::string("on_time"));

        replay.play();
        snap = replay.waitDone();
        QCOMPARE(snap->state, ReplayState::Finished);
        QCOMPARE(snap->eventsReplayed, int64_t(5000));
        // Stepping past the end does nothing.
        replay.stepEvent();
        QCOMPARE(replay.sync()->eventsReplayed, int64_t(5000));
    }

    void nextTimeIsTheTimeOfTheNextStep()
    {
        auto sim = runtime::Simulation::create(loadSpec("clickstream/job.json"), {}, nullptr);
        QVERIFY(sim.ok());
        QVERIFY(!(*sim)->nextTime()); // not started
        QVERIFY(*(*sim)->step());
        int steps = 0;
        for (;;) {
            auto next = (*sim)->nextTime();
            int64_t before = (*sim)->processingTime();
            auto more = (*sim)->step();
            QVERIFY(more.ok());
            if (!*more)
                break;
            QVERIFY(next);
            QVERIFY(*next >= before);
            QCOMPARE((*sim)->processingTime(), *next);
            ++steps;
        }
        QVERIFY(steps > 5000); // every event and every periodic watermark
        QVERIFY(!(*sim)->nextTime()); // complete
    }

    void runStopsWhenAsked()
    {
        // The sample has 5000 events; run() asks between batches of 4096 records.
        int asked = 0;
        runtime::RunOptions options;
        options.stopRequested = [&asked] { return ++asked > 1; };
        auto sim = runtime::Simulation::create(loadSpec("clickstream/job.json"), options, nullptr);
        QVERIFY(sim.ok());
        Status st = (*sim)->run();
        QCOMPARE(st.code(), Status::Code::Aborted);
        QVERIFY(!(*sim)->finished());
        QVERIFY((*sim)->eventsReplayed() > 0);
        QVERIFY((*sim)->eventsReplayed() < 5000);
    }

    void speedPacesTheVirtualClock()
    {
        // clickstream: 10 events per second of processing time.
        Replay replay(loadSpec("clickstream/job.json"), paused(), 1);
        replay.setSpeed(1);
        auto start = std::chrono::steady_clock::now();
        replay.play();
        auto snap = replay.waitFor([](const runtime::ReplaySnapshot& s) { return s.eventsReplayed >= 4; });
        double wallMs
            = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        // The 4th event arrives at 300 ms of processing time, and the replay holds each step
        // back until the wall clock reaches the virtual time of that step (the 2nd event, at
        // 100 ms, is not shown as soon as the 1st is).
        QVERIFY2(wallMs >= 290, qPrintable(QString::number(wallMs)));
        QCOMPARE(snap->state, ReplayState::Playing);
        QVERIFY(snap->eventsReplayed < 5000);
        replay.setSpeed(0);
        snap = replay.waitDone();
        QCOMPARE(snap->eventsReplayed, int64_t(5000));
        QCOMPARE(snap->speed, 0.0);
    }

    void latenessChangeMidRunTakesEffect()
    {
        // stuck-producer: 3600 late readings arrive an hour late; with 2 h of allowed lateness
        // each re-fires its window. Lateness 0 from event 100 on: all of them are dropped.
        auto spec = loadSpec("stuck-producer/job.json");
        Replay baseline(spec, {}, 1);
        auto base = baseline.waitDone();
        QCOMPARE(firingsOf(base->metrics, "avgPer5m").late, int64_t(3600));
        QCOMPARE(sumOf(base->metrics, "avgPer5m", &metrics::SubtaskMetrics::lateDropped), int64_t(0));

        Replay replay(spec, paused(), 2);
        for (int i = 0; i < 100; ++i)
            replay.stepEvent();
        QCOMPARE(replay.sync()->eventsReplayed, int64_t(100));
        replay.setAllowedLateness("avgPer5m", 0);
        replay.play();
        auto snap = replay.waitDone();
        QCOMPARE(firingsOf(snap->metrics, "avgPer5m").late, int64_t(0));
        QCOMPARE(sumOf(snap->metrics, "avgPer5m", &metrics::SubtaskMetrics::lateDropped), int64_t(3600));
        // The trace marks them dropped.
        int64_t dropped = 0;
        for (const auto& c : snap->trace)
            for (const auto& e : *c)
                dropped += e.fate == runtime::EventFate::Dropped;
        QVERIFY(dropped > 0);
    }

    void historiesHoldStateAndWatermarks()
    {
        Replay replay(loadSpec("stuck-producer/job.json"), {}, 1);
        auto snap = replay.waitDone();
        const auto& h = *snap->history;
        QCOMPARE(h.stateOperators, std::vector<std::string> { "avgPer5m" });
        QCOMPARE(h.stateBackends, std::vector<std::string> { "heap" });
        QCOMPARE(h.stateEntries[0].size(), h.time.size());
        QVERIFY(*std::max_element(h.stateEntries[0].begin(), h.stateEntries[0].end()) > 0);
        // The two producer splits of the source, and producer B idle at some point.
        bool splitIdle = false;
        int splits = 0;
        for (size_t i = 0; i < h.watermarkSeries.size(); ++i) {
            if (h.watermarkSeries[i].node != "readings" || h.watermarkSeries[i].split < 0)
                continue;
            ++splits;
            QCOMPARE(h.watermarks[i].size(), h.time.size());
            for (char c : h.idle[i])
                splitIdle = splitIdle || c;
        }
        QCOMPARE(splits, 2);
        QVERIFY(splitIdle);
    }

    void failsWithTheMessage()
    {
        auto spec = loadSpec("clickstream/job.json");
        ReplayOptions o;
        o.events["clicks"] = "/nonexistent/clicks.csv";
        std::string message;
        o.onDone = [&](uint64_t, const Status& s) { message = s.message(); };
        Replay replay(spec, o, 3);
        auto snap = replay.waitDone();
        QCOMPARE(snap->state, ReplayState::Failed);
        QVERIFY2(snap->error.find("clicks") != std::string::npos, snap->error.c_str());
        replay.sync();
        QVERIFY(!message.empty());
    }

    // The length the window picks a speed from (issue 21, 6): each sample's estimate against its
    // replay's own processing time, first arrival to the end.
    void replayLengthOfTheSamples_data()
    {
        QTest::addColumn<QString>("job");
        for (const char* j : { "clickstream/job.json", "skew/job.json", "stuck-producer/job.json",
                 "idle-partition/job.json", "state-growth/job.json" })
            QTest::newRow(j) << QString(j);
    }
    void replayLengthOfTheSamples()
    {
        QFETCH(QString, job);
        const auto spec = loadSpec(job);
        auto length = runtime::estimateReplayLength(spec);
        QVERIFY2(length.ok(), length.status().message().c_str());
        auto sim = runtime::Simulation::create(spec, {}, nullptr);
        QVERIFY(sim.ok());
        QVERIFY(*(*sim)->step());
        const int64_t start = (*sim)->processingTime();
        QVERIFY((*sim)->run().ok());
        const int64_t actual = (*sim)->processingTime() - start;
        QVERIFY(actual > 0);
        const double error = std::abs(double(length->processingMs - actual)) / double(actual);
        QVERIFY2(length->exact ? length->processingMs == actual : error < 0.05,
            qPrintable(QString("estimated %1 ms (%2), replayed %3 ms")
                           .arg(length->processingMs)
                           .arg(length->exact ? "exact" : "extrapolated")
                           .arg(actual)));
    }

    void replayLengthOfALargeFileIsExtrapolated()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("big.csv").toStdString();
        {
            std::ofstream out(path);
            out << "ts,key,value\n";
            for (int i = 0; i < 200000; ++i)
                out << 1700000000000LL + i << ",k" << i % 97 << "," << i * 7 % 1000 << "\n";
        }
        const nlohmann::json job = { { "format", "streamlab-job" }, { "version", 1 },
            { "nodes",
                { { { "id", "src" }, { "kind", "source" }, { "path", path }, { "timestamp", "ts" }, { "rate", 2000 },
                      { "schema", { { "ts", "timestamp" }, { "key", "string" }, { "value", "long" } } } },
                    { { "id", "out" }, { "kind", "sink" }, { "type", "collect" } } } },
            { "edges", { { { "from", "src" }, { "to", "out" } } } } };
        auto parsed = model::Job::parse(job.dump(), "big");
        QVERIFY(parsed.ok());
        auto compiled = model::compile(*parsed);
        QVERIFY(!compiled.hasErrors());
        auto length = runtime::estimateReplayLength(compiled.spec);
        QVERIFY(length.ok());
        QVERIFY(!length->exact);
        // 200,000 events at 2,000 a second: 99,999.5 ms from the first to the last.
        QVERIFY2(std::abs(double(length->processingMs) - 99999.5) < 2000, qPrintable(QString::number(length->processingMs)));
        // A file that is not there fails as the replay would.
        auto missing = compiled.spec;
        std::get<model::SourceSpec>(missing.nodes[0].params).path = dir.filePath("gone.csv").toStdString();
        QVERIFY(!runtime::estimateReplayLength(missing).ok());
    }
};

QTEST_APPLESS_MAIN(TestReplay)
#include "tst_replay.moc"
