// Watermarks over processing time: per source partition (split), per source subtask and per
// subtask of the operators behind, with idle periods marked as idle (grey markers, not gaps),
// the largest event time seen, and the lag of the slowest watermark behind it.
// WatermarkModel holds one row per series with its current value. GUI thread only.
#pragma once

#include "common/row_table_model.h"
#include "replay/sim_view.h"

class QChart;
class QCategoryAxis;
class QLabel;
class QLineSeries;
class QScatterSeries;

namespace streamlab::ui {

class WatermarkModel : public RowTableModel {
    Q_OBJECT
public:
    enum Column { Series, Watermark, Idle, Lag, ColumnCount };
    using RowTableModel::RowTableModel;
    void update(const runtime::ReplaySnapshot& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    struct Row {
        QString name; // "readings[0] split 1", "avgPer5m[2]"
        runtime::SampleSeriesKey key;
        qint64 watermark = kMinTimestamp;
        bool idle = false;
        bool everIdle = false;
        size_t series = 0; // index in the history
    };
    const QList<Row>& rows() const { return m_rows; }
    const runtime::ReplayHistory* history() const { return m_history.get(); }
    qint64 maxEventTime() const { return m_maxEventTime; }

private:
    QList<Row> m_rows;
    std::shared_ptr<const runtime::ReplayHistory> m_history;
    qint64 m_maxEventTime = kMinTimestamp;
};

class WatermarkView : public SimView {
    Q_OBJECT
public:
    static constexpr int kMaxSeries = 16;
    explicit WatermarkView(QWidget* parent = nullptr);
    WatermarkModel* model() const { return m_model; }
    QChart* chart() const { return m_chart; }
    int idleMarkers() const;

protected:
    void updateModel() override;
    void updateChart() override;

private:
    WatermarkModel* m_model;
    QLabel* m_summary;
    // The legend as a line of text that wraps: the chart's own legend at the right clipped its
    // last entries (the idle marker's meaning) in a short or narrow dock.
    QLabel* m_legend;
    void updateLegend();
    QChart* m_chart;
    QCategoryAxis* m_axisX;
    QCategoryAxis* m_axisY;
    QList<QLineSeries*> m_lines;
    QLineSeries* m_maxEvent;
    QScatterSeries* m_idle;
};

} // namespace streamlab::ui
