// Throughput and serialization per exchange: a table (partitioner, serializer, records, bytes,
// bytes per record) and a chart of records/s and bytes/s over processing time.
// ExchangeModel holds one row per physical exchange. GUI thread only.
#pragma once

#include "common/row_table_model.h"
#include "replay/sim_view.h"

class QChart;
class QCategoryAxis;
class QLineSeries;
class QSplitter;
class QTableView;
class QValueAxis;

namespace streamlab::ui {

class ExchangeModel : public RowTableModel {
    Q_OBJECT
public:
    enum Column { Exchange, Partitioner, Serializer, Records, Bytes, BytesPerRecord, ColumnCount };
    using RowTableModel::RowTableModel;
    void update(const runtime::ReplaySnapshot& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    const std::vector<metrics::ExchangeMetrics>& exchanges() const { return m_rows; }

private:
    std::vector<metrics::ExchangeMetrics> m_rows;
};

class ExchangeView : public SimView {
    Q_OBJECT
public:
    explicit ExchangeView(QWidget* parent = nullptr);
    ExchangeModel* model() const { return m_model; }
    QChart* chart() const { return m_chart; }

    QTableView* table() const { return m_table; }

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void updateModel() override;
    void updateChart() override;

private:
    ExchangeModel* m_model;
    QTableView* m_table;
    bool m_splitMoved = false;
    QSplitter* m_split = nullptr;
    // Gives the table the width of its columns, the chart the rest (at least 320 px).
    void fitTable();
    QChart* m_chart;
    QCategoryAxis* m_axisX;
    QValueAxis* m_recordsAxis;
    QValueAxis* m_bytesAxis;
    QList<QLineSeries*> m_records;
    QList<QLineSeries*> m_bytes;
};

} // namespace streamlab::ui
