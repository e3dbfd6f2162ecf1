// Tests of the Doctor dock (ui/doctor_*): a person opens a pitfall sample, the doctor lists the
// finding and marks its node, Fix changes the job as one undo step and the finding goes, undo
// brings the job and the finding back. Measured rules need a replay first.
#include "designer/commands.h"
#include "designer/graph_model.h"
#include "designer/graph_scene.h"
#include "designer/node_item.h"
#include "doctor/doctor_controller.h"
#include "doctor/doctor_model.h"
#include "doctor/doctor_view.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "shell/main_window.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

using namespace streamlab;
using namespace streamlab::ui;

namespace {

constexpr int kTimeoutMs = 60000;

// Tests work on a copy of the sample's job and event files: a replay of a fixed job writes its file
// sinks beside the job, and that must not be the source tree.
QString copySample(const QTemporaryDir& dir, const QString& name, const QString& job = "job.json")
{
    const QDir from(QStringLiteral(STREAMLAB_SAMPLES "/") + name);
    for (const QString& f : from.entryList({ "*.json", "*.csv" }, QDir::Files))
        if (!QFile::copy(from.filePath(f), dir.filePath(f)))
            return {};
    return dir.filePath(job);
}

// Answers without modal dialogs and remembers the errors the window reported.
class QuietPrompter : public Prompter {
public:
    QStringList errors;
    QMessageBox::StandardButton askToSave(QWidget*, const QString&) override { return QMessageBox::Discard; }
    void showError(QWidget*, const QString& title, const QString& text) override
    {
        errors << title + ": " + text;
    }
    QString openFileName(QWidget*, const QString&) override { return {}; }
    QString saveFileName(QWidget*, const QString&) override { return {}; }
    bool askToRecover(QWidget*, const QString&, const QDateTime&) override { return false; }
};

} // namespace

