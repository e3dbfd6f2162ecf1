#include "shell/main_window.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "designer/commands.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/property_panel.h"
#include "doctor/doctor_controller.h"
#include "doctor/doctor_view.h"
#include "model/json_text.h"
#include "model/params.h"
#include "runtime/replay_length.h"
#include "replay/event_time_view.h"
#include "replay/exchange_view.h"
#include "replay/firings_view.h"
#include "replay/live_settings.h"
#include "replay/load_view.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "replay/results_view.h"
#include "replay/state_view.h"
#include "replay/watermark_view.h"
#include "whatif/compare_run.h"
#include "whatif/compare_view.h"
#include "whatif/whatif_dialog.h"

#include <QAction>
#include <QDateTime>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QStatusBar>

namespace streamlab::ui {

using model::Json;

// Charts and the canvas redraw at most every kRedrawIntervalMs while a replay plays at a set
// speed, and every kFastRedrawIntervalMs as fast as possible: then nobody follows single events,
// and each redraw takes memory bandwidth from the replay on the other core (measured: 10
// redraws a second made the 10-million-event benchmark 1.6x the headless run, 4 a second 1.2x).
static constexpr qint64 kRedrawIntervalMs = 100;
static constexpr qint64 kFastRedrawIntervalMs = 250;

// A dock's content that scrolls when the dock is shorter than the content wants: on a small
// screen the views' docks give their space back to the canvas instead of holding it.
static QWidget* shrinkable(QWidget* content)
{
    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

void MainWindow::createSimulator()
{
    m_replay = new ReplayController(this);
    m_replayBar = new ReplayBar(m_replay, this);
    addToolBarBreak(Qt::TopToolBarArea);
    addToolBar(Qt::TopToolBarArea, m_replayBar);
    m_live = new LiveSettings(m_replay);
    m_loadView = new LoadView;
    m_firingsView = new FiringsView;
    m_stateView = new StateView;
    m_watermarkView = new WatermarkView;
    m_exchangeView = new ExchangeView;
    m_eventTimeView = new EventTimeView;
    m_resultsView = new ResultsView;
    m_simViews = { m_eventTimeView, m_firingsView, m_loadView, m_watermarkView, m_stateView, m_exchangeView,
        m_resultsView };

    auto* panels = menuBar()->findChild<QMenu*>("panelsMenu");
    auto dock = [this, panels](const QString& title, const QString& key, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(key + "Dock");
        d->setWidget(area == Qt::BottomDockWidgetArea ? shrinkable(w) : w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable
            | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, d);
        if (panels)
            panels->addAction(d->toggleViewAction());
        m_docks << d;
        m_viewDocks[key] = d;
        return d;
    };
    QDockWidget* settings = dock(tr("Replay Settings"), "settings", m_live, Qt::RightDockWidgetArea);
    if (m_propertiesDock)
        tabifyDockWidget(m_propertiesDock, settings);
    QDockWidget* previous = m_bottomDock;
    const std::pair<QString, QString> views[] = { { tr("Event Time"), "eventtime" }, { tr("Firings"), "firings" },
        { tr("Subtask Load"), "load" }, { tr("Watermarks"), "watermarks" }, { tr("State Size"), "state" },
        { tr("Exchanges"), "exchanges" }, { tr("Results"), "results" } };
    for (size_t i = 0; i < std::size(views); ++i) {
        QDockWidget* d = dock(views[i].first, views[i].second, m_simViews[int(i)], Qt::BottomDockWidgetArea);
        if (previous)
            tabifyDockWidget(previous, d);
        previous = d;
    }
    if (m_propertiesDock)
        m_propertiesDock->raise();
    if (m_bottomDock)
        m_bottomDock->raise();

    QMenu* sim = menuBar()->addMenu(tr("&Replay"));
    for (QAction* a : { m_replayBar->playAction(), m_replayBar->stepAction(), m_replayBar->stepWatermarkAction(),
             m_replayBar->stepFiringAction(), m_replayBar->restartAction() })
        sim->addAction(a);
    // Keep the Help menu last.
    for (QAction* a : menuBar()->actions())
        if (a->text() == tr("&Help")) {
            menuBar()->removeAction(a);
            menuBar()->addAction(a);
        }

    connect(m_replayBar, &ReplayBar::restartRequested, this, [this](bool play) { startReplay(play); });
    connect(m_replayBar, &ReplayBar::speedChosen, this, [this] { m_speedFitted = true; });
    connect(m_view, &GraphView::spaceTapped, m_replayBar->playAction(), &QAction::trigger);
    connect(m_live, &LiveSettings::restartRequested, this, [this] { startReplay(true); });
    connect(m_replay, &ReplayController::settingsChanged, this, &MainWindow::showLiveOverrides);
    connect(m_replay, &ReplayController::snapshotUpdated, this, &MainWindow::showReplaySnapshot);
    connect(m_replay, &ReplayController::finished, this, [this](quint64 generation, bool ok, const QString& message) {
        const auto& s = m_replay->snapshot();
        if (ok) {
            log(tr("Replay finished: %1 events, processing time %2").arg(s ? s->eventsReplayed : 0).arg(
                simfmt::time(s ? s->processingTime : 0)));
            statusBar()->showMessage(tr("Replay finished"), 5000);
            // With a run pinned as A, a run after it is B: the comparison is what it was for.
            if (m_compareView->runA() && m_compareView->runA()->generation != generation)
                raiseView("compare");
        } else {
            // No modal box: the reason is in Messages (raised), the status bar and the toolbar's
            // tooltip, and a source whose file cannot be read already has its problem on the node.
            log(tr("Replay failed: %1").arg(message));
            statusBar()->showMessage(tr("The replay failed: %1").arg(message), 15000);
            m_bottomTabs->setCurrentWidget(m_output);
            if (m_bottomDock) {
                m_bottomDock->show();
                m_bottomDock->raise();
            }
        }
    });
}

void MainWindow::createDoctor()
{
    m_doctorView = new DoctorView;
    m_doctor = new DoctorController(m_model, m_undo, m_scene, m_replay, m_doctorView, this);
    m_doctorDock = new QDockWidget(m_doctor->title(), this);
    m_doctorDock->setObjectName("doctorDock");
    m_doctorDock->setWidget(m_doctorView);
    m_doctorDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, m_doctorDock);
    if (QDockWidget* last = m_viewDocks.value("results"))
        tabifyDockWidget(last, m_doctorDock);
    if (auto* panels = menuBar()->findChild<QMenu*>("panelsMenu"))
        panels->addAction(m_doctorDock->toggleViewAction());
    m_docks << m_doctorDock;
    m_viewDocks["doctor"] = m_doctorDock;
    if (m_bottomDock)
        m_bottomDock->raise();
    connect(m_doctor, &DoctorController::titleChanged, m_doctorDock, &QDockWidget::setWindowTitle);
    connect(m_doctor, &DoctorController::findingActivated, this, &MainWindow::selectProblem);
}

void MainWindow::createWhatIf()
{
    m_compareView = new CompareView;
    connect(m_compareView, &CompareView::pinned, this, [this](quint64 generation, qint64 events, qint64 results) {
        log(tr("Pinned run A (generation %1, %2 events, %3 results)").arg(generation).arg(events).arg(results));
        statusBar()->showMessage(
            tr("Pinned as run A: change settings and replay; Compare A/B shows the difference when it ends"), 8000);
    });
    auto* d = new QDockWidget(tr("Compare A/B"), this);
    d->setObjectName("compareDock");
    d->setWidget(shrinkable(m_compareView));
    d->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, d);
    if (QDockWidget* last = m_viewDocks.value("results")) {
        tabifyDockWidget(last, d);
        last->raise(); // Compare waits behind its tab until a run is pinned or it is picked
    }
    if (auto* panels = menuBar()->findChild<QMenu*>("panelsMenu"))
        panels->addAction(d->toggleViewAction());
    m_docks << d;
    m_viewDocks["compare"] = d;
    if (m_bottomDock)
        m_bottomDock->raise();

