#include "whatif/compare_view.h"

#include "common/release_later.h"
#include "common/sim_format.h"
#include "common/theme.h"
#include "whatif/compare_diff_model.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPointer>
#include <QPolygonF>
#include <QScatterSeries>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <set>

namespace streamlab::ui {

namespace {

    constexpr size_t kLegendChars = 46;

    QColor runColor(int run) { return simfmt::seriesColor(run); }

    QString stateText(const PinnedRun& r)
    {
        switch (r.state) {
        case runtime::ReplayState::Finished:
            return QObject::tr("finished, %1 events").arg(simfmt::count(r.eventsReplayed));
        case runtime::ReplayState::Failed:
            return QObject::tr("failed after %1 events").arg(simfmt::count(r.eventsReplayed));
        case runtime::ReplayState::Paused:
            return QObject::tr("paused after %1 events").arg(simfmt::count(r.eventsReplayed));
        case runtime::ReplayState::Playing:
        case runtime::ReplayState::Starting:
            return QObject::tr("replaying, %1 events so far").arg(simfmt::count(r.eventsReplayed));
        }
        return {};
    }

    bool isRunning(const runtime::ReplaySnapshot& s)
    {
        return s.state == runtime::ReplayState::Playing || s.state == runtime::ReplayState::Starting;
    }

    // The watermark that fires the windows: per sample, the minimum over the active (not idle)
    // input watermarks of the stateful operators' subtasks (of every subtask when none is stateful).
    QList<QPointF> windowWatermark(const runtime::ReplayHistory& h)
    {
        const std::set<std::string> ops(h.stateOperators.begin(), h.stateOperators.end());
        std::vector<size_t> series;
        for (size_t i = 0; i < h.watermarkSeries.size(); ++i)
            if (h.watermarkSeries[i].split < 0 && (ops.empty() || ops.count(h.watermarkSeries[i].node)))
                series.push_back(i);
        QList<QPointF> pts;
        for (size_t k = 0; k < h.time.size(); ++k) {
            int64_t wm = kMaxTimestamp;
            bool any = false;
            for (size_t i : series) {
                if (k >= h.watermarks[i].size() || (k < h.idle[i].size() && h.idle[i][k]))
                    continue;
                any = true;
                wm = std::min(wm, h.watermarks[i][k]);
            }
            if (any && wm != kMinTimestamp && wm != kMaxTimestamp)
                pts.push_back({ static_cast<qreal>(h.time[k]), static_cast<qreal>(wm) });
        }
        return pts;
    }

    QList<QPointF> firingPoints(const PinnedRun& r)
    {
        QList<QPointF> pts;
        for (const auto& f : r.firings)
            if (f.windowEnd != kMinTimestamp)
                pts.push_back({ static_cast<qreal>(f.at), static_cast<qreal>(f.windowEnd) });
        if (pts.size() <= CompareView::kMaxFiringPoints)
            return pts;
        // Thinned by place, not by count: one point per cell of a grid over the plot keeps the
        // shape (3600 late firings in one column and 84 on-time ones on the diagonal both stay
        // in sight; every n-th point kept only the column). Coarser cells until few enough.
        const QRectF box = QPolygonF(pts).boundingRect();
        for (int cells = 160;; cells /= 2) {
            QSet<qint64> taken;
            QList<QPointF> thin;
            const qreal w = std::max<qreal>(1, box.width() / cells), h = std::max<qreal>(1, box.height() / cells);
            for (const QPointF& p : pts) {
                const qint64 cell = qint64((p.x() - box.left()) / w) * (cells + 1) + qint64((p.y() - box.top()) / h);
                if (!taken.contains(cell)) {
                    taken.insert(cell);
                    thin.push_back(p);
                }
            }
            if (thin.size() <= CompareView::kMaxFiringPoints || cells <= 10)
                return thin;
        }
    }

    QList<QPointF> statePoints(const runtime::ReplayHistory& h)
    {
        QList<QPointF> pts;
        for (size_t k = 0; k < h.time.size(); ++k) {
            int64_t sum = 0;
            for (const auto& op : h.stateEntries)
                if (k < op.size())
                    sum += op[k];
            pts.push_back({ static_cast<qreal>(h.time[k]), static_cast<qreal>(sum) });
        }
        return pts;
    }

