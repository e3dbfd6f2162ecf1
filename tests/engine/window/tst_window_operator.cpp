// Windows, triggers and lateness (EVENT-TIME.md sections 2 and 3), driven end to end through
// the simulation: a JSON Lines source with punctuated watermarks -> keyBy -> window -> sink.
// Scenarios follow Flink's WindowOperatorTest; expected outputs are worked out by hand from
// the specification. Records between two watermarks are compared as multisets, as Flink's
// tests do (timers with equal timestamps fire in an unspecified order).
#include "model/job.h"
#include "model/spec.h"
#include "runtime/simulation.h"
#include "window/window_operator.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace streamlab;

namespace {

class Collect final : public runtime::ResultListener {
public:
    std::vector<std::string> lines;
    void onRecord(const std::string& sink, int, const Schema& schema, const Record& r) override
    {
        std::string s = sink == "late" ? "LATE " : "";
        for (size_t i = 0; i < schema.fields.size(); ++i) {
            if (i)
                s += ',';
            s += valueToText(r.fields[i]);
        }
        lines.push_back(s);
    }
    void onSinkWatermark(const std::string& sink, int, int64_t w) override
    {
        if (sink == "out")
        {
            std::string s = "W";
            s += w == INT64_MAX ? std::string("MAX") : std::to_string(w);
            lines.push_back(s);
        }
    }
};

// Sorts the records between watermarks so that the comparison is by multiset.
std::string jstr(const std::string& s) { return "\"" + s + "\""; }

std::vector<std::string> normalized(std::vector<std::string> v)
{
    auto begin = v.begin();
    for (auto it = v.begin(); it != v.end(); ++it) {
        if ((*it)[0] == 'W') {
            std::sort(begin, it);
            begin = it + 1;
        }
    }
    std::sort(begin, v.end());
    return v;
}

} // namespace

class TestWindowOperator : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;
    metrics::MetricsSnapshot m_metrics;

    // Runs `window` (the window node's JSON body) over `events` (JSON Lines); returns the
    // sink's records and watermarks. Fields: key, ts, v.
    // Runs `window` (the window node's JSON body) over `events` (JSON Lines) on the heap and on
    // RocksDB, with reducing and with list window state, requires the four to agree, and
    // returns the sink's records and watermarks. Fields: key, ts, v.
    std::vector<std::string> run(const std::string& window, const std::string& events)
    {
        std::vector<std::string> first;
        metrics::MetricsSnapshot firstMetrics;
        for (const char* backend : { "heap", "rocksdb", "rocksdb-cache" }) {
            for (const char* kind : { "reducing", "list" }) {
                auto out = runOnce(window, events, backend, kind);
                if (first.empty() && std::string(backend) == "heap" && std::string(kind) == "reducing") {
                    first = out;
                    firstMetrics = m_metrics;
                    continue;
                }
                if (out != first) {
                    qWarning("%s / %s differs from heap / reducing", backend, kind);
                    return out;
                }
                if (m_metrics.op("w")->subtasks[0].lateDropped != firstMetrics.op("w")->subtasks[0].lateDropped)
                    return { "lateDropped differs on " + std::string(backend) };
            }
        }
        m_metrics = firstMetrics;
        return first;
    }

    std::vector<std::string> runOnce(const std::string& window, const std::string& events, const char* backend, const char* kind)
    {
        std::string dir = m_dir.path().toStdString();
        std::string file = dir + "/e" + std::to_string(++m_n) + ".jsonl";
        std::ofstream(file) << events;
        bool late = window.find("\"lateOutput\":true") != std::string::npos;
        bool cache = std::string(backend) == "rocksdb-cache";
        // A tiny write-back cache (2 entries) flushes all the time: the worst case for consistency.
        std::string text = R"({"format":"streamlab-job","version":1,"config":{"autoWatermarkInterval":0,"stateBackend":)"
            + jstr(cache ? "rocksdb" : backend) + ",\"stateCache\":" + (cache ? "2" : "0") + R"(},"nodes":[
            {"id":"src","kind":"source","path":)" + jstr(file) + R"(,"timestamp":"ts",
             "schema":{"key":"string","ts":"timestamp","v":"long"},"watermark":{"strategy":"punctuated"}},
            {"id":"k","kind":"keyBy","key":["key"]},
            {"id":"w","kind":"window","stateKind":)" + jstr(kind) + "," + window + R"(},
            {"id":"out","kind":"sink"})" + std::string(late ? R"(,{"id":"late","kind":"sink"})" : "") + R"(],
            "edges":[{"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"})"
            + (late ? R"(,{"from":"w.late","to":"late"})" : "") + "]}";
        auto job = model::Job::parse(text, "test");
        if (!job.ok())
            qFatal("%s", job.status().message().c_str());
        auto c = model::compile(*job);
        if (c.hasErrors())
            qFatal("%s", model::describeErrors(c.problems, "").c_str());
        Collect out;
        auto sim = runtime::Simulation::create(c.spec, {}, &out);
        if (!sim.ok())
            qFatal("%s", sim.status().message().c_str());
        auto st = (*sim)->run();
        if (!st.ok())
            out.lines.push_back("ERROR " + st.message());
        m_metrics = (*sim)->snapshot();
        return normalized(out.lines);
    }

    static std::string ev(const char* key, int64_t ts, int64_t v = 1)
    {
        return "{\"key\":" + jstr(key) + ",\"ts\":" + std::to_string(ts) + ",\"v\":" + std::to_string(v) + "}\n";
    }
    static std::string wm(int64_t w) { return R"({"@watermark":)" + std::to_string(w) + "}\n"; }

    const metrics::SubtaskMetrics& windowMetrics() const { return m_metrics.op("w")->subtasks[0]; }