    m_pinAct = new QAction(tr("Pin as Run &A"), this);
    m_pinAct->setObjectName("pinRunA");
    m_pinAct->setIconText(tr("Pin A"));
    m_pinAct->setToolTip(
        tr("Keep this run (paused or finished) as run A of Compare A/B, then change settings "
           "and replay to compare"));
    m_pinAct->setEnabled(false);
    connect(m_pinAct, &QAction::triggered, this, [this] { pinRunA(); });
    m_sweepAct = new QAction(tr("S&weep…"), this);
    m_sweepAct->setObjectName("whatIfSweep");
    m_sweepAct->setToolTip(
        tr("Replay the job once per value of a parameter and plot completeness against latency"));
    connect(m_sweepAct, &QAction::triggered, this, [this] {
        WhatIfDialog* dialog = whatIfDialog();
        dialog->refreshTargets();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    });
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&Replay")) {
            a->menu()->addSeparator();
            a->menu()->addAction(m_pinAct);
            a->menu()->addAction(m_sweepAct);
        }
    const QList<QAction*> bar = m_replayBar->actions();
    const qsizetype after = bar.indexOf(m_replayBar->stepFiringAction());
    if (after >= 0 && after + 1 < bar.size())
        m_replayBar->insertAction(bar[after + 1], m_pinAct);
    else
        m_replayBar->addAction(m_pinAct);
    // Sweep on the main toolbar, named: the replay toolbar has no room left at 1024 px (its
    // progress and clock went into the overflow).
    m_sweepAct->setIconText(tr("Sweep"));
    if (auto* tb = findChild<QToolBar*>("mainToolBar")) {
        tb->addSeparator();
        tb->addAction(m_sweepAct);
        if (auto* b = qobject_cast<QToolButton*>(tb->widgetForAction(m_sweepAct)))
            b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    }

    // The settings a run starts with label it in the comparison; B follows the live snapshots.
    connect(m_replay, &ReplayController::started, this, [this] {
        std::map<std::string, int64_t> delays, lateness;
        std::map<std::string, std::string> files;
        const auto d = m_replay->watermarkDelays();
        for (auto it = d.begin(); it != d.end(); ++it)
            delays[it.key().toStdString()] = it.value();
        const auto l = m_replay->allowedLateness();
        for (auto it = l.begin(); it != l.end(); ++it)
            lateness[it.key().toStdString()] = it.value();
        const auto f = m_replay->eventFiles();
        for (auto it = f.begin(); it != f.end(); ++it)
            files[it.key().toStdString()] = it.value().toStdString();
        m_runSettings = runSettingsOf(m_model->job(), delays, lateness, files);
    });
    connect(m_replay, &ReplayController::snapshotUpdated, this, [this] {
        const auto& snap = m_replay->snapshot();
        m_pinAct->setEnabled(snap
            && (snap->state == runtime::ReplayState::Paused
                || snap->state == runtime::ReplayState::Finished));
        m_compareView->setLiveRun(snap, m_runSettings);
    });
    // Another job: its runs compare with nothing of the previous one.
    connect(m_model, &GraphModel::graphReset, this, [this] {
        m_compareView->clearRunA();
        m_compareView->clearLiveRun();
        m_pinAct->setEnabled(false);
    });
}

