// ui/replay: watching a replay. The controller of the live replay (this file), its toolbar
// (replay_bar.h) and live settings (live_settings.h), and every live view with its model
// (sim_view.h is their base: load, firings, state, watermarks, exchanges, event time, results).
// It includes ui/common and the engine; it knows nothing of the designer.
//
// The GUI's side of a live replay: owns the runtime::Replay of the current run (latest run wins,
// each with a new generation number), pulls its immutable snapshot on a QTimer (at most ~30 per
// second, ~15 while playing as fast as possible, whatever the event rate) and hands it to the views. Commands never block: they are
// queued to the engine's thread. Live settings (watermark delay per source, allowed lateness per
// window, event file per source) are remembered and applied to the next restart. GUI thread only.
#pragma once

#include "model/spec.h"
#include "runtime/replay.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QElapsedTimer>
#include <QTimer>
#include <memory>
#include <optional>

namespace streamlab::ui {

class ReplayController : public QObject {
    Q_OBJECT
public:
    static constexpr int kPullIntervalMs = 33; // ~30 Hz
    static constexpr int kFastPullIntervalMs = 66; // ~15 Hz while playing as fast as possible

    explicit ReplayController(QObject* parent = nullptr);
    ~ReplayController() override;

    // Starts a replay of `spec` from the beginning (stopping the current one), with the live
    // settings and event files applied. `play`: start playing, else paused at the first event.
    void start(const model::JobSpec& spec, bool play);
    // Restarts the last started job with the current settings.
    void restart(bool play);
    void stop();
    // Forgets the current run (another job was opened): stops it, drops its snapshot and any
    // signal still on its way, and tells the views (snapshotUpdated with no snapshot).
    void reset();
    bool hasReplay() const { return m_replay != nullptr; }
    // The run has ended (finished or failed): Play and the steps start it again.
    bool isOver() const;

    void play();
    void pause();
    void togglePlay();
    void stepEvent();
    void stepToWatermark();
    void stepToFiring();
    void setSpeed(double speed); // 0: max
    double speed() const { return m_speed; }

    // Live: apply to the running replay at once and remember for restarts.
    void setWatermarkDelay(const QString& source, int64_t ms);
    void setAllowedLateness(const QString& window, int64_t ms);
    void setEventFile(const QString& source, const QString& path); // empty: the job's
    QMap<QString, QString> eventFiles() const { return m_events; }
    QMap<QString, int64_t> watermarkDelays() const { return m_delays; }
    QMap<QString, int64_t> allowedLateness() const { return m_lateness; }
    void clearSettings();
    // Forgets the live value of one node's parameter ("watermark.maxOutOfOrderness" of a source,
    // "allowedLateness" of a window, "path" of a source): the job's own applies again.
    void forgetSetting(const QString& node, const QString& param);
    // The live values that replace the job's, by node and parameter path, as the job file would
    // write them ("2h", a path); values equal to the job's are left out.
    QMap<QString, QMap<QString, QString>> overrides(const model::JobSpec& spec) const;

    // The spec with the live settings applied (what a restart runs).
    model::JobSpec effectiveSpec(const model::JobSpec& spec) const;

    uint64_t generation() const { return m_generation; }
    // The latest snapshot of the current generation (null before the first).
    const std::shared_ptr<const runtime::ReplaySnapshot>& snapshot() const { return m_snapshot; }
    runtime::Replay* replay() const { return m_replay.get(); }
    // Pulls now (tests; the timer does it otherwise).
    void pull();

signals:
    void started(quint64 generation);
    void snapshotUpdated();
    // Queued from the engine thread, tagged with the generation; older runs' are dropped.
    void finished(quint64 generation, bool ok, const QString& message);
    // A live setting was set, forgotten or cleared.
    void settingsChanged();

private:
    std::unique_ptr<runtime::Replay> m_replay;
    std::optional<model::JobSpec> m_spec;
    std::shared_ptr<const runtime::ReplaySnapshot> m_snapshot;
    QTimer m_timer;
    QElapsedTimer m_lastEmit; // the last snapshot handed to the views
    uint64_t m_generation = 0;
    double m_speed = 0;
    QMap<QString, QString> m_events;
    QMap<QString, int64_t> m_delays;
    QMap<QString, int64_t> m_lateness;
};

} // namespace streamlab::ui
