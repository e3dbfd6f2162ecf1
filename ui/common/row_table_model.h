// A table model whose rows are replaced wholesale on every update (the simulator's views, the
// doctor's findings). GUI thread only.
#pragma once

#include <QAbstractTableModel>

#include <utility>

namespace streamlab::ui {

class RowTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // Replaces `rows` by `next`. When every row is still the same one (`sameRow(new, old)`, in
    // the same order) only the values changed: dataChanged for the columns from `firstColumn`
    // on, so that a view keeps its selection, sorting and scroll position. Otherwise a reset.
    template <class Rows, class SameRow>
    void replaceRows(Rows& rows, Rows next, SameRow sameRow, int firstColumn)
    {
        bool same = next.size() == rows.size();
        for (decltype(next.size()) i = 0; same && i < next.size(); ++i)
            same = sameRow(next[i], rows[i]);
        if (!same) {
            beginResetModel();
            rows = std::move(next);
            endResetModel();
            return;
        }
        rows = std::move(next);
        if (!rows.empty())
            emit dataChanged(index(0, firstColumn), index(int(rows.size()) - 1, columnCount() - 1));
    }
};

} // namespace streamlab::ui
