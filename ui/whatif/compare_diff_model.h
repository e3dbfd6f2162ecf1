// The results diff of run A and run B as a table (see compare_diff.h for what identifies a
// result): one row per window result only in A, only in B, or in both with a different value.
// Qt::DisplayRole gives text; Qt::UserRole the raw values (window start and end in epoch ms, the
// change as DiffKind). Reset whenever a new diff is set (its shape changes). GUI thread only.
#pragma once

#include "whatif/compare_diff.h"

#include <QAbstractTableModel>

namespace streamlab::ui {

class CompareDiffModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Change,
        Sink,
        Key,
        WindowStart,
        WindowEnd,
        ValueA,
        ValueB,
        FiringsA,
        FiringsB,
        LastA,
        LastB,
        ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;

    void setDiff(ResultDiff diff);
    const ResultDiff& diff() const { return m_diff; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    static QString kindText(DiffKind k);

private:
    ResultDiff m_diff;
};

} // namespace streamlab::ui
