// Compare A/B (issue 10): the results diff as a pure function (what identifies a window result,
// last firing's value, records as multisets, the order and counts), and the Compare A/B dock
// driven through the real widgets: replay, "Pin A" on the replay bar, a live setting changed,
// "Restart with these settings", and the diff table lists exactly the windows worked out by hand
// on nine events (tests/data/whatif/compare.csv).
#include "replay/event_time_view.h"
#include "replay/live_settings.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "shell/main_window.h"
#include "whatif/compare_diff.h"
#include "whatif/compare_diff_model.h"
#include "whatif/compare_run.h"
#include "whatif/compare_view.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCategoryAxis>
#include <QChart>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTabBar>
#include <QTest>
#include <QToolButton>

using namespace streamlab;
using namespace streamlab::ui;

namespace {

SchemaPtr windowSchema()
{
    auto s = std::make_shared<Schema>();
    s->fields
        = { { "key", FieldType::Any }, { "window_start", FieldType::Long }, { "window_end", FieldType::Long },
              { "value", FieldType::Any }, { "firing", FieldType::String }, { "pane", FieldType::Long } };
    return s;
}

SchemaPtr eventSchema()
{
    auto s = std::make_shared<Schema>();
    s->fields = { { "k", FieldType::String }, { "ts", FieldType::Long } };
    return s;
}

// Sinks "out" (window results) and "late" (side output).
RunResults run() { return RunResults { { "out", "late" }, { windowSchema(), eventSchema() }, {}, false }; }

void fire(RunResults& r, Value key, int64_t start, int64_t end, Value value, const char* firing = "on_time",
    int64_t pane = 0)
{
    Record rec;
    rec.fields = { std::move(key), Value(start), Value(end), std::move(value), Value(std::string(firing)),
        Value(pane) };
    r.rows.push_back({ 0, 0, rec });
}

void fireGlobal(RunResults& r, Value key, Value value)
{
    Record rec;
    rec.fields = { std::move(key), Value(), Value(), std::move(value), Value(std::string("on_time")),
        Value(int64_t(0)) };
    r.rows.push_back({ 0, 0, rec });
}

void late(RunResults& r, const char* k, int64_t ts)
{
    Record rec;
    rec.fields = { Value(std::string(k)), Value(ts) };
    r.rows.push_back({ 1, 0, rec });
}

Value s(const char* text) { return Value(std::string(text)); }
Value n(int64_t v) { return Value(v); }

// A row as the diff table shows it, cells joined by " | ".
QString tableRow(const CompareDiffModel* m, int row)
{
    QStringList cells;
    for (int c = 0; c < m->columnCount(); ++c)
        cells << m->index(row, c).data().toString();
    return cells.join(QStringLiteral(" | "));
}

QStringList tableRows(const CompareDiffModel* m)
{
    QStringList rows;
    for (int r = 0; r < m->rowCount(); ++r)
        rows << tableRow(m, r);
    return rows;
}

const QString kCompareJob = QStringLiteral(STREAMLAB_TEST_DATA "/whatif/compare.job.json");

} // namespace

