#include "whatif/compare_diff_model.h"

#include "common/sim_format.h"

namespace streamlab::ui {

void CompareDiffModel::setDiff(ResultDiff diff)
{
    beginResetModel();
    m_diff = std::move(diff);
    endResetModel();
}

int CompareDiffModel::rowCount(const QModelIndex& p) const
{
    return p.isValid() ? 0 : static_cast<int>(m_diff.rows.size());
}

int CompareDiffModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QString CompareDiffModel::kindText(DiffKind k)
{
    switch (k) {
    case DiffKind::OnlyInA:
        return tr("only in A");
    case DiffKind::OnlyInB:
        return tr("only in B");
    case DiffKind::Differ:
        return tr("differs");
    }
    return {};
}

namespace {

    QString valueText(const ResultDiffRow& r, const DiffSide& s)
    {
        if (!s.present)
            return {};
        if (!r.windowed)
            return QString::fromStdString(r.record);
        return simfmt::value(s.value);
    }

    QString firingsText(const ResultDiffRow& r, const DiffSide& s)
    {
        if (!s.present)
            return {};
        if (!r.windowed)
            return s.firings == 1 ? QObject::tr("1 record") : QObject::tr("%1 records").arg(s.firings);
        if (s.lateFirings > 0)
            return QObject::tr("%1 (%2 late)").arg(s.firings).arg(s.lateFirings);
        return QString::number(s.firings);
    }

    QString lastText(const ResultDiffRow& r, const DiffSide& s)
    {
        if (!s.present || !r.windowed)
            return {};
        QString f = QString::fromStdString(s.firing).replace('_', ' ');
        return s.pane >= 0 ? QObject::tr("%1, pane %2").arg(f).arg(s.pane) : f;
    }

} // namespace

QVariant CompareDiffModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const ResultDiffRow& r = m_diff.rows[static_cast<size_t>(index.row())];
    if (role == Qt::ForegroundRole && index.column() == Change)
        return r.kind == DiffKind::OnlyInA ? simfmt::seriesColor(0)
            : r.kind == DiffKind::OnlyInB  ? simfmt::seriesColor(1)
                                           : simfmt::lateColor();
    if (role == Qt::ToolTipRole && (index.column() == ValueA || index.column() == ValueB) && r.windowed) {
        const DiffSide& s = index.column() == ValueA ? r.a : r.b;
        return s.present
            ? (s.firings == 1 ? tr("Value of the only firing of this window")
                              : tr("Value of the last of %1 firings of this window").arg(s.firings))
            : tr("This run has no result for this window");
    }
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Change:
            return static_cast<int>(r.kind);
        case WindowStart:
            return r.windowed ? QVariant(qint64(r.windowStart)) : QVariant();
        case WindowEnd:
            return r.windowed ? QVariant(qint64(r.windowEnd)) : QVariant();
        case FiringsA:
            return qint64(r.a.firings);
        case FiringsB:
            return qint64(r.b.firings);
        case ValueA:
        case ValueB: {
            // Numbers sort as numbers.
            const DiffSide& s = index.column() == ValueA ? r.a : r.b;
            if (r.windowed && s.present) {
                if (const auto* i = std::get_if<int64_t>(&s.value))
                    return static_cast<double>(*i);
                if (const auto* d = std::get_if<double>(&s.value))
                    return *d;
            }
            break;
        }
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Change:
        return kindText(r.kind);
    case Sink:
        return QString::fromStdString(r.sink);
    case Key:
        return r.windowed ? QString::fromStdString(valueToText(r.key)) : tr("(record)");
    case WindowStart:
        if (!r.windowed)
            return {};
        return r.windowStart == kMinTimestamp ? tr("global") : simfmt::time(r.windowStart);
    case WindowEnd:
        if (!r.windowed)
            return {};
        return r.windowEnd == kMinTimestamp ? tr("global") : simfmt::time(r.windowEnd);
    case ValueA:
        return valueText(r, r.a);
    case ValueB:
        return valueText(r, r.b);
    case FiringsA:
        return firingsText(r, r.a);
    case FiringsB:
        return firingsText(r, r.b);
    case LastA:
        return lastText(r, r.a);
    case LastB:
        return lastText(r, r.b);
    }
    return {};
}

QVariant CompareDiffModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return {};
    static const char* kNames[] = { "Change", "Sink", "Key", "Window start", "Window end", "Value A",
        "Value B", "Firings A", "Firings B", "Last firing A", "Last firing B" };
    return tr(kNames[section]);
}

} // namespace streamlab::ui
