// The event-time view (as in the Streaming Systems book): each event a dot at its event time (x)
// and the processing time it arrived at (y, upwards), the watermark of the first window as a
// line, the windows as columns, each firing marked where it happened, late and dropped events
// highlighted. Hovering a dot shows its fields, key, key group, subtask and windows.
// Painted directly (tens of thousands of dots). GUI thread only.
#pragma once

#include "replay/sim_view.h"

#include <array>

namespace streamlab::ui {

class EventTimeView : public SimView {
    Q_OBJECT
public:
    explicit EventTimeView(QWidget* parent = nullptr);

    // Events currently plotted, per fate (index: EventFate).
    int count(runtime::EventFate fate) const { return m_counts[static_cast<size_t>(fate)]; }
    int plottedEvents() const;
    int plottedFirings() const { return int(m_firings.size()); }
    int watermarkPoints() const { return int(m_watermark.size()); }
    // The tooltip text for the event nearest to `pos` (widget coordinates), empty when none.
    QString toolTipAt(QPointF pos) const;
    // Where an event is drawn (tests hover it).
    QPointF positionOf(int64_t eventTime, int64_t arrival) const;

protected:
    void updateModel() override;
    void updateChart() override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    QRectF plotRect() const;
    // The round ticks of the processing-time axis, with their labels.
    std::vector<std::pair<int64_t, QString>> yTicks() const;
    const runtime::TraceEvent* eventAt(QPointF pos) const;

    std::vector<const runtime::TraceEvent*> m_events; // into m_hold's chunks
    runtime::Chunks<runtime::TraceEvent> m_hold;
    std::vector<const runtime::FiringEvent*> m_firings; // into m_holdFirings' chunks
    runtime::Chunks<runtime::FiringEvent> m_holdFirings;
    std::vector<std::pair<int64_t, int64_t>> m_watermark; // (processing time, watermark)
    std::array<int, 5> m_counts {};
    int64_t m_x0 = 0, m_x1 = 1, m_y0 = 0, m_y1 = 1;
    qreal m_leftMargin = 78; // the processing-time labels and the axis title
    QString m_hoverText;
};

} // namespace streamlab::ui
