#include "replay/replay_bar.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "replay/replay_controller.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QSlider>

namespace streamlab::ui {

QList<double> ReplayBar::speeds() { return { 1, 2, 5, 10, 30, 60, 300, 900, 3600, 14400, 0 }; }

static QString speedText(double s) { return s <= 0 ? QObject::tr("max") : QStringLiteral("%1×").arg(s); }

ReplayBar::ReplayBar(ReplayController* controller, QWidget* parent)
    : QToolBar(tr("Replay"), parent)
    , m_controller(controller)
    , m_speed(new QSlider(Qt::Horizontal))
    , m_speedLabel(new QLabel)
    , m_progress(new QProgressBar)
    , m_events(new QLabel)
    , m_rate(new QLabel)
    , m_clock(new QLabel)
{
    setObjectName("replayToolBar");
    setMovable(false);
    setIconSize(QSize(18, 18));
    setToolButtonStyle(Qt::ToolButtonIconOnly);
    auto make = [this](const QString& text, const QString& icon, const QKeySequence& key) {
        auto* a = addAction(theme::icon(icon), text);
        a->setProperty("iconName", icon);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
        return a;
    };
    auto* title = new QLabel(tr("  Replay "));
    QFont f = title->font();
    f.setWeight(QFont::DemiBold);
    title->setFont(f);
    addWidget(title);
    m_restart = make(tr("Restart the replay"), "restart", QKeySequence(Qt::CTRL | Qt::Key_R));
    m_play = make(tr("Play / pause"), "play", QKeySequence(Qt::Key_Space));
    m_step = make(tr("Step one event"), "step", QKeySequence(Qt::Key_Right));
    m_stepWatermark
        = make(tr("Step to the next watermark"), "step-watermark", QKeySequence(Qt::SHIFT | Qt::Key_Right));
    m_stepFiring
        = make(tr("Step to the next window firing"), "step-firing", QKeySequence(Qt::CTRL | Qt::Key_Right));
    m_restart->setObjectName("replayRestart");
    m_play->setObjectName("replayPlay");
    m_step->setObjectName("replayStep");
    m_stepWatermark->setObjectName("replayStepWatermark");
    m_stepFiring->setObjectName("replayStepFiring");
    addSeparator();
    auto* speedBox = new QWidget;
    auto* sl = new QHBoxLayout(speedBox);
    sl->setContentsMargins(6, 0, 6, 0);
    // No "Speed" label: the slider and its "900×" say it, and a small window needs the room for
    // the progress, the events and the clock.
    m_speed->setObjectName("replaySpeed");
    m_speed->setRange(0, maxSpeedIndex());
    m_speed->setPageStep(1);
    m_speed->setFixedWidth(110);
    connect(m_speed, &QSlider::actionTriggered, this, [this] { emit speedChosen(); });
    m_speed->setToolTip(
        tr("Speed of the virtual processing-time clock: 1× is real time, max as fast as possible"));
    m_speedLabel->setMinimumWidth(48);
    sl->addWidget(m_speed);
    sl->addWidget(m_speedLabel);
    // Its own width and no more (the slider's expanding policy made the toolbar hand this box
    // the room the progress needs, which then went behind the overflow arrow).
    speedBox->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    addWidget(speedBox);
    addSeparator();
    auto* progressBox = new QWidget;
    auto* pl = new QHBoxLayout(progressBox);
    pl->setContentsMargins(6, 0, 6, 0);
    pl->setSpacing(12);
    m_progress->setObjectName("replayProgress");
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMinimumWidth(60); // narrower in a small window, before anything is hidden
    m_progress->setMaximumWidth(160);
    m_progress->setMaximumHeight(8);
    m_events->setObjectName("replayEvents");
    m_rate->setObjectName("replayRate");
    m_clock->setObjectName("replayClock");
    m_clock->setToolTip(tr("Virtual processing time"));
    for (QLabel* l : { m_events, m_rate, m_clock })
        l->setTextFormat(Qt::RichText);
    pl->addWidget(m_progress);
    pl->addWidget(m_events);
    pl->addWidget(m_rate);
    pl->addWidget(m_clock);
    addWidget(progressBox);

    connect(m_restart, &QAction::triggered, this, [this] { emit restartRequested(true); });
    connect(m_play, &QAction::triggered, this, [this] {
        // Nothing to resume after the end or a failure: Play replays from the start (and, after a
        // failure, tries again with the job as it is now).
        if (!m_controller->hasReplay() || m_controller->isOver())
            emit restartRequested(true);
        else
            m_controller->togglePlay();
    });
    auto stepper = [this](void (ReplayController::*f)()) {
        return [this, f] {
            if (!m_controller->hasReplay() || m_controller->isOver())
                emit restartRequested(false); // nothing running (any more): start paused, then step
            (m_controller->*f)();
        };
    };
    connect(m_step, &QAction::triggered, this, stepper(&ReplayController::stepEvent));
    connect(m_stepWatermark, &QAction::triggered, this, stepper(&ReplayController::stepToWatermark));
    connect(m_stepFiring, &QAction::triggered, this, stepper(&ReplayController::stepToFiring));
    connect(m_speed, &QSlider::valueChanged, this, [this](int i) {
        const double s = speeds().value(i, 0);
        m_speedLabel->setText(speedText(s));
        m_controller->setSpeed(s);
    });
    connect(m_controller, &ReplayController::snapshotUpdated, this, &ReplayBar::showSnapshot);
    setSpeedIndex(maxSpeedIndex());
    m_speedLabel->setText(speedText(0));
    showSnapshot();
}

void ReplayBar::setSpeedIndex(int index)
{
    m_speed->setValue(index);
    emit speedChosen();
}

int ReplayBar::speedIndex() const { return m_speed->value(); }

int ReplayBar::speedIndexFor(int64_t processingMs, int64_t wallMs)
{
    const auto all = speeds();
    for (int i = 0; i < all.size(); ++i)
        if (all[i] > 0 && double(processingMs) / all[i] <= double(wallMs))
            return i;
    return maxSpeedIndex();
}

void ReplayBar::refreshIcons()
{
    for (QAction* a : actions()) {
        const QString name = a->property("iconName").toString();
        if (!name.isEmpty())
            a->setIcon(theme::icon(name));
    }
    showSnapshot();
}

void ReplayBar::setStale(bool stale)
{
    if (stale == m_stale)
        return;
    m_stale = stale;
    m_lastShown = 0;
    showSnapshot();
}

void ReplayBar::showSnapshot()
{
    const auto& s = m_controller->snapshot();
    const bool playing = s && s->state == runtime::ReplayState::Playing;
    // Rich-text labels cost a layout each: ten times a second is plenty while playing.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (playing && m_play->property("iconName") == "pause" && now - m_lastShown < 100)
        return;
    m_lastShown = now;
    m_play->setIcon(theme::icon(playing ? "pause" : "play"));
    m_play->setProperty("iconName", playing ? "pause" : "play");
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    if (!s) {
        m_progress->setValue(0);
        m_events->setText(tr("<span style='color:%1'>Press play to replay the job's events</span>")
                              .arg(theme::mutedText().name()));
        m_rate->clear();
        m_clock->clear();
        return;
    }
    m_progress->setValue(s->bytesTotal > 0 ? int(1000 * s->bytesRead / s->bytesTotal) : 0);
    QString state;
    switch (s->state) {
    case runtime::ReplayState::Starting:
        state = tr("starting");
        break;
    case runtime::ReplayState::Paused:
        state = tr("paused");
        break;
    case runtime::ReplayState::Playing:
        state = tr("playing");
        break;
    case runtime::ReplayState::Finished:
        state = tr("finished");
        break;
    case runtime::ReplayState::Failed:
        state = tr("<span style='color:%1'>failed</span>").arg(theme::errorColor().name());
        break;
    }
    m_events->setToolTip(s->state == runtime::ReplayState::Failed
            ? tr("The replay failed: %1\nPlay tries again.").arg(QString::fromStdString(s->error))
            : m_stale ? tr("The views show the replay of the job as it was before your edits; Restart replays the "
                           "edited job.")
                      : QString());
    m_events->setText(tr("<b>%1</b> events · %2").arg(QString::number(s->eventsReplayed), state)
        + (m_stale ? tr(" · <span style='color:%1'>edited since</span>").arg(theme::warningColor().name())
                   : QString()));
    m_rate->setText(!playing ? QString()
            : s->threads == 2
            ? tr("<b>%1</b> events/s · 2 threads").arg(simfmt::count(qint64(s->eventsPerSecond)))
            : tr("<b>%1</b> events/s").arg(simfmt::count(qint64(s->eventsPerSecond))));
    m_rate->setToolTip(s->threads == 2
            ? tr("At full speed the windows and sinks run on a second thread, as streamlab run does: "
                 "the views show them one update behind the sources. Pausing, stepping or a slower "
                 "speed goes back to one thread.")
            : QString());
    // The time of day (the date in the tooltip): "2022-09-23 12:00:01.273" pushed the whole status
    // behind the toolbar's overflow arrow in a 1024-pixel window.
    m_clock->setText(tr("clock <b>%1</b>").arg(simfmt::timeOfDay(s->processingTime, 0)));
    m_clock->setToolTip(tr("Virtual processing time: %1").arg(simfmt::time(s->processingTime)));
}

} // namespace streamlab::ui
