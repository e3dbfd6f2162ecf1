#include "replay/event_time_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace streamlab::ui {

EventTimeView::EventTimeView(QWidget* parent)
    : SimView(parent)
{
    setObjectName("eventTimeView");
    setMouseTracking(true);
    setMinimumSize(320, 120); // a small window's dock can give space back to the canvas
    setAttribute(Qt::WA_OpaquePaintEvent);
}

int EventTimeView::plottedEvents() const { return int(m_events.size()); }

void EventTimeView::updateModel()
{
    const auto& snap = *snapshot();
    m_hold = snap.trace;
    m_events.clear();
    m_counts = {};
    int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = INT64_MAX, y1 = INT64_MIN;
    for (const auto& chunk : m_hold)
        for (const auto& e : *chunk) {
            if (e.eventTime == kMinTimestamp)
                continue;
            m_events.push_back(&e);
            ++m_counts[static_cast<size_t>(e.fate)];
            x0 = std::min(x0, e.eventTime);
            x1 = std::max(x1, e.eventTime);
            y0 = std::min(y0, e.arrival);
            y1 = std::max(y1, e.arrival);
        }
    m_firings.clear();
    m_holdFirings = snap.firings;
    for (const auto& chunk : m_holdFirings)
        for (const auto& f : *chunk)
            if (f.windowEnd != kMinTimestamp && f.at >= y0 && f.window == snap.traceWindow)
                m_firings.push_back(&f);
    // Watermark of the trace window: the slowest of its subtasks at each sample.
    m_watermark.clear();
    const auto& h = *snap.history;
    std::vector<size_t> series;
    for (size_t i = 0; i < h.watermarkSeries.size(); ++i)
        if (h.watermarkSeries[i].node == snap.traceWindow && h.watermarkSeries[i].split < 0)
            series.push_back(i);
    for (size_t k = 0; k < h.time.size() && !series.empty(); ++k) {
        int64_t w = kMaxTimestamp;
        for (size_t s : series)
            w = std::min(w, k < h.watermarks[s].size() ? h.watermarks[s][k] : kMinTimestamp);
        if (w != kMinTimestamp && w != kMaxTimestamp && h.time[k] >= y0)
            m_watermark.push_back({ h.time[k], w });
    }
    if (snap.traceWatermark != kMinTimestamp && snap.traceWatermark != kMaxTimestamp)
        m_watermark.push_back({ snap.processingTime, snap.traceWatermark });
    if (x0 <= x1) {
        const int64_t padX = std::max<int64_t>(500, (x1 - x0) / 25);
        const int64_t padY = std::max<int64_t>(500, (y1 - y0) / 25);
        m_x0 = x0 - padX;
        m_x1 = x1 + padX;
        m_y0 = y0 - padY;
        m_y1 = std::max(y1, snap.processingTime) + padY;
    }
    // Room on the left for the widest processing-time label and the axis title beside it.
    QFont small = QApplication::font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QFontMetrics fm(small);
    int widest = fm.horizontalAdvance(QStringLiteral("00:00:00"));
    for (const auto& [t, label] : yTicks())
        widest = std::max(widest, fm.horizontalAdvance(label));
    m_leftMargin = widest + fm.height() + 18;
}

std::vector<std::pair<int64_t, QString>> EventTimeView::yTicks() const
{
    return simfmt::labelledTimeTicks(m_y0, m_y1, std::max(2, (height() - 74) / 36));
}

void EventTimeView::updateChart() { update(); }

QRectF EventTimeView::plotRect() const
{
    return QRectF(m_leftMargin, 34, width() - m_leftMargin - 16, height() - 34 - 40);
}

QPointF EventTimeView::positionOf(int64_t eventTime, int64_t arrival) const
{
    const QRectF r = plotRect();
    const double fx
        = static_cast<double>(eventTime - m_x0) / static_cast<double>(std::max<int64_t>(1, m_x1 - m_x0));
    const double fy
        = static_cast<double>(arrival - m_y0) / static_cast<double>(std::max<int64_t>(1, m_y1 - m_y0));
    return QPointF(r.left() + fx * r.width(), r.bottom() - fy * r.height());
}

