#include "common/sim_format.h"

#include "common/theme.h"
#include "time/duration.h"

#include <QAbstractAxis>
#include <QApplication>
#include <cmath>
#include <QFontMetricsF>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QHeaderView>
#include <QLegend>
#include <QTableView>

namespace streamlab::ui::simfmt {

QString count(int64_t n)
{
    const double v = static_cast<double>(n);
    if (std::abs(v) >= 1e9)
        return QString::number(v / 1e9, 'f', 2) + "G";
    if (std::abs(v) >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + "M";
    if (std::abs(v) >= 1e4)
        return QString::number(v / 1e3, 'f', 1) + "k";
    return QString::number(n);
}

QString bytes(int64_t n)
{
    const double v = static_cast<double>(n);
    if (v >= 1024.0 * 1024 * 1024)
        return QString::number(v / (1024.0 * 1024 * 1024), 'f', 2) + " GB";
    if (v >= 1024.0 * 1024)
        return QString::number(v / (1024.0 * 1024), 'f', 1) + " MB";
    if (v >= 1024.0)
        return QString::number(v / 1024.0, 'f', 1) + " KB";
    return QString::number(n) + " B";
}

QString rate(double perSecond)
{
    if (perSecond >= 1e6)
        return QString::number(perSecond / 1e6, 'f', 2) + "M/s";
    if (perSecond >= 1e4)
        return QString::number(perSecond / 1e3, 'f', 1) + "k/s";
    return QString::number(perSecond, 'f', perSecond < 10 ? 1 : 0) + "/s";
}

QString time(int64_t ms)
{
    if (ms == kMinTimestamp)
        return QStringLiteral("–");
    if (ms == kMaxTimestamp)
        return QObject::tr("end");
    QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    if (ms >= 0 && ms < 86400000LL * 2)
        return t.toString(ms % 1000 ? "HH:mm:ss.zzz" : "HH:mm:ss");
    return t.toString(ms % 1000 ? "yyyy-MM-dd HH:mm:ss.zzz" : "yyyy-MM-dd HH:mm:ss");
}

QString timeOfDay(int64_t ms, int64_t spanMs)
{
    if (ms == kMinTimestamp || ms == kMaxTimestamp)
        return time(ms);
    if (ms < 0 && ms > -86400000LL) // a margin before a clock that starts at 0
        return QStringLiteral("-") + timeOfDay(-ms, spanMs);
    QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    if (spanMs > 86400000LL)
        return t.toString("dd HH:mm");
    return t.toString(spanMs < 10000 ? "HH:mm:ss.zzz" : "HH:mm:ss");
}

QString value(const Value& v)
{
    if (const double* d = std::get_if<double>(&v); d && std::isfinite(*d)) {
        QString s = QString::number(*d, 'g', 15);
        if (!s.contains('.') && !s.contains('e'))
            s += QStringLiteral(".0");
        return s;
    }
    return QString::fromStdString(valueToText(v));
}

QString duration(int64_t ms)
{
    // Written as the job file writes durations ("2h", "90s", "250ms"), whole where it is whole;
    // a measured one to a tenth of a second below a minute, else in two units ("5m 3s", "2h 5m").
    if (ms < 0)
        return "-" + duration(-ms);
    if (ms < 1000 || ms % 1000 == 0)
        return QString::fromStdString(time::formatDuration(ms));
    if (ms < 60000) {
        QString s = QString::number(static_cast<double>(ms) / 1000.0, 'f', 1);
        if (s.endsWith(QLatin1String(".0")))
            s.chop(2);
        return s + QLatin1Char('s');
    }
    if (ms < 3600000)
        return QStringLiteral("%1m %2s").arg(ms / 60000).arg((ms / 1000) % 60);
    return QStringLiteral("%1h %2m").arg(ms / 3600000).arg((ms / 60000) % 60);
}

QString watermark(int64_t w) { return time(w); }

std::vector<int64_t> timeTicks(int64_t lo, int64_t hi, int maxTicks)
{
    static constexpr int64_t kSteps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1'000, 2'000, 5'000, 10'000, 15'000,
        30'000, 60'000, 120'000, 300'000, 600'000, 900'000, 1'800'000, 3'600'000, 7'200'000, 10'800'000,
        21'600'000, 43'200'000, 86'400'000, 172'800'000, 604'800'000 };
    std::vector<int64_t> out;
    if (hi <= lo || maxTicks < 1)
        return out;
    // The first multiple of a step at or after lo (floor division for negative times).
    auto first = [lo](int64_t step) {
        int64_t t = lo / step * step;
        return t < lo ? t + step : t;
    };
    int64_t step = kSteps[std::size(kSteps) - 1];
    for (int64_t s : kSteps)
        if (first(s) > hi || (hi - first(s)) / s + 1 <= maxTicks) { // ticks, both ends counted
            step = s;
            break;
        }
    int64_t t = first(step);
    for (; t <= hi; t += step)
        out.push_back(t);
    return out;
}

QString tickLabel(int64_t ms, int64_t step, int64_t span)
{
    if (step < 1000)
        return timeOfDay(ms, 0); // to the millisecond
    return timeOfDay(ms, span > 86400000LL ? span : 10000);
}

std::vector<std::pair<int64_t, QString>> labelledTimeTicks(int64_t lo, int64_t hi, int maxTicks)
{
    std::vector<std::pair<int64_t, QString>> out;
    const auto ticks = timeTicks(lo, hi, maxTicks);
    const int64_t step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1000;
    for (int64_t t : ticks)
        out.emplace_back(t, tickLabel(t, step, hi - lo));
    return out;
}

void setTimeAxis(const QChart* chart, QCategoryAxis* axis, int64_t lo, int64_t hi, int maxTicks)
{
    const QRectF plot = chart ? chart->plotArea() : QRectF();
    if (plot.isValid()) {
        const int room = axis->orientation() == Qt::Vertical ? int(plot.height() / 30) : int(plot.width() / 110);
        maxTicks = std::clamp(room, 2, maxTicks);
    }
    for (const QString& label : axis->categoriesLabels())
        axis->remove(label);
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setRange(static_cast<qreal>(lo), static_cast<qreal>(hi));
    for (const auto& [t, label] : labelledTimeTicks(lo, hi, maxTicks))
        axis->append(label, static_cast<qreal>(t));
}

QString fate(runtime::EventFate f)
{
    switch (f) {
    case runtime::EventFate::OnTime:
        return QObject::tr("on time");
    case runtime::EventFate::LateFired:
        return QObject::tr("late, within allowed lateness");
    case runtime::EventFate::Dropped:
        return QObject::tr("late, dropped");
    case runtime::EventFate::SideOutput:
        return QObject::tr("late, to the side output");
    case runtime::EventFate::NotWindowed:
        return QObject::tr("not windowed");
    }
    return {};
}

QColor onTimeColor() { return theme::isDark() ? QColor(0x4c, 0xc3, 0x8a) : QColor(0x1f, 0x9d, 0x62); }
QColor lateColor() { return QColor(0xf0, 0x8c, 0x1a); }
QColor earlyColor() { return theme::isDark() ? QColor(0x6a, 0xa8, 0xff) : QColor(0x2f, 0x6f, 0xdb); }
QColor droppedColor() { return QColor(0xe0, 0x3e, 0x4a); }
QColor sideOutputColor() { return QColor(0xa2, 0x5c, 0xe6); }

QColor seriesColor(int i)
{
    static const QColor kColors[] = { QColor(0x3b, 0x82, 0xf6), QColor(0xf5, 0x9e, 0x0b),
        QColor(0x10, 0xb9, 0x81), QColor(0xef, 0x44, 0x44), QColor(0x8b, 0x5c, 0xf6),
        QColor(0x06, 0xb6, 0xd4), QColor(0xec, 0x48, 0x99), QColor(0x84, 0xcc, 0x16),
        QColor(0x64, 0x74, 0x8b), QColor(0xf9, 0x73, 0x16) };
    return kColors[static_cast<size_t>(i) % std::size(kColors)];
}

QColor fateColor(runtime::EventFate f)
{
    switch (f) {
    case runtime::EventFate::OnTime:
        return onTimeColor();
    case runtime::EventFate::LateFired:
        return lateColor();
    case runtime::EventFate::Dropped:
        return droppedColor();
    case runtime::EventFate::SideOutput:
        return sideOutputColor();
    case runtime::EventFate::NotWindowed:
        return theme::mutedText();
    }
    return theme::text();
}

void styleChart(QChart* chart)
{
    chart->setTheme(theme::isDark() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(QApplication::palette().color(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setMargins(QMargins(6, 4, 6, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    chart->legend()->setFont(f);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setLabelColor(theme::text());
    QFont tf = QApplication::font();
    tf.setWeight(QFont::DemiBold);
    chart->setTitleFont(tf);
    chart->setTitleBrush(theme::text());
}

void styleAxis(QAbstractAxis* axis)
{
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    axis->setLabelsFont(f);
    axis->setLabelsColor(theme::mutedText());
    QFont tf = f;
    axis->setTitleFont(tf);
    axis->setTitleBrush(theme::mutedText());
    QColor grid = theme::isDark() ? QColor(255, 255, 255, 24) : QColor(0, 0, 0, 20);
    axis->setGridLineColor(grid);
    axis->setLinePenColor(grid);
    axis->setShadesVisible(false);
}

void styleTable(QTableView* table)
{
    table->setFrameShape(QFrame::NoFrame);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(22);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
}

void fitAxisTitles(QChart* chart)
{
    const QRectF plot = chart->plotArea();
    if (!plot.isValid())
        return;
    for (QAbstractAxis* axis : chart->axes()) {
        if (!axis->property("titleFitted").toBool()) {
            axis->setProperty("titleFitted", true);
            QObject::connect(axis, &QAbstractAxis::titleTextChanged, chart, [chart] { fitAxisTitles(chart); });
        }
        // The title as the view set it, kept while this shortens it; a title the view changes
        // since is taken as the new whole one.
        QString full = axis->property("fullTitle").toString();
        const QString shown = axis->titleText();
        if (shown != full && shown != axis->property("shownTitle").toString())
            full = shown;
        axis->setProperty("fullTitle", full);
        if (full.isEmpty())
            continue;
        const QFontMetricsF fm(axis->titleFont());
        // A longer title than the one shown needs a title's height more room: showing a title
        // takes room from the other axis, whose title could then go, give room back, and so on.
        const QString before = axis->isTitleVisible() ? axis->titleText() : QString();
        const qreal room = (axis->orientation() == Qt::Vertical ? plot.height() : plot.width()) - 8;
        auto fits = [&](const QString& t) {
            return fm.horizontalAdvance(t) <= room - (t.size() > before.size() ? fm.height() : 0);
        };
        // Whole; else without its parenthesis ("window end (event time)": "window end"); else none:
        // an elided "windo…" says nothing.
        QString fitted = full;
        if (!fits(fitted))
            fitted = full.section(QStringLiteral(" ("), 0, 0);
        if (!fits(fitted))
            fitted.clear();
        axis->setProperty("shownTitle", fitted);
        if (axis->titleText() != fitted)
            axis->setTitleText(fitted);
        axis->setTitleVisible(!fitted.isEmpty());
    }
}

QChartView* makeChartView(QChart* chart)
{
    QObject::connect(chart, &QChart::plotAreaChanged, chart, [chart] { fitAxisTitles(chart); });
    auto* v = new QChartView(chart);
    v->setRenderHint(QPainter::Antialiasing);
    v->setFrameShape(QFrame::NoFrame);
    v->setMinimumHeight(160);
    return v;
}

} // namespace streamlab::ui::simfmt
