// The Problems tab: every problem of the job's validation (errors first), with the node, edge and
// field it concerns. Activating a row asks to select that node or edge. GUI thread only.
#pragma once

#include "model/job.h"

#include <QTreeWidget>
#include <vector>

namespace streamlab::ui {

class ProblemsWidget : public QTreeWidget {
    Q_OBJECT
public:
    explicit ProblemsWidget(QWidget* parent = nullptr);
    void setProblems(const std::vector<model::Problem>& problems);
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }

signals:
    void problemActivated(const QString& nodeKey, const QString& edgeKey);
    // Double-click or Enter on a problem: go to its field to fix it ("" when it names none).
    void problemOpened(const QString& nodeKey, const QString& edgeKey, const QString& field);

private:
    int m_errors = 0;
    int m_warnings = 0;
};

} // namespace streamlab::ui