bool MainWindow::pinRunA()
{
    const auto& snap = m_replay->snapshot();
    if (!snap
        || (snap->state != runtime::ReplayState::Paused && snap->state != runtime::ReplayState::Finished)) {
        statusBar()->showMessage(tr("Pause or finish a replay to pin it as run A"), 5000);
        return false;
    }
    // A large run is copied on the background thread; the log and status follow pinned().
    // The view in front stays: Compare A/B comes forward when the next run (B) ends.
    m_compareView->pinAsRunA(snap, m_runSettings);
    return true;
}

bool MainWindow::applySetting(const QString& assignment)
{
    const std::string text = assignment.toStdString();
    // Checked as `--set` checks it, on a copy of the job.
    model::Job probe = m_model->job();
    Status st = model::applySet(probe, text);
    if (!st.ok()) {
        log(tr("Not set: %1").arg(QString::fromStdString(st.message())));
        return false;
    }
    const QString target = assignment.section('=', 0, 0);
    const QString value = assignment.section('=', 1);
    const QString owner = target.section('.', 0, 0);
    std::string path = target.section('.', 1).toStdString();
    NodeId node = kJobNodeId;
    if (owner == "config")
        path = "config." + path;
    else
        node = m_model->nodeByKey(owner);
    auto parsed = model::parseJson(value.toStdString(), "");
    model::Json v = parsed.ok() ? *parsed : model::Json(value.toStdString());
    m_undo->push(new SetParamCommand(m_model, node, path, v));
    log(tr("Set %1").arg(assignment));
    return true;
}