void EventTimeView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette pal = QApplication::palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRectF r = plotRect();
    QFont small = QApplication::font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    if (!snapshot() || m_events.empty()) {
        p.setPen(theme::mutedText());
        p.drawText(rect(), Qt::AlignCenter,
            tr("Press play: each event appears here at its event time and arrival."));
        return;
    }
    p.setRenderHint(QPainter::Antialiasing);
    const auto& snap = *snapshot();

    // Window columns.
    const model::NodeSpec* win = m_spec.node(snap.traceWindow);
    if (win && win->kind == model::NodeKind::Window) {
        const auto& a = win->as<model::WindowSpec>().assigner;
        const int64_t step = a.type == model::AssignerType::Tumbling ? a.size
            : a.type == model::AssignerType::Sliding                 ? a.slide
                                                                     : 0;
        if (step > 0 && (m_x1 - m_x0) / step < 400) {
            int64_t s = m_x0 - ((m_x0 - a.offset) % step + step) % step;
            QColor band = theme::isDark() ? QColor(255, 255, 255, 10) : QColor(0, 0, 0, 9);
            QColor edge = theme::isDark() ? QColor(255, 255, 255, 40) : QColor(0, 0, 0, 34);
            int n = 0;
            for (; s < m_x1; s += step, ++n) {
                const qreal xa = std::max(r.left(), positionOf(s, 0).x());
                const qreal xb = std::min(r.right(), positionOf(s + step, 0).x());
                if (n % 2 == 0)
                    p.fillRect(QRectF(xa, r.top(), xb - xa, r.height()), band);
                p.setPen(QPen(edge, 1, Qt::DotLine));
                if (positionOf(s, 0).x() >= r.left())
                    p.drawLine(QPointF(xa, r.top()), QPointF(xa, r.bottom()));
            }
        }
    }
    // Axes and labels.
    p.setPen(QPen(theme::nodeBorder(), 1));
    p.drawRect(r);
    p.setPen(theme::mutedText());
    // Round ticks (every 2 min, every 30 s...), as many as fit without crowding.
    const QColor grid = theme::isDark() ? QColor(255, 255, 255, 18) : QColor(0, 0, 0, 14);
    for (const auto& [x, label] : simfmt::labelledTimeTicks(m_x0, m_x1, std::max(2, int(r.width()) / 110))) {
        const QPointF px = positionOf(x, m_y0);
        p.setPen(grid);
        p.drawLine(QPointF(px.x(), r.top()), QPointF(px.x(), r.bottom()));
        p.setPen(theme::mutedText());
        p.drawText(QRectF(px.x() - 60, r.bottom() + 4, 120, 16), Qt::AlignHCenter | Qt::AlignTop, label);
    }
    const qreal titleWidth = p.fontMetrics().height() + 8;
    for (const auto& [y, label] : yTicks()) {
        const QPointF py = positionOf(m_x0, y);
        p.setPen(grid);
        p.drawLine(QPointF(r.left(), py.y()), QPointF(r.right(), py.y()));
        p.setPen(theme::mutedText());
        p.drawText(QRectF(titleWidth, py.y() - 8, r.left() - titleWidth - 6, 16), Qt::AlignRight | Qt::AlignVCenter,
            label);
    }
    p.drawText(QRectF(r.left(), r.bottom() + 20, r.width(), 16), Qt::AlignHCenter, tr("event time →"));
    p.save();
    p.translate(titleWidth / 2 + 2, r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-80, -10, 160, 16), Qt::AlignCenter, tr("processing time →"));
    p.restore();

    p.setClipRect(r.adjusted(-4, -4, 4, 4));
    // Watermark: a step line (it holds until the next advance).
    if (!m_watermark.empty()) {
        QPainterPath path;
        QPointF prev = positionOf(m_watermark.front().second, m_watermark.front().first);
        path.moveTo(prev);
        for (size_t i = 1; i < m_watermark.size(); ++i) {
            QPointF next = positionOf(m_watermark[i].second, m_watermark[i].first);
            path.lineTo(QPointF(prev.x(), next.y()));
            path.lineTo(next);
            prev = next;
        }
        p.setPen(QPen(theme::accent(), 2.2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    // Firings: a tick at the window's end, at the time it fired.
    // Dots, grouped by fate (late on top). Many dots: unantialiased squares, which the raster
    // engine fills in one pass; few: round ones.
    const bool many = m_events.size() > 3000;
    const qreal dot = many ? 3.0 : 5.0;
    for (auto fate : { runtime::EventFate::NotWindowed, runtime::EventFate::OnTime,
             runtime::EventFate::LateFired, runtime::EventFate::SideOutput, runtime::EventFate::Dropped }) {
        QColor c = simfmt::fateColor(fate);
        if (fate == runtime::EventFate::OnTime)
            c.setAlpha(many ? 110 : 170);
        const qreal size = fate == runtime::EventFate::OnTime ? dot : dot + 2;
        if (many) {
            QList<QRectF> rects;
            for (const auto* e : m_events)
                if (e->fate == fate) {
                    const QPointF q = positionOf(e->eventTime, e->arrival);
                    rects << QRectF(q.x() - size / 2, q.y() - size / 2, size, size);
                }
            if (rects.isEmpty())
                continue;
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setPen(Qt::NoPen);
            p.setBrush(c);
            p.drawRects(rects.constData(), int(rects.size()));
            p.setRenderHint(QPainter::Antialiasing, true);
        } else {
            QPolygonF pts;
            for (const auto* e : m_events)
                if (e->fate == fate)
                    pts << positionOf(e->eventTime, e->arrival);
            if (pts.isEmpty())
                continue;
            p.setPen(QPen(c, size, Qt::SolidLine, Qt::RoundCap));
            p.drawPoints(pts);
        }
    }
    // The latest firings only, when there are very many (the older are under the newer anyway).
    const size_t firstFiring = m_firings.size() > 1500 ? m_firings.size() - 1500 : 0;
    for (size_t i = firstFiring; i < m_firings.size(); ++i) {
        const auto* f = m_firings[i];
        const QPointF c = positionOf(f->windowEnd, f->at);
        const QColor col = f->firing == "late" ? simfmt::lateColor()
            : f->firing == "early"             ? simfmt::earlyColor()
                                               : simfmt::onTimeColor();
        p.setPen(QPen(col.darker(120), 1));
        p.setBrush(col);
        QPolygonF diamond;
        diamond << c + QPointF(0, -5) << c + QPointF(5, 0) << c + QPointF(0, 5) << c + QPointF(-5, 0);
        p.drawPolygon(diamond);
    }
    p.setClipping(false);

    // Legend.
    qreal x = r.left();
    auto legend = [&](const QColor& c, const QString& text, int n, bool diamond = false) {
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        if (diamond) {
            QPolygonF d;
            QPointF m(x + 5, 17);
            d << m + QPointF(0, -5) << m + QPointF(5, 0) << m + QPointF(0, 5) << m + QPointF(-5, 0);
            p.drawPolygon(d);
        } else {
            p.drawEllipse(QPointF(x + 5, 17), 4, 4);
        }
        p.setPen(theme::text());
        const QString t = n >= 0 ? QStringLiteral("%1 %2").arg(text).arg(n) : text;
        p.drawText(QPointF(x + 14, 21), t);
        x += 24 + p.fontMetrics().horizontalAdvance(t);
    };
    // Counts of the events drawn: when the trace is partial (the oldest dropped, or one in N
    // traced at speed) it says so first, so that "on time 15929" is not read as the run's total.
    if (snap.traceDropped > 0 || snap.traceStride > 1) {
        p.setPen(theme::mutedText());
        QString note = tr("latest %1 events").arg(m_events.size());
        if (snap.traceStride > 1)
            note += tr(", 1 in %1 while this fast (late ones all)").arg(snap.traceStride);
        note += QLatin1Char(':');
        p.drawText(QPointF(x, 21), note);
        x += 10 + p.fontMetrics().horizontalAdvance(note);
    }
    legend(simfmt::onTimeColor(), tr("on time"), count(runtime::EventFate::OnTime));
    // Late but within the allowed lateness: each updates its window, which fires again at once
    // (Flink's default trigger) or with the next coalesced late firing (lateFiring.every), so
    // not "re-fired" each.
    legend(simfmt::lateColor(), tr("late, within lateness"), count(runtime::EventFate::LateFired));
    legend(simfmt::droppedColor(), tr("dropped"), count(runtime::EventFate::Dropped));
    legend(simfmt::sideOutputColor(), tr("side output"), count(runtime::EventFate::SideOutput));
    legend(theme::accent(), tr("watermark of %1").arg(QString::fromStdString(snap.traceWindow)), -1);
    legend(simfmt::onTimeColor(), tr("firing"), -1, true);
}

const runtime::TraceEvent* EventTimeView::eventAt(QPointF pos) const
{
    const runtime::TraceEvent* best = nullptr;
    qreal bestD = 64; // 8 px squared
    for (const auto* e : m_events) {
        const QPointF d = positionOf(e->eventTime, e->arrival) - pos;
        const qreal dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= bestD) {
            bestD = dd;
            best = e;
        }
    }
    return best;
}

QString EventTimeView::toolTipAt(QPointF pos) const
{
    const runtime::TraceEvent* e = eventAt(pos);
    if (!e || !snapshot())
        return {};
    const auto& snap = *snapshot();
    QString t = tr("<b>event #%1</b> from %2, partition %3<br>")
                    .arg(e->seq + 1)
                    .arg(QString::fromStdString(snap.traceSources[static_cast<size_t>(e->sourceIndex)]))
                    .arg(e->partition);
    t += tr("event time <b>%1</b><br>arrived <b>%2</b> (processing time)<br>")
             .arg(simfmt::time(e->eventTime), simfmt::time(e->arrival));
    const Schema& schema = *snap.traceSchemas[static_cast<size_t>(e->sourceIndex)];
    QStringList fields;
    for (size_t i = 0; i < e->record.fields.size() && i < schema.fields.size(); ++i)
        fields << QStringLiteral("%1 = %2").arg(QString::fromStdString(schema.fields[i].name),
            simfmt::value(e->record.fields[i]).toHtmlEscaped());
    t += fields.join(", ") + "<br>";
    if (!isNull(e->key))
        t += tr("key <b>%1</b> · key group %2 · subtask %3<br>")
                 .arg(QString::fromStdString(valueToText(e->key)).toHtmlEscaped())
                 .arg(e->keyGroup)
                 .arg(e->subtask);
    else if (e->subtask >= 0)
        t += tr("subtask %1<br>").arg(e->subtask);
    QStringList wins;
    std::vector<runtime::TraceWindow> windows;
    if (const model::NodeSpec* win = m_spec.node(snap.traceWindow);
        win && win->kind == model::NodeKind::Window)
        runtime::assignWindows(win->as<model::WindowSpec>().assigner, e->eventTime, windows);
    for (const auto& w : windows)
        wins << QStringLiteral("[%1, %2)").arg(simfmt::time(w.start), simfmt::time(w.end));
    if (!wins.isEmpty())
        t += tr("windows %1<br>").arg(wins.join(", "));
    t += tr("<span style='color:%1'>%2</span>").arg(simfmt::fateColor(e->fate).name(), simfmt::fate(e->fate));
    return t;
}

void EventTimeView::mouseMoveEvent(QMouseEvent* event)
{
    const QString t = toolTipAt(event->position());
    if (t != m_hoverText) {
        m_hoverText = t;
        if (t.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), t, this);
    }
    SimView::mouseMoveEvent(event);
}

void EventTimeView::leaveEvent(QEvent* event)
{
    m_hoverText.clear();
    QToolTip::hideText();
    SimView::leaveEvent(event);
}

} // namespace streamlab::ui