private slots:
    void windowStartForNegativeTimestamps_data()
    {
        QTest::addColumn<qlonglong>("ts");
        QTest::addColumn<qlonglong>("offset");
        QTest::addColumn<qlonglong>("size");
        QTest::addColumn<qlonglong>("start");
        QTest::newRow("positive") << 7000LL << 0LL << 5000LL << 5000LL;
        QTest::newRow("negative, FLINK-26334") << -6000LL << 0LL << 5000LL << -10000LL;
        QTest::newRow("negative on a border") << -5000LL << 0LL << 5000LL << -5000LL;
        QTest::newRow("negative offset") << 0LL << -100LL << 5000LL << -100LL;
        QTest::newRow("negative offset, next window") << 4900LL << -100LL << 5000LL << 4900LL;
        QTest::newRow("minus one") << -1LL << 0LL << 1000LL << -1000LL;
    }
    void windowStartForNegativeTimestamps()
    {
        QFETCH(qlonglong, ts);
        QFETCH(qlonglong, offset);
        QFETCH(qlonglong, size);
        QFETCH(qlonglong, start);
        QCOMPARE(window::windowStart(ts, offset, size), start);
    }

    void tumblingEventTimeWindows()
    {
        // WindowOperatorTest.testTumblingEventTimeWindows: size 3 s, sum.
        auto out = run(R"("assigner":{"type":"tumbling","size":"3s"},"aggregate":{"fn":"sum","field":"v"})",
            ev("key2", 3999) + ev("key2", 3000) + ev("key1", 20) + ev("key1", 0) + ev("key1", 999) + ev("key2", 1998)
                + ev("key2", 1999) + ev("key2", 1000) + wm(999) + wm(1999) + wm(2999) + wm(3999) + wm(4999) + wm(5999)
                + wm(6999) + wm(7999));
        std::vector<std::string> expected = { "W999", "W1999", "key1,0,3000,3,on_time,0", "key2,0,3000,3,on_time,0", "W2999",
            "W3999", "W4999", "key2,3000,6000,2,on_time,0", "W5999", "W6999", "W7999", "WMAX" };
        QCOMPARE(out, expected);
    }

    // Each element in its own window, whatever the element before it: one on the previous
    // window's end belongs to the next, and windows before zero and with an offset start
    // where windowStart (FLINK-26334) puts them. Worked out by hand.
    void tumblingWindowBordersInAnyOrder_data()
    {
        QTest::addColumn<QString>("offset");
        QTest::addColumn<std::vector<int64_t>>("timestamps");
        QTest::addColumn<std::vector<std::string>>("expected");
        QTest::newRow("no offset") << "0" << std::vector<int64_t> { 2999, 3000, -1, 0, -3000, 5999, 6000 }
                                   << std::vector<std::string> { "a,-3000,0,2,on_time,0", "a,0,3000,2,on_time,0",
                                          "a,3000,6000,2,on_time,0", "a,6000,9000,1,on_time,0", "WMAX" };
        QTest::newRow("offset 1 s") << "1s" << std::vector<int64_t> { 999, 1000, 3999, 4000, -2001, -2000 }
                                    << std::vector<std::string> { "a,-2000,1000,2,on_time,0", "a,-5000,-2000,1,on_time,0",
                                           "a,1000,4000,2,on_time,0", "a,4000,7000,1,on_time,0", "WMAX" };
    }
    void tumblingWindowBordersInAnyOrder()
    {
        QFETCH(QString, offset);
        QFETCH(std::vector<int64_t>, timestamps);
        QFETCH(std::vector<std::string>, expected);
        std::string events;
        for (int64_t ts : timestamps)
            events += ev("a", ts);
        auto out = run(R"("assigner":{"type":"tumbling","size":"3s","offset":")" + offset.toStdString()
                + R"("},"aggregate":{"fn":"count"})",
            events);
        QCOMPARE(out, expected);
    }

    void slidingWindowsSizeNotMultipleOfSlide()
    {
        // Size 5 s, slide 2 s: ts 0 is in 3 windows, ts 1000 in 2 (EVENT-TIME.md 2.3).
        auto out = run(R"("assigner":{"type":"sliding","size":"5s","slide":"2s"},"aggregate":{"fn":"count"})",
            ev("a", 0) + ev("b", 1000) + wm(100000));
        std::vector<std::string> expected = { "a,-2000,3000,1,on_time,0", "a,-4000,1000,1,on_time,0",
            "a,0,5000,1,on_time,0", "b,-2000,3000,1,on_time,0", "b,0,5000,1,on_time,0", "W100000", "WMAX" };
        QCOMPARE(out, normalized(expected));
    }

    void sessionWindowsMerge()
    {
        // WindowOperatorTest.testSessionWindows: gap 3 s, sum.
        auto out = run(R"("assigner":{"type":"session","gap":"3s"},"aggregate":{"fn":"sum","field":"v"})",
            ev("key2", 0, 1) + ev("key2", 1000, 2) + ev("key2", 2500, 3) + ev("key1", 10, 1) + ev("key1", 1000, 2)
                + ev("key1", 2500, 3) + ev("key2", 5501, 4) + ev("key2", 6000, 5) + ev("key2", 6000, 5)
                + ev("key2", 6050, 6) + wm(12000) + ev("key1", 15000, 10) + ev("key1", 15000, 20) + wm(17999));
        std::vector<std::string> expected = { "key1,10,5500,6,on_time,0", "key2,0,5500,6,on_time,0",
            "key2,5501,9050,20,on_time,0", "W12000", "key1,15000,18000,30,on_time,0", "W17999", "WMAX" };
        QCOMPARE(out, normalized(expected));
    }

    void touchingSessionsMerge()
    {
        // [0, 1000) and [1000, 2000) touch, so they merge; a gap of 1001 does not.
        auto out = run(R"("assigner":{"type":"session","gap":"1s"},"aggregate":{"fn":"count"})",
            ev("a", 0) + ev("a", 1000) + ev("b", 0) + ev("b", 1001) + wm(10000));
        std::vector<std::string> expected
            = { "a,0,2000,2,on_time,0", "b,0,1000,1,on_time,0", "b,1001,2001,1,on_time,0", "W10000", "WMAX" };
        QCOMPARE(out, normalized(expected));
    }

    void lateFiringsAccumulateThenDrop()
    {
        // Lateness 1 s: a late element within the lateness fires the whole window again (the
        // flood), after the cleanup time it is dropped and counted.
        auto out = run(R"("assigner":{"type":"tumbling","size":"2s"},"allowedLateness":"1s","aggregate":{"fn":"sum","field":"v"})",
            ev("k", 500) + wm(1999) + ev("k", 1000) + ev("k", 1200) + wm(2999) + ev("k", 1500) + ev("k", 2500));
        std::vector<std::string> expected = { "k,0,2000,1,on_time,0", "W1999", "k,0,2000,2,late,1", "k,0,2000,3,late,2",
            "W2999", "k,2000,4000,1,on_time,0", "WMAX" };
        QCOMPARE(out, expected);
        QCOMPARE(windowMetrics().lateDropped, 1);
        QCOMPARE(windowMetrics().firings.late, 2);
    }

    void purgingLateFiringsCarryOnlyNewElements()
    {
        auto out = run(R"("assigner":{"type":"tumbling","size":"2s"},"allowedLateness":"1s",
            "trigger":{"type":"eventTime","purging":true},"aggregate":{"fn":"sum","field":"v"})",
            ev("k", 500) + ev("k", 600) + wm(1999) + ev("k", 1000) + ev("k", 1200));
        std::vector<std::string> expected
            = { "k,0,2000,2,on_time,0", "W1999", "k,0,2000,1,late,1", "k,0,2000,1,late,2", "WMAX" };
        QCOMPARE(out, expected);
    }

    void lateSideOutputInsteadOfDropping()
    {
        auto out = run(R"("assigner":{"type":"tumbling","size":"2s"},"lateOutput":true,"aggregate":{"fn":"count"})",
            ev("k", 500) + wm(1999) + ev("k", 1500, 7));
        std::vector<std::string> expected = { "k,0,2000,1,on_time,0", "W1999", "LATE k,1500,7", "WMAX" };
        QCOMPARE(out, expected);
        QCOMPARE(windowMetrics().lateDropped, 0); // with a side output the counter stays 0
        QCOMPARE(windowMetrics().lateSideOutput, 1);
    }

    void elementLateForOnlySomeSlidingWindows()
    {
        // Size 3 s, slide 1 s, watermark 2999: ts 2500 is late for [0, 3000) only. It joins the
        // other two windows silently: neither dropped nor side output.
        auto out = run(R"("assigner":{"type":"sliding","size":"3s","slide":"1s"},"lateOutput":true,"aggregate":{"fn":"count"})",
            wm(2999) + ev("k", 2500));
        std::vector<std::string> expected = { "W2999", "k,1000,4000,1,on_time,0", "k,2000,5000,1,on_time,0", "WMAX" };
        QCOMPARE(out, normalized(expected));
        QCOMPARE(windowMetrics().lateDropped, 0);
        QCOMPARE(windowMetrics().lateSideOutput, 0);
    }

    void cleanupTimeOverflowSaturates()
    {
        // maxTimestamp + lateness overflows: the cleanup time is MAX, no cleanup timer is set,
        // and the window keeps firing for late elements.
        auto out = run(R"("assigner":{"type":"tumbling","size":"1s"},"allowedLateness":9223372036854775000,"aggregate":{"fn":"count"})",
            ev("k", 500) + wm(999) + wm(500000) + ev("k", 600));
        std::vector<std::string> expected = { "k,0,1000,1,on_time,0", "W999", "W500000", "k,0,1000,2,late,1", "WMAX" };
        QCOMPARE(out, expected);
        QCOMPARE(windowMetrics().lateDropped, 0);
    }

    void continuousTriggerJumpsSeveralIntervals()
    {
        // Window [0, 10000), interval 2 s, first element at 1000: fire time 2000. A jump of the
        // watermark to 7000 fires at 2000, 4000 and 6000; then 8000 and the end at 9999.
        auto out = run(R"("assigner":{"type":"tumbling","size":"10s"},"trigger":{"type":"continuousEventTime","interval":"2s"},
            "aggregate":{"fn":"count"})",
            ev("k", 1000) + wm(7000) + wm(9999));
        std::vector<std::string> expected = { "k,0,10000,1,early,0", "k,0,10000,1,early,1", "k,0,10000,1,early,2", "W7000",
            "k,0,10000,1,early,3", "k,0,10000,1,on_time,4", "W9999", "WMAX" };
        QCOMPARE(out, expected);
    }

    void continuousTriggerOnGlobalWindowEndsWithAMessage()
    {
        // Flink's scenario of a continuous trigger on a global window: while the watermark moves,
        // early firings every interval; at the end of input (MAX) the catch-up would be endless,
        // and the run stops there, after what came before, naming the window, key and bound.
        auto out = run(R"("assigner":{"type":"global"},"trigger":{"type":"continuousEventTime","interval":"2s"},
            "aggregate":{"fn":"count"})",
            ev("k", 1000) + wm(4500));
        QCOMPARE(out.size(), size_t(4));
        QCOMPARE(out[0], std::string("k,null,null,1,early,0"));
        QCOMPARE(out[1], std::string("k,null,null,1,early,1"));
        QCOMPARE(out[2], std::string("W4500"));
        QVERIFY2(out[3].find("ERROR node 'w' (subtask 0): the continuousEventTime trigger (every 2s) would fire window "
                             "(global) of key 'k' ") == 0
                && out[3].find("at watermark Long.MAX_VALUE (the end of input), more than the 100000 firings") != std::string::npos,
            out[3].c_str());
    }

    void countTriggerOnGlobalWindow()
    {
        // countWindow(3): GlobalWindows + PurgingTrigger(CountTrigger(3)).
        auto out = run(R"("assigner":{"type":"global"},"trigger":{"type":"count","count":3,"purging":true},
            "aggregate":{"fn":"sum","field":"v"})",
            ev("k", 1, 1) + ev("k", 2, 2) + ev("k", 3, 3) + ev("k", 4, 4) + ev("k", 5, 5) + wm(100));
        std::vector<std::string> expected = { "k,null,null,6,early,0", "W100", "WMAX" };
        QCOMPARE(out, expected);
    }

    void endOfStreamTrigger()
    {
        auto out = run(R"("assigner":{"type":"global"},"trigger":{"type":"endOfStream"},"aggregate":{"fn":"count"})",
            ev("k", 1) + ev("k", 2) + wm(100));
        std::vector<std::string> expected = { "W100", "k,null,null,2,on_time,0", "WMAX" };
        QCOMPARE(out, expected);
    }

    void eventTimeTriggerOnGlobalWindowFiresAtEndOfInput()
    {
        // EventTimeTrigger registers a timer at maxTimestamp = MAX: the MAX watermark fires it.
        auto out = run(R"("assigner":{"type":"global"},"trigger":{"type":"eventTime"},"aggregate":{"fn":"count"})",
            ev("k", 1) + ev("k", 2) + wm(100));
        std::vector<std::string> expected = { "W100", "k,null,null,2,on_time,0", "WMAX" };
        QCOMPARE(out, expected);
    }

    void lateFiringEveryCoalesces()
    {
        // Beyond Flink: lateFiring every 1 s of processing time. Late elements arrive 1 ms apart
        // (rate 1000/s): five late elements give one late firing, not five.
        auto out = run(R"("assigner":{"type":"tumbling","size":"2s"},"allowedLateness":"1h","lateFiring":{"every":"1s"},
            "aggregate":{"fn":"count"})",
            ev("k", 500) + wm(1999) + ev("k", 1) + ev("k", 2) + ev("k", 3) + ev("k", 4) + ev("k", 5));
        std::vector<std::string> expected = { "k,0,2000,1,on_time,0", "W1999", "k,0,2000,6,late,1", "WMAX" };
        QCOMPARE(out, expected);
        QCOMPARE(windowMetrics().firings.late, 1);
    }

    void lateElementExtendsASessionWithinLateness()
    {
        // Gap 1 s, lateness 5 s. [0, 1000) fires at watermark 1500; an element at 500 merges into
        // it: [0, 1500), not late (1499 + 5000 > 1500), fires late with both elements (pane 1),
        // and moves the cleanup to 6499. After 6499, ts 100 finds no window and is dropped.
        auto out = run(R"("assigner":{"type":"session","gap":"1s"},"allowedLateness":"5s","aggregate":{"fn":"count"})",
            ev("k", 0) + wm(1500) + ev("k", 500) + wm(6499) + ev("k", 100));
        std::vector<std::string> expected = { "k,0,1000,1,on_time,0", "W1500", "k,0,1500,2,late,1", "W6499", "WMAX" };
        QCOMPARE(out, expected);
        QCOMPARE(windowMetrics().lateDropped, 1);
    }

    void listOfAggregatesOneFieldEach()
    {
        // count, sum, min and max of one window: the fields between window_end and firing, in
        // the list's order. Sessions merge all four states; a late element fires all four again.
        auto out = run(R"("assigner":{"type":"session","gap":"1s"},"allowedLateness":"5s",
            "aggregate":[{"fn":"count"},{"fn":"sum","field":"v","as":"total"},{"fn":"min","field":"v"},{"fn":"max","field":"v"}])",
            ev("k", 0, 4) + ev("k", 800, 9) + ev("j", 100, -2) + wm(2000) + ev("k", 900, 1) + wm(9000));
        // k: [0, 1800) count 2, total 13, min 4, max 9. The late 900 ([900, 1900)) merges into
        // it: [0, 1900), whose max timestamp 1899 the watermark 2000 has passed: a late firing.
        std::vector<std::string> expected = { "j,100,1100,1,-2,-2,-2,on_time,0", "k,0,1800,2,13,4,9,on_time,0", "W2000",
            "k,0,1900,3,14,1,9,late,1", "W9000", "WMAX" };
        QCOMPARE(out, normalized(expected));
        QCOMPARE(windowMetrics().firings.late, 1);
    }

    void valueFieldsOfAResult()
    {
        auto schema = [](std::initializer_list<const char*> names) {
            Schema s;
            for (const char* n : names)
                s.fields.push_back({ n, FieldType::Any });
            return s;
        };
        using P = std::pair<int, int>;
        QCOMPARE(window::valueFields(schema({ "key", "window_start", "window_end", "value", "firing", "pane" })), P(3, 4));
        QCOMPARE(window::valueFields(schema({ "key", "window_start", "window_end", "n", "total", "firing", "pane" })),
            P(3, 5));
        QCOMPARE(window::valueFields(schema({ "key", "window_start", "window_end", "n", "firing", "pane" })), P(3, 4));
        QCOMPARE(window::valueFields(schema({ "key", "value" })), P(1, 2));
        QCOMPARE(window::valueFields(schema({ "user", "ts", "amount" })), P(-1, -1));
    }

    void listOfAggregatesPurgingClearsEveryState()
    {
        auto out = run(R"("assigner":{"type":"global"},"trigger":{"type":"count","count":2,"purging":true},
            "aggregate":[{"fn":"count","as":"n"},{"fn":"avg","field":"v","as":"mean"}])",
            ev("k", 1, 1) + ev("k", 2, 3) + ev("k", 3, 10) + ev("k", 4, 20) + ev("k", 5, 7));
        std::vector<std::string> expected = { "k,null,null,2,2.0,early,0", "k,null,null,2,15.0,early,1", "WMAX" };
        QCOMPARE(out, normalized(expected));
    }
};

QTEST_APPLESS_MAIN(TestWindowOperator)
#include "tst_window_operator.moc"