    struct Range {
        qreal minX = std::numeric_limits<qreal>::max(), maxX = std::numeric_limits<qreal>::lowest();
        qreal minY = std::numeric_limits<qreal>::max(), maxY = std::numeric_limits<qreal>::lowest();
        void add(const QList<QPointF>& pts)
        {
            for (const auto& p : pts) {
                minX = std::min(minX, p.x());
                maxX = std::max(maxX, p.x());
                minY = std::min(minY, p.y());
                maxY = std::max(maxY, p.y());
            }
        }
        bool valid() const { return minX <= maxX; }
    };

    void setTimeRange(const QChart* chart, QCategoryAxis* axis, qreal from, qreal to, qreal minPad)
    {
        const qreal pad = std::max(minPad, (to - from) / 20);
        // A clock that starts at 0 (processing time) gets no margin before it.
        simfmt::setTimeAxis(
            chart, axis, qint64(from >= 0 ? std::max<qreal>(0, from - pad) : from - pad), qint64(to + pad), 4);
    }

    QChart* makeChart(const QString& title)
    {
        auto* c = new QChart;
        simfmt::styleChart(c);
        c->setTitle(title);
        return c;
    }

    QCategoryAxis* timeAxis(QChart* c, Qt::Alignment where, const QString& title)
    {
        auto* a = new QCategoryAxis;
        a->setTitleText(title);
        simfmt::styleAxis(a);
        c->addAxis(a, where);
        return a;
    }

    template <class S> S* addSeries(QChart* c, QAbstractAxis* x, QAbstractAxis* y)
    {
        auto* s = new S;
        c->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        return s;
    }

} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
    , m_model(new CompareDiffModel(this))
    , m_header(new QLabel)
    , m_table(new QTableView)
    , m_firingsChart(makeChart(tr("Window firings")))
    , m_watermarkChart(makeChart(tr("Watermark at the windows (dotted: max event time)")))
    , m_stateChart(makeChart(tr("State entries")))
{
    setObjectName("compareView");
    m_header->setObjectName("compareHeader");
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setContentsMargins(8, 6, 8, 4);

    m_firingsX = timeAxis(m_firingsChart, Qt::AlignBottom, tr("fired at (processing time)"));
    m_firingsY = timeAxis(m_firingsChart, Qt::AlignLeft, tr("window end"));
    m_watermarkX = timeAxis(m_watermarkChart, Qt::AlignBottom, tr("processing time"));
    m_watermarkY = timeAxis(m_watermarkChart, Qt::AlignLeft, tr("event time"));
    m_stateX = timeAxis(m_stateChart, Qt::AlignBottom, tr("processing time"));
    m_stateY = new QValueAxis;
    m_stateY->setLabelFormat("%.0f");
    m_stateY->setTitleText(tr("entries"));
    simfmt::styleAxis(m_stateY);
    m_stateChart->addAxis(m_stateY, Qt::AlignLeft);

    m_maxEventTime = addSeries<QLineSeries>(m_watermarkChart, m_watermarkX, m_watermarkY);
    m_maxEventTime->setName(tr("max event time"));
    m_maxEventTime->setPen(QPen(theme::mutedText(), 1.2, Qt::DotLine));
    for (int run = 0; run < 2; ++run) {
        const QColor c = runColor(run);
        QScatterSeries* f = addSeries<QScatterSeries>(m_firingsChart, m_firingsX, m_firingsY);
        f->setMarkerShape(
            run == 0 ? QScatterSeries::MarkerShapeCircle : QScatterSeries::MarkerShapeRectangle);
        f->setMarkerSize(run == 0 ? 8 : 6);
        QColor fill = c;
        fill.setAlpha(run == 0 ? 110 : 200);
        f->setColor(fill);
        f->setBorderColor(c);
        m_firings[run] = f;
        QLineSeries* w = addSeries<QLineSeries>(m_watermarkChart, m_watermarkX, m_watermarkY);
        w->setPen(QPen(c, run == 0 ? 3.0 : 1.8, run == 0 ? Qt::SolidLine : Qt::DashLine));
        m_watermarks[run] = w;
        QLineSeries* s = addSeries<QLineSeries>(m_stateChart, m_stateX, m_stateY);
        s->setPen(QPen(c, run == 0 ? 3.0 : 1.8, run == 0 ? Qt::SolidLine : Qt::DashLine));
        m_state[run] = s;
    }

    auto* charts = new QSplitter(Qt::Horizontal);
    charts->setChildrenCollapsible(false);
    for (QChart* c : { m_firingsChart, m_watermarkChart, m_stateChart }) {
        // One legend for the three charts, in the header: in-chart legends with the settings of
        // both runs would not fit a third of the dock's width.
        c->legend()->hide();
        QChartView* v = simfmt::makeChartView(c);
        v->setMinimumWidth(220);
        charts->addWidget(v);
    }

    m_table->setObjectName("compareDiffTable");
    // Sortable by any column (click a header), in the diff's own order until then.
    auto* sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_model);
    sorted->setSortRole(Qt::UserRole); // numbers and times sort as such
    m_table->setModel(sorted);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    simfmt::styleTable(m_table);
    m_table->setWordWrap(false);

