#include "replay/watermark_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>

namespace streamlab::ui {

void WatermarkModel::update(const runtime::ReplaySnapshot& snap)
{
    m_history = snap.history;
    QList<Row> rows;
    const auto& h = *snap.history;
    for (size_t i = 0; i < h.watermarkSeries.size(); ++i) {
        const auto& k = h.watermarkSeries[i];
        Row r;
        r.key = k;
        r.series = i;
        const QString node = QString::fromStdString(k.node);
        r.name = k.split >= 0 ? tr("%1[%2] partition %3").arg(node).arg(k.subtask).arg(k.split)
                              : QStringLiteral("%1[%2]").arg(node).arg(k.subtask);
        if (!h.time.empty()) {
            r.watermark = h.watermarks[i].back();
            r.idle = h.idle[i].back();
            for (char c : h.idle[i])
                r.everIdle = r.everIdle || c;
        }
        // The live value is fresher than the last sample for operator subtasks.
        if (k.split < 0)
            if (const auto* o = snap.metrics.op(k.node);
                o && static_cast<size_t>(k.subtask) < o->subtasks.size()) {
                r.watermark = o->subtasks[static_cast<size_t>(k.subtask)].watermark;
                r.idle = o->subtasks[static_cast<size_t>(k.subtask)].idle;
            }
        rows.push_back(r);
    }
    m_maxEventTime = h.maxEventTime.empty() ? kMinTimestamp : h.maxEventTime.back();
    replaceRows(m_rows, std::move(rows), [](const Row& a, const Row& b) { return a.name == b.name; }, Watermark);
}

int WatermarkModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : int(m_rows.size()); }
int WatermarkModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QVariant WatermarkModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole || index.row() >= m_rows.size())
        return {};
    const Row& r = m_rows[index.row()];
    switch (index.column()) {
    case Series:
        return r.name;
    case Watermark:
        return r.watermark;
    case Idle:
        return r.idle;
    case Lag:
        return r.watermark == kMinTimestamp || r.watermark == kMaxTimestamp || m_maxEventTime == kMinTimestamp
            ? QVariant()
            : QVariant(m_maxEventTime - r.watermark);
    }
    return {};
}

QVariant WatermarkModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* kNames[] = { "Series", "Watermark", "Idle", "Lag (ms)" };
    return tr(kNames[section]);
}

WatermarkView::WatermarkView(QWidget* parent)
    : SimView(parent)
    , m_model(new WatermarkModel(this))
    , m_summary(new QLabel)
    , m_legend(new QLabel)
    , m_chart(new QChart)
    , m_axisX(new QCategoryAxis)
    , m_axisY(new QCategoryAxis)
    , m_maxEvent(new QLineSeries)
    , m_idle(new QScatterSeries)
{
    setObjectName("watermarkView");
    m_summary->setContentsMargins(8, 6, 8, 0);
    m_summary->setTextFormat(Qt::RichText);
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addWidget(m_summary);
    simfmt::styleChart(m_chart);
    m_chart->legend()->hide();
    m_legend->setObjectName("watermarkLegend");
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    m_legend->setContentsMargins(8, 2, 8, 0);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_axisX->setTitleText(tr("processing time"));
    m_axisY->setTitleText(tr("watermark (event time)"));
    simfmt::styleAxis(m_axisX);
    simfmt::styleAxis(m_axisY);
    m_maxEvent->setName(tr("max event time"));
    m_maxEvent->setPen(QPen(theme::mutedText(), 1.2, Qt::DotLine));
    m_chart->addSeries(m_maxEvent);
    m_maxEvent->attachAxis(m_axisX);
    m_maxEvent->attachAxis(m_axisY);
    m_idle->setName(tr("idle (marked idle, excluded from the minimum)"));
    m_idle->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_idle->setMarkerSize(7);
    QColor grey = theme::mutedText();
    grey.setAlpha(200);
    m_idle->setColor(grey);
    m_idle->setBorderColor(Qt::transparent);
    m_chart->addSeries(m_idle);
    m_idle->attachAxis(m_axisX);
    m_idle->attachAxis(m_axisY);
    // Above the chart, under the summary: in a short dock the view scrolls, and a legend under
    // the chart would be out of sight.
    lay->insertWidget(1, m_legend);
    lay->addWidget(simfmt::makeChartView(m_chart), 1);
}

