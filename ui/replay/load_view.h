// Per-subtask load: records in (and out) per subtask of each operator, as bars, with max/mean so
// that skew is obvious, and the key groups behind a subtask on hover. LoadModel holds one row per
// operator subtask. GUI thread only.
#pragma once

#include "common/row_table_model.h"
#include "replay/sim_view.h"

class QBarSet;
class QBarSeries;
class QBarCategoryAxis;
class QChart;
class QComboBox;
class QLabel;
class QValueAxis;

namespace streamlab::ui {

class LoadModel : public RowTableModel {
    Q_OBJECT
public:
    enum Column { Operator, Subtask, RecordsIn, RecordsOut, KeyGroups, BusyMs, ColumnCount };
    using RowTableModel::RowTableModel;

    void update(const runtime::ReplaySnapshot& snap, const runtime::Plan& plan);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    // Records in per subtask of `op` (empty when unknown).
    QList<qint64> recordsIn(const QString& op) const;
    QStringList operators() const;

    struct Row {
        QString op;
        int subtask = 0;
        qint64 in = 0;
        qint64 out = 0;
        QString keyGroups;
        int usedKeyGroups = 0;
        qint64 busyNs = 0;
    };
    const QList<Row>& rows() const { return m_rows; }

private:
    QList<Row> m_rows;
};

class LoadView : public SimView {
    Q_OBJECT
public:
    explicit LoadView(QWidget* parent = nullptr);
    LoadModel* model() const { return m_model; }
    QString currentOperator() const;
    void setCurrentOperator(const QString& op);
    QChart* chart() const { return m_chart; }

protected:
    void jobChanged() override;
    void updateModel() override;
    void updateChart() override;

private:
    LoadModel* m_model;
    QComboBox* m_operator;
    QLabel* m_summary;
    QChart* m_chart;
    QBarSeries* m_series;
    QBarSet* m_in;
    QBarCategoryAxis* m_axisX;
    QValueAxis* m_axisY;
};

} // namespace streamlab::ui
