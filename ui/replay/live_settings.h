// Live settings of the replay: the event file of each source (or the job's), the watermark
// delay (maxOutOfOrderness) of each source and the allowed lateness of each window, as sliders
// with typed fields. A change applies at once to the running replay (watermarks never go
// backwards); "Restart with these settings" replays from the start with them. GUI thread only.
#pragma once

#include "model/spec.h"

#include <QMap>
#include <QWidget>
#include <functional>

class QDoubleSpinBox;
class QLineEdit;
class QSlider;
class QVBoxLayout;

namespace streamlab::ui {

class ReplayController;

class LiveSettings : public QWidget {
    Q_OBJECT
public:
    LiveSettings(ReplayController* controller, QWidget* parent = nullptr);

    // Rebuilds the rows for `spec`'s sources and windows (values from the controller's settings,
    // else the job's).
    void setJob(const model::JobSpec& spec);
    // Typed-field equivalents (tests): seconds.
    void setWatermarkDelay(const QString& source, double seconds);
    void setAllowedLateness(const QString& window, double seconds);
    QDoubleSpinBox* delayField(const QString& source) const { return m_delay.value(source); }
    QDoubleSpinBox* latenessField(const QString& window) const { return m_lateness.value(window); }
    QLineEdit* eventFileField(const QString& source) const { return m_files.value(source); }

signals:
    void restartRequested();

private:
    QWidget* durationRow(const QString& tip, double seconds, double maxSeconds, QDoubleSpinBox** field,
        std::function<void(double)> apply);

    ReplayController* m_controller;
    QVBoxLayout* m_rows;
    QWidget* m_content = nullptr;
    QMap<QString, QDoubleSpinBox*> m_delay;
    QMap<QString, QDoubleSpinBox*> m_lateness;
    QMap<QString, QLineEdit*> m_files;
};

} // namespace streamlab::ui
