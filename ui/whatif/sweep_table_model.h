// The what-if sweep's table: one row per replayed value with every figure of its replay
// (completeness, latency, firings, late data, peak state, events, wall time). GUI thread only.
#pragma once

#include "whatif/sweep.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace streamlab::ui {

// One row per replayed value, in value order, appended as the replays finish.
class SweepTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Value,
        Completeness,
        LatencyMedian,
        LatencyP99,
        LatencyMax,
        Windows,
        LateFirings,
        LateDropped,
        SideOutput,
        PeakStateEntries,
        PeakStateBytes,
        Events,
        WallTime,
        ColumnCount
    };
    struct Row {
        QString value; // as `--set` takes it: "5s", "2"
        whatif::SweepOutcome outcome;
    };
    using QAbstractTableModel::QAbstractTableModel;

    void clear();
    void append(Row row);
    const QList<Row>& rows() const { return m_rows; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    QList<Row> m_rows;
};

} // namespace streamlab::ui
