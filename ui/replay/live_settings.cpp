#include "replay/live_settings.h"

#include "common/duration_spin_box.h"
#include "common/theme.h"
#include "replay/replay_controller.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace streamlab::ui {

LiveSettings::LiveSettings(ReplayController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
{
    setObjectName("liveSettings");
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget;
    m_rows = new QVBoxLayout(inner);
    m_rows->setContentsMargins(10, 8, 10, 8);
    scroll->setWidget(inner);
    outer->addWidget(scroll, 1);
    auto* restart = new QPushButton(theme::icon("restart"), tr("Restart with these settings"));
    restart->setObjectName("restartWithSettings");
    restart->setToolTip(
        tr("Replay from the start with the event files, watermark delays and lateness above"));
    auto* reset = new QPushButton(tr("Job's values"));
    reset->setToolTip(tr("Forget the changes and use the job's own values and event files"));
    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(10, 4, 10, 10);
    buttons->addWidget(reset);
    buttons->addStretch(1);
    buttons->addWidget(restart);
    outer->addLayout(buttons);
    connect(restart, &QPushButton::clicked, this, &LiveSettings::restartRequested);
    connect(reset, &QPushButton::clicked, this, [this] {
        m_controller->clearSettings();
        emit restartRequested();
    });
}

// A slider over a square-root scale (fine near 0, still reaching hours) and a typed duration.
QWidget* LiveSettings::durationRow(const QString& tip, double seconds, double maxSeconds,
    QDoubleSpinBox** field, std::function<void(double)> apply)
{
    auto* w = new QWidget;
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    auto* slider = new QSlider(Qt::Horizontal);
    slider->setRange(0, 1000);
    auto* spin = new DurationSpinBox; // "2h", as the job file writes it
    spin->setKeyboardTracking(false);
    spin->setValue(seconds);
    spin->setToolTip(tip);
    slider->setToolTip(tip);
    auto toSlider = [maxSeconds](double s) {
        return int(std::round(1000 * std::sqrt(std::min(s, maxSeconds) / maxSeconds)));
    };
    slider->setValue(toSlider(seconds));
    l->addWidget(slider, 1);
    l->addWidget(spin);
    connect(slider, &QSlider::valueChanged, spin, [spin, maxSeconds](int v) {
        const double f = v / 1000.0;
        const double s = f * f * maxSeconds;
        spin->setValue(s >= 10 ? std::round(s) : std::round(s * 10) / 10);
    });
    connect(spin, &QDoubleSpinBox::valueChanged, slider, [slider, toSlider, apply](double s) {
        QSignalBlocker b(slider);
        slider->setValue(toSlider(s));
        apply(s);
    });
    *field = spin;
    return w;
}

void LiveSettings::setJob(const model::JobSpec& spec)
{
    delete m_content;
    m_delay.clear();
    m_lateness.clear();
    m_files.clear();
    m_content = new QWidget;
    auto* lay = new QVBoxLayout(m_content);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(10);
    const auto delays = m_controller->watermarkDelays();
    const auto lateness = m_controller->allowedLateness();
    const auto files = m_controller->eventFiles();
    for (const auto& n : spec.nodes) {
        const QString id = QString::fromStdString(n.id);
        if (n.kind == model::NodeKind::Source) {
            const auto& s = n.as<model::SourceSpec>();
            // "Source source" says nothing twice: an id that already names it a source is the title.
            auto* box = new QGroupBox(id.contains(QLatin1String("source"), Qt::CaseInsensitive)
                    ? id
                    : tr("Source %1").arg(id));
            auto* form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            auto* fileRow = new QWidget;
            auto* fl = new QHBoxLayout(fileRow);
            fl->setContentsMargins(0, 0, 0, 0);
            auto* file = new QLineEdit(files.value(id));
            file->setPlaceholderText(QFileInfo(QString::fromStdString(s.path.string())).fileName());
            file->setToolTip(tr("Event file replayed for %1 (empty: the job's %2)")
                                 .arg(id, QString::fromStdString(s.path.string())));
            auto* browse = new QToolButton;
            browse->setText(QStringLiteral("…"));
            browse->setToolTip(tr("Choose an event file"));
            fl->addWidget(file, 1);
            fl->addWidget(browse);
            const QString dir = QFileInfo(QString::fromStdString(s.path.string())).absolutePath();
            connect(browse, &QToolButton::clicked, this, [this, file, dir] {
                const QString f = QFileDialog::getOpenFileName(
                    this, tr("Event File"), dir, tr("Events (*.csv *.jsonl *.json);;All files (*)"));
                if (!f.isEmpty())
                    file->setText(f);
            });
            connect(file, &QLineEdit::textChanged, this,
                [this, id](const QString& t) { m_controller->setEventFile(id, t.trimmed()); });
            form->addRow(tr("Events"), fileRow);
            m_files[id] = file;
            if (s.watermark.strategy == model::WatermarkStrategy::BoundedOutOfOrderness) {
                const double secs
                    = static_cast<double>(delays.value(id, s.watermark.maxOutOfOrderness)) / 1000.0;
                QDoubleSpinBox* spin = nullptr;
                form->addRow(tr("Watermark delay"),
                    durationRow(tr("maxOutOfOrderness: how long the watermark waits for out-of-order events"),
                        secs, std::max(60.0, secs * 4), &spin, [this, id](double v) {
                            m_controller->setWatermarkDelay(id, static_cast<int64_t>(std::llround(v * 1000)));
                        }));
                spin->setObjectName("delay_" + id);
                m_delay[id] = spin;
            }
            lay->addWidget(box);
        } else if (n.kind == model::NodeKind::Window) {
            const auto& w = n.as<model::WindowSpec>();
            auto* box = new QGroupBox(id.contains(QLatin1String("window"), Qt::CaseInsensitive)
                    ? id
                    : tr("Window %1").arg(id));
            auto* form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            const double secs = static_cast<double>(lateness.value(id, w.allowedLateness)) / 1000.0;
            QDoubleSpinBox* spin = nullptr;
            form->addRow(tr("Allowed lateness"),
                durationRow(tr("How long after the watermark passed a window late events still update it"),
                    secs, std::max(120.0, secs * 2), &spin, [this, id](double v) {
                        m_controller->setAllowedLateness(id, static_cast<int64_t>(std::llround(v * 1000)));
                    }));
            spin->setObjectName("lateness_" + id);
            m_lateness[id] = spin;
            lay->addWidget(box);
        }
    }
    auto* hint
        = new QLabel(tr("Changes apply to the running replay at once; watermarks never go backwards."));
    hint->setWordWrap(true);
    QPalette p = hint->palette();
    p.setColor(QPalette::WindowText, theme::mutedText());
    hint->setPalette(p);
    lay->addWidget(hint);
    lay->addStretch(1);
    m_rows->addWidget(m_content);
}

void LiveSettings::setWatermarkDelay(const QString& source, double seconds)
{
    if (auto* s = m_delay.value(source))
        s->setValue(seconds);
}

void LiveSettings::setAllowedLateness(const QString& window, double seconds)
{
    if (auto* s = m_lateness.value(window))
        s->setValue(seconds);
}

} // namespace streamlab::ui
