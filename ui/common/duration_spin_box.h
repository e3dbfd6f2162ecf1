// A spin box of a duration, in seconds as its value, shown and typed as the job file writes
// durations: "2h", "90s", "250ms" (never "7200.0 s"). Arrows step by a second below a minute,
// by a minute below an hour, by an hour above. GUI thread only.
#pragma once

#include <QDoubleSpinBox>

namespace streamlab::ui {

class DurationSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit DurationSpinBox(QWidget* parent = nullptr);

    QString textFromValue(double seconds) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void stepBy(int steps) override;
    // Wide enough for a duration with its unit ("2500ms", "1h 30m"), not only for the range's
    // ends, whose texts ("0ms", "24h") are short.
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

private:
    QSize widened(QSize base) const;
};

} // namespace streamlab::ui
