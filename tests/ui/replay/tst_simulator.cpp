// The simulator in the main window, driven through its real widgets (replay toolbar, keyboard,
// live settings): what the views' models hold equals what `streamlab run` reports for the same
// job and settings; pause and step move by what they say; a lateness change mid-run applies.
#include "designer/commands.h"
#include "designer/graph_model.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/node_item.h"
#include "designer/property_panel.h"
#include "common/duration_spin_box.h"
#include "common/sim_format.h"
#include "replay/event_time_view.h"
#include "whatif/whatif_dialog.h"
#include "replay/exchange_view.h"
#include "replay/firings_view.h"
#include "replay/live_settings.h"
#include "replay/load_view.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "replay/results_view.h"
#include "replay/state_view.h"
#include "replay/watermark_view.h"
#include "runtime/replay_length.h"
#include "shell/main_window.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCategoryAxis>
#include <QComboBox>
#include <QHeaderView>
#include <QLineSeries>
#include <QFontMetricsF>
#include <QChart>
#include <QChartView>
#include <QXYSeries>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QProcess>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTableView>
#include <QToolButton>

using namespace streamlab;
using namespace streamlab::ui;

namespace {

struct CliRun {
    QJsonObject metrics;
    QStringList lines;
};

// `streamlab run JOB --metrics ... --out ...` with extra arguments.
CliRun runCli(const QString& job, const QStringList& extra = {})
{
    QTemporaryDir dir;
    QProcess p;
    p.start(STREAMLAB_BINARY,
        QStringList { "run", job, "--metrics", dir.filePath("m.json"), "--out", dir.filePath("out.jsonl") }
            + extra);
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        qFatal("streamlab run failed: %s", p.readAllStandardError().constData());
    QFile m(dir.filePath("m.json")), o(dir.filePath("out.jsonl"));
    m.open(QIODevice::ReadOnly);
    o.open(QIODevice::ReadOnly);
    CliRun r;
    r.metrics = QJsonDocument::fromJson(m.readAll()).object();
    for (const QByteArray& line : o.readAll().split('\n'))
        if (!line.isEmpty())
            r.lines << QString::fromUtf8(line);
    return r;
}

QList<qint64> cliRecordsIn(const CliRun& r, const QString& op)
{
    QList<qint64> v;
    for (const auto& s : r.metrics["operators"].toObject()[op].toObject()["subtasks"].toArray())
        v << s.toObject()["recordsIn"].toInteger();
    return v;
}

qint64 cliTotal(const CliRun& r, const QString& op, const QString& field, const QString& sub = {})
{
    auto t = r.metrics["operators"].toObject()[op].toObject()["total"].toObject()[field];
    return sub.isEmpty() ? t.toInteger() : t.toObject()[sub].toInteger();
}

QString sample(const QString& job) { return QStringLiteral(STREAMLAB_SAMPLES "/") + job; }

// Errors are recorded instead of shown in a modal box.
class RecordingPrompter : public Prompter {
public:
    void showError(QWidget*, const QString& title, const QString& text) override { errors << title + ": " + text; }
    QStringList errors;
};

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;

