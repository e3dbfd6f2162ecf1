// Watermark generation (EVENT-TIME.md 1.1-1.4) and combination in the valve (1.5).
// Expected values are worked out by hand from the specification.
#include "core/value_codec.h"
#include "runtime/combined_watermark.h"
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

    // JOINS.md 1, [test: TwoInputStreamTaskTest#testWatermarkAndWatermarkStatusForwarding]: two
    // inputs of two channels each, one Valve per input (the channel level) feeding the combination
    // (the input level), as a two-input task has them. Flink's expected output, step by step.
    void twoInputWatermarkValveIdle()
    {
        Recorder out;
        runtime::CombinedWatermark combined(2);
        struct Input : runtime::Valve::Listener {
            Input(int i, runtime::CombinedWatermark* c, Recorder* o)
                : index(i)
                , combined(c)
                , out(o)
            {
            }
            int index;
            runtime::CombinedWatermark* combined;
            Recorder* out;
            runtime::Valve valve { 2 };
            void onValveWatermark(int64_t w) override { combined->inputWatermark(index, w, *out); }
            void onValveStatus(bool idle) override { combined->inputStatus(index, idle, *out); }
        };
        Input in[2] = { { 0, &combined, &out }, { 1, &combined, &out } };
        auto wm = [&](int input, int channel, int64_t w) { in[input].valve.inputWatermark(channel, w, in[input]); };
        auto status = [&](int input, int channel, bool idle) { in[input].valve.inputStatus(channel, idle, in[input]); };

        wm(0, 0, 0);
        wm(0, 1, 0);
        wm(1, 0, 0);
        QCOMPARE(out.take(), std::string()); // input 1's channel 1 has none yet
        wm(1, 1, 0);
        QCOMPARE(out.take(), std::string("W0"));
        wm(0, 0, 4);
        wm(0, 1, 3);
        wm(1, 0, 3);
        wm(1, 1, 2);
        QCOMPARE(out.take(), std::string("W2")); // the minimum of all four
        QCOMPARE(combined.holdingBack(), 1);
        wm(1, 1, 4);
        QCOMPARE(out.take(), std::string("W3"));
        wm(0, 1, 4);
        wm(1, 0, 4);
        QCOMPARE(out.take(), std::string("W4"));
        // Idle channels leave their input's minimum; when input 1's last channel idles, input 0
        // alone drives the combined watermark.
        status(0, 1, true);
        status(1, 0, true);
        wm(0, 0, 6);
        wm(1, 1, 5);
        status(1, 1, true);
        QCOMPARE(out.take(), std::string("W5 W6"));
        QVERIFY(combined.inputIdle(1) && !combined.idle());
        QCOMPARE(combined.holdingBack(), 0);
        // Every channel idle: IDLE once.
        status(0, 0, true);
        QCOMPARE(out.take(), std::string("IDLE"));
        QCOMPARE(combined.holdingBack(), -1);
        // Some channels active again: ACTIVE once, and no watermark back to input 1's 5.
        status(1, 0, false);
        status(0, 1, false);
        QCOMPARE(out.take(), std::string("ACTIVE"));
        QCOMPARE(combined.combined(), int64_t(6));
    }

    // Nothing until every input has a watermark; an idle input is left out; a watermark on an idle
    // input makes it count again (without a status, as in Flink); a checkpoint restores it all.
    void combinedWatermarkRules()
    {
        Recorder out;
        runtime::CombinedWatermark c(2);
        c.inputWatermark(0, 10, out);
        QCOMPARE(out.take(), std::string()); // input 1 still at MIN
        c.inputStatus(1, true, out);
        QCOMPARE(out.take(), std::string("W10")); // input 1 idle: input 0 alone
        c.inputWatermark(0, 8, out);
        QCOMPARE(c.partial(0), int64_t(10)); // a partial watermark never goes down
        c.inputWatermark(1, 7, out);         // back, behind: not output, the combined one stays
        QCOMPARE(out.take(), std::string());
        QVERIFY(!c.inputIdle(1));
        c.inputWatermark(1, 12, out);
        QCOMPARE(out.take(), std::string()); // min(10, 12) is not above 10: nothing
        c.inputWatermark(0, 15, out);
        QCOMPARE(out.take(), std::string("W12"));

        std::string saved;
        c.save(saved);
        runtime::CombinedWatermark restored(2);
        ByteReader reader { saved };
        QVERIFY(restored.load(reader));
        QCOMPARE(restored.combined(), int64_t(12));
        QCOMPARE(restored.partial(0), int64_t(15));
        restored.inputWatermark(1, 20, out);
        QCOMPARE(out.take(), std::string("W15"));
        runtime::CombinedWatermark three(3);
        ByteReader again { saved };
        QVERIFY(!three.load(again)); // a checkpoint of another shape is refused
    }
};

QTEST_APPLESS_MAIN(TestWatermarks)
#include "tst_watermarks.moc"
