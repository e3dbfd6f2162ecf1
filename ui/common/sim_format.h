// Formatting and chart styling shared by the simulator's views: counts, bytes, event and
// processing times, and the colours of firings and event fates. GUI thread only.
#pragma once

#include "runtime/replay.h"

#include <QColor>
#include <QString>
#include <utility>
#include <vector>

class QTableView;

class QChart;
class QChartView;
class QAbstractAxis;
class QCategoryAxis;

namespace streamlab::ui::simfmt {

QString count(int64_t n); // 1234567 -> "1.23M"
QString bytes(int64_t n); // "12.4 MB"
QString rate(double perSecond); // "12.3k/s"
QString time(int64_t epochMs); // "10:00:05.120" (UTC), "–" for no time, "end" for MAX
QString duration(int64_t ms);
// A field's value as a table shows it: a double to 15 significant digits ("19.8755", not the
// "19.875500000000006" its sum carries; still "2.0" for a whole one), anything else as
// valueToText. The exact value stays in `streamlab run`'s output and the record's JSON.
QString value(const Value& v);
QString timeOfDay(
    int64_t epochMs, int64_t spanMs); // "10:00:05" or "23 10:00" for long spans      // "1 h 02 min", "5.2 s"
QString watermark(int64_t w); // like time(), "–" before the first
// Ticks of a time axis over [lo, hi]: every multiple of a round step (100 ms, 1 s, 2 s, 5 s, 10 s,
// 15 s, 30 s, 1 min, ... 1 d) in it, the smallest step that gives at most maxTicks.
std::vector<int64_t> timeTicks(int64_t lo, int64_t hi, int maxTicks);
// The label of a tick `ms` of an axis over `span` with `step` between ticks: "10:02:00",
// "10:02:00.500" when the step is under a second, "23 10:00" over more than a day.
QString tickLabel(int64_t ms, int64_t step, int64_t span);
// timeTicks over [lo, hi], each with its tickLabel.
std::vector<std::pair<int64_t, QString>> labelledTimeTicks(int64_t lo, int64_t hi, int maxTicks);
// Round time ticks with their labels on a chart's axis over [lo, hi] (epoch or processing ms):
// as many as the chart's plot area has room for (a label every 30 pixels upwards, every 110
// across), so that no label is elided to "…" in a small dock.
void setTimeAxis(const QChart* chart, QCategoryAxis* axis, int64_t lo, int64_t hi, int maxTicks = 8);
QString fate(runtime::EventFate f);

QColor onTimeColor();
QColor lateColor();
QColor earlyColor();
QColor droppedColor();
QColor sideOutputColor();
QColor seriesColor(int i); // a qualitative palette
QColor fateColor(runtime::EventFate f);

// Follows the application palette (light/dark), compact margins, legend at the bottom.
void styleChart(QChart* chart);
void styleAxis(QAbstractAxis* axis);
// The view of a chart whose axis titles fit their axis (fitAxisTitles at each new plot area).
QChartView* makeChartView(QChart* chart);
// Each axis title whole where it fits; else without its parenthesis; else hidden, never elided.
void fitAxisTitles(QChart* chart);
// The simulator's tables: no row numbers, compact rows, alternating colours, whole-row selection.
void styleTable(QTableView* table);

} // namespace streamlab::ui::simfmt