WhatIfDialog* MainWindow::whatIfDialog()
{
    if (!m_whatIf) {
        m_whatIf = new WhatIfDialog(m_model, m_undo, this);
        connect(m_whatIf, &WhatIfDialog::valueApplied, this,
            [this](const QString& target, const QString& value, const QString& previous) {
                log(tr("What-if: set %1 = %2 (was %3)").arg(target, value, previous));
            });
    }
    std::map<std::string, std::filesystem::path> events;
    const auto files = m_replay->eventFiles();
    for (auto it = files.begin(); it != files.end(); ++it)
        if (!it.value().isEmpty())
            events[it.key().toStdString()] = it.value().toStdString();
    m_whatIf->setEventFiles(std::move(events));
    // Replay Settings' values now, and whenever they change while the dialog is open: the
    // overrides the node cards show, as NODE.PARAM=VALUE (event files go by setEventFiles).
    auto live = [this] {
        QStringList out;
        if (m_model->hasJobErrors())
            return out;
        const auto overrides = m_replay->overrides(m_model->compiled().spec);
        for (auto node = overrides.begin(); node != overrides.end(); ++node)
            for (auto param = node->begin(); param != node->end(); ++param)
                if (param.key() != QLatin1String("path"))
                    out << node.key() + '.' + param.key() + '=' + param.value();
        return out;
    };
    m_whatIf->setLiveSettings(live());
    if (!m_whatIfFollowsLive) {
        m_whatIfFollowsLive = true;
        connect(m_replay, &ReplayController::settingsChanged, m_whatIf,
            [this, live] { m_whatIf->setLiveSettings(live()); });
    }
    return m_whatIf;
}

// The job as a replay sees it: its JSON without the nodes' positions on the canvas.
static std::string replayedForm(const model::Job& job)
{
    model::Json doc = job.toJson();
    if (doc.contains("nodes") && doc["nodes"].is_array())
        for (auto& n : doc["nodes"])
            if (n.is_object())
                n.erase("ui");
    return doc.dump();
}

// The job's values of what Replay Settings can replace live, by node and parameter path.
static std::map<std::pair<std::string, std::string>, int64_t> liveJobValues(const model::JobSpec& spec)
{
    std::map<std::pair<std::string, std::string>, int64_t> out;
    for (const auto& n : spec.nodes)
        if (n.kind == model::NodeKind::Source)
            out[{ n.id, "watermark.maxOutOfOrderness" }] = n.as<model::SourceSpec>().watermark.maxOutOfOrderness;
        else if (n.kind == model::NodeKind::Window)
            out[{ n.id, "allowedLateness" }] = n.as<model::WindowSpec>().allowedLateness;
    return out;
}

void MainWindow::resetReplay()
{
    if (!m_replay)
        return;
    m_replay->reset();
    m_replay->clearSettings();
    m_replayedJob.clear();
    m_replayBar->setStale(false);
    m_scene->clearLiveStats();
    m_rateBase.clear();
    m_rates.clear();
    const auto& compiled = m_model->compiled();
    const bool jobErrors = m_model->hasJobErrors();
    const model::JobSpec spec = jobErrors ? model::JobSpec {} : compiled.spec;
    auto plan = runtime::buildPlan(spec);
    for (SimView* v : m_simViews)
        v->clear(spec, plan.ok() ? *plan : runtime::Plan {});
    // A job with errors (a new, empty one too) has no live settings: none of the last job's.
    m_live->setJob(spec);
    m_liveJobValues = jobErrors ? decltype(m_liveJobValues) {} : liveJobValues(compiled.spec);
    // A speed at which this job's replay can be watched, unless there is nothing to estimate yet
    // (a new job): then at its first start.
    m_replayBar->setSpeedIndex(ReplayBar::maxSpeedIndex());
    m_speedFitted = false;
    fitReplaySpeed();
}

