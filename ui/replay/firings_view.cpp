#include "replay/firings_view.h"

#include "common/sim_format.h"
#include "common/theme.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QScatterSeries>
#include <QVBoxLayout>

namespace streamlab::ui {

void FiringsModel::update(const runtime::ReplaySnapshot& snap)
{
    QList<Row> rows;
    for (const auto& o : snap.metrics.operators) {
        if (o.kind != "window")
            continue;
        Row r;
        r.window = QString::fromStdString(o.id);
        for (const auto& s : o.subtasks) {
            r.v[OnTime] += s.firings.onTime;
            r.v[Late] += s.firings.late;
            r.v[Early] += s.firings.early;
            r.v[LateDropped] += s.lateDropped;
            r.v[SideOutput] += s.lateSideOutput;
        }
        rows.push_back(r);
    }
    replaceRows(m_rows, std::move(rows), [](const Row& a, const Row& b) { return a.window == b.window; }, OnTime);
}

int FiringsModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : int(m_rows.size()); }
int FiringsModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QVariant FiringsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole || index.row() >= m_rows.size())
        return {};
    const Row& r = m_rows[index.row()];
    if (index.column() == Window)
        return r.window;
    return r.v[index.column()];
}

QVariant FiringsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* kNames[] = { "Window", "On time", "Late", "Early", "Late dropped", "Side output" };
    return tr(kNames[section]);
}

int FiringsModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].window == id)
            return i;
    return -1;
}

qint64 FiringsModel::value(const QString& window, Column c) const
{
    int r = rowOf(window);
    return r < 0 ? 0 : m_rows[r].v[c];
}

FiringsView::FiringsView(QWidget* parent)
    : SimView(parent)
    , m_model(new FiringsModel(this))
    , m_summary(new QLabel)
    , m_chart(new QChart)
    , m_onTime(new QScatterSeries)
    , m_late(new QScatterSeries)
    , m_early(new QScatterSeries)
    , m_axisX(new QCategoryAxis)
    , m_axisY(new QCategoryAxis)
{
    setObjectName("firingsView");
    m_summary->setObjectName("firingsSummary");
    m_summary->setContentsMargins(8, 6, 8, 0);
    m_summary->setTextFormat(Qt::RichText);
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addWidget(m_summary);
    simfmt::styleChart(m_chart);
    struct S {
        QScatterSeries* s;
        QString name;
        QColor c;
    };
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    for (const S& s :
        { S { m_onTime, tr("on time"), simfmt::onTimeColor() }, S { m_late, tr("late"), simfmt::lateColor() },
            S { m_early, tr("early"), simfmt::earlyColor() } }) {
        s.s->setName(s.name);
        s.s->setColor(s.c);
        s.s->setBorderColor(s.c);
        s.s->setMarkerSize(6);
        s.s->setUseOpenGL(false);
        m_chart->addSeries(s.s);
        s.s->attachAxis(m_axisX);
        s.s->attachAxis(m_axisY);
    }
    m_axisX->setTitleText(tr("processing time (fired at)"));
    m_axisY->setTitleText(tr("window end (event time)"));
    simfmt::styleAxis(m_axisX);
    simfmt::styleAxis(m_axisY);
    // The header above names the three colours with their counts: a legend would only take the
    // room a short dock needs for the time axis.
    m_chart->legend()->hide();
    lay->addWidget(simfmt::makeChartView(m_chart), 1);
}

int FiringsView::plotted(const QString& kind) const
{
    if (kind == "on_time")
        return int(m_onTime->count());
    if (kind == "late")
        return int(m_late->count());
    return int(m_early->count());
}

void FiringsView::updateModel() { m_model->update(*snapshot()); }

void FiringsView::updateChart()
{
    QStringList parts;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QString w = m_model->data(m_model->index(r, 0), Qt::DisplayRole).toString();
        auto v = [&](FiringsModel::Column c) { return simfmt::count(m_model->value(w, c)); };
        parts << tr(
            "<b>%1</b>: <span style='color:%2'>● %3 on time</span> &nbsp; <span style='color:%4'>● %5 "
            "late</span> &nbsp; <span style='color:%6'>● %7 early</span> &nbsp; · &nbsp; %8 late dropped "
            "&nbsp; · &nbsp; %9 to the side output")
                     .arg(w, simfmt::onTimeColor().name(), v(FiringsModel::OnTime),
                         simfmt::lateColor().name(), v(FiringsModel::Late), simfmt::earlyColor().name(),
                         v(FiringsModel::Early), v(FiringsModel::LateDropped), v(FiringsModel::SideOutput));
    }
    m_summary->setText(parts.isEmpty() ? tr("No window in this job.") : parts.join("<br>"));

    const auto& snap = *snapshot();
    QList<QPointF> on, late, early;
    const auto total = runtime::firingCount(snap.firings);
    int64_t minX = INT64_MAX, maxX = INT64_MIN, minY = INT64_MAX, maxY = INT64_MIN;
    for (const auto& chunk : snap.firings)
        for (const auto& f : *chunk) {
            if (f.windowEnd == kMinTimestamp)
                continue;
            QPointF p(static_cast<qreal>(f.at), static_cast<qreal>(f.windowEnd));
            (f.firing == "late" ? late : f.firing == "early" ? early : on).push_back(p);
            minX = std::min(minX, f.at);
            maxX = std::max(maxX, f.at);
            minY = std::min(minY, f.windowEnd);
            maxY = std::max(maxY, f.windowEnd);
        }
    auto thin = [](QList<QPointF>& pts) {
        if (pts.size() <= kMaxPointsPerSeries)
            return;
        QList<QPointF> out;
        out.reserve(kMaxPointsPerSeries + 1);
        const double step = double(pts.size()) / kMaxPointsPerSeries;
        for (double i = 0; i < double(pts.size()); i += step)
            out.push_back(pts[qsizetype(i)]);
        out.push_back(pts.back());
        pts = out;
    };
    thin(on);
    thin(late);
    thin(early);
    m_onTime->replace(on);
    m_late->replace(late);
    m_early->replace(early);
    if (minX <= maxX) {
        const int64_t padX = std::max<int64_t>(1000, (maxX - minX) / 20);
        const int64_t padY = std::max<int64_t>(1000, (maxY - minY) / 20);
        simfmt::setTimeAxis(m_chart, m_axisX, minX - padX, maxX + padX);
        simfmt::setTimeAxis(m_chart, m_axisY, minY - padY, maxY + padY);
    }
    // A point per entry (FiringEvent: a watermark's firings of one window for every key are one).
    m_chart->setTitle(runtime::chunkedSize(snap.firings) > size_t(m_onTime->count() + m_late->count() + m_early->count())
            ? tr("Window firings — the latest %1, thinned").arg(simfmt::count(qint64(total)))
            : tr("Window firings"));
}

} // namespace streamlab::ui
