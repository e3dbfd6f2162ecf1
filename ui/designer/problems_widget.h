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

private:
    int m_errors = 0;
    int m_warnings = 0;
};

} // namespace streamlab::ui
