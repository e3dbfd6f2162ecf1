#include "shell/run_gui.h"

#include "common/theme.h"
#include "designer/graph_view.h"
#include "doctor/doctor_controller.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "shell/export_dialog.h"
#include "shell/main_window.h"
#include "whatif/compare_view.h"
#include "whatif/whatif_dialog.h"

#include <QApplication>
#include <QDockWidget>
#include <QMessageBox>
#include <QTimer>

namespace streamlab::ui {

namespace {
    // No exception crosses into Qt's event loop (DESIGN.md, Errors): one that a handler lets
    // out is caught here, logged and shown, and the window goes on.
    class GuardedApplication final : public QApplication {
    public:
        using QApplication::QApplication;
        bool notify(QObject* receiver, QEvent* event) override
        {
            try {
                return QApplication::notify(receiver, event);
            } catch (const std::exception& e) {
                report(QString::fromUtf8(e.what()));
            } catch (...) {
                report(QStringLiteral("an unknown exception"));
            }
            return false;
        }

    private:
        void report(const QString& what)
        {
            qCritical("streamlab: internal error in the window: %s", qPrintable(what));
            if (m_reporting)
                return;
            m_reporting = true;
            QMessageBox::critical(activeWindow(), QObject::tr("Streamlab"),
                QObject::tr("Internal error: %1\n\nThe window goes on; please save your work and report this with the job file.")
                    .arg(what));
            m_reporting = false;
        }
        bool m_reporting = false;
    };
} // namespace

int runGui(int argc, char** argv)
{
    GuardedApplication app(argc, argv);
    QApplication::setOrganizationName("Streamlab");
    QApplication::setApplicationName("streamlab");
    QApplication::setApplicationDisplayName("Streamlab");
    QApplication::setApplicationVersion("0.1.0");

    QString jobFile, screenshot, view;
    int forcedPalette = -1; // -1: follow the system
    int screenshotAfter = 900;
    bool replay = false;
    bool applyFixes = false;
    QString sweep, compare, latency;
    double speed = 0;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--screenshot" && i + 1 < args.size())
            screenshot = args[++i];
        else if (args[i] == "--screenshot-after" && i + 1 < args.size())
            screenshotAfter = args[++i].toInt();
        else if (args[i] == "--view" && i + 1 < args.size())
            view = args[++i];
        else if (args[i] == "--speed" && i + 1 < args.size())
            speed = args[++i].toDouble();
        else if (args[i] == "--replay")
            replay = true;
        else if (args[i] == "--apply-fixes")
            applyFixes = true;
        else if (args[i] == "--sweep" && i + 1 < args.size())
            sweep = args[++i];
        else if (args[i] == "--latency" && i + 1 < args.size())
            latency = args[++i];
        else if (args[i] == "--compare" && i + 1 < args.size())
            compare = args[++i];
        else if (args[i] == "--dark")
            forcedPalette = 1;
        else if (args[i] == "--light")
            forcedPalette = 0;
        else if (!args[i].startsWith("--") && jobFile.isEmpty())
            jobFile = args[i];
    }
    theme::applyPalette(forcedPalette < 0 ? theme::isDark(QApplication::palette()) : forcedPalette == 1);

    MainWindow w;
    if (!screenshot.isEmpty())
        w.resize(1440, 860);
    w.show();
    const bool recovered = screenshot.isEmpty() && w.recoverAutosave();
    if (!jobFile.isEmpty() && !recovered)
        w.openFile(jobFile, false);
    else if (!recovered)
        w.showStartPage(true); // an empty start: a welcome, the samples, the recent files
    if (applyFixes) {
        // Once the findings are in (measured, when replaying), press every Fix; then replay the
        // fixed job so that the live views show the difference.
        auto started = std::make_shared<bool>(false);
        QObject::connect(
            w.doctor(), &DoctorController::resultShown, &w, [&w, started, replay](bool measured) {
                if (*started || (replay && !measured))
                    return;
                *started = true;
                w.doctor()->applyEveryFix();
            });
        QObject::connect(w.doctor(), &DoctorController::everyFixApplied, &w, [&w, replay] {
            w.graphView()->fitAll(); // a fix may have added nodes
            if (replay)
                w.startReplay(true);
        });
    }
    // The replays the command line asks for run at --speed, else as fast as possible (a person
    // opening a job gets a speed fitted to it instead).
    const auto& speeds = ReplayBar::speeds();
    int speedIndex = ReplayBar::maxSpeedIndex();
    for (int i = 0; i < speeds.size(); ++i)
        if (speed > 0 && speeds[i] > 0
            && std::abs(speeds[i] - speed) < std::abs(speeds.value(speedIndex, 0) - speed))
            speedIndex = i;
    if (replay || !compare.isEmpty())
        w.replayBar()->setSpeedIndex(speedIndex);
    if (replay)
        w.startReplay(true);
    if (!view.isEmpty())
        w.raiseView(view);
    // What-if: the screenshot waits for the sweep, or for run B, and shows the dialog or the dock.
    auto saveLater = [&w, screenshot, screenshotAfter](QWidget* what) {
        if (screenshot.isEmpty())
            return;
        QTimer::singleShot(screenshotAfter, &w, [what, screenshot] {
            what->grab().save(screenshot);
            QApplication::exit(0);
        });
    };
    if (!sweep.isEmpty()) {
        WhatIfDialog* dialog = w.whatIfDialog();
        if (!screenshot.isEmpty())
            dialog->resize(1180, 980);
        dialog->show();
        if (latency == "p99")
            dialog->setLatencyAxis(WhatIfDialog::LatencyAxis::P99);
        QObject::connect(
            dialog, &WhatIfDialog::sweepFinished, &w, [dialog, saveLater] { saveLater(dialog); });
        if (!dialog->setSweep(sweep) || !dialog->run())
            saveLater(dialog); // shows the reason
    } else if (!compare.isEmpty()) {
        // Run A as the job is, then run B with the setting: each starts once the previous one's
        // Finished snapshot is in (the finished signal may come just before it).
        auto step = std::make_shared<int>(0);
        auto handled = std::make_shared<quint64>(0);
        QObject::connect(w.replayController(), &ReplayController::snapshotUpdated, &w,
            [&w, step, handled, compare, saveLater, screenshot] {
                const auto& snap = w.replayController()->snapshot();
                if (!snap || snap->generation == *handled
                    || (snap->state != runtime::ReplayState::Finished
                        && snap->state != runtime::ReplayState::Failed))
                    return;
                *handled = snap->generation;
                const bool ok = snap->state == runtime::ReplayState::Finished;
                if (++*step == 1 && ok && w.pinRunA() && w.applySetting(compare)) {
                    w.startReplay(true);
                    return;
                }
                w.raiseView("compare");
                QDockWidget* dock = w.findChild<QDockWidget*>("compareDock");
                QWidget* shown = &w;
                if (dock && !screenshot.isEmpty()) {
                    // The screenshot is of the comparison, at a size where its charts are legible.
                    dock->setFloating(true);
                    dock->resize(1440, 900);
                    shown = dock;
                }
                w.compareView()->refresh();
                saveLater(shown);
            });
        w.startReplay(true);
    } else if (!screenshot.isEmpty()) {
        saveLater(&w);
    }
    return app.exec();
}

} // namespace streamlab::ui