    m_split = new QSplitter(Qt::Vertical);
    m_split->setChildrenCollapsible(false);
    m_split->addWidget(charts);
    m_split->addWidget(m_table);
    connect(m_split, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });

    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addWidget(m_header);
    lay->addWidget(m_split, 1);
    reread(true);
}

void CompareView::setRunA(std::shared_ptr<const PinnedRun> run)
{
    m_a = std::move(run);
    m_diffStale = true;
    reread(true);
}

void CompareView::pinAsRunA(std::shared_ptr<const runtime::ReplaySnapshot> snapshot, RunSettings settings)
{
    const quint64 token = ++m_pinToken;
    auto done = [this](std::shared_ptr<const PinnedRun> run) {
        const auto generation = run->generation;
        const auto events = run->eventsReplayed;
        const auto results = static_cast<qint64>(run->results.rows.size());
        setRunA(std::move(run));
        emit pinned(generation, events, results);
    };
    if (runtime::chunkedSize(snapshot->results) + runtime::chunkedSize(snapshot->firings)
        < m_backgroundRows) {
        m_pinPending = false;
        done(std::make_shared<const PinnedRun>(pinRun(*snapshot, std::move(settings))));
        return;
    }
    m_pinPending = true;
    updateHeader();
    QPointer<CompareView> self(this);
    runInBackground([self, snapshot = std::move(snapshot), settings = std::move(settings), token, done] {
        auto run = std::make_shared<const PinnedRun>(pinRun(*snapshot, settings));
        postToGui([self, run, token, done]() mutable {
            if (!self || token != self->m_pinToken) {
                releaseLater(run);
                return;
            }
            self->m_pinPending = false;
            done(std::move(run));
        });
    });
}

void CompareView::clearRunA()
{
    ++m_pinToken; // a pin in flight is forgotten too
    m_pinPending = false;
    m_a.reset();
    m_diffStale = true;
    reread(true);
}

void CompareView::setLiveRun(
    std::shared_ptr<const runtime::ReplaySnapshot> snapshot, const RunSettings& settings)
{
    if (snapshot == m_live)
        return;
    if (m_live && snapshot && m_live->generation != snapshot->generation)
        releaseLater(m_live);
    m_live = std::move(snapshot);
    m_liveSettings = settings;
    if (isVisible())
        reread(false);
}

void CompareView::clearLiveRun()
{
    releaseLater(m_live);
    releaseLater(m_read);
    releaseLater(m_b);
    m_diffStale = true;
    reread(true);
}

void CompareView::refresh() { reread(true); }

void CompareView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // The charts get a good half until the person moves the splitter (the table's size hint
    // would take it all).
    if (!m_splitMoved) {
        const int h = m_split->height();
        m_split->setSizes({ h * 11 / 20, h - h * 11 / 20 });
    }
}

void CompareView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    reread(true);
}

