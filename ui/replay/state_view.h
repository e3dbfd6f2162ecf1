// State size per stateful operator over processing time: entries (left axis) and bytes (right
// axis), with the state backend in the legend. StateModel holds one row per sample. GUI thread only.
#pragma once

#include "replay/sim_view.h"

#include <QAbstractTableModel>

class QChart;
class QCategoryAxis;
class QLineSeries;
class QValueAxis;

namespace streamlab::ui {

class StateModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void update(const runtime::ReplaySnapshot& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    const runtime::ReplayHistory* history() const { return m_history.get(); }
    QStringList operators() const;
    QString backend(const QString& op) const;

private:
    std::shared_ptr<const runtime::ReplayHistory> m_history;
};

class StateView : public SimView {
    Q_OBJECT
public:
    explicit StateView(QWidget* parent = nullptr);
    StateModel* model() const { return m_model; }
    QChart* chart() const { return m_chart; }

protected:
    void updateModel() override;
    void updateChart() override;

private:
    StateModel* m_model;
    QChart* m_chart;
    QCategoryAxis* m_axisX;
    QValueAxis* m_entriesAxis;
    QValueAxis* m_bytesAxis;
    QList<QLineSeries*> m_entries;
    QList<QLineSeries*> m_bytes;
};

} // namespace streamlab::ui
