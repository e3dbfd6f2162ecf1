#include "doctor/doctor_controller.h"

#include "designer/graph_model.h"
#include "designer/graph_scene.h"
#include "doctor/doctor_fix_command.h"
#include "doctor/doctor_model.h"
#include "doctor/doctor_view.h"
#include "lint/fix.h"
#include "replay/replay_controller.h"

#include <QUndoStack>
#include <map>

namespace streamlab::ui {

DoctorController::DoctorController(GraphModel* model, QUndoStack* undo, GraphScene* scene,
    ReplayController* replay, DoctorView* view, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_undo(undo)
    , m_scene(scene)
    , m_replay(replay)
    , m_view(view)
    , m_runner(new DoctorRunner(this))
{
    m_debounce.setSingleShot(true);
    connect(&m_debounce, &QTimer::timeout, this, &DoctorController::checkNow);
    connect(m_runner, &DoctorRunner::checked, this, &DoctorController::show);
    // Another job: measured evidence of the previous one says nothing about it.
    connect(m_model, &GraphModel::graphReset, this, [this] {
        m_measure = false;
        m_fixingAll = false;
        m_fixNotes.clear();
        m_replayError.clear();
        m_measureError.clear();
    });
    connect(m_model, &GraphModel::validationChanged, this, [this] {
        if (!m_fixApplied)
            m_fixNotes.clear(); // another edit (an undo too): the note would mislead
        schedule(m_fixApplied ? 0 : kDebounceMs);
        m_fixApplied = false;
    });
    connect(m_replay, &ReplayController::started, this, [this] {
        m_replayError.clear();
        // No measuring beside the window's replay: it measures again when the replay is done.
        if (m_measure) {
            m_runner->cancel();
            m_debounce.stop();
            m_view->stopChecking();
        }
        updateMessage();
    });
    connect(m_replay, &ReplayController::finished, this, [this](quint64, bool ok, const QString& message) {
        if (!ok) {
            m_replayError = message;
            updateMessage();
            return;
        }
        measure();
    });
    connect(m_view, &DoctorView::measureRequested, this, &DoctorController::measure);
    connect(m_view, &DoctorView::fixRequested, this, [this](int row) { applyFix(row); });
    connect(m_view, &DoctorView::findingActivated, this, &DoctorController::findingActivated);
    m_title = tr("Doctor");
}

bool DoctorController::isChecking() const { return m_debounce.isActive() || m_runner->isBusy(); }

void DoctorController::schedule(int delayMs)
{
    // The findings on show belong to the previous version from now on.
    m_runner->invalidate();
    m_view->setChecking(m_measure);
    m_debounce.start(delayMs);
}

void DoctorController::checkNow()
{
    m_debounce.stop();
    lint::LintOptions options;
    // The event files the replay uses (Replay Settings), so that measuring replays the same events.
    const auto files = m_replay->eventFiles();
    for (auto it = files.begin(); it != files.end(); ++it)
        if (!it.value().isEmpty())
            options.events[it.key().toStdString()] = it.value().toStdString();
    m_view->setChecking(m_measure);
    m_runner->check(m_model->job(), m_measure, std::move(options));
}

void DoctorController::measure()
{
    m_measure = true;
    checkNow();
}

void DoctorController::show(const DoctorResult& result)
{
    // The runner delivers only the newest request; a pending debounce means a newer edit.
    if (m_debounce.isActive())
        return;
    m_view->setResult(result);
    m_measureError = result.measureError;
    updateMessage();
    updateBadges();
    const QString summary = m_view->model()->summary();
    m_title = m_view->model()->rowCount() == 0 ? tr("Doctor") : tr("Doctor — %1").arg(summary);
    emit titleChanged(m_title);
    emit resultShown(result.measured);
    if (m_fixingAll)
        continueFixing();
}

QString DoctorController::title() const { return m_title; }

void DoctorController::updateBadges()
{
    struct Badge {
        std::optional<lint::Severity> worst;
        QStringList titles;
    };
    std::map<QString, Badge> badges;
    for (const auto& f : m_view->model()->findings()) {
        // An edge's finding marks the node it leads into (the keyBy or operator behind the exchange).
        QString key = QString::fromStdString(f.node);
        if (key.isEmpty() && !f.edge.empty())
            key = QString::fromStdString(f.edge).section(QStringLiteral("->"), -1);
        if (key.isEmpty())
            continue;
        Badge& b = badges[key];
        if (!b.worst || int(f.severity) > int(*b.worst))
            b.worst = f.severity;
        b.titles << QString::fromStdString(f.title);
    }
    for (NodeId id : m_model->nodeIds()) {
        auto it = badges.find(m_model->nodeKey(id));
        if (it == badges.end())
            m_scene->setDoctorFindings(id, std::nullopt, {});
        else
            m_scene->setDoctorFindings(id, it->second.worst, it->second.titles);
    }
}

bool DoctorController::applyFix(int row)
{
    const lint::Finding* f = m_view->model()->finding(row);
    if (!f || !f->fix) {
        m_view->setMessage(tr("This finding has no automatic fix."), true);
        return false;
    }
    if (isChecking()) {
        m_view->setMessage(tr("The job changed since this was found; wait for the doctor's re-check."), true);
        return false;
    }
    model::Job job = m_model->job();
    const Status st = lint::applyFix(job, *f->fix);
    if (!st.ok()) {
        m_view->setMessage(
            tr("The fix could not be applied: %1").arg(QString::fromStdString(st.message())), true);
        return false;
    }
    const auto cardSize = [this](NodeId id) { return m_scene->nodeSize(id); };
    DoctorFixCommand::placeNewNodes(job, *m_model, cardSize);
    DoctorFixCommand::closeGaps(job, *m_model, cardSize);
    const QString where = QString::fromStdString(f->node.empty() ? f->edge : f->node);
    const QString text = where.isEmpty() ? tr("Fix %1").arg(QString::fromStdString(f->rule))
                                         : tr("Fix %1 on %2").arg(QString::fromStdString(f->rule), where);
    const QString summary = QString::fromStdString(f->fix->summary);
    const int before = m_undo->count();
    m_fixApplied = true;
    m_undo->push(new DoctorFixCommand(m_model, std::move(job), text));
    if (m_undo->count() == before) { // obsolete: the job already was that way
        m_fixApplied = false;
        m_view->setMessage(tr("The fix changed nothing in the job."), false);
        return false;
    }
    m_fixNotes << tr("%1 (%2)").arg(summary, text);
    updateMessage();
    return true;
}

void DoctorController::updateMessage()
{
    if (!m_measureError.isEmpty())
        m_view->setMessage(
            tr("Measuring failed, these are the static checks only: %1").arg(m_measureError), true);
    else if (!m_replayError.isEmpty())
        m_view->setMessage(tr("The replay failed: %1").arg(m_replayError), true);
    else if (!m_fixNotes.isEmpty())
        m_view->setMessage(tr("Fixed: %1. Edit › Undo takes it back; replay to see the difference.")
                               .arg(m_fixNotes.join(QStringLiteral("; "))),
            false);
    else
        m_view->setMessage({}, false);
}

void DoctorController::applyEveryFix()
{
    m_fixingAll = true;
    m_fixesTried.clear();
    if (!isChecking())
        continueFixing();
}

void DoctorController::continueFixing()
{
    const auto& findings = m_view->model()->findings();
    for (size_t i = 0; i < findings.size(); ++i) {
        const auto& f = findings[i];
        if (!f.fix)
            continue;
        // A fix that leaves its finding in place is pressed once, not forever.
        if (!m_fixesTried.insert(f.rule + "|" + f.node + "|" + f.edge).second)
            continue;
        if (applyFix(int(i)))
            return; // the re-check calls back
    }
    m_fixingAll = false;
    emit everyFixApplied();
}

} // namespace streamlab::ui
