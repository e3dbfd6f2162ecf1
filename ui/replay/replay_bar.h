// The replay toolbar: restart, play/pause, step (one event, to the next watermark, to the next
// window firing), a speed slider from 1x virtual processing time to as fast as possible, and the
// progress: a bar over the input bytes, events replayed, events per second and the virtual clock.
// Keyboard: Space play/pause, Right one event, Shift+Right next watermark, Ctrl+Right next firing,
// Ctrl+R restart. GUI thread only.
#pragma once

#include "runtime/replay.h"

#include <QToolBar>

class QAction;
class QLabel;
class QProgressBar;
class QSlider;

namespace streamlab::ui {

class ReplayController;

class ReplayBar : public QToolBar {
    Q_OBJECT
public:
    ReplayBar(ReplayController* controller, QWidget* parent = nullptr);

    // Speeds the slider offers, slowest first; the last (0) is "max".
    static QList<double> speeds();
    // The index of "max", as fast as possible (the last).
    static int maxSpeedIndex() { return int(speeds().size()) - 1; }
    // The slowest speed that replays `processingMs` of virtual time within `wallMs` (about 20 s:
    // long enough to watch, short enough to wait for); the last index (max) when none does.
    static int speedIndexFor(int64_t processingMs, int64_t wallMs = kWatchableReplayMs);
    static constexpr int64_t kWatchableReplayMs = 20000;
    void setSpeedIndex(int index);
    // The job was edited since the replay on show started: the views show the job as it was, and
    // the bar says so until the next start.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }
    int speedIndex() const;
    QSlider* speedSlider() const { return m_speed; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* eventsLabel() const { return m_events; }
    QLabel* clockLabel() const { return m_clock; }
    QAction* playAction() const { return m_play; }
    QAction* stepAction() const { return m_step; }
    QAction* stepWatermarkAction() const { return m_stepWatermark; }
    QAction* stepFiringAction() const { return m_stepFiring; }
    QAction* restartAction() const { return m_restart; }
    void refreshIcons();

signals:
    // A speed was chosen: the person moved the slider, or setSpeedIndex was called.
    void speedChosen();
    // Restart pressed, or play/step with nothing running (the main window decides which job and
    // settings). `play`: start playing, else paused before the first event.
    void restartRequested(bool play);

private:
    void showSnapshot();

    ReplayController* m_controller;
    QAction* m_restart;
    QAction* m_play;
    QAction* m_step;
    QAction* m_stepWatermark;
    QAction* m_stepFiring;
    QSlider* m_speed;
    QLabel* m_speedLabel;
    QProgressBar* m_progress;
    QLabel* m_events;
    bool m_stale = false;
    QLabel* m_rate;
    QLabel* m_clock;
    qint64 m_lastShown = 0;
};

} // namespace streamlab::ui
