#include "replay/state_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

namespace streamlab::ui {

void StateModel::update(const runtime::ReplaySnapshot& snap)
{
    if (snap.history == m_history)
        return;
    const int oldRows = rowCount(), oldCols = columnCount();
    const bool sameOps
        = m_history && snap.history && m_history->stateOperators == snap.history->stateOperators;
    const bool decimated = m_history && snap.history && snap.history->interval != m_history->interval;
    if (!sameOps || decimated || !snap.history || snap.history->time.size() < m_history->time.size()) {
        beginResetModel();
        m_history = snap.history;
        endResetModel();
        return;
    }
    const int newRows = int(snap.history->time.size());
    if (newRows > oldRows) {
        beginInsertRows({}, oldRows, newRows - 1);
        m_history = snap.history;
        endInsertRows();
    } else {
        m_history = snap.history;
    }
    if (oldRows > 0 && oldCols > 0)
        emit dataChanged(index(oldRows - 1, 0), index(oldRows - 1, oldCols - 1));
}

int StateModel::rowCount(const QModelIndex& p) const
{
    return p.isValid() || !m_history ? 0 : int(m_history->time.size());
}

int StateModel::columnCount(const QModelIndex& p) const
{
    return p.isValid() || !m_history ? 0 : 1 + 2 * int(m_history->stateOperators.size());
}

QVariant StateModel::data(const QModelIndex& index, int role) const
{
    if (!m_history || !index.isValid() || role != Qt::DisplayRole)
        return {};
    const auto row = static_cast<size_t>(index.row());
    if (index.column() == 0)
        return qint64(m_history->time[row]);
    const auto op = static_cast<size_t>((index.column() - 1) / 2);
    return qint64(
        (index.column() - 1) % 2 == 0 ? m_history->stateEntries[op][row] : m_history->stateBytes[op][row]);
}

QVariant StateModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (!m_history || o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == 0)
        return tr("Processing time");
    const auto op = QString::fromStdString(m_history->stateOperators[static_cast<size_t>((section - 1) / 2)]);
    return (section - 1) % 2 == 0 ? tr("%1 entries").arg(op) : tr("%1 bytes").arg(op);
}

QStringList StateModel::operators() const
{
    QStringList ops;
    if (m_history)
        for (const auto& o : m_history->stateOperators)
            ops << QString::fromStdString(o);
    return ops;
}

QString StateModel::backend(const QString& op) const
{
    if (m_history)
        for (size_t i = 0; i < m_history->stateOperators.size(); ++i)
            if (QString::fromStdString(m_history->stateOperators[i]) == op)
                return QString::fromStdString(m_history->stateBackends[i]);
    return {};
}

StateView::StateView(QWidget* parent)
    : SimView(parent)
    , m_model(new StateModel(this))
    , m_chart(new QChart)
    , m_axisX(new QCategoryAxis)
    , m_entriesAxis(new QValueAxis)
    , m_bytesAxis(new QValueAxis)
{
    setObjectName("stateView");
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    simfmt::styleChart(m_chart);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_entriesAxis, Qt::AlignLeft);
    m_chart->addAxis(m_bytesAxis, Qt::AlignRight);
    m_axisX->setTitleText(tr("processing time"));
    m_entriesAxis->setTitleText(tr("entries"));
    m_entriesAxis->setLabelFormat("%.0f");
    m_bytesAxis->setTitleText(tr("KB"));
    m_bytesAxis->setLabelFormat("%.0f");
    for (auto* a : { static_cast<QAbstractAxis*>(m_axisX), static_cast<QAbstractAxis*>(m_entriesAxis),
             static_cast<QAbstractAxis*>(m_bytesAxis) })
        simfmt::styleAxis(a);
    m_bytesAxis->setGridLineVisible(false);
    lay->addWidget(simfmt::makeChartView(m_chart), 1);
}

void StateView::updateModel() { m_model->update(*snapshot()); }