void CompareView::reread(bool force)
{
    if (m_live && m_live != m_read) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (force || !isRunning(*m_live) || now - m_lastRead >= kPlayingRefreshMs) {
            const bool preview = isRunning(*m_live);
            if (m_read && m_read->generation != m_live->generation)
                releaseLater(m_read);
            m_read = m_live;
            m_lastRead = now;
            const quint64 token = ++m_readToken; // a copy still in flight is stale from now on
            const size_t rows = runtime::chunkedSize(m_live->results) + runtime::chunkedSize(m_live->firings);
            if (!preview && rows >= m_backgroundRows) {
                // The full copy of a stopped run: on the background thread; adoptRunB shows it.
                m_readPending = true;
                QPointer<CompareView> self(this);
                runInBackground([self, live = m_live, settings = m_liveSettings, token] {
                    auto b = std::make_shared<const PinnedRun>(pinRun(*live, settings, 0));
                    postToGui([self, b, token]() mutable {
                        if (!self || token != self->m_readToken) {
                            releaseLater(b);
                            return;
                        }
                        self->m_readPending = false;
                        self->adoptRunB(std::move(b));
                    });
                });
                updateHeader();
                return;
            }
            m_readPending = false;
            adoptRunB(std::make_shared<const PinnedRun>(
                pinRun(*m_live, m_liveSettings, preview ? size_t(4) * kMaxFiringPoints : 0)));
            return;
        }
    }
    if (force)
        adoptRunB(m_b);
}

// Shows `b` as run B (it may be the one on show): charts, labels, and the diff when B stopped.
void CompareView::adoptRunB(std::shared_ptr<const PinnedRun> b)
{
    if (b != m_b) {
        releaseLater(m_b); // a full copy of a run's results: freed off the GUI thread
        m_b = std::move(b);
        m_diffStale = true;
    }
    updateLabels();
    updateCharts();
    if (m_diffStale && !(m_b && m_live && m_read == m_live && isRunning(*m_live)))
        updateDiff();
    updateHeader();
}

void CompareView::updateLabels()
{
    if (m_a && m_b) {
        const QString same = tr("same settings");
        m_labelA = tr("A: %1").arg(QString::fromStdString(settingsLabel(
            settingsDifference(m_a->settings, m_b->settings), kLegendChars, same.toStdString())));
        m_labelB = tr("B: %1").arg(QString::fromStdString(settingsLabel(
            settingsDifference(m_b->settings, m_a->settings), kLegendChars, same.toStdString())));
    } else {
        m_labelA = tr("A: the pinned run");
        m_labelB = tr("B: the current run");
    }
    m_firings[0]->setName(m_labelA);
    m_firings[1]->setName(m_labelB);
    m_watermarks[0]->setName(m_labelA);
    m_watermarks[1]->setName(m_labelB);
    m_state[0]->setName(m_labelA);
    m_state[1]->setName(m_labelB);
}

void CompareView::updateCharts()
{
    const PinnedRun* runs[2] = { m_a.get(), m_b.get() };
    Range firings, watermarks, state;
    for (int i = 0; i < 2; ++i) {
        const PinnedRun* r = runs[i];
        const QList<QPointF> f = r ? firingPoints(*r) : QList<QPointF>();
        const QList<QPointF> w = r ? windowWatermark(r->history) : QList<QPointF>();
        const QList<QPointF> s = r ? statePoints(r->history) : QList<QPointF>();
        m_firings[i]->replace(f);
        m_watermarks[i]->replace(w);
        m_state[i]->replace(s);
        for (auto* series : { static_cast<QAbstractSeries*>(m_firings[i]),
                 static_cast<QAbstractSeries*>(m_watermarks[i]), static_cast<QAbstractSeries*>(m_state[i]) })
            series->setVisible(r != nullptr);
        firings.add(f);
        watermarks.add(w);
        state.add(s);
    }
    // The largest event time read, of B (else A): the watermark's distance to it is the delay.
    QList<QPointF> maxPts;
    if (const PinnedRun* r = m_b ? m_b.get() : m_a.get())
        for (size_t k = 0; k < r->history.time.size() && k < r->history.maxEventTime.size(); ++k)
            if (r->history.maxEventTime[k] != kMinTimestamp)
                maxPts.push_back({ static_cast<qreal>(r->history.time[k]),
                    static_cast<qreal>(r->history.maxEventTime[k]) });
    m_maxEventTime->replace(maxPts);
    m_maxEventTime->setVisible(!maxPts.isEmpty());
    watermarks.add(maxPts);
    // No run (another job opened): no axes of the last job's times either.
    auto clearAxis = [](QCategoryAxis* axis) {
        for (const QString& label : axis->categoriesLabels())
            axis->remove(label);
        axis->setRange(0, 1);
    };
    if (firings.valid()) {
        setTimeRange(m_firingsChart, m_firingsX, firings.minX, firings.maxX, 1000);
        setTimeRange(m_firingsChart, m_firingsY, firings.minY, firings.maxY, 1000);
    } else {
        clearAxis(m_firingsX);
        clearAxis(m_firingsY);
    }
    if (watermarks.valid()) {
        setTimeRange(m_watermarkChart, m_watermarkX, watermarks.minX, watermarks.maxX, 1000);
        setTimeRange(m_watermarkChart, m_watermarkY, watermarks.minY, watermarks.maxY, 1000);
    } else {
        clearAxis(m_watermarkX);
        clearAxis(m_watermarkY);
    }
    if (state.valid()) {
        setTimeRange(m_stateChart, m_stateX, state.minX, state.maxX, 1000);
        m_stateY->setRange(0, std::max<qreal>(10, state.maxY * 1.1));
        m_stateY->applyNiceNumbers();
    } else {
        clearAxis(m_stateX);
        m_stateY->setRange(0, 10);
    }
    auto total = [](const PinnedRun* r) {
        return r ? QString::number(r->onTimeFirings + r->lateFirings) : QStringLiteral("–");
    };
    m_firingsChart->setTitle(tr("Window firings, on time and late — A %1, B %2").arg(total(runs[0]), total(runs[1])));
}

