// The what-if sweep dialog (Replay ▸ Sweep…) on nine hand-made events
// (tests/data/whatif/compare.csv): the targets come from the job, a run plots one point per value
// labelled with it at (latency, completeness) as whatif::measureReplay measures them, clicking a
// point or a row sets the value as one undoable edit, Cancel stops further replays, and a failing
// replay shows its message in the dialog.
#include "designer/graph_model.h"
#include "model/params.h"
#include "replay/replay_controller.h"
#include "shell/main_window.h"
#include "whatif/sweep.h"
#include "whatif/whatif_dialog.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QTest>
#include <QUndoStack>
#include <QValueAxis>
#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace streamlab;
using namespace streamlab::ui;

namespace {

const QString kJob = QStringLiteral(STREAMLAB_TEST_DATA "/whatif/compare.job.json");
const QString kDelay = QStringLiteral("src.watermark.maxOutOfOrderness");

void typeInto(QLineEdit* e, const QString& text)
{
    e->selectAll();
    QTest::keyClick(e, Qt::Key_Delete);
    QTest::keyClicks(e, text);
}

} // namespace

class TestWhatIf : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;
    WhatIfDialog* m_dialog = nullptr;

    QString delayOfTheJob() const
    {
        GraphModel* m = m_window->graphModel();
        const auto v = m->param(m->nodeByKey("src"), "watermark.maxOutOfOrderness");
        return v.is_string() ? QString::fromStdString(v.get<std::string>())
                             : QString::fromStdString(v.dump());
    }

    // Chooses the target and range through the widgets and presses Run; waits for the end.
    bool sweep(const QString& target, const QString& from, const QString& to, const QString& step)
    {
        const int i = m_dialog->targetBox()->findData(target);
        if (i < 0)
            return false;
        m_dialog->targetBox()->setCurrentIndex(i);
        typeInto(m_dialog->fromField(), from);
        typeInto(m_dialog->toField(), to);
        typeInto(m_dialog->stepField(), step);
        QSignalSpy done(m_dialog, &WhatIfDialog::sweepFinished);
        QTest::mouseClick(m_dialog->runButton(), Qt::LeftButton);
        return done.wait(60000) && done.front().front().toBool();
    }

    // Clicks the point of `label` on the chart, as a person does.
    bool clickPoint(const QString& label)
    {
        const int i = int(m_dialog->pointLabels().indexOf(label));
        if (i < 0)
            return false;
        QChartView* view = m_dialog->chartView();
        const QPointF p = m_dialog->pointSeries()->at(i);
        const QPoint at = view->mapFromScene(m_dialog->chart()->mapToPosition(p, m_dialog->pointSeries()));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        return true;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(m_window->openFile(kJob, false));
        // Opened from the main toolbar's Sweep button, as a person does.
        auto* toolbar = m_window->findChild<QToolBar*>("mainToolBar");
        QVERIFY(toolbar);
        auto* sweepButton = qobject_cast<QToolButton*>(toolbar->widgetForAction(m_window->sweepAction()));
        QVERIFY(sweepButton && sweepButton->isVisible());
        QTest::mouseClick(sweepButton, Qt::LeftButton);
        m_dialog = m_window->whatIfDialog();
        QVERIFY(QTest::qWaitForWindowExposed(m_dialog));
    }

    void cleanup()
    {
        m_dialog = nullptr;
        m_window.reset();
    }

    // The job's watermark delays and allowed lateness come first, pre-filled around their value.
    void targetsComeFromTheJob()
    {
        QComboBox* box = m_dialog->targetBox();
        QCOMPARE(box->itemData(0).toString(), kDelay);
        QCOMPARE(box->itemData(1).toString(), QString("perTen.allowedLateness"));
        QVERIFY(box->findData("src.watermark.idleTimeout") > 1);
        QVERIFY(box->findData("config.parallelism") > 1);
        QCOMPARE(box->findData("src.path"), -1); // not a number
        QCOMPARE(m_dialog->fromField()->text(), QString("0s"));
        QCOMPARE(m_dialog->toField()->text(), QString("10s"));
        QCOMPARE(m_dialog->stepField()->text(), QString("1s"));
        QVERIFY(m_dialog->runButton()->isEnabled());
        // An idle timeout must be positive: its range starts at the first step, not at 0.
        m_dialog->targetBox()->setCurrentIndex(m_dialog->targetBox()->findData("src.watermark.idleTimeout"));
        QVERIFY2(m_dialog->fromField()->text() == m_dialog->stepField()->text(),
            qPrintable(m_dialog->fromField()->text() + " / " + m_dialog->stepField()->text()));
        QVERIFY(m_dialog->acceptsValue("src.watermark.idleTimeout", m_dialog->fromField()->text()));
        QVERIFY(!m_dialog->acceptsValue("src.watermark.idleTimeout", "0s"));
        QVERIFY(m_dialog->acceptsValue(kDelay, "0s"));
        m_dialog->targetBox()->setCurrentIndex(0);
        QCOMPARE(m_dialog->fromField()->text(), QString("0s"));
        typeInto(m_dialog->toField(), "1x");
        QVERIFY(!m_dialog->runButton()->isEnabled());
        QVERIFY(
            m_dialog->findChild<QLabel*>("whatifPreview")->text().contains("FROM and TO must be durations"));
    }

    // Before a run the progress counts the replays the preview announces; the dialog fits a small
    // screen.
    void progressAndSizeBeforeTheFirstRun()
    {
        QCOMPARE(m_dialog->findChild<QProgressBar*>("whatifProgress")->text(), QString("0 of 11 replays"));
        QVERIFY(m_dialog->height() <= m_dialog->screen()->availableGeometry().height());
    }

    // The default range holds the job's own value, so that its point is there to be ringed.
    void theDefaultRangeHoldsTheJobsValue()
    {
        GraphModel* m = m_window->graphModel();
        m->setParam(m->nodeByKey("src"), "watermark.maxOutOfOrderness", "2500ms");
        QComboBox* box = m_dialog->targetBox();
        box->setCurrentIndex(box->findData("perTen.allowedLateness"));
        box->setCurrentIndex(box->findData(kDelay));
        QCOMPARE(m_dialog->fromField()->text(), QString("0s"));
        QCOMPARE(m_dialog->toField()->text(), QString("10s"));
        QCOMPARE(m_dialog->stepField()->text(), QString("1250ms"));
    }

    // Completeness that changes by nothing (every event on time from 2 s on) is not blown up to
    // the chart's whole height: the axis spans at least one percentage point.
    void aFlatCompletenessStaysFlat()
    {
        QVERIFY(sweep(kDelay, "2s", "4s", "1s"));
        auto* y = qobject_cast<QValueAxis*>(m_dialog->chart()->axes(Qt::Vertical).front());
        QVERIFY(y);
        QVERIFY2(y->max() - y->min() >= 1.0, qPrintable(QStringLiteral("%1..%2").arg(y->min()).arg(y->max())));
        QCOMPARE(y->max(), 100.0);
    }

    // Worked out in tst_sweep and by `streamlab sweep`: delay 0 loses a@7s and c@6s to the side
    // output (7 of 9 on time, median latency 9 s); from 2 s on every event is on time, the median
    // latency is 2 s at 2 s and 5 s at 4 s.
    void runPlotsOnePointPerValue()
    {
        QAbstractItemModelTester tester(m_dialog->tableModel());
        QVERIFY(sweep(kDelay, "0s", "4s", "2s"));
        QCOMPARE(m_dialog->tableModel()->rowCount(), 3);
        QCOMPARE(m_dialog->pointLabels(), (QStringList { "0ms", "2s", "4s" }));
        const QList<QPointF> pts = m_dialog->pointSeries()->points();
        QCOMPARE(pts.size(), 3);
        QCOMPARE(pts[0], QPointF(9.0, 700.0 / 9.0));
        QCOMPARE(pts[1], QPointF(2.0, 100.0));
        QCOMPARE(pts[2], QPointF(5.0, 100.0));
        // Each point is what `streamlab run --set` measures for its value.
        auto job = model::Job::load(kJob.toStdString());
        QVERIFY(job.ok());
        QVERIFY(model::applySet(*job, (kDelay + "=2s").toStdString()).ok());
        auto measured = whatif::measureReplay(*job, {});
        QVERIFY(measured.ok());
        QCOMPARE(pts[1].x(), double(measured->latencyMedian) / 1000.0);
        QCOMPARE(pts[1].y(), measured->completeness * 100);
        // Every label is shown, none on another.
        auto* chartAxis = qobject_cast<QValueAxis*>(m_dialog->chart()->axes(Qt::Horizontal).front());
        QVERIFY(chartAxis->titleText().contains("median (s)"));
        QCOMPARE(m_dialog->progressBar()->value(), 3);
        QVERIFY(m_dialog->statusLabel()->text().startsWith("3 replays"));
        // The p99 axis: 19 s for every value.
        m_dialog->latencyBox()->setCurrentIndex(1);
        QVERIFY(chartAxis->titleText().contains("p99 (s)"));
        for (const QPointF& p : m_dialog->pointSeries()->points())
            QCOMPARE(p.x(), 19.0);
    }

    void clickingAPointAppliesItsValueUndoably()
    {
        QVERIFY(sweep(kDelay, "0s", "4s", "2s"));
        QCOMPARE(delayOfTheJob(), QString("0s"));
        QUndoStack* undo = m_window->undoStack();
        const int before = undo->count();
        QSignalSpy applied(m_dialog, &WhatIfDialog::valueApplied);
        QVERIFY(clickPoint("4s"));
        QCOMPARE(applied.count(), 1);
        QCOMPARE(delayOfTheJob(), QString("4s"));
        // The table selects the point's row.
        auto* table = m_dialog->findChild<QTableView*>("whatifTable");
        QVERIFY(table);
        const QModelIndexList selected = table->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QVERIFY2(table->model()->index(selected.front().row(), 0).data().toString().contains("4"),
            qPrintable(table->model()->index(selected.front().row(), 0).data().toString()));
        QCOMPARE(undo->count(), before + 1);
        QVERIFY(m_window->isModified());
        // A second click is a second step: Undo goes back to 4s, not to the start.
        QVERIFY(clickPoint("2s"));
        QCOMPARE(delayOfTheJob(), QString("2s"));
        QCOMPARE(undo->count(), before + 2);
        undo->undo();
        QCOMPARE(delayOfTheJob(), QString("4s"));
        // Edit ▸ Undo, as a person does it.
        QAction* undoAction = nullptr;
        for (QAction* a : m_window->findChildren<QAction*>())
            if (a->text().remove('&').startsWith("Undo"))
                undoAction = a;
        QVERIFY(undoAction);
        undoAction->trigger();
        QCOMPARE(delayOfTheJob(), QString("0s"));
        QVERIFY(!m_window->isModified());
    }

    void clickingARowAppliesItsValue()
    {
        QVERIFY(sweep("perTen.allowedLateness", "0s", "6s", "3s"));
        QTableView* table = m_dialog->table();
        QCOMPARE(table->model()->rowCount(), 3);
        const QRect cell = table->visualRect(table->model()->index(2, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        GraphModel* m = m_window->graphModel();
        auto lateness = [m] {
            return QString::fromStdString(m->param(m->nodeByKey("perTen"), "allowedLateness").dump());
        };
        QCOMPARE(lateness(), QString("\"6s\""));
        m_window->undoStack()->undo();
        QCOMPARE(lateness(), QString("\"0s\""));
    }

    // A live value of Replay Settings (a watermark delay set during a replay) is what each replay
    // of a sweep runs with too, as the replay beside it does, and the dialog says so.
    void sweepRunsWithReplaySettings()
    {
        m_window->replayController()->setWatermarkDelay("src", 6000);
        m_window->sweepAction()->trigger(); // the dialog reads the live values when opened
        QVERIFY(m_dialog->liveSettings().contains("src.watermark.maxOutOfOrderness=6s"));
        // and follows them while it is open
        m_window->replayController()->setWatermarkDelay("src", 7000);
        QTRY_VERIFY(m_dialog->liveSettings().contains("src.watermark.maxOutOfOrderness=7s"));
        // A setting of a node the job does not have is left out, not an error.
        m_dialog->setLiveSettings(QStringList(m_dialog->liveSettings()) << "gone.allowedLateness=5000ms");
        QVERIFY(!m_dialog->liveFor("perTen.allowedLateness").join(' ').contains("gone"));
        std::mutex mutex;
        QStringList delays;
        m_dialog->setReplayFunction([&](const model::Job& job, const whatif::SweepOptions& options) {
            {
                std::lock_guard lock(mutex);
                delays << QString::fromStdString(job.node("src")->doc["watermark"]["maxOutOfOrderness"].dump());
            }
            return whatif::measureReplay(job, options);
        });
        QVERIFY(sweep("perTen.allowedLateness", "0s", "1s", "1s"));
        QVERIFY2(m_dialog->findChild<QLabel*>("whatifPreview")->text().contains(
                     "each with Replay Settings' src.watermark.maxOutOfOrderness=7s"),
            qPrintable(m_dialog->findChild<QLabel*>("whatifPreview")->text()));
        {
            std::lock_guard lock(mutex);
            QCOMPARE(delays.size(), 2);
            for (const QString& d : delays)
                QVERIFY2(d == "\"7s\"", qPrintable(d));
            delays.clear();
        }
        // Sweeping the live value itself: the sweep's values win.
        QVERIFY(sweep(kDelay, "0s", "1s", "1s"));
        std::lock_guard lock(mutex);
        QCOMPARE(delays.size(), 2);
        QVERIFY2(!delays.join(' ').contains("7000"), qPrintable(delays.join(' ')));
    }

    // Cancel pressed when the first result comes in, while the second replay is under way (held
    // until then): that one stops without a result, no third one starts.
    void cancelStopsFurtherReplays()
    {
        std::mutex mutex;
        std::condition_variable cv;
        int allowed = 1;
        std::atomic<int> calls { 0 };
        m_dialog->setReplayFunction([&](const model::Job& job, const whatif::SweepOptions& options) {
            const int n = ++calls;
            {
                std::unique_lock lock(mutex);
                cv.wait(lock, [&] { return allowed >= n; });
            }
            return whatif::measureReplay(job, options);
        });
        bool pressed = false;
        connect(m_dialog->tableModel(), &QAbstractItemModel::rowsInserted, this, [&] {
            if (pressed)
                return;
            pressed = true;
            QTest::mouseClick(m_dialog->cancelButton(), Qt::LeftButton);
            {
                std::lock_guard lock(mutex);
                allowed = 1000;
            }
            cv.notify_all();
        });
        QSignalSpy done(m_dialog, &WhatIfDialog::sweepFinished);
        QVERIFY(m_dialog->setSweep(kDelay + "=0s..39s/1s"));
        QTest::mouseClick(m_dialog->runButton(), Qt::LeftButton);
        QVERIFY(m_dialog->isRunning());
        QVERIFY(m_dialog->cancelButton()->isEnabled());
        QVERIFY(done.wait(60000));
        QCOMPARE(done.front().front().toBool(), false);
        QVERIFY(pressed);
        QCOMPARE(calls.load(), 2);
        QCOMPARE(m_dialog->tableModel()->rowCount(), 1);
        QCOMPARE(m_dialog->statusLabel()->text(), QString("Cancelled after 1 of 40 replays."));
        QVERIFY(!m_dialog->isRunning());
        QVERIFY(m_dialog->runButton()->isEnabled());
    }

    // A replay that fails (its event file is gone) says so in the dialog; the window lives on.
    void failingReplayShowsItsMessage()
    {
        QVERIFY(m_window->applySetting("src.path=no-such-events.csv"));
        QSignalSpy done(m_dialog, &WhatIfDialog::sweepFinished);
        QVERIFY(m_dialog->setSweep(kDelay + "=0s..2s/1s"));
        QVERIFY(m_dialog->run());
        QVERIFY(done.wait(60000));
        QCOMPARE(done.front().front().toBool(), false);
        const QString status = m_dialog->statusLabel()->text();
        QVERIFY2(status.startsWith("The replay with src.watermark.maxOutOfOrderness=0ms failed: ")
                && status.contains("no-such-events.csv: no such event file"),
            qPrintable(status));
        QCOMPARE(m_dialog->tableModel()->rowCount(), 0);
        QVERIFY(!m_dialog->isRunning());
    }
};

QTEST_MAIN(TestWhatIf)
#include "tst_whatif.moc"
