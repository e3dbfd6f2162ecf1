#include "replay/replay_controller.h"

#include "time/duration.h"

#include "common/release_later.h"

#include <QMetaObject>
#include <QPointer>

namespace streamlab::ui {

ReplayController::ReplayController(QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(kPullIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ReplayController::pull);
}

ReplayController::~ReplayController() { stop(); }

model::JobSpec ReplayController::effectiveSpec(const model::JobSpec& spec) const
{
    model::JobSpec s = spec;
    for (auto& n : s.nodes) {
        const QString id = QString::fromStdString(n.id);
        if (auto* src = std::get_if<model::SourceSpec>(&n.params); src && m_delays.contains(id))
            src->watermark.maxOutOfOrderness = m_delays.value(id);
        if (auto* win = std::get_if<model::WindowSpec>(&n.params); win && m_lateness.contains(id))
            win->allowedLateness = m_lateness.value(id);
    }
    return s;
}

void ReplayController::start(const model::JobSpec& spec, bool play)
{
    stop();
    m_spec = spec;
    runtime::ReplayOptions o;
    for (auto it = m_events.begin(); it != m_events.end(); ++it)
        if (!it.value().isEmpty())
            o.events[it.key().toStdString()] = it.value().toStdString();
    o.speed = m_speed;
    o.startPlaying = play;
    o.workerNice = 5;
    QPointer<ReplayController> self(this);
    o.onDone = [self](uint64_t generation, const Status& st) {
        // Engine thread: hand over to the GUI thread, queued.
        const bool ok = st.ok();
        const QString message = QString::fromStdString(st.message());
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, ok, message] {
                if (self && generation == self->m_generation) {
                    self->pull();
                    emit self->finished(generation, ok, message);
                }
            },
            Qt::QueuedConnection);
    };
    ++m_generation;
    m_replay = std::make_unique<runtime::Replay>(effectiveSpec(spec), std::move(o), m_generation);
    releaseLater(m_snapshot); // the previous replay's rows are freed off the GUI thread
    m_snapshot = m_replay->snapshot();
    m_timer.start();
    emit started(m_generation);
    emit snapshotUpdated();
}

void ReplayController::restart(bool play)
{
    if (m_spec)
        start(*m_spec, play);
}

void ReplayController::stop()
{
    m_timer.stop();
    m_replay.reset(); // requests a stop and joins: the worker checks between two steps
}

void ReplayController::reset()
{
    stop();
    ++m_generation; // a finished() still queued from the old run is dropped
    m_spec.reset();
    releaseLater(m_snapshot);
    m_snapshot.reset();
    emit snapshotUpdated();
}

bool ReplayController::isOver() const
{
    return m_snapshot
        && (m_snapshot->state == runtime::ReplayState::Finished || m_snapshot->state == runtime::ReplayState::Failed);
}

void ReplayController::pull()
{
    if (!m_replay)
        return;
    auto s = m_replay->snapshot();
    if (s == m_snapshot || s->generation != m_generation)
        return;
    // As fast as possible the numbers change faster than anyone reads them, and the views'
    // updates take the CPU the replay's two threads want: half the rate then. A pause, a step
    // or the end is shown at the next pull.
    const bool fastest = s->state == runtime::ReplayState::Playing && s->speed <= 0;
    if (fastest && m_lastEmit.isValid() && m_lastEmit.elapsed() < kFastPullIntervalMs)
        return;
    m_lastEmit.start();
    m_snapshot = std::move(s);
    emit snapshotUpdated();
}

void ReplayController::play()
{
    if (m_replay)
        m_replay->play();
}

void ReplayController::pause()
{
    if (m_replay)
        m_replay->pause();
}

void ReplayController::togglePlay()
{
    if (!m_replay)
        return;
    if (m_snapshot && m_snapshot->state == runtime::ReplayState::Playing)
        m_replay->pause();
    else
        m_replay->play();
}

void ReplayController::stepEvent()
{
    if (m_replay)
        m_replay->stepEvent();
}

void ReplayController::stepToWatermark()
{
    if (m_replay)
        m_replay->stepToWatermark();
}

void ReplayController::stepToFiring()
{
    if (m_replay)
        m_replay->stepToFiring();
}

void ReplayController::setSpeed(double speed)
{
    m_speed = speed > 0 ? speed : 0;
    if (m_replay)
        m_replay->setSpeed(m_speed);
}

void ReplayController::setWatermarkDelay(const QString& source, int64_t ms)
{
    m_delays[source] = ms;
    if (m_replay)
        m_replay->setMaxOutOfOrderness(source.toStdString(), ms);
    emit settingsChanged();
}

void ReplayController::setAllowedLateness(const QString& window, int64_t ms)
{
    m_lateness[window] = ms;
    if (m_replay)
        m_replay->setAllowedLateness(window.toStdString(), ms);
    emit settingsChanged();
}

void ReplayController::setEventFile(const QString& source, const QString& path)
{
    if (path.isEmpty())
        m_events.remove(source);
    else
        m_events[source] = path;
    emit settingsChanged();
}

void ReplayController::clearSettings()
{
    m_events.clear();
    m_delays.clear();
    m_lateness.clear();
    emit settingsChanged();
}

void ReplayController::forgetSetting(const QString& node, const QString& param)
{
    const bool forgot = param == "watermark.maxOutOfOrderness" ? m_delays.remove(node) > 0
        : param == "allowedLateness"                           ? m_lateness.remove(node) > 0
        : param == "path"                                      ? m_events.remove(node) > 0
                                                               : false;
    if (forgot)
        emit settingsChanged();
}

QMap<QString, QMap<QString, QString>> ReplayController::overrides(const model::JobSpec& spec) const
{
    QMap<QString, QMap<QString, QString>> out;
    for (const auto& n : spec.nodes) {
        const QString id = QString::fromStdString(n.id);
        if (n.kind == model::NodeKind::Source) {
            const auto& s = n.as<model::SourceSpec>();
            if (m_delays.contains(id) && m_delays[id] != s.watermark.maxOutOfOrderness)
                out[id]["watermark.maxOutOfOrderness"] = QString::fromStdString(time::formatDuration(m_delays[id]));
            if (m_events.contains(id))
                out[id]["path"] = m_events[id];
        } else if (n.kind == model::NodeKind::Window) {
            const auto& w = n.as<model::WindowSpec>();
            if (m_lateness.contains(id) && m_lateness[id] != w.allowedLateness)
                out[id]["allowedLateness"] = QString::fromStdString(time::formatDuration(m_lateness[id]));
        }
    }
    return out;
}

} // namespace streamlab::ui