void CompareView::updateDiff()
{
    m_diffStale = false;
    const quint64 token = ++m_diffToken; // a diff still in flight is stale from now on
    m_diffPending = false;
    if (!m_a || !m_b) {
        m_model->setDiff({});
        return;
    }
    if (m_a->results.rows.size() + m_b->results.rows.size() < m_backgroundRows) {
        showDiff(diffResults(m_a->results, m_b->results));
        return;
    }
    m_diffPending = true;
    QPointer<CompareView> self(this);
    runInBackground([self, a = m_a, b = m_b, token] {
        auto diff = std::make_shared<ResultDiff>(diffResults(a->results, b->results));
        postToGui([self, diff, token] {
            if (!self || token != self->m_diffToken)
                return;
            self->m_diffPending = false;
            self->showDiff(std::move(*diff));
            self->updateHeader();
        });
    });
}

void CompareView::showDiff(ResultDiff diff)
{
    m_model->setDiff(std::move(diff));
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 320));
}

void CompareView::updateHeader()
{
    if (m_pinPending) {
        m_header->setText(tr("Pinning run A…"));
        return;
    }
    if (!m_a) {
        m_header->setText(tr("Pin a run as <b>A</b> (Replay ▸ Pin as Run A, or the pin button of the replay "
                             "bar), change a setting and replay: the new run <b>B</b> is compared with it "
                             "here, chart by chart and window by window."));
        return;
    }
    // The legend of the three charts: each run's marker and line as drawn, and its settings.
    auto who = [](int run, const QString& label, const PinnedRun* r) {
        return QStringLiteral("<span style='color:%1'><b>%2 %3</b></span> — %4")
            .arg(runColor(run).name(), run == 0 ? QStringLiteral("━●━") : QStringLiteral("╍■╍"),
                label.toHtmlEscaped(), r ? stateText(*r) : tr("no run yet"));
    };
    QString text = who(0, m_labelA, m_a.get()) + QStringLiteral("<br>") + who(1, m_labelB, m_b.get());
    if (m_readPending) {
        text += tr("<br>Reading run B's results…");
    } else if (!m_b) {
        text += tr("<br>Change a setting and replay to compare.");
    } else if (m_b->generation == m_a->generation) {
        text += tr("<br>B is the run pinned as A: change a setting and replay to compare.");
    } else if (m_live && isRunning(*m_live)) {
        text += tr("<br>Results diff when B pauses or finishes.");
    } else if (m_diffPending) {
        text += tr("<br>Comparing the results…");
    } else {
        const ResultDiff& d = m_model->diff();
        // Counted in results (one per key and window), not firings as the chart counts: the unit
        // is said, so "96 firings" and "96 the same" are not read as one number.
        text += tr("<br>Results by key and window: <b>%1</b>, %n the same", nullptr, d.same)
                    .arg(QString::fromStdString(diffSummary(d)).toHtmlEscaped());
        if (d.records > 0)
            text += tr(" · %1 of the rows are records other than window results (late side output, …)")
                        .arg(d.records);
        if (m_a->results.truncated || m_b->results.truncated)
            text += tr(" · <i>results truncated: only the first ones compared</i>");
    }
    m_header->setText(text);
}

} // namespace streamlab::ui