class TestCompare : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;

    ReplayController* controller() const { return m_window->replayController(); }
    bool finished() const
    {
        const auto& snap = controller()->snapshot();
        return snap && snap->state == runtime::ReplayState::Finished;
    }
    QToolButton* button(QAction* a) const
    {
        return qobject_cast<QToolButton*>(m_window->replayBar()->widgetForAction(a));
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // ---- the pure function ----------------------------------------------------------------

    void identicalRunsHaveNoDifference()
    {
        RunResults a = run();
        fire(a, s("a"), 0, 10, n(2));
        fire(a, s("b"), 0, 10, n(1));
        late(a, "a", 7);
        const ResultDiff d = diffResults(a, a);
        QVERIFY(d.rows.empty());
        QCOMPARE(d.same, 3);
        QCOMPARE(QString::fromStdString(diffSummary(d)), QString("0 only in A, 0 only in B, 0 differ"));
    }

    void windowsOnlyInOneRunAndDifferentValues()
    {
        RunResults a = run(), b = run();
        fire(a, s("a"), 0, 10, n(2));
        fire(b, s("a"), 0, 10, n(3)); // differs
        fire(a, s("b"), 0, 10, n(1));
        fire(b, s("b"), 0, 10, n(1)); // same
        fire(a, s("a"), 10, 20, n(1)); // only in A
        fire(b, s("c"), 0, 10, n(1)); // only in B
        fire(b, s("a"), 20, 30, n(4)); // only in B
        const ResultDiff d = diffResults(a, b);
        QCOMPARE(d.onlyInA, 1);
        QCOMPARE(d.onlyInB, 2);
        QCOMPARE(d.differ, 1);
        QCOMPARE(d.same, 1);
        QCOMPARE(QString::fromStdString(diffSummary(d)), QString("1 only in A, 2 only in B, 1 differs"));
        QCOMPARE(d.rows.size(), size_t(4));
        // Only in A, only in B (by window start, then key), then the differing ones.
        QCOMPARE(d.rows[0].kind, DiffKind::OnlyInA);
        QCOMPARE(d.rows[0].windowStart, int64_t(10));
        QVERIFY(d.rows[0].a.present && !d.rows[0].b.present);
        QCOMPARE(d.rows[1].kind, DiffKind::OnlyInB);
        QCOMPARE(valueToText(d.rows[1].key), std::string("c"));
        QCOMPARE(d.rows[1].windowStart, int64_t(0));
        QCOMPARE(d.rows[2].kind, DiffKind::OnlyInB);
        QCOMPARE(d.rows[2].windowStart, int64_t(20));
        QCOMPARE(valueToText(d.rows[2].b.value), std::string("4"));
        QCOMPARE(d.rows[3].kind, DiffKind::Differ);
        QCOMPARE(valueToText(d.rows[3].a.value), std::string("2"));
        QCOMPARE(valueToText(d.rows[3].b.value), std::string("3"));
    }

    // Several firings of one window: the last one's value counts, the firings are listed.
    void lastFiringDecides()
    {
        RunResults a = run(), b = run();
        fire(a, s("a"), 0, 10, n(2));
        fire(b, s("a"), 0, 10, n(2));
        fire(b, s("b"), 0, 10, n(9)); // emission order interleaves windows
        fire(b, s("a"), 0, 10, n(3), "late", 1);
        // The same final value through other firings is not a difference.
        fire(a, s("x"), 0, 10, n(3));
        fire(b, s("x"), 0, 10, n(2));
        fire(b, s("x"), 0, 10, n(3), "late", 1);
        const ResultDiff d = diffResults(a, b);
        QCOMPARE(d.differ, 1);
        QCOMPARE(d.onlyInB, 1); // b
        QCOMPARE(d.same, 1); // x
        const ResultDiffRow& r = d.rows.back();
        QCOMPARE(valueToText(r.key), std::string("a"));
        QCOMPARE(r.a.firings, int64_t(1));
        QCOMPARE(r.a.firing, std::string("on_time"));
        QCOMPARE(r.b.firings, int64_t(2));
        QCOMPARE(r.b.lateFirings, int64_t(1));
        QCOMPARE(r.b.firing, std::string("late"));
        QCOMPARE(r.b.pane, int64_t(1));
        QCOMPARE(valueToText(r.b.value), std::string("3"));
    }

    void keysOfDifferentTypesAreDifferentWindows()
    {
        RunResults a = run(), b = run();
        fire(a, n(1), 0, 10, n(5));
        fire(b, s("1"), 0, 10, n(5));
        const ResultDiff d = diffResults(a, b);
        QCOMPARE(d.onlyInA, 1);
        QCOMPARE(d.onlyInB, 1);
    }

    void globalWindows()
    {
        RunResults a = run(), b = run();
        fireGlobal(a, s("a"), n(5));
        fireGlobal(b, s("a"), n(6));
        const ResultDiff d = diffResults(a, b);
        QCOMPARE(d.differ, 1);
        QCOMPARE(d.rows.front().windowStart, kMinTimestamp);
        CompareDiffModel m;
        m.setDiff(d);
        QCOMPARE(m.index(0, CompareDiffModel::WindowStart).data().toString(), QString("global"));
    }

    // Side-output records: identified by their content, compared as multisets.
    void otherRecordsAreMultisets()
    {
        RunResults a = run(), b = run();
        late(a, "a", 7);
        late(a, "a", 7);
        late(b, "a", 7);
        late(a, "c", 6);
        late(b, "d", 1);
        const ResultDiff d = diffResults(a, b);
        QCOMPARE(d.onlyInA, 1);
        QCOMPARE(d.onlyInB, 1);
        QCOMPARE(d.differ, 1);
        QCOMPARE(d.rows[0].record, std::string("{\"k\":\"c\",\"ts\":6}"));
        QVERIFY(!d.rows[0].windowed);
        QCOMPARE(d.rows[1].record, std::string("{\"k\":\"d\",\"ts\":1}"));
        QCOMPARE(d.rows[2].a.firings, int64_t(2));
        QCOMPARE(d.rows[2].b.firings, int64_t(1));
    }

    // A sink only one run has (the job changed): all its results are only in that run.
    void sinksMatchByName()
    {
        RunResults a = run();
        RunResults b { { "late", "out" }, { eventSchema(), windowSchema() }, {}, false };
        fire(a, s("a"), 0, 10, n(2));
        Record rec;
        rec.fields = { s("a"), Value(int64_t(0)), Value(int64_t(10)), n(2), s("on_time"), Value(int64_t(0)) };
        b.rows.push_back({ 1, 0, rec });
        const ResultDiff d = diffResults(a, b);
        QVERIFY(d.rows.empty());
        QCOMPARE(d.same, 1);
    }

    void settingsLabels()
    {
        const RunSettings a { { "src.watermark.maxOutOfOrderness", "0ms" }, { "w.allowedLateness", "0ms" } };
        const RunSettings b { { "src.watermark.maxOutOfOrderness", "5s" }, { "w.allowedLateness", "0ms" },
            { "w.lateFiring.every", "1m" } };
        QCOMPARE(settingsDifference(a, b),
            (std::vector<std::string> { "src.watermark.maxOutOfOrderness=0ms", "w.lateFiring.every unset" }));
        QCOMPARE(settingsDifference(b, a),
            (std::vector<std::string> { "src.watermark.maxOutOfOrderness=5s", "w.lateFiring.every=1m" }));
        QCOMPARE(settingsLabel(settingsDifference(b, a), 40, "same"),
            std::string("src.watermark.maxOutOfOrderness=5s … +1 more"));
        QCOMPARE(settingsLabel({}, 40, "same"), std::string("same"));
    }

    // Durations compare by value, whatever their spelling; live settings apply on top of the job.
    void runSettingsOfAJob()
    {
        auto job = model::Job::load(kCompareJob.toStdString());
        QVERIFY(job.ok());
        RunSettings plain = runSettingsOf(*job, {}, {}, {});
        QCOMPARE(QString::fromStdString(plain.at("src.watermark.maxOutOfOrderness")), QString("0ms"));
        QCOMPARE(QString::fromStdString(plain.at("config.autoWatermarkInterval")), QString("200ms"));
        QVERIFY(!plain.count("src.ui.x"));
        RunSettings live = runSettingsOf(*job, { { "src", 5000 } }, { { "perTen", 0 } }, {});
        QCOMPARE(settingsDifference(live, plain),
            std::vector<std::string> { "src.watermark.maxOutOfOrderness=5s" });
    }

    // ---- through the window ---------------------------------------------------------------

    void cleanup() { m_window.reset(); }

    // Worked out by hand (compare.csv, one partition, 10 s tumbling count per key, ticks every
    // 200 ms on every arrival, records before ticks):
    // - A (delay 0, lateness 0): [0,10s) fires at 11 s with a=2 (1 s, 4 s) and b=1; a@7s (arriving at
    //   12 s) and c@6s (13 s) come after it: side output. [10s,20s) a=1, b=2; [30s,40s) a=1.
    // - B with delay 5 s: [0,10s) waits until b@16s (17 s): a=3, b=1, c=1 on time; no side output.
    // - B with lateness 5 s: a@7s re-fires a's [0,10s) late (3, pane 1) and c@6s fires a new window
    //   late (c=1); no side output.
    // So: the two side-output records only in A, c's [0,10s) only in B, a's [0,10s) differs (2, 3).
    void pinnedRunDiffersFromTheNextOne_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("labelB");
        QTest::addColumn<QStringList>("rows");
        // Points in B's firings chart: one per FiringEvent, i.e. per window end, kind and pane
        // (the keys a watermark fires at once are one). A: 5 firings, 3 points ([0,10) a and b
        // at 11 s; [10,20) a and b, then [30,40) a, at the end of input).
        QTest::addColumn<int>("pointsB");
        QTest::addColumn<bool>("background");
        const QStringList delayRows {
            "only in B | out | c | 00:00:00 | 00:00:10 |  | 1 |  | 1 |  | on time, pane 0",
            "differs | out | a | 00:00:00 | 00:00:10 | 2 | 3 | 1 | 1 | on time, pane 0 | on time, pane 0",
            "only in A | late | (record) |  |  | {\"arrival\":12000,\"k\":\"a\",\"ts\":7000} |  | 1 record |  |  | ",
            "only in A | late | (record) |  |  | {\"arrival\":13000,\"k\":\"c\",\"ts\":6000} |  | 1 record |  |  | ",
        };
        // B, 5 s delay: 6 firings, 3 points ([0,10) a, b and c at 17 s; [10,20) and [30,40) at the end).
        QTest::newRow("watermark delay 0s vs 5s") << "delay" << "B: src.watermark.maxOutOfOrderness=5s" << delayRows
                                                  << 3 << false;
        // The same with run B's copy and the diff made on the background thread, as for a
        // large run.
        QTest::newRow("watermark delay, copied and compared in the background")
            << "delay" << "B: src.watermark.maxOutOfOrderness=5s" << delayRows << 3 << true;
        QTest::newRow("allowed lateness 0s vs 5s")
            << "lateness" << "B: perTen.allowedLateness=5s"
            << QStringList {
                   "only in B | out | c | 00:00:00 | 00:00:10 |  | 1 |  | 1 (1 late) |  | late, pane 0",
                   "differs | out | a | 00:00:00 | 00:00:10 | 2 | 3 | 1 | 2 (1 late) | on time, pane 0 | late, pane 1",
                   "only in A | late | (record) |  |  | {\"arrival\":12000,\"k\":\"a\",\"ts\":7000} |  | 1 record |  |  | ",
                   "only in A | late | (record) |  |  | {\"arrival\":13000,\"k\":\"c\",\"ts\":6000} |  | 1 record |  |  | ",
               }
            // 7 firings, 5 points: the late firings of a (pane 1, at 12 s) and c (pane 0, at 13 s) apart.
            << 5 << false;
    }
    void pinnedRunDiffersFromTheNextOne()
    {
        QFETCH(QString, setting);
        QFETCH(QString, labelB);
        QFETCH(QStringList, rows);
        QFETCH(int, pointsB);
        QFETCH(bool, background);
        QVERIFY(openWindow());
        CompareView* view = m_window->compareView();
        if (background)
            view->setBackgroundRows(0);
        QAbstractItemModelTester tester(view->diffModel());
        QAction* pin = m_window->pinAction();
        QVERIFY(!pin->isEnabled()); // nothing replayed yet

        // Run A.
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QTRY_VERIFY(pin->isEnabled());
        QToolButton* pinButton = button(pin);
        QVERIFY(pinButton && pinButton->isVisible());
        m_window->raiseView("eventtime");
        QTRY_COMPARE(frontTab(), QString("Event Time"));
        QTest::mouseClick(pinButton, Qt::LeftButton);
        // The view in front stays in front (here Event Time): pinning does not take the dock.
        QTRY_VERIFY(view->runA()); // at once, or from the background thread
        QTest::qWait(50);
        QCOMPARE(frontTab(), QString("Event Time"));
        QCOMPARE(view->runA()->results.rows.size(), size_t(7));
        QTRY_VERIFY(view->header()->text().contains("B is the run pinned as A"));

        // Run B: one live setting changed, replayed from the start.
        if (setting == "delay")
            m_window->liveSettings()->delayField("src")->setValue(5);
        else
            m_window->liveSettings()->latenessField("perTen")->setValue(5);
        auto* restart = m_window->liveSettings()->findChild<QPushButton*>("restartWithSettings");
        QVERIFY(restart);
        QTest::mouseClick(restart, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);

        // A stays what it was: its copy is not the live run's. B has ended: Compare comes forward.
        QCOMPARE(view->runA()->results.rows.size(), size_t(7));
        QTRY_COMPARE(frontTab(), QString("Compare A/B"));
        QTRY_VERIFY(view->runB() && view->runB()->generation == controller()->generation());
        QTRY_COMPARE(tableRows(view->diffModel()), rows);
        QTRY_VERIFY(!view->isBusy());
        const ResultDiff& d = view->diffModel()->diff();
        QCOMPARE(d.onlyInA, 2);
        QCOMPARE(d.onlyInB, 1);
        QCOMPARE(d.differ, 1);
        QCOMPARE(d.same, 4);
        QCOMPARE(d.records, 2);
        QVERIFY2(view->header()->text().contains("Results by key and window: <b>2 only in A, 1 only in B, 1 differs</b>, 4 the same"),
            qPrintable(view->header()->text()));
        // The table shows the diff in its own order, and sorts by a column when asked.
        auto* table = view->findChild<QTableView*>("compareDiffTable");
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), view->diffModel()->rowCount());
        QCOMPARE(table->model()->index(0, 0).data().toString(),
            view->diffModel()->index(0, 0).data().toString());
        table->sortByColumn(CompareDiffModel::WindowStart, Qt::DescendingOrder);
        for (int r = 1; r < table->model()->rowCount(); ++r) {
            const QVariant prev = table->model()->index(r - 1, CompareDiffModel::WindowStart).data(Qt::UserRole);
            const QVariant cur = table->model()->index(r, CompareDiffModel::WindowStart).data(Qt::UserRole);
            if (prev.isValid() && cur.isValid())
                QVERIFY(prev.toLongLong() >= cur.toLongLong());
        }
        // The legends name what differs between the runs.
        const QString labelA
            = setting == "delay" ? "A: src.watermark.maxOutOfOrderness=0ms" : "A: perTen.allowedLateness=0ms";
        QCOMPARE(view->labelA(), labelA);
        QCOMPARE(view->labelB(), labelB);
        // Both runs' firings are drawn, each with its own series.
        QMap<QString, int> points;
        for (QAbstractSeries* s : view->firingsChart()->series())
            if (auto* sc = qobject_cast<QScatterSeries*>(s))
                points[sc->name()] = int(sc->count());
        QCOMPARE(points.value(labelA), 3);
        QCOMPARE(points.value(labelB), pointsB);
        QCOMPARE(view->watermarkChart()->series().size(), 3); // A, B, max event time
        QCOMPARE(view->stateChart()->series().size(), 2);
    }

    // Another job: nothing left of the previous comparison.
    void pinnedRunIsForgottenWithItsJob()
    {
        QVERIFY(openWindow());
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QTRY_VERIFY(m_window->pinAction()->isEnabled());
        m_window->pinAction()->trigger();
        QVERIFY(m_window->compareView()->runA());
        QVERIFY(m_window->openFile(kCompareJob, false));
        QVERIFY(!m_window->compareView()->runA());
        QVERIFY(!m_window->pinAction()->isEnabled());
        QCOMPARE(m_window->compareView()->diffModel()->rowCount(), 0);
        // Nor the previous job's times on the charts' axes.
        for (QChart* chart : { m_window->compareView()->firingsChart(), m_window->compareView()->watermarkChart() })
            for (QAbstractAxis* a : chart->axes(Qt::Horizontal))
                if (auto* axis = qobject_cast<QCategoryAxis*>(a))
                    QVERIFY2(axis->categoriesLabels().isEmpty(), qPrintable(axis->categoriesLabels().join(' ')));
    }

    // Thousands of late firings in one column do not thin the on-time diagonal away: the stuck
    // producer's 84 on-time windows stay on the chart beside its 3600 late firings.
    void thinnedFiringsKeepTheShape()
    {
        QVERIFY(openWindow());
        QVERIFY(m_window->openFile(QStringLiteral(STREAMLAB_SAMPLES "/stuck-producer/job.json"), false));
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex());
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 60000);
        QTRY_VERIFY(m_window->pinAction()->isEnabled());
        m_window->pinAction()->trigger();
        QTRY_VERIFY(m_window->compareView()->runA());
        m_window->compareView()->refresh();
        QScatterSeries* a = nullptr;
        for (QAbstractSeries* series : m_window->compareView()->firingsChart()->series())
            if (auto* sc = qobject_cast<QScatterSeries*>(series); sc && sc->name() == m_window->compareView()->labelA())
                a = sc;
        QVERIFY(a);
        QVERIFY(a->count() <= CompareView::kMaxFiringPoints);
        // Every on-time firing's window is still drawn, near where it fired.
        QSet<qreal> drawn;
        for (const QPointF& p : a->points())
            drawn.insert(p.y());
        int onTime = 0;
        for (const auto& f : m_window->compareView()->runA()->firings)
            if (f.firing == "on_time") {
                ++onTime;
                QVERIFY2(drawn.contains(qreal(f.windowEnd)), qPrintable(QString::number(f.windowEnd)));
            }
        QVERIFY(onTime >= 20);
    }

    void pinAndSweepAreInTheReplayMenu()
    {
        QVERIFY(openWindow());
        QMenu* replay = nullptr;
        for (QAction* a : m_window->menuBar()->actions())
            if (a->menu() && a->text() == "&Replay")
                replay = a->menu();
        QVERIFY(replay);
        QVERIFY(replay->actions().contains(m_window->pinAction()));
        QVERIFY(replay->actions().contains(m_window->sweepAction()));
    }

private:
    // The tab in front among the replay's views (the tab bar that holds Compare A/B).
    QString frontTab() const
    {
        for (auto* bar : m_window->findChildren<QTabBar*>())
            for (int i = 0; i < bar->count(); ++i)
                if (bar->tabText(i) == "Compare A/B")
                    return bar->tabText(bar->currentIndex());
        return {};
    }

    bool openWindow()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get()) || !m_window->openFile(kCompareJob, false))
            return false;
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
        return true;
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
