#include "designer/problems_widget.h"

#include "common/theme.h"

#include <QHeaderView>

namespace streamlab::ui {

ProblemsWidget::ProblemsWidget(QWidget* parent)
    : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({ tr("Problem"), tr("Where"), tr("Field") });
    setRootIsDecorated(false);
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
    setFrameShape(QFrame::NoFrame);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    auto activate = [this](QTreeWidgetItem* item) {
        if (item)
            emit problemActivated(
                item->data(0, Qt::UserRole).toString(), item->data(0, Qt::UserRole + 1).toString());
    };
    connect(this, &QTreeWidget::itemClicked, this, activate);
    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        if (item)
            emit problemOpened(item->data(0, Qt::UserRole).toString(), item->data(0, Qt::UserRole + 1).toString(),
                item->text(2));
    });
}

void ProblemsWidget::setProblems(const std::vector<model::Problem>& problems)
{
    clear();
    m_errors = m_warnings = 0;
    const QIcon errorIcon = theme::icon("error");
    const QIcon warningIcon = theme::icon("warning");
    for (int pass = 0; pass < 2; ++pass) {
        const auto sev = pass == 0 ? model::Severity::Error : model::Severity::Warning;
        for (const auto& p : problems) {
            if (p.severity != sev)
                continue;
            (pass == 0 ? m_errors : m_warnings)++;
            auto* item = new QTreeWidgetItem(this);
            item->setIcon(0, pass == 0 ? errorIcon : warningIcon);
            item->setText(0, QString::fromStdString(p.message));
            QString where = !p.nodeId.empty() ? tr("node %1").arg(QString::fromStdString(p.nodeId))
                : !p.edgeId.empty()           ? tr("edge %1").arg(QString::fromStdString(p.edgeId))
                                              : tr("job");
            item->setText(1, where);
            item->setText(2, QString::fromStdString(p.field));
            item->setToolTip(0, QString::fromStdString(p.toString()));
            item->setData(0, Qt::UserRole, QString::fromStdString(p.nodeId));
            item->setData(0, Qt::UserRole + 1, QString::fromStdString(p.edgeId));
        }
    }
}

} // namespace streamlab::ui