void StateView::updateChart()
{
    const auto* h = m_model->history();
    if (!h)
        return;
    const QStringList ops = m_model->operators();
    while (m_entries.size() < ops.size()) {
        const int i = int(m_entries.size());
        auto* e = new QLineSeries;
        auto* b = new QLineSeries;
        QPen pe(simfmt::seriesColor(2 * i), 2);
        QPen pb(simfmt::seriesColor(2 * i + 1), 1.6, Qt::DashLine);
        e->setPen(pe);
        b->setPen(pb);
        m_chart->addSeries(e);
        m_chart->addSeries(b);
        e->attachAxis(m_axisX);
        e->attachAxis(m_entriesAxis);
        b->attachAxis(m_axisX);
        b->attachAxis(m_bytesAxis);
        m_entries << e;
        m_bytes << b;
    }
    int64_t maxE = 0, maxB = 0;
    for (int i = 0; i < m_entries.size(); ++i) {
        const bool used = i < ops.size();
        m_entries[i]->setVisible(used);
        m_bytes[i]->setVisible(used);
        if (!used)
            continue;
        m_entries[i]->setName(tr("%1 entries (%2)").arg(ops[i], m_model->backend(ops[i])));
        m_bytes[i]->setName(tr("%1 KB").arg(ops[i]));
        QList<QPointF> pe, pb;
        pe.reserve(qsizetype(h->time.size()));
        pb.reserve(qsizetype(h->time.size()));
        for (size_t s = 0; s < h->time.size(); ++s) {
            const auto t = static_cast<qreal>(h->time[s]);
            pe.push_back({ t, static_cast<qreal>(h->stateEntries[static_cast<size_t>(i)][s]) });
            pb.push_back({ t, static_cast<qreal>(h->stateBytes[static_cast<size_t>(i)][s]) / 1024.0 });
            maxE = std::max(maxE, h->stateEntries[static_cast<size_t>(i)][s]);
            maxB = std::max(maxB, h->stateBytes[static_cast<size_t>(i)][s]);
        }
        m_entries[i]->replace(pe);
        m_bytes[i]->replace(pb);
    }
    if (!h->time.empty()) {
        simfmt::setTimeAxis(m_chart, m_axisX, h->time.front(), std::max(h->time.back(), h->time.front() + 1000));
    }
    m_entriesAxis->setRange(0, std::max<qreal>(10, static_cast<qreal>(maxE) * 1.1));
    m_entriesAxis->applyNiceNumbers();
    m_bytesAxis->setRange(0, std::max<qreal>(1, static_cast<qreal>(maxB) / 1024.0 * 1.1));
    m_bytesAxis->applyNiceNumbers();
    QStringList now;
    const auto& snap = *snapshot();
    for (int i = 0; i < ops.size(); ++i)
        if (const auto* o = snap.metrics.op(ops[i].toStdString())) {
            qint64 e = 0, b = 0;
            for (const auto& s : o->subtasks) {
                e += s.stateEntries;
                b += s.stateBytes;
            }
            QString text = tr("%1: %2 entries, %3 (%4)")
                               .arg(ops[i], simfmt::count(e), simfmt::bytes(b), m_model->backend(ops[i]));
            // The peak beside the value now: at the end of a replay every window has fired and
            // its state is gone, and "0 entries" alone says nothing of what the job held.
            int64_t peakE = 0, peakB = 0;
            for (size_t s = 0; s < h->time.size(); ++s) {
                peakE = std::max(peakE, h->stateEntries[static_cast<size_t>(i)][s]);
                peakB = std::max(peakB, h->stateBytes[static_cast<size_t>(i)][s]);
            }
            if (peakE > e)
                text += tr(", peak %1 entries, %2").arg(simfmt::count(peakE), simfmt::bytes(peakB));
            now << text;
        }
    m_chart->setTitle(now.isEmpty() ? tr("State size — no keyed state in this job")
                                    : tr("State size — ") + now.join(" · "));
}

} // namespace streamlab::ui