class TestDoctor : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;
    QuietPrompter* m_prompter = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;

    QString sample(const QString& name, const QString& job = "job.json") const
    {
        return copySample(*m_dir, name, job);
    }

    DoctorController* doctor() const { return m_window->doctor(); }
    DoctorView* view() const { return m_window->doctorView(); }
    DoctorModel* findings() const { return view()->model(); }
    GraphModel* graph() const { return m_window->graphModel(); }
    std::string jobText() const { return graph()->job().toJson().dump(); }
    bool idle() const { return !doctor()->isChecking() && !view()->isChecking(); }
    // The row of the finding of `rule` on `node` (or on an edge into it), or -1.
    int rowOf(const QString& rule, const QString& node) const
    {
        const auto& list = findings()->findings();
        for (size_t i = 0; i < list.size(); ++i)
            if (list[i].rule == rule.toStdString() && list[i].node == node.toStdString())
                return int(i);
        return -1;
    }
    // "late-firing-flood@avgPer5m, ...": what the dock lists, for failure messages.
    QByteArray listed() const
    {
        QStringList out;
        for (const auto& f : findings()->findings())
            out << QString::fromStdString(f.rule + "@" + (f.node.empty() ? f.edge : f.node));
        return (out.join(", ") + " / " + view()->statusText() + " / " + view()->message()).toUtf8();
    }
    NodeItem* item(const QString& node) const
    {
        return m_window->graphScene()->nodeItem(graph()->nodeByKey(node));
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_window = std::make_unique<MainWindow>();
        auto prompter = std::make_unique<QuietPrompter>();
        m_prompter = prompter.get();
        m_window->setPrompter(std::move(prompter));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        m_window.reset();
        m_dir.reset();
    }

    void fixAndUndo_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("node");
        QTest::addColumn<bool>("replay"); // a rule that measures: only a replay finds it
        QTest::addColumn<QString>("fixed"); // a parameter the fix sets, "node:path=json"; or empty

        QTest::newRow("stuck-producer: late firings re-fire the window")
            << "stuck-producer"
            << "late-firing-flood"
            << "avgPer5m" << false << "avgPer5m:lateFiring.every=\"1m\"";
        QTest::newRow("idle-partition: a silent partition holds the watermark")
            << "idle-partition"
            << "idle-partition-without-timeout"
            << "orders" << false << "orders:watermark.idleTimeout=\"1m\"";
        QTest::newRow("redundant-keyby: the second keyBy goes") << "redundant-keyby"
                                                                << "redundant-exchange"
                                                                << "byKeyAgain" << false << "";
        QTest::newRow("coupled-warehouse: the sink writes a staging file")
            << "coupled-warehouse"
            << "coupled-warehouse-sink"
            << "warehouse" << false << "warehouse:type=\"file\"";
        QTest::newRow("list-vs-reducing: reducing state")
            << "list-vs-reducing"
            << "list-window-state"
            << "avgPer10m" << false << "avgPer10m:stateKind=\"reducing\"";
        QTest::newRow("state-growth: a TTL on the running aggregate")
            << "state-growth"
            << "running-aggregate-without-ttl"
            << "viewsPerSession" << false << "viewsPerSession:ttl.ttl=\"1h\"";
        QTest::newRow("generic-serialization: the schema is declared") << "generic-serialization"
                                                                       << "generic-serialization"
                                                                       << "clicks" << false << "";
        QTest::newRow("skew (measured): the keys are remapped") << "skew"
                                                                << "key-skew"
                                                                << "sumPer10s" << true << "";
        QTest::newRow("large-state (measured): RocksDB") << "large-state"
                                                         << "large-state"
                                                         << "last30m" << true << "";
    }

    void fixAndUndo()
    {
        QFETCH(QString, sample);
        QFETCH(QString, rule);
        QFETCH(QString, node);
        QFETCH(bool, replay);
        QFETCH(QString, fixed);
        QAbstractItemModelTester tester(findings());
        QVERIFY(m_window->openFile(this->sample(sample), false));
        if (replay) {
            // The static rules alone do not find it.
            QTRY_VERIFY_WITH_TIMEOUT(idle() && view()->statusText().contains("static"), kTimeoutMs);
            QCOMPARE(rowOf(rule, node), -1);
            m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
            QVERIFY(m_window->startReplay(true));
        }
        QTRY_VERIFY2_WITH_TIMEOUT(idle() && rowOf(rule, node) >= 0, listed(), kTimeoutMs);
        QCOMPARE(doctor()->isMeasuring(), replay);
        QVERIFY(m_prompter->errors.isEmpty());

        // The dock's title counts the findings; the node carries the doctor's marker.
        const lint::Finding finding = *findings()->finding(rowOf(rule, node));
        QVERIFY(m_window->doctorDock()->windowTitle().startsWith(QStringLiteral("Doctor — ")));
        QVERIFY(m_window->doctorDock()->windowTitle().contains(findings()->summary()));
        QVERIFY(item(node));
        QVERIFY(item(node)->doctorSeverity().has_value());
        QVERIFY(item(node)->doctorTitles().contains(QString::fromStdString(finding.title)));
        QVERIFY(item(node)->toolTip().contains(QString::fromStdString(finding.title).toHtmlEscaped()));

        // Selecting the finding shows what it means and how it is fixed.
        view()->setCurrentRow(rowOf(rule, node));
        QVERIFY(view()->detailsText().contains(QString::fromStdString(finding.explanation).left(40)));
        QVERIFY(finding.fix.has_value());
        QVERIFY(view()->detailsText().contains(QString::fromStdString(finding.fix->summary)));
        QVERIFY(view()->fixButton()->isEnabled());

        const std::string before = jobText();
        const int steps = m_window->undoStack()->count();
        QTest::mouseClick(view()->fixButton(), Qt::LeftButton);
        QCOMPARE(m_window->undoStack()->count(), steps + 1);
        QVERIFY(m_window->undoStack()->undoText().contains(rule));
        QVERIFY(jobText() != before);
        if (!fixed.isEmpty()) {
            const QString target = fixed.section(':', 0, 0);
            const QString path = fixed.section(':', 1).section('=', 0, 0);
            const auto value = model::Json::parse(fixed.section('=', 1).toStdString());
            const auto actual = graph()->param(graph()->nodeByKey(target), path.toStdString());
            QVERIFY2(actual == value,
                (target + "." + path + " is " + QString::fromStdString(actual.dump())).toUtf8());
        }
        // The doctor re-checks the fixed job (measuring again when it measured) and the finding is gone.
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf(rule, node) < 0, kTimeoutMs);
        QVERIFY(view()->message().contains(QString::fromStdString(finding.fix->summary)));
        if (item(node))
            QVERIFY(!item(node)->doctorTitles().contains(QString::fromStdString(finding.title)));

        // Undo gives back exactly the job before the fix, and the finding with its marker.
        m_window->undoStack()->undo();
        QCOMPARE(jobText(), before);
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf(rule, node) >= 0, kTimeoutMs);
        QCOMPARE(view()->message(), QString());
        QVERIFY(item(node));
        QVERIFY(item(node)->doctorTitles().contains(QString::fromStdString(finding.title)));

        // Redo applies the same fix again.
        m_window->undoStack()->redo();
        QVERIFY(jobText() != before);
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf(rule, node) < 0, kTimeoutMs);
        QVERIFY(m_prompter->errors.isEmpty());
    }

    void newNodesOfAFixGetAFreePlace()
    {
        QVERIFY(m_window->openFile(sample("skew"), false));
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf("key-skew", "sumPer10s") >= 0, kTimeoutMs);
        QVERIFY(doctor()->applyFix(rowOf("key-skew", "sumPer10s")));
        NodeItem* remap = item("byPartitionRemap");
        QVERIFY(remap);
        const QRectF r = remap->sceneBoundingRect();
        for (NodeId id : graph()->nodeIds())
            if (graph()->nodeKey(id) != "byPartitionRemap")
                QVERIFY(!m_window->graphScene()
                             ->nodeItem(id)
                             ->mapRectToScene(m_window->graphScene()->nodeItem(id)->cardRect())
                             .intersects(remap->mapRectToScene(remap->cardRect())));
        QVERIFY(r.isValid());
        // It sits between the source and the keyBy it now feeds.
        QVERIFY(graph()->connectionExists(
            { graph()->nodeByKey("byPartitionRemap"), "", graph()->nodeByKey("byPartition") }));
    }

    void aRemovedNodeLeavesNoGap()
    {
        // redundant-keyby: clicks -> byUser -> perMinute -> byKeyAgain -> out, 200 px apart. The
        // fix removes byKeyAgain: out takes its place; undo puts it back.
        QVERIFY(m_window->openFile(sample("redundant-keyby"), false));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf("redundant-exchange", "byKeyAgain") >= 0, kTimeoutMs);
        const QPointF again = graph()->nodePosition(graph()->nodeByKey("byKeyAgain"));
        const QPointF out = graph()->nodePosition(graph()->nodeByKey("out"));
        QVERIFY(doctor()->applyFix(rowOf("redundant-exchange", "byKeyAgain")));
        QCOMPARE(graph()->nodeByKey("byKeyAgain"), kInvalidNodeId);
        QCOMPARE(graph()->nodePosition(graph()->nodeByKey("out")), again);
        m_window->undoStack()->undo();
        QCOMPARE(graph()->nodePosition(graph()->nodeByKey("out")), out);
        QCOMPARE(graph()->nodePosition(graph()->nodeByKey("byKeyAgain")), again);
    }

    void selectingAFindingSelectsItsNode()
    {
        QVERIFY(m_window->openFile(sample("idle-partition"), false));
        QTRY_VERIFY_WITH_TIMEOUT(
            idle() && rowOf("idle-partition-without-timeout", "orders") >= 0, kTimeoutMs);
        m_window->graphScene()->clearSelection();
        const int row = rowOf("idle-partition-without-timeout", "orders");
        QTreeView* list = view()->list();
        const QRect rect = list->visualRect(findings()->index(row, 0));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(
            m_window->graphScene()->selectedNodes(), std::vector<NodeId> { graph()->nodeByKey("orders") });
        // And the click shows the finding, its Fix enabled (a new user once saw "Select a finding").
        QTest::qWait(50);
        QVERIFY2(!view()->detailsText().contains("Select a finding"), qPrintable(view()->detailsText()));
        QVERIFY(view()->fixButton()->isEnabled());
        // So does a click on every other row, and on the row already selected.
        for (int r = 0; r < findings()->rowCount(); ++r) {
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(findings()->index(r, 0)).center());
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(findings()->index(r, 0)).center());
            QCOMPARE(view()->currentRow(), r);
            QVERIFY2(view()->detailsText().contains(
                         QString::fromStdString(findings()->findings()[size_t(r)].title), Qt::CaseInsensitive),
                qPrintable(view()->detailsText()));
        }
    }

    void anEditMakesTheFindingsStaleUntilTheRecheck()
    {
        QVERIFY(m_window->openFile(sample("idle-partition"), false));
        QTRY_VERIFY_WITH_TIMEOUT(
            idle() && rowOf("idle-partition-without-timeout", "orders") >= 0, kTimeoutMs);
        view()->setCurrentRow(rowOf("idle-partition-without-timeout", "orders"));
        QVERIFY(view()->fixButton()->isEnabled());
        // The person sets the idle timeout by hand.
        m_window->undoStack()->push(
            new SetParamCommand(graph(), graph()->nodeByKey("orders"), "watermark.idleTimeout", "30s"));
        QTRY_VERIFY(view()->isChecking());
        QVERIFY(!view()->fixButton()->isEnabled());
        QVERIFY(!doctor()->applyFix(view()->currentRow()));
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kTimeoutMs);
        QCOMPARE(rowOf("idle-partition-without-timeout", "orders"), -1);
        QVERIFY(!item("orders")->doctorSeverity().has_value());
        QCOMPARE(m_window->doctorDock()->windowTitle(), QString("Doctor"));
    }

    void aCleanJobHasNoFindings()
    {
        QVERIFY(m_window->openFile(sample("state-growth", "job-retention.json"), false));
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(
            idle() && doctor()->isMeasuring() && view()->statusText().contains("measured"), kTimeoutMs);
        QCOMPARE(findings()->rowCount(), 0);
        QCOMPARE(m_window->doctorDock()->windowTitle(), QString("Doctor"));
        QVERIFY(view()->detailsText().contains("No pitfalls found"));
        for (NodeId id : graph()->nodeIds())
            QVERIFY(!m_window->graphScene()->nodeItem(id)->doctorSeverity().has_value());
    }

    void aJobThatDoesNotCompileIsLeftToTheProblemsTab()
    {
        QVERIFY(m_window->openFile(sample("idle-partition"), false));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && findings()->rowCount() > 0, kTimeoutMs);
        // The window's size must be positive.
        m_window->undoStack()->push(
            new SetParamCommand(graph(), graph()->nodeByKey("revenuePerMinute"), "assigner.size", "-1m"));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && view()->statusText().contains("does not compile"), kTimeoutMs);
        QCOMPARE(findings()->rowCount(), 0);
        QCOMPARE(m_window->doctorDock()->windowTitle(), QString("Doctor"));
        QVERIFY(!item("orders")->doctorSeverity().has_value());
        m_window->undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(
            idle() && rowOf("idle-partition-without-timeout", "orders") >= 0, kTimeoutMs);
    }

    void aFailedReplayIsShownInTheDock()
    {
        QVERIFY(m_window->openFile(sample("idle-partition"), false));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && findings()->rowCount() > 0, kTimeoutMs);
        m_window->replayController()->setEventFile("orders", "/nonexistent/orders.csv");
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(view()->message().contains("The replay failed"), kTimeoutMs);
        QVERIFY(view()->message().contains("orders.csv"));
        // Measuring with the same events fails too: said in the dock, the static findings stay.
        QTest::mouseClick(view()->measureButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(idle() && view()->message().contains("Measuring failed"), kTimeoutMs);
        QVERIFY(rowOf("idle-partition-without-timeout", "orders") >= 0);
        QVERIFY(view()->statusText().contains("static"));
    }

    void measuringWritesNoFileBesideTheJob()
    {
        // The warehouse fix makes the sink a file sink; measuring replays the fixed job.
        QVERIFY(m_window->openFile(sample("coupled-warehouse"), false));
        const QString staging = m_dir->filePath("warehouse-staging.jsonl");
        QVERIFY(!QFile::exists(staging));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && rowOf("coupled-warehouse-sink", "warehouse") >= 0, kTimeoutMs);
        QVERIFY(doctor()->applyFix(rowOf("coupled-warehouse-sink", "warehouse")));
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kTimeoutMs);
        QTest::mouseClick(view()->measureButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(idle() && view()->statusText().contains("measured"), listed(), kTimeoutMs);
        QCOMPARE(findings()->rowCount(), 0);
        QVERIFY(!QFile::exists(staging));
        // The window's own replay writes it, as the job says.
        m_window->replayBar()->setSpeedIndex(ReplayBar::maxSpeedIndex()); // pace is not tested here
        QVERIFY(m_window->startReplay(true));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(staging), kTimeoutMs);
    }

    void applyEveryFixLeavesNoFixableFinding()
    {
        QVERIFY(m_window->openFile(sample("stuck-producer"), false));
        QTRY_VERIFY_WITH_TIMEOUT(idle() && findings()->rowCount() >= 2, kTimeoutMs);
        const std::string before = jobText();
        QSignalSpy done(doctor(), &DoctorController::everyFixApplied);
        doctor()->applyEveryFix();
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kTimeoutMs);
        QCOMPARE(rowOf("late-firing-flood", "avgPer5m"), -1);
        QCOMPARE(rowOf("window-state-without-ttl", "avgPer5m"), -1);
        // Each fix is its own undo step.
        m_window->undoStack()->undo();
        m_window->undoStack()->undo();
        QCOMPARE(jobText(), before);
    }
};

QTEST_MAIN(TestDoctor)
#include "tst_doctor.moc"