    ReplayController* controller() const { return m_window->replayController(); }
    QToolButton* button(QAction* a) const
    {
        return qobject_cast<QToolButton*>(m_window->replayBar()->widgetForAction(a));
    }
    bool finished() const
    {
        const auto& s = controller()->snapshot();
        return s && s->state == runtime::ReplayState::Finished;
    }
    qint64 events() const { return controller()->snapshot() ? controller()->snapshot()->eventsReplayed : -1; }
    // Opens a job and sets the replay to run as fast as possible: most tests check what a replay
    // shows, not its pace (the window fits the speed to each job, see speedFitsEachJob).
    bool openFast(const QString& path)
    {
        if (!m_window->openFile(path, false))
            return false;
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex());
        return true;
    }

    // Opens `path`, replays it at full speed to the end, and brings the views up to its end.
    bool replayedToTheEnd(const QString& path)
    {
        if (!openFast(path) || !m_window->startReplay(true) || !QTest::qWaitFor([&] { return finished(); }, 30000))
            return false;
        controller()->pull();
        return true;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    void cleanup() { m_window.reset(); }

    void playShowsTheCliLoadPerSubtask()
    {
        QVERIFY(openFast(sample("skew/job.json")));
        QAbstractItemModelTester tester(m_window->loadView()->model());
        QSignalSpy started(controller(), &ReplayController::started);
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        const CliRun cli = runCli(sample("skew/job.json"));
        const QList<qint64> in = m_window->loadView()->model()->recordsIn("sumPer10s");
        QCOMPARE(in, cliRecordsIn(cli, "sumPer10s"));
        // The story of the sample: subtasks 2, 3, 4, 6 idle, 7 with four keys.
        QCOMPARE(in, (QList<qint64> { 1000, 1000, 0, 0, 0, 2000, 0, 4000 }));
        QCOMPARE(m_window->loadView()->currentOperator(), QString("sumPer10s"));
        // The operator's name whole in its combo box.
        {
            auto* combo = m_window->loadView()->findChild<QComboBox*>("loadOperator");
            QVERIFY(combo);
            QTRY_VERIFY2(combo->width() >= combo->fontMetrics().horizontalAdvance("sumPer10s") + 20,
                qPrintable(QString::number(combo->width())));
        }
        // Key groups behind each subtask are in the model (tooltips show them).
        for (const auto& r : m_window->loadView()->model()->rows())
            if (r.op == "sumPer10s")
                QVERIFY(!r.keyGroups.isEmpty());
        // Numbers under the canvas nodes.
        auto* item = m_window->graphScene()->nodeItem(m_window->graphModel()->nodeByKey("sumPer10s"));
        QVERIFY(item->liveStats().join('\n').contains("8000"));
    }

    void resultsEqualTheCli()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        QAbstractItemModelTester tester(m_window->resultsView()->model());
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        controller()->pull();
        const CliRun cli = runCli(sample("clickstream/job.json"));
        auto* results = m_window->resultsView()->model();
        QCOMPARE(results->rowCount(), int(cli.lines.size()));
        for (int i = 0; i < results->rowCount(); ++i)
            QCOMPARE(results->jsonLine(i), cli.lines[i]);
        // A one-minute window reads to the second, and its column shows it whole.
        const QString window = results->index(0, ResultsModel::Window).data().toString();
        QCOMPARE(window, QString("[09:59:00, 10:00:00)"));
        QTableView* table = m_window->resultsView()->findChild<QTableView*>();
        QVERIFY(table->columnWidth(ResultsModel::Window) > table->fontMetrics().horizontalAdvance(window) + 8);
        // Filter: the late side output only.
        m_window->resultsView()->setFilter("late", {}, {}, {});
        QCOMPARE(qint64(m_window->resultsView()->filter()->rowCount()),
            cliTotal(cli, "perMinute", "lateSideOutput"));
        m_window->resultsView()->setFilter("out", {}, {}, "late");
        QCOMPARE(qint64(m_window->resultsView()->filter()->rowCount()),
            cliTotal(cli, "perMinute", "firings", "late"));
        QTemporaryDir dir;
        QVERIFY(m_window->resultsView()->exportCsv(dir.filePath("late.csv")));
        QFile csv(dir.filePath("late.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(qint64(csv.readAll().count('\n')), cliTotal(cli, "perMinute", "firings", "late") + 1);

        // Event-time view: the side-output events are the ones the CLI counted.
        auto* et = m_window->eventTimeView();
        QCOMPARE(
            qint64(et->count(runtime::EventFate::SideOutput)), cliTotal(cli, "perMinute", "lateSideOutput"));
        QVERIFY(et->count(runtime::EventFate::LateFired) > 0);
        QVERIFY(et->plottedFirings() > 0);
        QVERIFY(et->watermarkPoints() > 0);
    }

    void firingsAndStateOfTheStuckProducer()
    {
        QVERIFY(openFast(sample("stuck-producer/job.json")));
        QAbstractItemModelTester t1(m_window->firingsView()->model());
        QAbstractItemModelTester t2(m_window->stateView()->model());
        QAbstractItemModelTester t3(m_window->watermarkView()->model());
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        const CliRun cli = runCli(sample("stuck-producer/job.json"));
        auto* firings = m_window->firingsView()->model();
        QCOMPARE(
            firings->value("avgPer5m", FiringsModel::Late), cliTotal(cli, "avgPer5m", "firings", "late"));
        QCOMPARE(firings->value("avgPer5m", FiringsModel::Late), qint64(3600));
        QCOMPARE(
            firings->value("avgPer5m", FiringsModel::OnTime), cliTotal(cli, "avgPer5m", "firings", "onTime"));
        // State points over processing time, with entries while the windows were open.
        auto* state = m_window->stateView()->model();
        QVERIFY(state->rowCount() > 10);
        QCOMPARE(state->operators(), QStringList { "avgPer5m" });
        QCOMPARE(state->backend("avgPer5m"), QString("heap"));
        qint64 peak = 0;
        for (int r = 0; r < state->rowCount(); ++r)
            peak = std::max(peak, state->index(r, 1).data().toLongLong());
        QVERIFY(peak > 0);
        // Its windows have all fired at the end: the headline gives the peak beside "0 entries".
        const QString title = m_window->stateView()->chart()->title();
        QVERIFY2(title.contains("avgPer5m: 0 entries") && title.contains(", peak "), qPrintable(title));
        // Producer B's partition went idle: marked idle, not missing.
        bool idle = false;
        for (const auto& r : m_window->watermarkView()->model()->rows())
            idle = idle || (r.key.node == "readings" && r.key.split >= 0 && r.everIdle);
        QVERIFY(idle);
    }

    void keyboardPausesAndSteps()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        m_window->graphView()->setFocus();
        QTest::keyClick(m_window.get(), Qt::Key_Right);
        QTRY_COMPARE(events(), qint64(1));
        QCOMPARE(controller()->snapshot()->state, runtime::ReplayState::Paused);
        QTest::keyClick(m_window.get(), Qt::Key_Right);
        QTest::keyClick(m_window.get(), Qt::Key_Right);
        QTRY_COMPARE(events(), qint64(3));
        QCOMPARE(m_window->eventTimeView()->plottedEvents(), 3);
        // To the next firing: the first minute's windows fire, nothing after that step.
        QTest::keyClick(m_window.get(), Qt::Key_Right, Qt::ControlModifier);
        QTRY_VERIFY(m_window->firingsView()->model()->value("perMinute", FiringsModel::OnTime) > 0);
        const qint64 atFiring = events();
        QCOMPARE(controller()->snapshot()->state, runtime::ReplayState::Paused);
        // Paused means paused: a further pull changes nothing.
        controller()->pull();
        QCOMPARE(events(), atFiring);
        // Space plays to the end.
        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QCOMPARE(events(), qint64(5000));
    }

    // Issue 21, 1: another job in the window forgets the previous run everywhere.
    void openingAnotherJobForgetsTheFinishedReplay()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        controller()->pull();
        QVERIFY(m_window->eventTimeView()->plottedFirings() > 0);
        QVERIFY(m_window->resultsView()->model()->rowCount() > 0);
        auto* events = m_window->replayBar()->findChild<QLabel*>("replayEvents");
        QVERIFY(events->text().contains("finished"));

        const auto forgotten = [&](const QString& when) {
            const QByteArray w = when.toUtf8();
            QVERIFY2(!controller()->snapshot(), w);
            QVERIFY2(!controller()->hasReplay(), w);
            QVERIFY2(events->text().contains("Press play"), qPrintable(when + ": " + events->text()));
            auto* et = m_window->eventTimeView();
            QVERIFY2(et->plottedEvents() == 0 && et->plottedFirings() == 0 && et->watermarkPoints() == 0, w);
            for (auto fate : { runtime::EventFate::OnTime, runtime::EventFate::LateFired,
                     runtime::EventFate::SideOutput, runtime::EventFate::Dropped })
                QVERIFY2(et->count(fate) == 0, w);
            QVERIFY2(m_window->resultsView()->model()->rowCount() == 0, w);
            QVERIFY2(m_window->firingsView()->model()->rowCount() == 0, w);
            QVERIFY2(m_window->loadView()->model()->rows().isEmpty(), w);
            QVERIFY2(m_window->stateView()->model()->rowCount() == 0, w);
            QVERIFY2(m_window->watermarkView()->model()->rows().isEmpty(), w);
            QVERIFY2(m_window->exchangeView()->model()->rowCount() == 0, w);
            for (NodeId id : m_window->graphModel()->nodeIds())
                QVERIFY2(m_window->graphScene()->nodeItem(id)->liveStats().isEmpty(), w);
            // Replay Settings list this job's sources and windows, none of the last job's.
            QVERIFY2(!m_window->liveSettings()->delayField("clicks") && !m_window->liveSettings()->latenessField("perMinute"), w);
            // Nor a line of the previous job's on any chart.
            for (QChart* chart : { m_window->watermarkView()->chart(), m_window->stateView()->chart(),
                     m_window->exchangeView()->chart(), m_window->firingsView()->chart() })
                for (QAbstractSeries* series : chart->series())
                    if (auto* xy = qobject_cast<QXYSeries*>(series); xy && xy->isVisible())
                        QVERIFY2(xy->count() == 0, qPrintable(when + ": " + chart->title() + " " + xy->name()));
        };
        QVERIFY(openFast(sample("skew/job.json")));
        forgotten("after Open");
        if (QTest::currentTestFailed())
            return;

        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        controller()->pull();
        QVERIFY(m_window->loadView()->model()->rows().size() > 0);
        QVERIFY(m_window->liveSettings()->delayField("events"));
        m_window->newJob();
        forgotten("after New");
        QVERIFY(!m_window->liveSettings()->delayField("events"));
        QVERIFY(!m_window->liveSettings()->latenessField("sumPer10s"));
        if (QTest::currentTestFailed())
            return;
    }

    // Issue 21, 2: Play after the end replays from the start, and a step starts a paused one.
    void playAfterTheEndReplaysFromTheStart()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        QSignalSpy started(controller(), &ReplayController::started);
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QCOMPARE(started.count(), 1);
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QCOMPARE(started.count(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QCOMPARE(events(), qint64(5000));
        QTest::mouseClick(button(m_window->replayBar()->stepAction()), Qt::LeftButton);
        QCOMPARE(started.count(), 3);
        QTRY_COMPARE(events(), qint64(1));
        QCOMPARE(controller()->snapshot()->state, runtime::ReplayState::Paused);
    }

    // Issue 21, 2: after a failure, Play tries again with the job as it is now.
    void playAfterAFailureRetriesTheFixedJob()
    {
        QTemporaryDir dir;
        QFile::copy(sample("clickstream/job.json"), dir.filePath("job.json"));
        QFile::copy(sample("clickstream/clicks.csv"), dir.filePath("clicks.csv"));
        auto prompter = std::make_unique<RecordingPrompter>();
        auto* errors = prompter.get();
        m_window->setPrompter(std::move(prompter));
        QVERIFY(openFast(dir.filePath("job.json")));
        QVERIFY(QFile::rename(dir.filePath("clicks.csv"), dir.filePath("moved.csv")));
        QSignalSpy done(controller(), &ReplayController::finished);
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QCOMPARE(done.at(0).at(1).toBool(), false);
        // Said without a modal box: in Messages, raised, and on the toolbar.
        QVERIFY(errors->errors.isEmpty());
        auto* messages = m_window->findChild<QPlainTextEdit*>();
        QVERIFY(messages && messages->isVisible());
        QVERIFY2(messages->toPlainText().contains("Replay failed") && messages->toPlainText().contains("clicks.csv"),
            qPrintable(messages->toPlainText()));
        QTRY_VERIFY(m_window->replayBar()->eventsLabel()->toolTip().contains("clicks.csv"));
        QTRY_COMPARE(controller()->snapshot()->state, runtime::ReplayState::Failed);
        QVERIFY(m_window->applySetting(QStringLiteral("clicks.path=moved.csv")));
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QCOMPARE(events(), qint64(5000));
    }

    // Issue 21, 6: each job starts at a speed that shows its replay in about 20 seconds, and a
    // speed chosen for one job does not carry over to the next.
    void speedFitsEachJob()
    {
        const auto speed = [&] { return controller()->speed(); };
        QVERIFY(m_window->openFile(sample("clickstream/job.json"), false));
        QCOMPARE(speed(), 30.0); // 500 s of processing time: 17 s
        QVERIFY(m_window->replayBar()->findChild<QLabel*>()); // the label follows the slider
        QVERIFY(m_window->openFile(sample("stuck-producer/job.json"), false));
        QCOMPARE(speed(), 900.0); // 2 h: 8 s (300x would take 24 s)
        QVERIFY(m_window->openFile(sample("skew/job.json"), false));
        QCOMPARE(speed(), 1.0); // 8 s: real time
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex());
        QCOMPARE(speed(), 0.0);
        QVERIFY(m_window->openFile(sample("clickstream/job.json"), false));
        QCOMPARE(speed(), 30.0);
        // Played at that speed, the replay takes its time: not finished after a second.
        QVERIFY(m_window->startReplay(true));
        QTest::qWait(1000);
        controller()->pull();
        QVERIFY(!finished());
        QVERIFY(events() > 0);
        // A new job has no events to time: as fast as possible.
        m_window->newJob();
        QCOMPARE(speed(), 0.0);
    }

    // Issue 21, 5: at a laptop's size and smaller the window stays usable while replaying: the
    // toolbar shows progress, events and clock, the canvas keeps a good share of the window, and
    // the views' dock gives space back when asked.
    void aJobBuiltByHandGetsAWatchableSpeedAtItsFirstPlay()
    {
        // New: nothing to estimate, so the slider waits at max; the first Play fits it.
        m_window->newJob();
        QCOMPARE(m_window->replayBar()->speedIndex(), ReplayBar::maxSpeedIndex());
        // The clickstream's graph, drawn by hand (pasted, as one edit), its file given by path.
        auto job = model::Job::load(sample("clickstream/job.json").toStdString());
        QVERIFY(job.ok());
        GraphModel drawn;
        QVERIFY(drawn.setJob(*job).ok());
        model::Json fragment = drawn.fragment(drawn.nodeIds());
        fragment["nodes"][0]["path"] = sample("clickstream/clicks.csv").toStdString();
        m_window->undoStack()->push(new AddNodesCommand(m_window->graphModel(), fragment, QPointF(), "Draw"));
        QVERIFY2(!m_window->graphModel()->compiled().hasErrors(),
            model::describeErrors(m_window->graphModel()->compiled().problems, "").c_str());
        QVERIFY(m_window->startReplay(false));
        QCOMPARE(m_window->replayBar()->speedIndex(), ReplayBar::speedIndexFor(
            runtime::estimateReplayLength(m_window->graphModel()->compiled().spec)->processingMs));
        QVERIFY(m_window->replayBar()->speedIndex() < ReplayBar::maxSpeedIndex());
    }

    void usableAtSmallWindowSizes_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("source");
        QTest::newRow("1024x700") << QSize(1024, 700) << "clickstream/job.json" << "clicks";
        QTest::newRow("1366x768") << QSize(1366, 768) << "clickstream/job.json" << "clicks";
        QTest::newRow("1600x1000") << QSize(1600, 1000) << "clickstream/job.json" << "clicks";
        // The first window on a 1024x700 screen (94% of it), a job whose clock is a date, edited
        // after its replay: the longest status the toolbar shows.
        QTest::newRow("963x658 stuck producer") << QSize(963, 658) << "stuck-producer/job.json" << "readings";
    }
    void usableAtSmallWindowSizes()
    {
        QFETCH(QSize, size);
        QFETCH(QString, job);
        QFETCH(QString, source);
        m_window->resize(size);
        QVERIFY(openFast(sample(job)));
        // The cards are readable, and the job's beginning is in view.
        auto* view = m_window->graphView();
        QTRY_VERIFY(view->zoom() >= GraphView::kReadableZoom);
        const QRectF visible = view->mapToScene(view->viewport()->rect()).boundingRect();
        auto* card = m_window->graphScene()->nodeItem(m_window->graphModel()->nodeByKey(source));
        QVERIFY(visible.intersects(card->sceneBoundingRect()));
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        m_window->undoStack()->push(new SetParamCommand(m_window->graphModel(),
            m_window->graphModel()->nodeByKey(source), "watermark.maxOutOfOrderness", "7s"));
        QTRY_VERIFY(m_window->replayBar()->isStale());
        QCoreApplication::processEvents();
        auto* bar = m_window->replayBar();
        for (QWidget* w : { static_cast<QWidget*>(bar->progressBar()), static_cast<QWidget*>(bar->eventsLabel()),
                 static_cast<QWidget*>(bar->clockLabel()) }) {
            QVERIFY2(w->isVisible() && !w->visibleRegion().isEmpty(), qPrintable(w->objectName()));
            const QRect onWindow(w->mapTo(m_window.get(), QPoint(0, 0)), w->size());
            QVERIFY2(m_window->rect().contains(onWindow), qPrintable(w->objectName()));
        }
        QVERIFY2(bar->clockLabel()->text().contains("clock"), qPrintable(bar->clockLabel()->text()));
        auto* canvas = m_window->graphView()->viewport();
        QVERIFY2(canvas->height() >= size.height() * 2 / 5,
            qPrintable(QStringLiteral("canvas %1 high in %2").arg(canvas->height()).arg(size.height())));
        QVERIFY2(canvas->width() >= size.width() / 2,
            qPrintable(QStringLiteral("canvas %1 wide in %2").arg(canvas->width()).arg(size.width())));
        // The views' dock gives space back.
        auto* dock = m_window->findChild<QDockWidget*>("eventtimeDock");
        QVERIFY(dock);
        m_window->resizeDocks({ dock }, { 140 }, Qt::Vertical);
        QCoreApplication::processEvents();
        QVERIFY2(dock->height() <= 180, qPrintable(QString::number(dock->height())));
    }

    void spaceOnTheCanvasPlaysWithoutStealingSpacePan()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        auto* view = m_window->graphView();
        view->setFocus();
        // Tapped (no drag while held): play.
        QTest::keyClick(view, Qt::Key_Space);
        QTRY_VERIFY(controller()->hasReplay());
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QCOMPARE(events(), qint64(5000));
        const quint64 generation = controller()->generation();
        // Held while dragging: it pans and does not touch the replay.
        QTest::keyPress(view, Qt::Key_Space);
        const int before = view->horizontalScrollBar()->value();
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, QPoint(300, 200));
        QMouseEvent move(QEvent::MouseMove, QPointF(200, 200),
            view->viewport()->mapToGlobal(QPointF(200, 200)), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, QPoint(200, 200));
        QTest::keyRelease(view, Qt::Key_Space);
        QCOMPARE(controller()->generation(), generation);
        QCOMPARE(controller()->snapshot()->state, runtime::ReplayState::Finished);
        Q_UNUSED(before);
    }

    void latenessChangeMidRunTakesEffect()
    {
        QVERIFY(openFast(sample("stuck-producer/job.json")));
        auto* step = button(m_window->replayBar()->stepAction());
        for (int i = 0; i < 50; ++i)
            QTest::mouseClick(step, Qt::LeftButton);
        QTRY_COMPARE(events(), qint64(50));
        // Type 0 into the window's allowed lateness field: it applies to the running replay.
        QDoubleSpinBox* lateness = m_window->liveSettings()->latenessField("avgPer5m");
        QVERIFY(lateness);
        QCOMPARE(lateness->value(), 7200.0);
        lateness->setValue(0);
        QTest::mouseClick(button(m_window->replayBar()->playAction()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        auto* firings = m_window->firingsView()->model();
        QCOMPARE(firings->value("avgPer5m", FiringsModel::Late), qint64(0));
        QCOMPARE(firings->value("avgPer5m", FiringsModel::LateDropped), qint64(3600));
        QVERIFY(m_window->eventTimeView()->count(runtime::EventFate::Dropped) > 0);
    }

    void restartWithWatermarkDelayEqualsCliSet()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        QDoubleSpinBox* delay = m_window->liveSettings()->delayField("clicks");
        QVERIFY(delay);
        QCOMPARE(delay->value(), 5.0);
        delay->setValue(30);
        auto* restart = m_window->liveSettings()->findChild<QPushButton*>("restartWithSettings");
        QVERIFY(restart);
        QSignalSpy started(controller(), &ReplayController::started);
        QTest::mouseClick(restart, Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        const CliRun cli
            = runCli(sample("clickstream/job.json"), { "--set", "clicks.watermark.maxOutOfOrderness=30s" });
        const CliRun plain = runCli(sample("clickstream/job.json"));
        auto* firings = m_window->firingsView()->model();
        QCOMPARE(
            firings->value("perMinute", FiringsModel::Late), cliTotal(cli, "perMinute", "firings", "late"));
        QVERIFY(
            cliTotal(cli, "perMinute", "firings", "late") < cliTotal(plain, "perMinute", "firings", "late"));
        QCOMPARE(m_window->resultsView()->model()->rowCount(), int(cli.lines.size()));
    }

    void anEditAfterAReplayIsMarkedUntilTheNextStart()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        auto* events = m_window->replayBar()->findChild<QLabel*>("replayEvents");
        QVERIFY(events);
        auto* model = m_window->graphModel();
        const NodeId win = model->nodeByKey("perMinute");
        // Moving a card changes nothing a replay sees.
        m_window->undoStack()->push(new MoveNodesCommand(
            model, { { win, { model->nodePosition(win), model->nodePosition(win) + QPointF(0, 80) } } }, "Move", false));
        QTest::qWait(10);
        QVERIFY(!m_window->replayBar()->isStale());
        // A fix (here: no allowed lateness) does: the views show the job before it.
        m_window->undoStack()->push(new SetParamCommand(model, win, "allowedLateness", "0ms"));
        QTRY_VERIFY(m_window->replayBar()->isStale());
        QVERIFY(events->text().contains("edited since"));
        // Undone, the job is the replayed one again.
        m_window->undoStack()->undo();
        QTRY_VERIFY(!m_window->replayBar()->isStale());
        m_window->undoStack()->redo();
        QTRY_VERIFY(m_window->replayBar()->isStale());
        // Restart replays the edited job: no marker.
        QTest::mouseClick(button(m_window->replayBar()->restartAction()), Qt::LeftButton);
        QVERIFY(!m_window->replayBar()->isStale());
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 30000);
        QVERIFY(!events->text().contains("edited since"));
    }

    void chartTicksAreRound()
    {
        // Every 2 minutes over 8 minutes and a bit, from 0 (never "23:59:59" or "-00:00:00.500"
        // for a processing-time axis padded below 0).
        const auto ticks = simfmt::timeTicks(-19000, 499000, 5);
        QCOMPARE(ticks, std::vector<int64_t>({ 0, 120000, 240000, 360000, 480000 }));
        QCOMPARE(simfmt::tickLabel(120000, 120000, 518000), QString("00:02:00"));
        QCOMPARE(simfmt::tickLabel(1663927500500, 500, 4000), QString("10:05:00.500"));
        QCOMPARE(simfmt::timeTicks(1663927170123, 1663927290000, 4).front(), int64_t(1663927200000));

        // A short chart (a dock in a small window) gets fewer ticks, never labels elided to "…".
        QChartView small;
        auto* chart = small.chart();
        auto* axis = new QCategoryAxis;
        chart->addAxis(axis, Qt::AlignLeft);
        small.resize(400, 140);
        small.show();
        QVERIFY(QTest::qWaitForWindowExposed(&small));
        QTRY_VERIFY(chart->plotArea().height() > 10);
        simfmt::setTimeAxis(chart, axis, 1663927200000, 1663934400000);
        QVERIFY2(axis->count() <= std::max(2, int(chart->plotArea().height() / 30)),
            qPrintable(QStringLiteral("%1 ticks in %2 pixels").arg(axis->count()).arg(chart->plotArea().height())));

        // The watermark chart of a replay: every label on a round minute.
        QVERIFY(replayedToTheEnd(sample("stuck-producer/job.json")));
        const auto axes = m_window->watermarkView()->chart()->axes();
        QCOMPARE(axes.size(), 2);
        for (QAbstractAxis* a : axes) {
            auto* axis = qobject_cast<QCategoryAxis*>(a);
            QVERIFY(axis);
            QVERIFY(!axis->categoriesLabels().isEmpty());
            for (const QString& label : axis->categoriesLabels())
                QVERIFY2(label.endsWith(":00") && !label.startsWith("-"), qPrintable(label));
        }
    }

    // Tables show a double's value, not its float noise; whole ones stay doubles.
    void valuesAreShownWithoutFloatNoise()
    {
        QCOMPARE(simfmt::value(Value { 19.875500000000006 }), QString("19.8755"));
        QCOMPARE(simfmt::value(Value { 3741.4399999999996 }), QString("3741.44"));
        QCOMPARE(simfmt::value(Value { 2.0 }), QString("2.0"));
        QCOMPARE(simfmt::value(Value { int64_t(3) }), QString("3"));
        QCOMPARE(simfmt::value(Value { std::string("a") }), QString("a"));
        QCOMPARE(simfmt::value(Value { 1e20 }), QString("1e+20"));
    }

    // The Exchanges table shows all its columns at 1024x700: the table takes the width of its
    // columns from the chart beside it ("Bytes/record" was behind a scroll bar).
    void exchangeTableShowsEveryColumn()
    {
        m_window->resize(1024, 700);
        QVERIFY(replayedToTheEnd(sample("stuck-producer/job.json")));
        auto* dock = m_window->findChild<QDockWidget*>("exchangesDock");
        QVERIFY(dock);
        dock->raise();
        auto* table = m_window->exchangeView()->table();
        QTRY_VERIFY(table->isVisible());
        QTRY_VERIFY2(table->horizontalHeader()->sectionViewportPosition(table->model()->columnCount() - 1)
                    + table->horizontalHeader()->sectionSizeHint(table->model()->columnCount() - 1)
                <= table->viewport()->width(),
            qPrintable(QString::number(table->viewport()->width())));
    }

    // A duration field is wide enough for its value with its unit: "2500ms" was cut to "2500".
    void durationFieldsShowTheirUnit()
    {
        DurationSpinBox box;
        box.setRange(0, 24 * 3600);
        box.setValue(2.5);
        QCOMPARE(box.text(), QString("2500ms"));
        const int text = box.fontMetrics().horizontalAdvance("2500ms");
        QVERIFY2(box.sizeHint().width() >= text + 20, qPrintable(QString::number(box.sizeHint().width())));
        QVERIFY(box.minimumSizeHint().width() >= text + 20);
        // The arrows: 2h down is 1h, then 59m, not 0 (three clicks took 2h to nothing).
        box.setValue(7200);
        box.stepBy(-1);
        QCOMPARE(box.text(), QString("1h"));
        box.stepBy(-1);
        QCOMPARE(box.text(), QString("59m"));
        box.stepBy(1);
        QCOMPARE(box.text(), QString("1h"));
        box.setValue(60);
        box.stepBy(-1);
        QCOMPARE(box.text(), QString("59s"));
    }

    // The Watermarks legend wraps instead of clipping: at 1024x700 every line and the idle
    // marker's meaning are named under the chart (the chart's own legend at the right cut them).
    void watermarkLegendWrapsInASmallWindow()
    {
        m_window->resize(1024, 700);
        QVERIFY(replayedToTheEnd(sample("stuck-producer/job.json")));
        auto* view = m_window->watermarkView();
        QVERIFY(view->idleMarkers() > 0);
        auto* legend = view->findChild<QLabel*>("watermarkLegend");
        QVERIFY(legend);
        QVERIFY(!view->chart()->legend()->isVisible());
        const QString text = legend->text();
        auto named = [&](const QString& name) { return text.contains(name.toHtmlEscaped().replace(' ', "&nbsp;")); };
        QVERIFY2(named("idle (marked idle, excluded from the minimum)") && named("max event time"), qPrintable(text));
        for (QAbstractSeries* series : view->chart()->series())
            if (auto* line = qobject_cast<QLineSeries*>(series); line && line->isVisible() && line->count() > 0)
                QVERIFY2(named(line->name()), qPrintable(line->name()));
        // In sight above the chart, not under it where a short dock scrolls it away.
        QVERIFY(legend->isVisible());
        QVERIFY(legend->geometry().bottom() < view->findChild<QChartView*>()->geometry().top() + 2);
        QVERIFY(legend->wordWrap());
    }

    // A short chart (a dock in a small window) shows an axis title whole, else without its
    // parenthesis, else not at all, never elided to "windo…"; tall again, the whole title is back.
    void axisTitlesAreNeverElided()
    {
        auto* chart = new QChart;
        std::unique_ptr<QChartView> view(simfmt::makeChartView(chart));
        auto* y = new QCategoryAxis;
        y->setTitleText("window end (event time)");
        chart->addAxis(y, Qt::AlignLeft);
        view->setMinimumHeight(0);
        const qreal whole = QFontMetricsF(y->titleFont()).horizontalAdvance("window end (event time)");
        const qreal part = QFontMetricsF(y->titleFont()).horizontalAdvance("window end");
        view->resize(400, 400);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        QTRY_COMPARE(y->titleText(), QString("window end (event time)"));
        view->resize(400, int(whole) + 20); // the plot area is shorter than the whole title
        QTRY_COMPARE(y->titleText(), QString("window end"));
        QVERIFY(chart->plotArea().height() < whole);
        // A title with no shorter form that does not fit is hidden.
        y->setTitleText("records in per subtask of the operator");
        QTRY_VERIFY(!y->isTitleVisible());
        QVERIFY(part < chart->plotArea().height());
        y->setTitleText("window end (event time)");
        view->resize(400, 400);
        QTRY_COMPARE(y->titleText(), QString("window end (event time)"));
        QVERIFY(y->isTitleVisible());
        // A title the view changes since is the new whole one.
        y->setTitleText("watermark (event time)");
        view->resize(400, 390);
        QTRY_COMPARE(y->titleText(), QString("watermark (event time)"));
    }

    void oneValueShownEverywhere()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        auto* model = m_window->graphModel();
        const NodeId clicks = model->nodeByKey("clicks");
        NodeItem* card = m_window->graphScene()->nodeItem(clicks);
        LiveSettings* live = m_window->liveSettings();

        // A live watermark delay shows on the node card, marked live, in the job file's units.
        live->delayField("clicks")->setValue(2);
        QCOMPARE(live->delayField("clicks")->text(), QString("2s"));
        QCOMPARE(card->liveOverrides().value("watermark.maxOutOfOrderness"), QString("2s"));
        QVERIFY(NodeItem::summary(*model, clicks, card->liveOverrides()).contains("watermark  2s  ·  live"));
        // Properties shows the job's value, and under it the replay's with what Save keeps.
        m_window->graphScene()->selectNodes({ clicks });
        PropertyPanel* props = m_window->findChild<PropertyPanel*>();
        QLabel* note = props->liveNote("watermark.maxOutOfOrderness");
        QVERIFY(note);
        QTRY_VERIFY(note->isVisibleTo(props));
        QVERIFY2(note->text().contains("This replay uses 2s") && note->text().contains("Save keeps"),
            qPrintable(note->text()));

        // A sweep point applied to the job is the newer choice: Replay Settings follow it, the
        // live value is forgotten, the card shows the job's value unmarked.
        m_window->undoStack()->push(new ApplySweepValueCommand(
            model, clicks, "watermark.maxOutOfOrderness", "3s", "Apply sweep point"));
        QTRY_COMPARE(live->delayField("clicks")->text(), QString("3s"));
        QVERIFY(!controller()->watermarkDelays().contains("clicks"));
        QVERIFY(card->liveOverrides().isEmpty());
        QVERIFY(NodeItem::summary(*model, clicks).contains("watermark  3s out-of-order"));
        QTRY_VERIFY(!props->liveNote("watermark.maxOutOfOrderness")->isVisibleTo(props));

        // Two hours of lateness read "2h", not "7200.0 s"; typed as a person writes it.
        QDoubleSpinBox* lateness = live->latenessField("perMinute");
        lateness->setValue(7200);
        QCOMPARE(lateness->text(), QString("2h"));
        QTest::keyClick(lateness, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(lateness, "90s");
        QTest::keyClick(lateness, Qt::Key_Return);
        QCOMPARE(lateness->value(), 90.0);
        QCOMPARE(controller()->allowedLateness().value("perMinute"), qint64(90000));
        QCOMPARE(m_window->graphScene()->nodeItem(model->nodeByKey("perMinute"))->liveOverrides().value("allowedLateness"),
            QString("90s"));
        // Back to the job's own value: no marker, although the setting is remembered.
        lateness->setValue(10);
        QVERIFY(m_window->graphScene()->nodeItem(model->nodeByKey("perMinute"))->liveOverrides().isEmpty());
    }

    void eventTimeHoverShowsTheEvent()
    {
        QVERIFY(openFast(sample("clickstream/job.json")));
        for (int i = 0; i < 5; ++i)
            QTest::keyClick(m_window.get(), Qt::Key_Right);
        QTRY_COMPARE(events(), qint64(5));
        m_window->raiseView("eventtime");
        auto* et = m_window->eventTimeView();
        QTRY_VERIFY(et->isVisible());
        const auto& first = controller()->snapshot()->trace.front()->front();
        const QString tip = et->toolTipAt(et->positionOf(first.eventTime, first.arrival));
        QVERIFY2(tip.contains("key group"), qPrintable(tip));
        QVERIFY(tip.contains("user ="));
        QVERIFY(tip.contains("subtask"));
        QVERIFY(tip.contains("windows"));
    }
};

QTEST_MAIN(TestSimulator)
#include "tst_simulator.moc"