bool MainWindow::fitReplaySpeed()
{
    const auto& compiled = m_model->compiled();
    if (m_model->hasJobErrors() || compiled.spec.nodes.empty())
        return false;
    auto length = runtime::estimateReplayLength(compiled.spec);
    if (!length.ok())
        return false;
    // The whole replay in about 20 seconds.
    const int speed = ReplayBar::speedIndexFor(length->processingMs);
    const double s = ReplayBar::speeds().value(speed);
    log(s > 0 ? tr("Replay speed %1×: %2 of processing time in about %3 s")
                    .arg(s)
                    .arg(simfmt::duration(length->processingMs))
                    .arg(qRound(double(length->processingMs) / s / 1000.0))
              : tr("Replay speed max: %1 of processing time").arg(simfmt::duration(length->processingMs)));
    m_replayBar->setSpeedIndex(speed);
    m_speedFitted = true;
    return true;
}

void MainWindow::followJobInLiveSettings()
{
    if (!m_replay)
        return;
    // An edit after a replay: its views show the job as it was, and the replay bar says so.
    m_replayBar->setStale(m_replay->snapshot() && !m_replayedJob.empty()
        && replayedForm(m_model->job()) != m_replayedJob);
    const auto& compiled = m_model->compiled();
    if (m_model->hasJobErrors())
        return;
    auto now = liveJobValues(compiled.spec);
    if (now == m_liveJobValues)
        return;
    for (const auto& [key, value] : now) {
        auto before = m_liveJobValues.find(key);
        if (before != m_liveJobValues.end() && before->second != value)
            m_replay->forgetSetting(QString::fromStdString(key.first), QString::fromStdString(key.second));
    }
    m_liveJobValues = std::move(now);
    m_live->setJob(compiled.spec);
    showLiveOverrides();
}

void MainWindow::showLiveOverrides()
{
    const auto& compiled = m_model->compiled();
    const auto overrides = m_model->hasJobErrors() ? QMap<QString, QMap<QString, QString>> {}
                                                : m_replay->overrides(compiled.spec);
    for (NodeId id : m_model->nodeIds())
        m_scene->setLiveOverrides(id, overrides.value(m_model->nodeKey(id)));
    m_properties->setLiveValues(overrides);
}

bool MainWindow::startReplay(bool play)
{
    const auto& compiled = m_model->compiled();
    // An event file the replay cannot read stops it too, unless Replay Settings give that source
    // another file.
    const auto files = m_replay->eventFiles();
    const bool blocked = std::any_of(compiled.problems.begin(), compiled.problems.end(), [&](const model::Problem& p) {
        return p.severity == model::Severity::Error
            && (!GraphModel::isEventFileProblem(p) || files.value(QString::fromStdString(p.nodeId)).isEmpty());
    });
    if (blocked) {
        const QString text = QString::fromStdString(model::describeErrors(compiled.problems, ""));
        statusBar()->showMessage(tr("Fix the problems before replaying"), 6000);
        log(tr("Replay not started: %1").arg(text));
        m_bottomDock->raise();
        return false;
    }
    auto plan = runtime::buildPlan(m_replay->effectiveSpec(compiled.spec));
    if (!plan.ok()) {
        log(tr("Replay not started: %1").arg(QString::fromStdString(plan.status().message())));
        return false;
    }
    const model::JobSpec spec = m_replay->effectiveSpec(compiled.spec);
    // A job built by hand had nothing to estimate when it was new: its first start picks the speed
    // (unless the person already chose one).
    if (!m_speedFitted)
        fitReplaySpeed();
    for (SimView* v : m_simViews)
        v->setJob(spec, *plan);
    m_live->setJob(compiled.spec);
    m_rateBase.clear();
    m_rates.clear();
    m_replay->start(compiled.spec, play);
    m_replayedJob = replayedForm(m_model->job());
    m_replayBar->setStale(false);
    // The views need room: give the bottom docks a good share of the window the first time, but
    // on a small screen (a laptop's 768 lines or fewer) no more than a third: the canvas keeps
    // the rest.
    const int share = height() < 800 ? height() / 3 : height() * 9 / 20;
    if (m_bottomDock && m_bottomDock->height() < std::min(share, height() / 3))
        resizeDocks({ m_viewDocks.value("eventtime") }, { share }, Qt::Vertical);
    if (m_bottomDock && !m_bottomDock->visibleRegion().isEmpty())
        m_viewDocks.value("eventtime")->raise();
    log(tr("Replay started (generation %1)").arg(m_replay->generation()));
    return true;
}

