// Window firings: a timeline of every firing (x: processing time it happened at, y: the end of
// the window it fired), on-time, late and early in distinct colours, with late-dropped and
// side-output counts per window. FiringsModel holds one row per window operator. GUI thread only.
#pragma once

#include "common/row_table_model.h"
#include "replay/sim_view.h"

class QChart;
class QCategoryAxis;
class QLabel;
class QScatterSeries;

namespace streamlab::ui {

class FiringsModel : public RowTableModel {
    Q_OBJECT
public:
    enum Column { Window, OnTime, Late, Early, LateDropped, SideOutput, ColumnCount };
    using RowTableModel::RowTableModel;

    void update(const runtime::ReplaySnapshot& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    // The row of window `id`, or -1.
    int rowOf(const QString& id) const;
    qint64 value(const QString& window, Column c) const;

private:
    struct Row {
        QString window;
        qint64 v[ColumnCount] = {};
    };
    QList<Row> m_rows;
};

class FiringsView : public SimView {
    Q_OBJECT
public:
    // QScatterSeries makes a graphics item per point: keep each series small (thinned evenly).
    static constexpr int kMaxPointsPerSeries = 500;
    explicit FiringsView(QWidget* parent = nullptr);
    FiringsModel* model() const { return m_model; }
    QChart* chart() const { return m_chart; }
    // Points plotted per firing kind (after thinning): on_time, late, early.
    int plotted(const QString& kind) const;

protected:
    void updateModel() override;
    void updateChart() override;

private:
    FiringsModel* m_model;
    QLabel* m_summary;
    QChart* m_chart;
    QScatterSeries* m_onTime;
    QScatterSeries* m_late;
    QScatterSeries* m_early;
    QCategoryAxis* m_axisX;
    QCategoryAxis* m_axisY;
};

} // namespace streamlab::ui
