#include "replay/load_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

namespace streamlab::ui {

void LoadModel::update(const runtime::ReplaySnapshot& snap, const runtime::Plan& plan)
{
    QList<Row> rows;
    for (const auto& o : snap.metrics.operators) {
        const runtime::PlanOperator* po = plan.op(o.id);
        for (size_t s = 0; s < o.subtasks.size(); ++s) {
            Row r;
            r.op = QString::fromStdString(o.id);
            r.subtask = static_cast<int>(s);
            r.in = o.subtasks[s].recordsIn;
            r.out = o.subtasks[s].recordsOut;
            r.busyNs = o.subtasks[s].busyNs;
            if (po && po->keyed && s < po->keyGroups.size()) {
                const auto& kg = po->keyGroups[s];
                r.keyGroups = QStringLiteral("%1–%2").arg(kg.first).arg(kg.last);
                for (int g = kg.first; g <= kg.last && g < static_cast<int>(o.keyGroupRecords.size()); ++g)
                    r.usedKeyGroups += o.keyGroupRecords[static_cast<size_t>(g)] > 0;
            }
            rows.push_back(r);
        }
    }
    replaceRows(
        m_rows, std::move(rows), [](const Row& a, const Row& b) { return a.op == b.op && a.subtask == b.subtask; },
        RecordsIn);
}

int LoadModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int LoadModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LoadModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& r = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Operator:
            return r.op;
        case Subtask:
            return r.subtask;
        case RecordsIn:
            return r.in;
        case RecordsOut:
            return r.out;
        case KeyGroups:
            return r.keyGroups;
        case BusyMs:
            return static_cast<double>(r.busyNs) / 1e6;
        }
    }
    return {};
}

QVariant LoadModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* kNames[]
        = { "Operator", "Subtask", "Records in", "Records out", "Key groups", "Busy ms" };
    return tr(kNames[section]);
}

QList<qint64> LoadModel::recordsIn(const QString& op) const
{
    QList<qint64> v;
    for (const auto& r : m_rows)
        if (r.op == op)
            v.push_back(r.in);
    return v;
}

QStringList LoadModel::operators() const
{
    QStringList ops;
    for (const auto& r : m_rows)
        if (!ops.contains(r.op))
            ops << r.op;
    return ops;
}

LoadView::LoadView(QWidget* parent)
    : SimView(parent)
    , m_model(new LoadModel(this))
    , m_operator(new QComboBox)
    , m_summary(new QLabel)
    , m_chart(new QChart)
    , m_series(new QBarSeries)
    , m_in(new QBarSet(tr("records in")))
    , m_axisX(new QBarCategoryAxis)
    , m_axisY(new QValueAxis)
{
    setObjectName("loadView");
    m_operator->setObjectName("loadOperator");
    // As wide as the longest operator name ("avgPer5r" for avgPer5m otherwise).
    m_operator->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* top = new QHBoxLayout;
    top->setContentsMargins(8, 6, 8, 0);
    top->addWidget(new QLabel(tr("Operator")));
    top->addWidget(m_operator);
    top->addSpacing(12);
    top->addWidget(m_summary, 1);
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addLayout(top);
    simfmt::styleChart(m_chart);
    m_chart->legend()->hide();
    m_series->append(m_in);
    m_series->setBarWidth(0.7);
    m_chart->addSeries(m_series);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);
    m_axisX->setTitleText(tr("subtask"));
    m_axisY->setTitleText(tr("records in"));
    m_axisY->setLabelFormat("%.0f");
    simfmt::styleAxis(m_axisX);
    simfmt::styleAxis(m_axisY);
    m_in->setColor(theme::accent());
    m_in->setBorderColor(theme::accent());
    lay->addWidget(simfmt::makeChartView(m_chart), 1);
    connect(m_operator, &QComboBox::currentTextChanged, this, [this] {
        if (snapshot())
            updateChart();
    });
    connect(m_in, &QBarSet::hovered, this, [this](bool on, int i) {
        if (!on) {
            QToolTip::hideText();
            return;
        }
        const QString op = currentOperator();
        for (const auto& r : m_model->rows()) {
            if (r.op != op || r.subtask != i)
                continue;
            QString tip = tr("<b>%1 · subtask %2</b><br>records in: %3<br>records out: %4")
                              .arg(op)
                              .arg(i)
                              .arg(r.in)
                              .arg(r.out);
            if (!r.keyGroups.isEmpty())
                tip += tr("<br>key groups %1 (%2 with records)").arg(r.keyGroups).arg(r.usedKeyGroups);
            QToolTip::showText(QCursor::pos(), tip, this);
        }
    });
}

QString LoadView::currentOperator() const { return m_operator->currentText(); }
void LoadView::setCurrentOperator(const QString& op) { m_operator->setCurrentText(op); }

void LoadView::jobChanged()
{
    QSignalBlocker block(m_operator);
    const QString previous = m_operator->currentText();
    m_operator->clear();
    QString preferred;
    for (const auto& o : m_plan.operators) {
        const QString id = QString::fromStdString(o.id);
        m_operator->addItem(id);
        if (preferred.isEmpty() && o.keyed)
            preferred = id;
    }
    if (m_operator->findText(previous) >= 0)
        m_operator->setCurrentText(previous);
    else if (!preferred.isEmpty())
        m_operator->setCurrentText(preferred);
}

void LoadView::updateModel() { m_model->update(*snapshot(), m_plan); }

void LoadView::updateChart()
{
    const QString op = currentOperator();
    const QList<qint64> in = m_model->recordsIn(op);
    QStringList cats;
    qint64 max = 0, sum = 0;
    int zero = 0;
    QList<qreal> values;
    for (int i = 0; i < in.size(); ++i) {
        cats << QString::number(i);
        values << static_cast<qreal>(in[i]);
        max = std::max(max, in[i]);
        sum += in[i];
        zero += in[i] == 0;
    }
    if (m_axisX->categories() != cats) {
        m_axisX->setCategories(cats);
    }
    if (m_in->count() != values.size()) {
        m_in->remove(0, m_in->count());
        m_in->append(values);
    } else {
        for (int i = 0; i < values.size(); ++i)
            if (m_in->at(i) != values[i])
                m_in->replace(i, values[i]);
    }
    m_axisY->setRange(0, std::max<qreal>(10, static_cast<qreal>(max) * 1.1));
    m_axisY->applyNiceNumbers();
    const double mean = in.isEmpty() ? 0 : static_cast<double>(sum) / static_cast<double>(in.size());
    QString text = tr("max <b>%1</b> · mean <b>%2</b>").arg(simfmt::count(max), simfmt::count(qint64(mean)));
    if (mean > 0)
        text += tr(" · skew <b>%1×</b>").arg(static_cast<double>(max) / mean, 0, 'f', 2);
    if (zero > 0 && sum > 0)
        text += tr(" · <span style='color:%1'>%2 idle subtask(s)</span>")
                    .arg(simfmt::droppedColor().name())
                    .arg(zero);
    m_summary->setText(text);
    m_chart->setTitle(tr("Records in per subtask — %1").arg(op));
}

} // namespace streamlab::ui
