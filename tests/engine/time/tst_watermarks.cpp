// Watermark generation (EVENT-TIME.md 1.1-1.4) and combination in the valve (1.5).
// Expected values are worked out by hand from the specification.
#include "runtime/valve.h"
#include "time/watermark_generator.h"

#include <QtTest>

using namespace streamlab;

namespace {
struct Recorder : runtime::Valve::Listener {
    std::vector<std::string> events;
    void onValveWatermark(int64_t w) override
    {
        std::string e = "W";
        e += std::to_string(w);
        events.push_back(e);
    }
    void onValveStatus(bool idle) override { events.push_back(idle ? "IDLE" : "ACTIVE"); }
    std::string take()
    {
        std::string s;
        for (const auto& e : events)
            s += (s.empty() ? "" : " ") + e;
        events.clear();
        return s;
    }
};

model::WatermarkSpec bounded(int64_t d, std::optional<int64_t> idle = std::nullopt)
{
    model::WatermarkSpec s;
    s.strategy = model::WatermarkStrategy::BoundedOutOfOrderness;
    s.maxOutOfOrderness = d;
    s.idleTimeout = idle;
    return s;
}
} // namespace

class TestWatermarks : public QObject {
    Q_OBJECT
private slots:
    void boundedFormulaIsMaxTsMinusDelayMinusOne()
    {
        time::SourceWatermarks g(bounded(5000), 1);
        // Before any record the generator gives MIN, which is never forwarded.
        QVERIFY(!g.onPeriodicEmit(200).watermark);
        g.onRecord(0, 10000);
        g.onRecord(0, 2000); // out of order: the max is kept
        auto e = g.onPeriodicEmit(400);
        QVERIFY(e.watermark);
        QCOMPARE(*e.watermark, 4999);
        // Same value again: swallowed (only strictly increasing watermarks go out).
        QVERIFY(!g.onPeriodicEmit(600).watermark);
        g.onRecord(0, 10001);
        QCOMPARE(*g.onPeriodicEmit(800).watermark, 5000);
    }

    void monotonousIsMaxTsMinusOne()
    {
        model::WatermarkSpec s;
        s.strategy = model::WatermarkStrategy::Monotonous;
        time::SourceWatermarks g(s, 1);
        g.onRecord(0, 10000);
        g.onRecord(0, 9000);
        QCOMPARE(*g.onPeriodicEmit(200).watermark, 9999);
    }

    void combinedIsMinimumOverSplits()
    {
        time::SourceWatermarks g(bounded(0), 2);
        g.onRecord(0, 5000);
        // Split 1 has not emitted yet: the combined watermark stays at MIN.
        QVERIFY(!g.onPeriodicEmit(200).watermark);
        g.onRecord(1, 3000);
        QCOMPARE(*g.onPeriodicEmit(400).watermark, 2999);
    }

    void idlenessTiming()
    {
        // Timeout 1000 ms, ticks every 200 ms, last record at 0. The countdown starts at the
        // first tick without records (400); idle once now - 400 > 1000, strictly: at 1600.
        time::SourceWatermarks g(bounded(0, 1000), 1);
        g.onRecord(0, 5000);
        auto e = g.onPeriodicEmit(200);
        QCOMPARE(*e.watermark, 4999);
        for (int64_t t = 400; t <= 1400; t += 200) {
            auto x = g.onPeriodicEmit(t);
            QVERIFY2(!x.status, qPrintable(QString("idle too early at %1").arg(t)));
        }
        auto idle = g.onPeriodicEmit(1600);
        QVERIFY(idle.status && *idle.status);
        QVERIFY(g.idle());
        // A record clears it; the next tick emits a larger watermark and flips back to ACTIVE.
        g.onRecord(0, 6000);
        auto back = g.onPeriodicEmit(1800);
        QVERIFY(back.status && !*back.status);
        QCOMPARE(*back.watermark, 5999);
    }

    void idleSplitLeavesTheMinimum()
    {
        time::SourceWatermarks g(bounded(0, 500), 2);
        g.onRecord(0, 1000);
        g.onRecord(1, 9000);
        QCOMPARE(*g.onPeriodicEmit(200).watermark, 999);
        // Split 1 keeps receiving, split 0 goes quiet and idles: the watermark follows split 1.
        std::optional<int64_t> last;
        for (int64_t t = 400; t <= 1200; t += 200) {
            g.onRecord(1, 9000 + t);
            auto e = g.onPeriodicEmit(t);
            if (e.watermark)
                last = e.watermark;
        }
        QVERIFY(g.splitIdle(0));
        QCOMPARE(*last, 9000 + 1200 - 1);
    }

    void punctuatedEmitsAtOnce()
    {
        model::WatermarkSpec s;
        s.strategy = model::WatermarkStrategy::Punctuated;
        time::SourceWatermarks g(s, 1);
        QCOMPARE(*g.onWatermarkLine(-1, 1500).watermark, 1500);
        QVERIFY(!g.onWatermarkLine(-1, 1000).watermark); // backwards: swallowed
        QVERIFY(!g.onPeriodicEmit(200).watermark);
        QCOMPARE(*g.emitMaxWatermark().watermark, INT64_MAX);
    }

    void valveMinimumIdleAndRealignment()
    {
        runtime::Valve v(2);
        Recorder r;
        v.inputWatermark(0, 5, r);
        QCOMPARE(r.take(), std::string()); // channel 1 still at MIN
        v.inputWatermark(1, 3, r);
        QCOMPARE(r.take(), std::string("W3"));
        v.inputStatus(1, true, r); // the holder of the minimum idles: min over the rest
        QCOMPARE(r.take(), std::string("W5"));
        v.inputStatus(1, false, r); // back, but behind (3 < 5): not counted yet
        v.inputWatermark(1, 4, r);
        QCOMPARE(r.take(), std::string());
        v.inputWatermark(0, 10, r); // channel 1 (4) is unaligned: output follows channel 0
        QCOMPARE(r.take(), std::string("W10"));
        v.inputWatermark(1, 7, r); // still behind 10
        QCOMPARE(r.take(), std::string());
        v.inputWatermark(1, 12, r); // caught up: aligned again
        v.inputWatermark(0, 20, r);
        QCOMPARE(r.take(), std::string("W12"));
    }

    void valveFlushWhenAllIdle()
    {
        runtime::Valve v(2);
        Recorder r;
        v.inputWatermark(0, 10, r);
        v.inputWatermark(1, 7, r);
        QCOMPARE(r.take(), std::string("W7"));
        v.inputStatus(0, true, r); // not the minimum holder: nothing changes
        QCOMPARE(r.take(), std::string());
        v.inputStatus(1, true, r); // the last one, holding the output: flush the maximum, then IDLE
        QCOMPARE(r.take(), std::string("W10 IDLE"));
        v.inputWatermark(0, 50, r); // ignored while idle
        QCOMPARE(r.take(), std::string());
        v.inputStatus(0, false, r);
        QCOMPARE(r.take(), std::string("ACTIVE"));
    }
};

QTEST_APPLESS_MAIN(TestWatermarks)
#include "tst_watermarks.moc"