void MainWindow::raiseView(const QString& name)
{
    if (auto* d = m_viewDocks.value(name)) {
        d->show();
        d->raise();
        // The doctor's explanations need a few lines of room.
        if (d == m_doctorDock && d->height() < height() / 3)
            resizeDocks({ d }, { height() < 800 ? height() / 3 : height() * 2 / 5 }, Qt::Vertical);
    }
}

void MainWindow::showReplaySnapshot()
{
    const auto& snap = m_replay->snapshot();
    if (!snap)
        return;
    // Models follow every snapshot (~30/s); charts and the canvas redraw at most ~10 times a
    // second while playing, at once when the replay stops (a step shows its result immediately).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 interval = snap->speed > 0 ? kRedrawIntervalMs : kFastRedrawIntervalMs;
    const bool redraw = snap->state != runtime::ReplayState::Playing || now - m_lastRedrawMs >= interval;
    if (redraw)
        m_lastRedrawMs = now;
    for (SimView* v : m_simViews)
        v->setSnapshot(snap, redraw);
    if (redraw)
        updateNodeStats();
}

void MainWindow::updateNodeStats()
{
    const auto& snap = m_replay->snapshot();
    if (!snap)
        return;
    for (NodeId id : m_model->nodeIds()) {
        const QString key = m_model->nodeKey(id);
        const auto* op = snap->metrics.op(key.toStdString());
        if (!op) {
            m_scene->setLiveStats(id, {});
            continue;
        }
        qint64 in = 0, out = 0, entries = 0, bytes = 0, late = 0;
        int64_t wm = kMaxTimestamp;
        bool stateful = op->kind == "window" || op->kind == "aggregate";
        for (const auto& s : op->subtasks) {
            in += s.recordsIn;
            out += s.recordsOut;
            entries += s.stateEntries;
            bytes += s.stateBytes;
            late += s.lateDropped + s.lateSideOutput;
            wm = std::min(wm, s.watermark);
        }
        // Records per second of processing time, over at least one virtual second.
        auto base = m_rateBase.value(key, { snap->processingTime, in });
        if (!m_rateBase.contains(key))
            m_rateBase[key] = base;
        if (snap->processingTime - base.first >= 1000) {
            m_rates[key] = double(in - base.second) * 1000.0 / double(snap->processingTime - base.first);
            m_rateBase[key] = { snap->processingTime, in };
        }
        QStringList lines;
        lines << tr("records\t%1 · %2").arg(simfmt::count(in), simfmt::rate(m_rates.value(key)));
        lines << tr("watermark\t%1").arg(wm == kMaxTimestamp ? tr("end") : simfmt::timeOfDay(wm, 0));
        if (stateful)
            lines << tr("state\t%1 · %2").arg(simfmt::count(entries), simfmt::bytes(bytes));
        if (late > 0)
            lines << tr("late\t%1").arg(simfmt::count(late));
        m_scene->setLiveStats(id, lines);
    }
}

} // namespace streamlab::ui
