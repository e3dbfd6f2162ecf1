#include "whatif/sweep_table_model.h"

#include "common/sim_format.h"

namespace streamlab::ui {

void SweepTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void SweepTableModel::append(Row row)
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.push_back(std::move(row));
    endInsertRows();
}

int SweepTableModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : int(m_rows.size()); }
int SweepTableModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QVariant SweepTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& r = m_rows[index.row()];
    const whatif::SweepOutcome& o = r.outcome;
    if (role == Qt::TextAlignmentRole)
        return index.column() == Value ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                       : int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Value)
        return tr("Click to apply %1 to the job").arg(r.value);
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Value:
            return r.value;
        case Completeness:
            return o.completeness;
        case LatencyMedian:
            return qint64(o.latencyMedian);
        case LatencyP99:
            return qint64(o.latencyP99);
        case LatencyMax:
            return qint64(o.latencyMax);
        case WallTime:
            return o.wallSeconds;
        default:
            break;
        }
    }
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    switch (index.column()) {
    case Value:
        return r.value;
    case Completeness:
        return std::isnan(o.completeness) ? tr("n/a")
                                          : QStringLiteral("%1 %").arg(o.completeness * 100, 0, 'f', 2);
    case LatencyMedian:
        return simfmt::duration(o.latencyMedian);
    case LatencyP99:
        return simfmt::duration(o.latencyP99);
    case LatencyMax:
        return simfmt::duration(o.latencyMax);
    case Windows:
        return qint64(o.windows);
    case LateFirings:
        return qint64(o.lateFirings);
    case LateDropped:
        return qint64(o.lateDropped);
    case SideOutput:
        return qint64(o.sideOutput);
    case PeakStateEntries:
        return qint64(o.peakStateEntries);
    case PeakStateBytes:
        return role == Qt::UserRole ? QVariant(qint64(o.peakStateBytes))
                                    : QVariant(simfmt::bytes(o.peakStateBytes));
    case Events:
        return qint64(o.events);
    case WallTime:
        return QStringLiteral("%1 s").arg(o.wallSeconds, 0, 'f', 2);
    }
    return {};
}

QVariant SweepTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::ToolTipRole) {
        static const char* kTips[] = { "The parameter's value in this replay",
            "Share of (event, window) assignments counted in on-time results",
            "Median latency of a window's on-time result after its last on-time element (processing time)",
            "99th percentile of that latency", "Largest latency", "Windows with an on-time result",
            "Late firings (elements within the allowed lateness re-firing their window)",
            "Late elements dropped", "Late elements sent to the late side output",
            "Peak state entries over all operators", "Peak state size over all operators", "Events replayed",
            "Wall-clock time of the replay (measured, not deterministic)" };
        return tr(kTips[section]);
    }
    if (role != Qt::DisplayRole)
        return {};
    static const char* kNames[]
        = { "Value", "Completeness", "Latency p50", "p99", "max", "Windows", "Late firings", "Late dropped",
              "Side output", "Peak state entries", "Peak state", "Events", "Wall time" };
    return tr(kNames[section]);
}

} // namespace streamlab::ui
