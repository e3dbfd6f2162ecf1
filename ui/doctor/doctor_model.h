// The Doctor dock's list: adapts the pipeline doctor's findings (lint::Finding values) to a table
// view. Columns: the finding (severity icon and title), where (node or edge), the rule id. The
// model resets only when the list's shape changes (other findings); new figures of the same
// findings are a dataChanged, so a selection survives a re-check. GUI thread only.
#pragma once

#include "common/row_table_model.h"
#include "lint/finding.h"

#include <QIcon>
#include <vector>

namespace streamlab::ui {

class DoctorModel : public RowTableModel {
    Q_OBJECT
public:
    enum Column { TitleColumn, WhereColumn, RuleColumn, ColumnCount };
    enum Role {
        RuleRole = Qt::UserRole + 1, // QString: "late-firing-flood"
        NodeRole, // QString: the node's id, or empty
        EdgeRole, // QString: "from->to", or empty
        SeverityRole, // int: lint::Severity
        HasFixRole, // bool
    };

    explicit DoctorModel(QObject* parent = nullptr);

    // Errors first, then warnings, then notes; the doctor's order within a severity.
    void setFindings(std::vector<lint::Finding> findings);
    const std::vector<lint::Finding>& findings() const { return m_findings; }
    const lint::Finding* finding(int row) const;
    // The row of the finding with this rule, node and edge, or -1.
    int rowOf(const QString& rule, const QString& node, const QString& edge) const;

    int count(lint::Severity severity) const;
    // "2 warnings, 1 note"; "no pitfalls" when empty.
    QString summary() const;

    static QIcon severityIcon(lint::Severity severity);
    static QString severityText(lint::Severity severity); // "Error", "Warning", "Note"

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refreshIcons();

    std::vector<lint::Finding> m_findings;
    QIcon m_icons[3]; // by lint::Severity; built once per list, not per paint
};

} // namespace streamlab::ui
