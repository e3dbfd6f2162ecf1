#include "doctor/doctor_model.h"

#include "common/theme.h"

#include <QPainter>
#include <algorithm>

namespace streamlab::ui {

DoctorModel::DoctorModel(QObject* parent)
    : RowTableModel(parent)
{
    refreshIcons();
}

void DoctorModel::refreshIcons()
{
    for (auto s : { lint::Severity::Info, lint::Severity::Warning, lint::Severity::Error })
        m_icons[int(s)] = severityIcon(s);
}

static int rank(lint::Severity s)
{
    return s == lint::Severity::Error ? 0 : s == lint::Severity::Warning ? 1 : 2;
}

static bool sameFinding(const lint::Finding& a, const lint::Finding& b)
{
    return a.rule == b.rule && a.node == b.node && a.edge == b.edge && a.severity == b.severity;
}

void DoctorModel::setFindings(std::vector<lint::Finding> findings)
{
    std::stable_sort(findings.begin(), findings.end(),
        [](const lint::Finding& a, const lint::Finding& b) { return rank(a.severity) < rank(b.severity); });
    refreshIcons(); // the note's icon follows the palette
    replaceRows(m_findings, std::move(findings), sameFinding, 0);
}

const lint::Finding* DoctorModel::finding(int row) const
{
    return row >= 0 && row < rowCount() ? &m_findings[size_t(row)] : nullptr;
}

int DoctorModel::rowOf(const QString& rule, const QString& node, const QString& edge) const
{
    for (size_t i = 0; i < m_findings.size(); ++i) {
        const auto& f = m_findings[i];
        if (f.rule == rule.toStdString() && f.node == node.toStdString() && f.edge == edge.toStdString())
            return int(i);
    }
    return -1;
}

int DoctorModel::count(lint::Severity severity) const
{
    return int(std::count_if(
        m_findings.begin(), m_findings.end(), [severity](const auto& f) { return f.severity == severity; }));
}

QString DoctorModel::summary() const
{
    if (m_findings.empty())
        return tr("no pitfalls");
    QStringList parts;
    if (int n = count(lint::Severity::Error))
        parts << (n == 1 ? tr("1 error") : tr("%1 errors").arg(n));
    if (int n = count(lint::Severity::Warning))
        parts << (n == 1 ? tr("1 warning") : tr("%1 warnings").arg(n));
    if (int n = count(lint::Severity::Info))
        parts << (n == 1 ? tr("1 note") : tr("%1 notes").arg(n));
    return parts.join(QStringLiteral(", "));
}

QIcon DoctorModel::severityIcon(lint::Severity severity)
{
    switch (severity) {
    case lint::Severity::Error:
        return theme::icon("error");
    case lint::Severity::Warning:
        return theme::icon("warning");
    case lint::Severity::Info:
        break;
    }
    // No icon file for a note: an "i" in the accent colour, drawn like error.svg's disc.
    QIcon icon;
    for (int size : { 16, 24, 32 }) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(theme::accent());
        p.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1));
        p.setPen(QPen(Qt::white, size / 8.0, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(size / 2.0, size * 0.45), QPointF(size / 2.0, size * 0.75));
        p.drawPoint(QPointF(size / 2.0, size * 0.27));
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

QString DoctorModel::severityText(lint::Severity severity)
{
    switch (severity) {
    case lint::Severity::Error:
        return tr("Error");
    case lint::Severity::Warning:
        return tr("Warning");
    case lint::Severity::Info:
        break;
    }
    return tr("Note");
}

int DoctorModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_findings.size());
}

int DoctorModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DoctorModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const lint::Finding& f = m_findings[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn: {
            // "Every late element re-fires its whole window": the rules write titles in lower case.
            QString title = QString::fromStdString(f.title);
            if (!title.isEmpty())
                title[0] = title[0].toUpper();
            return title;
        }
        case WhereColumn:
            if (!f.node.empty())
                return QString::fromStdString(f.node);
            if (!f.edge.empty())
                return QString::fromStdString(f.edge);
            return tr("job");
        case RuleColumn:
            return QString::fromStdString(f.rule);
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == TitleColumn)
            return m_icons[int(f.severity)];
        break;
    case Qt::ToolTipRole:
        return QString::fromStdString(f.headline());
    case RuleRole:
        return QString::fromStdString(f.rule);
    case NodeRole:
        return QString::fromStdString(f.node);
    case EdgeRole:
        return QString::fromStdString(f.edge);
    case SeverityRole:
        return int(f.severity);
    case HasFixRole:
        return f.fix.has_value();
    }
    return {};
}

QVariant DoctorModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Pitfall");
    case WhereColumn:
        return tr("Where");
    case RuleColumn:
        return tr("Rule");
    }
    return {};
}

} // namespace streamlab::ui
