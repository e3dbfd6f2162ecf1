#include "common/duration_spin_box.h"

#include "time/duration.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

namespace streamlab::ui {

DurationSpinBox::DurationSpinBox(QWidget* parent)
    : QDoubleSpinBox(parent)
{
    setDecimals(3); // milliseconds
    setRange(0, 7 * 86400);
    setToolTip(tr("A duration: 250ms, 5s, 1m, 2h, 1d (a bare number is seconds)"));
}

QSize DurationSpinBox::widened(QSize s) const
{
    int widest = 0;
    for (const char* t : { "59999ms", "1h 30m", "59m 59s" })
        widest = std::max(widest, fontMetrics().horizontalAdvance(QString::fromLatin1(t)));
    // The room the base size leaves beside its own text: the arrows and frame.
    const int room = std::max(24, s.width() - fontMetrics().horizontalAdvance(textFromValue(maximum())));
    return { std::max(s.width(), widest + room), s.height() };
}

QSize DurationSpinBox::sizeHint() const { return widened(QDoubleSpinBox::sizeHint()); }

QSize DurationSpinBox::minimumSizeHint() const { return widened(QDoubleSpinBox::minimumSizeHint()); }

QString DurationSpinBox::textFromValue(double seconds) const
{
    return QString::fromStdString(time::formatDuration(std::llround(seconds * 1000)));
}

// A bare number is seconds here (the unit this field always had), where the job file reads
// milliseconds: a person typing "30" into a watermark delay means half a minute.
static QString withUnit(const QString& text)
{
    const QString t = text.trimmed();
    bool number = false;
    const double seconds = t.toDouble(&number);
    return number ? QString::number(std::llround(seconds * 1000)) + "ms" : t;
}

double DurationSpinBox::valueFromText(const QString& text) const
{
    auto ms = time::parseDuration(withUnit(text).toStdString());
    return ms.ok() ? static_cast<double>(*ms) / 1000.0 : value();
}

QValidator::State DurationSpinBox::validate(QString& text, int& pos) const
{
    Q_UNUSED(pos);
    const QString t = text.trimmed();
    if (t.isEmpty())
        return QValidator::Intermediate;
    auto ms = time::parseDuration(withUnit(t).toStdString());
    if (ms.ok() && *ms >= 0 && static_cast<double>(*ms) / 1000.0 <= maximum())
        return QValidator::Acceptable;
    // A number on its way to a unit ("25", "2h3") or a unit being typed ("5m" of "5ms").
    static const QRegularExpression kPartial(QStringLiteral("^[0-9]+[a-z]*$"));
    return kPartial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void DurationSpinBox::stepBy(int steps)
{
    // Down from exactly a minute or an hour takes the smaller unit (1h, 59m, 58m…), so that the
    // arrows never jump from an hour to nothing.
    const double v = value();
    const double at = steps < 0 ? v - 0.001 : v;
    const double unit = at < 60 ? 1 : at < 3600 ? 60 : 3600;
    setValue(std::max(0.0, std::round(v / unit) * unit + steps * unit));
}

} // namespace streamlab::ui
