#include "replay/exchange_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLineSeries>
#include <QSplitter>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <algorithm>
#include <QValueAxis>
#include <QVBoxLayout>

namespace streamlab::ui {

void ExchangeModel::update(const runtime::ReplaySnapshot& snap)
{
    replaceRows(
        m_rows, snap.metrics.exchanges, [](const auto& a, const auto& b) { return a.from == b.from && a.to == b.to; },
        Records);
}

int ExchangeModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : int(m_rows.size()); }
int ExchangeModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QVariant ExchangeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || static_cast<size_t>(index.row()) >= m_rows.size())
        return {};
    const auto& x = m_rows[static_cast<size_t>(index.row())];
    if (role == Qt::TextAlignmentRole && index.column() >= Records)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Exchange:
        return QStringLiteral("%1 → %2").arg(QString::fromStdString(x.from), QString::fromStdString(x.to));
    case Partitioner:
        return QString::fromStdString(x.partitioner) + (x.chained ? tr(" (chained)") : QString());
    case Serializer:
        return x.chained ? tr("none") : x.genericSerializer ? tr("generic") : tr("typed");
    case Records:
        return qint64(x.records);
    case Bytes:
        return simfmt::bytes(x.bytes);
    case BytesPerRecord:
        return x.records && !x.chained ? QString::number(double(x.bytes) / double(x.records), 'f', 1)
                                       : QString("–");
    }
    return {};
}

QVariant ExchangeModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* kNames[]
        = { "Exchange", "Partitioner", "Serializer", "Records", "Bytes", "Bytes/record" };
    return tr(kNames[section]);
}

ExchangeView::ExchangeView(QWidget* parent)
    : SimView(parent)
    , m_model(new ExchangeModel(this))
    , m_table(new QTableView)
    , m_chart(new QChart)
    , m_axisX(new QCategoryAxis)
    , m_recordsAxis(new QValueAxis)
    , m_bytesAxis(new QValueAxis)
{
    setObjectName("exchangeView");
    m_table->setModel(m_model);
    m_table->setFrameShape(QFrame::NoFrame);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    m_table->setMinimumWidth(360);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    simfmt::styleChart(m_chart);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_recordsAxis, Qt::AlignLeft);
    m_chart->addAxis(m_bytesAxis, Qt::AlignRight);
    m_axisX->setTitleText(tr("processing time"));
    m_recordsAxis->setTitleText(tr("records/s"));
    m_recordsAxis->setLabelFormat("%.0f");
    m_bytesAxis->setTitleText(tr("KB/s serialized"));
    m_bytesAxis->setLabelFormat("%.1f");
    m_bytesAxis->setGridLineVisible(false);
    for (auto* a : { static_cast<QAbstractAxis*>(m_axisX), static_cast<QAbstractAxis*>(m_recordsAxis),
             static_cast<QAbstractAxis*>(m_bytesAxis) })
        simfmt::styleAxis(a);
    split->addWidget(simfmt::makeChartView(m_chart));
    split->setStretchFactor(1, 1);
    split->setSizes({ 520, 900 });
    // The table as wide as its columns (a scroll bar hid "Bytes/record"), while the chart keeps
    // at least its minimum; until the person moves the splitter.
    m_split = split;
    connect(m_model, &QAbstractItemModel::modelReset, this, &ExchangeView::fitTable, Qt::QueuedConnection);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ExchangeView::fitTable, Qt::QueuedConnection);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ExchangeView::fitTable, Qt::QueuedConnection);
    connect(split, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->addWidget(split);
}

void ExchangeView::fitTable()
{
    if (m_splitMoved || !isVisible())
        return;
    // The columns' own widths (length() is the viewport's, the last section stretching).
    int columns = 0;
    for (int c = 0; c < m_model->columnCount(); ++c)
        columns += std::max(static_cast<QAbstractItemView*>(m_table)->sizeHintForColumn(c), m_table->horizontalHeader()->sectionSizeHint(c));
    const int want = columns + 2 * m_table->frameWidth()
        + (m_table->verticalScrollBar()->isVisible() ? m_table->verticalScrollBar()->width() : 0) + 12;
    const int total = m_split->width();
    const int table = std::min(want, total - 320);
    if (total > 0 && table > m_table->width())
        m_split->setSizes({ table, total - table });
}

void ExchangeView::showEvent(QShowEvent* event)
{
    SimView::showEvent(event);
    QTimer::singleShot(0, this, [this] { fitTable(); });
}

void ExchangeView::resizeEvent(QResizeEvent* event)
{
    SimView::resizeEvent(event);
    fitTable();
}

void ExchangeView::updateModel() { m_model->update(*snapshot()); }

void ExchangeView::updateChart()
{
    const auto& h = *snapshot()->history;
    const auto& xs = m_model->exchanges();
    QList<size_t> shown;
    for (size_t i = 0; i < xs.size() && i < h.exchangeRecords.size(); ++i)
        if (!xs[i].chained)
            shown << i;
    while (m_records.size() < shown.size()) {
        const int i = int(m_records.size());
        auto* r = new QLineSeries;
        auto* b = new QLineSeries;
        r->setPen(QPen(simfmt::seriesColor(i), 2));
        b->setPen(QPen(simfmt::seriesColor(i + 1), 1.4, Qt::DashLine));
        m_chart->addSeries(r);
        m_chart->addSeries(b);
        r->attachAxis(m_axisX);
        r->attachAxis(m_recordsAxis);
        b->attachAxis(m_axisX);
        b->attachAxis(m_bytesAxis);
        m_records << r;
        m_bytes << b;
    }
    double maxR = 0, maxB = 0;
    for (int i = 0; i < m_records.size(); ++i) {
        const bool used = i < shown.size();
        m_records[i]->setVisible(used);
        m_bytes[i]->setVisible(used);
        if (!used)
            continue;
        const size_t x = shown[i];
        const QString name = QStringLiteral("%1 → %2 (%3)")
                                 .arg(QString::fromStdString(xs[x].from), QString::fromStdString(xs[x].to),
                                     QString::fromStdString(xs[x].partitioner));
        m_records[i]->setName(name + tr(" records/s"));
        m_bytes[i]->setName(tr("KB/s serialized"));
        QList<QPointF> pr, pb;
        for (size_t k = 1; k < h.time.size(); ++k) {
            const double dt = static_cast<double>(h.time[k] - h.time[k - 1]) / 1000.0;
            if (dt <= 0 || k >= h.exchangeRecords[x].size())
                continue;
            const double r = static_cast<double>(h.exchangeRecords[x][k] - h.exchangeRecords[x][k - 1]) / dt;
            const double b
                = static_cast<double>(h.exchangeBytes[x][k] - h.exchangeBytes[x][k - 1]) / dt / 1024.0;
            pr.push_back({ static_cast<qreal>(h.time[k]), r });
            pb.push_back({ static_cast<qreal>(h.time[k]), b });
            maxR = std::max(maxR, r);
            maxB = std::max(maxB, b);
        }
        m_records[i]->replace(pr);
        m_bytes[i]->replace(pb);
    }
    if (!h.time.empty()) {
        simfmt::setTimeAxis(m_chart, m_axisX, h.time.front(), std::max(h.time.back(), h.time.front() + 1000));
    }
    m_recordsAxis->setRange(0, std::max(10.0, maxR * 1.1));
    m_recordsAxis->applyNiceNumbers();
    m_bytesAxis->setRange(0, std::max(1.0, maxB * 1.1));
    m_bytesAxis->applyNiceNumbers();
    m_chart->setTitle(tr("Throughput and serialization per exchange"));
}

} // namespace streamlab::ui