void WatermarkView::updateLegend()
{
    // Each drawn line with its own colour and stroke, then the idle marker when there is one.
    auto entry = [](const QColor& c, const QString& mark, const QString& name) {
        // An entry wraps as a whole (its spaces do not break), the line between entries.
        return QStringLiteral("<span style='color:%1'>%2</span>&nbsp;%3")
            .arg(c.name(), mark, name.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    };
    QStringList entries;
    if (m_maxEvent->count() > 0)
        entries << entry(theme::mutedText(), QStringLiteral("┈┈"), m_maxEvent->name());
    for (QLineSeries* s : m_lines)
        if (s->isVisible())
            entries << entry(s->pen().color(), s->pen().style() == Qt::SolidLine ? QStringLiteral("━━") : QStringLiteral("╍╍"),
                s->name());
    if (m_idle->count() > 0)
        entries << entry(theme::mutedText(), QStringLiteral("■"), m_idle->name());
    m_legend->setText(entries.join(QStringLiteral(" &nbsp;&nbsp; ")));
    m_legend->setVisible(!entries.isEmpty());
}

int WatermarkView::idleMarkers() const { return int(m_idle->count()); }

void WatermarkView::updateModel() { m_model->update(*snapshot()); }

void WatermarkView::updateChart()
{
    qint64 slowest = kMaxTimestamp;
    QString slowestName;
    QStringList idle;
    for (const auto& r : m_model->rows()) {
        if (r.idle)
            idle << r.name;
        if (r.key.split < 0 && r.watermark < slowest && !r.idle) {
            slowest = r.watermark;
            slowestName = r.name;
        }
    }
    QString text = tr("max event time <b>%1</b>").arg(simfmt::time(m_model->maxEventTime()));
    if (slowest != kMaxTimestamp && slowest != kMinTimestamp && m_model->maxEventTime() != kMinTimestamp)
        text += tr(" · slowest watermark <b>%1</b> (%2), lag <b>%3</b>")
                    .arg(simfmt::time(slowest), slowestName,
                        simfmt::duration(m_model->maxEventTime() - slowest));
    if (!idle.isEmpty())
        text += tr(" · <span style='color:%1'>idle: %2</span>")
                    .arg(theme::mutedText().name(), idle.join(", "));
    m_summary->setText(text);

    const auto* h = m_model->history();
    if (!h || h->time.empty()) {
        // A run that has not begun (another job was opened): no line of the previous job's.
        for (auto* s : m_lines)
            s->setVisible(false);
        m_maxEvent->clear();
        m_idle->clear();
        updateLegend();
        return;
    }
    // Which series to draw: source partitions first, then subtasks, at most kMaxSeries.
    QList<const WatermarkModel::Row*> rows;
    for (const auto& r : m_model->rows())
        if (r.key.split >= 0 && rows.size() < kMaxSeries)
            rows << &r;
    for (const auto& r : m_model->rows())
        if (r.key.split < 0 && rows.size() < kMaxSeries)
            rows << &r;
    if (m_lines.size() < rows.size()) {
        while (m_lines.size() < rows.size()) {
            auto* s = new QLineSeries;
            m_chart->addSeries(s);
            s->attachAxis(m_axisX);
            s->attachAxis(m_axisY);
            m_lines << s;
        }
        // Idle markers on top of the lines.
        m_chart->removeSeries(m_idle);
        m_chart->addSeries(m_idle);
        m_idle->attachAxis(m_axisX);
        m_idle->attachAxis(m_axisY);
    }
    int64_t minY = INT64_MAX, maxY = INT64_MIN;
    QList<QPointF> idlePts;
    for (int i = 0; i < m_lines.size(); ++i) {
        auto* s = m_lines[i];
        if (i >= rows.size()) {
            s->setVisible(false);
            continue;
        }
        const auto& r = *rows[i];
        s->setVisible(true);
        s->setName(r.name);
        QPen pen(simfmt::seriesColor(i), r.key.split >= 0 ? 2.0 : 1.4,
            r.key.split >= 0 ? Qt::SolidLine : Qt::DashLine);
        s->setPen(pen);
        QList<QPointF> pts;
        const auto& w = h->watermarks[r.series];
        const auto& idle = h->idle[r.series];
        for (size_t k = 0; k < h->time.size() && k < w.size(); ++k) {
            if (w[k] == kMinTimestamp || w[k] == kMaxTimestamp)
                continue;
            QPointF p(static_cast<qreal>(h->time[k]), static_cast<qreal>(w[k]));
            pts.push_back(p);
            if (idle[k])
                idlePts.push_back(p);
            minY = std::min(minY, w[k]);
            maxY = std::max(maxY, w[k]);
        }
        s->replace(pts);
    }
    QList<QPointF> maxPts;
    for (size_t k = 0; k < h->time.size(); ++k)
        if (h->maxEventTime[k] != kMinTimestamp) {
            maxPts.push_back({ static_cast<qreal>(h->time[k]), static_cast<qreal>(h->maxEventTime[k]) });
            minY = std::min(minY, h->maxEventTime[k]);
            maxY = std::max(maxY, h->maxEventTime[k]);
        }
    m_maxEvent->replace(maxPts);
    if (idlePts.size() > 400) {
        QList<QPointF> thin;
        const double step = double(idlePts.size()) / 400;
        for (double i = 0; i < double(idlePts.size()); i += step)
            thin.push_back(idlePts[qsizetype(i)]);
        idlePts = thin;
    }
    m_idle->replace(idlePts);
    simfmt::setTimeAxis(m_chart, m_axisX, h->time.front(), std::max(h->time.back(), h->time.front() + 1000));
    if (minY <= maxY) {
        const int64_t pad = std::max<int64_t>(1000, (maxY - minY) / 20);
        simfmt::setTimeAxis(m_chart, m_axisY, minY - pad, maxY + pad);
    }
    m_chart->setTitle(tr("Watermarks per partition and subtask"));
    updateLegend();
}

} // namespace streamlab::ui
