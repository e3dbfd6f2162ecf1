#include "whatif/whatif_dialog.h"
#include "model/json_text.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "designer/graph_model.h"
#include "model/params.h"
#include "time/duration.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QPolygonF>
#include <QScatterSeries>
#include <QScreen>
#include <QSplitter>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QValueAxis>
#include <chrono>
#include <cmath>
#include <limits>

namespace streamlab::ui {

using model::Json;
using model::ParamType;

namespace {

    constexpr int kTargetRole = Qt::UserRole;
    constexpr int kTypeRole = Qt::UserRole + 1;

    bool sweepable(ParamType t)
    {
        return t == ParamType::Duration || t == ParamType::Integer || t == ParamType::Number;
    }

    // "0s" rather than "0ms" for a range people read.
    QString durationText(int64_t ms)
    {
        return ms == 0 ? QStringLiteral("0s") : QString::fromStdString(time::formatDuration(ms));
    }

    // The smallest "round" duration at least `ms`.
    int64_t niceDuration(double ms)
    {
        static const int64_t kSteps[] = { 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000,
            300000, 600000, 900000, 1800000, 3600000, 7200000, 21600000, 43200000, 86400000 };
        for (int64_t s : kSteps)
            if (static_cast<double>(s) >= ms)
                return s;
        return 86400000 * static_cast<int64_t>(std::ceil(ms / 86400000.0));
    }

    // A value as `--set` reads it: JSON when it parses (numbers, true), else a string ("5s").
    Json setValue(const QString& text)
    {
        auto v = model::parseJson(text.toStdString(), "");
        return v.ok() ? *v : Json(text.toStdString());
    }

    // Two values of one parameter are equal: durations by their milliseconds, numbers numerically.
    bool sameValue(const QString& a, const QString& b, ParamType type)
    {
        if (type == ParamType::Duration) {
            auto x = time::parseDuration(a.toStdString()), y = time::parseDuration(b.toStdString());
            return x.ok() && y.ok() && *x == *y;
        }
        bool okA = false, okB = false;
        const double x = a.toDouble(&okA), y = b.toDouble(&okB);
        return okA && okB ? x == y : a == b;
    }

    struct LatencyUnit {
        double divisor;
        QString name;
    };

    // 1, 2 or 5 times a power of ten, at least `raw`.
    double niceStep(double raw)
    {
        const double e = std::pow(10.0, std::floor(std::log10(raw)));
        const double f = raw / e;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
    }

    // The axis over [lo, hi] (within [floor, ceiling]) with ticks every round step, labels with as
    // many decimals as the step needs.
    void fitAxis(QValueAxis* axis, qreal lo, qreal hi, qreal floor, qreal ceiling)
    {
        if (hi - lo < 1e-9)
            hi = lo + 1;
        const double step = niceStep((hi - lo) / 6);
        lo = std::max(floor, std::floor(lo / step) * step);
        hi = std::min(ceiling, std::ceil(hi / step) * step);
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        axis->setTickInterval(step);
        axis->setRange(lo, hi);
        const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
        axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
    }

    LatencyUnit unitFor(int64_t maxMs)
    {
        if (maxMs < 2000)
            return { 1.0, QObject::tr("ms") };
        if (maxMs < 180000)
            return { 1000.0, QObject::tr("s") };
        return { 60000.0, QObject::tr("min") };
    }

} // namespace

// ---------------------------------------------------------------------------------------------

ApplySweepValueCommand::ApplySweepValueCommand(
    GraphModel* model, NodeId node, std::string path, Json value, const QString& text)
    : SetParamCommand(model, node, std::move(path), std::move(value))
{
    setText(text);
}

// ---------------------------------------------------------------------------------------------

WhatIfDialog::WhatIfDialog(GraphModel* model, QUndoStack* undo, QWidget* parent)
    : QDialog(parent)
    , m_graph(model)
    , m_undo(undo)
    , m_target(new QComboBox)
    , m_from(new QLineEdit)
    , m_to(new QLineEdit)
    , m_step(new QLineEdit)
    , m_preview(new QLabel)
    , m_run(new QPushButton(tr("Run")))
    , m_cancel(new QPushButton(tr("Cancel")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
    , m_latency(new QComboBox)
    , m_chart(new QChart)
    , m_chartView(nullptr)
    , m_line(new QLineSeries)
    , m_points(new QScatterSeries)
    , m_current(new QScatterSeries)
    , m_axisX(new QValueAxis)
    , m_axisY(new QValueAxis)
    , m_table(new QTableView)
    , m_model(new SweepTableModel(this))
{
    setObjectName("whatIfDialog");
    setWindowTitle(tr("What-if Sweep"));
    setModal(false);
    // Most of a small screen (1024x700), never taller than it: Close must stay in reach.
    QSize size(1000, 760);
    if (const QScreen* s = parent ? parent->screen() : screen())
        size = size.boundedTo(s->availableGeometry().size() * 0.92);
    resize(size);

    m_target->setObjectName("whatifTarget");
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_target->setMinimumContentsLength(40);
    m_from->setObjectName("whatifFrom");
    m_to->setObjectName("whatifTo");
    m_step->setObjectName("whatifStep");
    for (QLineEdit* e : { m_from, m_to, m_step })
        e->setMaximumWidth(110);
    m_from->setToolTip(tr("First value: a duration (0s, 500ms, 2m) or a number"));
    m_to->setToolTip(tr("Last value (included when the steps reach it)"));
    m_step->setToolTip(tr("Distance between two values"));
    m_run->setObjectName("whatifRun");
    m_run->setDefault(true);
    m_run->setToolTip(tr("Replay the job once per value, one after another, off the GUI thread"));
    m_cancel->setObjectName("whatifCancel");
    m_cancel->setEnabled(false);
    m_cancel->setToolTip(tr("Stop the replay under way and start no further one"));
    m_preview->setObjectName("whatifPreview");
    m_preview->setWordWrap(true);
    m_status->setObjectName("whatifStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->setObjectName("whatifProgress");
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("%v of %m replays"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_latency->setObjectName("whatifLatencyAxis");
    m_latency->addItem(tr("median latency"));
    m_latency->addItem(tr("p99 latency"));

    auto* range = new QHBoxLayout;
    range->addWidget(new QLabel(tr("From")));
    range->addWidget(m_from);
    range->addSpacing(8);
    range->addWidget(new QLabel(tr("To")));
    range->addWidget(m_to);
    range->addSpacing(8);
    range->addWidget(new QLabel(tr("Step")));
    range->addWidget(m_step);
    range->addStretch(1);
    range->addWidget(m_run);
    range->addWidget(m_cancel);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Parameter"), m_target);
    form->addRow(tr("Values"), range);
    form->addRow(QString(), m_preview);

    simfmt::styleChart(m_chart);
    m_chart->setMargins(QMargins(8, 6, 16, 6));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_axisY->setTitleText(tr("completeness (%)"));
    m_axisY->setLabelFormat("%.1f");
    simfmt::styleAxis(m_axisX);
    simfmt::styleAxis(m_axisY);
    QPen linePen(theme::mutedText(), 1.4);
    m_line->setPen(linePen);
    m_points->setName(tr("one replay per value (click to apply it)"));
    m_points->setMarkerSize(10);
    m_points->setColor(simfmt::seriesColor(0));
    m_points->setBorderColor(simfmt::seriesColor(0).darker(130));
    m_current->setName(tr("the job's value"));
    m_current->setMarkerSize(18);
    m_current->setColor(Qt::transparent);
    m_current->setBorderColor(simfmt::lateColor());
    m_current->setPen(QPen(simfmt::lateColor(), 2.2));
    for (QXYSeries* s : { static_cast<QXYSeries*>(m_line), static_cast<QXYSeries*>(m_current),
             static_cast<QXYSeries*>(m_points) }) {
        m_chart->addSeries(s);
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
    }
    for (QLegendMarker* m : m_chart->legend()->markers(m_line))
        m->setVisible(false);
    m_chartView = simfmt::makeChartView(m_chart);
    m_chartView->setObjectName("whatifChart");
    m_chartView->setMinimumHeight(std::min(300, height() / 3));

    auto* chartBar = new QHBoxLayout;
    chartBar->setContentsMargins(0, 0, 0, 0);
    chartBar->addWidget(m_status, 1);
    chartBar->addWidget(new QLabel(tr("Latency axis")));
    chartBar->addWidget(m_latency);
    auto* chartBox = new QWidget;
    auto* chartLay = new QVBoxLayout(chartBox);
    chartLay->setContentsMargins(0, 0, 0, 0);
    chartLay->addLayout(chartBar);
    chartLay->addWidget(m_chartView, 1);

    m_table->setObjectName("whatifTable");
    m_table->setModel(m_model);
    simfmt::styleTable(m_table);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Every column as wide as its header and its values ("Peak state entries" whole, "1 h 00 min"
    // whole), from the start and as rows come; the table scrolls sideways when the dialog is narrow.
    auto fit = [this] { m_table->resizeColumnsToContents(); };
    fit();
    connect(m_model, &QAbstractItemModel::rowsInserted, m_table, fit);
    connect(m_model, &QAbstractItemModel::dataChanged, m_table, fit);
    connect(m_model, &QAbstractItemModel::modelReset, m_table, fit);

    auto* split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(chartBox);
    split->addWidget(m_table);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 3);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* lay = new QVBoxLayout(this);
    lay->addLayout(form);
    lay->addWidget(m_progress);
    lay->addWidget(split, 1);
    lay->addWidget(buttons);

    connect(m_target, &QComboBox::currentIndexChanged, this, &WhatIfDialog::targetChanged);
    for (QLineEdit* e : { m_from, m_to, m_step })
        connect(e, &QLineEdit::textChanged, this, &WhatIfDialog::updatePreview);
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &WhatIfDialog::cancel);
    connect(m_latency, &QComboBox::currentIndexChanged, this,
        [this](int i) { setLatencyAxis(i == 1 ? LatencyAxis::P99 : LatencyAxis::Median); });
    connect(m_chart, &QChart::plotAreaChanged, this, &WhatIfDialog::placeLabels);
    connect(m_points, &QScatterSeries::clicked, this, [this](const QPointF& p) {
        const QList<QPointF> pts = m_points->points();
        int best = -1;
        qreal bestDistance = 0;
        const QPointF at = m_chart->mapToPosition(p, m_points);
        for (int i = 0; i < pts.size(); ++i) {
            const QPointF d = m_chart->mapToPosition(pts[i], m_points) - at;
            const qreal dist = d.x() * d.x() + d.y() * d.y();
            if (best < 0 || dist < bestDistance) {
                best = i;
                bestDistance = dist;
            }
        }
        if (best >= 0 && best < m_pointRows.size()) {
            // The table follows the chart: the row of the point applied is selected and in view.
            const int row = m_pointRows[best];
            m_table->selectRow(row);
            m_table->scrollTo(m_model->index(row, 0));
            applyRow(row);
        }
    });
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& i) { applyRow(i.row()); });
    connect(m_graph, &GraphModel::nodeUpdated, this, &WhatIfDialog::markCurrentValue);
    connect(m_graph, &GraphModel::jobUpdated, this, &WhatIfDialog::markCurrentValue);
    connect(m_graph, &GraphModel::graphReset, this, &WhatIfDialog::refreshTargets);
    connect(m_graph, &GraphModel::nodeCreated, this, &WhatIfDialog::refreshTargets);
    connect(m_graph, &GraphModel::nodeDeleted, this, &WhatIfDialog::refreshTargets);

    refreshTargets();
    updateChart();
    setStatus(tr("Choose a parameter and a range, then Run."));
}

WhatIfDialog::~WhatIfDialog()
{
    // Stops the replay under way (at its next few thousand records) and waits for the thread.
    m_worker.request_stop();
    if (m_worker.joinable())
        m_worker.join();
}

void WhatIfDialog::refreshTargets()
{
    const QString keep = m_target->currentData(kTargetRole).toString();
    QSignalBlocker block(m_target);
    m_target->clear();
    struct Item {
        QString target;
        QString text;
        ParamType type;
    };
    QList<Item> primary, other;
    auto add = [&](const QString& owner, const std::string& kind) {
        for (const auto& p : model::paramsOf(kind)) {
            if (!sweepable(p.type))
                continue;
            const QString path = QString::fromStdString(p.path);
            Item item { owner + '.' + path,
                QStringLiteral("%1.%2 — %3").arg(owner, path, QString::fromStdString(p.description)),
                p.type };
            const bool first = (kind == "source" && p.path == "watermark.maxOutOfOrderness")
                || (kind == "window" && p.path == "allowedLateness");
            (first ? primary : other).push_back(item);
        }
    };
    for (NodeId id : m_graph->nodeIds())
        add(m_graph->nodeKey(id), m_graph->nodeKind(id).toStdString());
    add(QStringLiteral("config"), "config");
    for (const Item& i : primary) {
        m_target->addItem(i.text, i.target);
        m_target->setItemData(m_target->count() - 1, int(i.type), kTypeRole);
    }
    if (!primary.isEmpty() && !other.isEmpty())
        m_target->insertSeparator(m_target->count());
    for (const Item& i : other) {
        m_target->addItem(i.text, i.target);
        m_target->setItemData(m_target->count() - 1, int(i.type), kTypeRole);
    }
    const int again = m_target->findData(keep, kTargetRole);
    m_target->setCurrentIndex(again >= 0 ? again : 0);
    block.unblock();
    if (again < 0 || m_from->text().isEmpty())
        targetChanged();
    markCurrentValue();
}

QString WhatIfDialog::currentValueText(const QString& target) const
{
    const QString owner = target.section('.', 0, 0);
    const QString path = target.section('.', 1);
    std::string kind = "config";
    Json v;
    if (owner == "config") {
        v = m_graph->param(kJobNodeId, ("config." + path).toStdString());
    } else {
        const NodeId id = m_graph->nodeByKey(owner);
        if (id == kInvalidNodeId)
            return {};
        kind = m_graph->nodeKind(id).toStdString();
        v = m_graph->param(id, path.toStdString());
    }
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_number())
        return QString::fromStdString(v.dump());
    if (const auto* p = model::findParam(kind, path.toStdString()))
        return QString::fromStdString(p->defaultText);
    return {};
}

void WhatIfDialog::targetChanged()
{
    const QString target = m_target->currentData(kTargetRole).toString();
    if (target.isEmpty()) {
        updatePreview();
        return;
    }
    const auto type = static_cast<ParamType>(m_target->currentData(kTypeRole).toInt());
    const QString current = currentValueText(target);
    QString from, to, step;
    if (type == ParamType::Duration) {
        auto ms = time::parseDuration(current.toStdString());
        const double c = ms.ok() ? static_cast<double>(*ms) : 0.0;
        // Around the job's value: from 0 to four times it (at least 10 s), in about ten steps,
        // one of them the job's own value (ringed on the chart): a step that divides it.
        const double span = std::max(4 * c, 10000.0);
        int64_t s = niceDuration(span / 10);
        const auto own = static_cast<int64_t>(c);
        if (own > 0 && own % s != 0)
            s = own % 2 == 0 && own / 2 >= span / 12 ? own / 2 : own;
        const int64_t end = s * static_cast<int64_t>(std::ceil(span / static_cast<double>(s)));
        // From 0 where the job takes it; else (an idle timeout, a window size: positive only)
        // from the first step, so that the offered range runs as it stands.
        from = durationText(acceptsValue(target, "0ms") ? 0 : s);
        to = durationText(end);
        step = durationText(s);
    } else if (type == ParamType::Integer) {
        bool ok = false;
        const int64_t c = std::max<int64_t>(current.toLongLong(&ok), 1);
        const int64_t lo = target.contains("arallelism") ? 1 : 0;
        const int64_t hi = std::max(2 * c, lo + 4);
        from = QString::number(lo);
        to = QString::number(hi);
        step = QString::number(std::max<int64_t>(1, (hi - lo + 9) / 10));
    } else {
        bool ok = false;
        const double c = current.toDouble(&ok);
        if (ok && c > 0) {
            from = QString::number(c / 2, 'g', 6);
            to = QString::number(c * 2, 'g', 6);
            step = QString::number(c / 4, 'g', 6);
        } else {
            from = QStringLiteral("0");
            to = QStringLiteral("10");
            step = QStringLiteral("1");
        }
    }
    for (auto [edit, text] :
        { std::pair { m_from, from }, std::pair { m_to, to }, std::pair { m_step, step } }) {
        QSignalBlocker b(edit);
        edit->setText(text);
    }
    updatePreview();
}

QStringList WhatIfDialog::liveFor(const std::string& target) const
{
    QStringList out;
    for (const QString& a : m_live) {
        const QString param = a.section('=', 0, 0);
        if (param.toStdString() != target && m_graph->nodeByKey(param.section('.', 0, 0)) != kInvalidNodeId)
            out << a;
    }
    return out;
}

bool WhatIfDialog::acceptsValue(const QString& target, const QString& value) const
{
    model::Job job = m_graph->job();
    if (!model::applySet(job, (target + '=' + value).toStdString()).ok())
        return false;
    const std::string node = target.section('.', 0, 0).toStdString();
    const std::string field = target.section('.', 1).toStdString();
    // An error on that very parameter (a node's field, dotted as the catalogue writes it; the
    // job's config has no node).
    const std::string owner = node == "config" ? std::string() : node;
    const std::string key = node == "config" ? target.toStdString() : field;
    for (const auto& p : model::compile(job).problems)
        if (p.severity == model::Severity::Error && p.nodeId == owner && (p.field == key || p.field == field))
            return false;
    return true;
}

QString WhatIfDialog::varyText() const
{
    QString s = m_target->currentData(kTargetRole).toString() + '=' + m_from->text().trimmed()
        + QStringLiteral("..") + m_to->text().trimmed();
    if (!m_step->text().trimmed().isEmpty())
        s += '/' + m_step->text().trimmed();
    return s;
}

std::optional<whatif::SweepAxis> WhatIfDialog::parsedAxis(QString* error) const
{
    if (m_target->currentData(kTargetRole).toString().isEmpty()) {
        *error = tr("This job has no parameter to sweep.");
        return std::nullopt;
    }
    auto axis = whatif::parseVary(varyText().toStdString());
    if (!axis.ok()) {
        *error = QString::fromStdString(axis.status().message());
        return std::nullopt;
    }
    return *axis;
}

void WhatIfDialog::updatePreview()
{
    QString error;
    auto axis = parsedAxis(&error);
    QPalette p = m_preview->palette();
    if (!axis) {
        m_preview->setText(error);
        p.setColor(QPalette::WindowText, simfmt::droppedColor());
        m_preview->setPalette(p);
        m_run->setEnabled(false);
        return;
    }
    p.setColor(QPalette::WindowText, theme::mutedText());
    m_preview->setPalette(p);
    QStringList shown;
    const auto& v = axis->values;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v.size() > 8 && i == 5) {
            shown << QStringLiteral("…");
            i = v.size() - 2;
            continue;
        }
        shown << QString::fromStdString(v[i]);
    }
    QString text = (v.size() == 1 ? tr("1 replay: %1") : tr("%1 replays: %2").arg(v.size()))
                       .arg(shown.join(QStringLiteral(", ")));
    // The live values the replays run with too, named, as the replay beside them uses them.
    const QStringList live = liveFor(axis->target);
    if (!live.isEmpty())
        text += tr("; each with Replay Settings' %1").arg(live.join(QStringLiteral(", ")));
    m_preview->setText(text);
    if (!m_running && m_progress->value() <= 0) { // "0 of 9 replays", as the line above says
        m_progress->setRange(0, int(v.size()));
        m_progress->setValue(0);
    }
    m_run->setEnabled(!m_running);
}

void WhatIfDialog::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    QPalette p = m_status->palette();
    p.setColor(QPalette::WindowText, error ? simfmt::droppedColor() : theme::text());
    m_status->setPalette(p);
}

bool WhatIfDialog::setSweep(const QString& vary)
{
    auto axis = whatif::parseVary(vary.toStdString());
    if (!axis.ok()) {
        setStatus(QString::fromStdString(axis.status().message()), true);
        return false;
    }
    const QString target = QString::fromStdString(axis->target);
    const int i = m_target->findData(target, kTargetRole);
    if (i < 0) {
        setStatus(tr("%1 is not a parameter of this job that can be swept").arg(target), true);
        return false;
    }
    m_target->setCurrentIndex(i);
    // FROM..TO/STEP as typed.
    const QString range = vary.section('=', 1);
    const QString from = range.section(QStringLiteral(".."), 0, 0);
    const QString rest = range.section(QStringLiteral(".."), 1);
    m_from->setText(from);
    m_to->setText(rest.section('/', 0, 0));
    m_step->setText(rest.section('/', 1));
    updatePreview();
    return true;
}

bool WhatIfDialog::run()
{
    if (m_running)
        return false;
    QString error;
    auto axis = parsedAxis(&error);
    if (!axis) {
        setStatus(error, true);
        return false;
    }
    // An event file the replay cannot read is left to the replays: the sweep may replay another
    // file (Replay Settings'), and a replay that fails says why.
    const auto& compiled = m_graph->compiled();
    if (m_graph->hasJobErrors()) {
        setStatus(tr("Fix the job's problems first: %1")
                      .arg(QString::fromStdString(model::describeErrors(compiled.problems, ""))),
            true);
        return false;
    }
    model::Job job = m_graph->job();
    for (const QString& a : liveFor(axis->target))
        if (Status st = model::applySet(job, a.toStdString()); !st.ok()) {
            setStatus(QString::fromStdString(st.message()), true);
            return false;
        }
    // Refuse a value the job does not take before starting anything.
    {
        model::Job probe = job;
        Status st = model::applySet(probe, axis->target + "=" + axis->values.front());
        if (!st.ok()) {
            setStatus(QString::fromStdString(st.message()), true);
            return false;
        }
    }
    m_model->clear();
    m_sweptTarget = QString::fromStdString(axis->target);
    m_values = axis->values;
    m_running = true;
    m_failed = false;
    const uint64_t generation = ++m_generation;
    m_progress->setRange(0, int(m_values.size()));
    m_progress->setValue(0);
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    updateChart();
    setStatus(tr("Replaying 1 of %1: %2=%3…")
                  .arg(m_values.size())
                  .arg(m_sweptTarget, QString::fromStdString(m_values.front())));
    whatif::SweepOptions options;
    options.events = m_events;
    const std::string target = axis->target;
    const std::vector<std::string> values = m_values;
    m_worker = std::jthread([this, job = std::move(job), target, values, options, generation,
                                replay = m_replayFunction](std::stop_token stop) mutable {
        // Cancel stops the replay under way too, not only the ones after it.
        options.stopRequested = [stop] { return stop.stop_requested(); };
        for (size_t i = 0; i < values.size(); ++i) {
            if (stop.stop_requested())
                break;
            model::Job j = job;
            Result<whatif::SweepOutcome> r = [&]() -> Result<whatif::SweepOutcome> {
                Status st = model::applySet(j, target + "=" + values[i]);
                if (!st.ok())
                    return st;
                return catchAll([&] { return replay(j, options); });
            }();
            const bool ok = r.ok();
            if (!ok && stop.stop_requested())
                break; // stopped by Cancel: not a failure
            QMetaObject::invokeMethod(
                this, [this, generation, i, r] { received(generation, int(i), r); }, Qt::QueuedConnection);
            if (!ok)
                break;
        }
        const bool cancelled = stop.stop_requested();
        QMetaObject::invokeMethod(
            this, [this, generation, cancelled] { done(generation, cancelled); }, Qt::QueuedConnection);
    });
    return true;
}

void WhatIfDialog::cancel()
{
    if (!m_running)
        return;
    m_worker.request_stop();
    m_cancel->setEnabled(false);
    setStatus(tr("Cancelling…"));
}

void WhatIfDialog::received(uint64_t generation, int index, const Result<whatif::SweepOutcome>& result)
{
    if (generation != m_generation)
        return;
    const QString value = QString::fromStdString(m_values[static_cast<size_t>(index)]);
    if (!result.ok()) {
        m_failed = true;
        setStatus(tr("The replay with %1=%2 failed: %3")
                      .arg(m_sweptTarget, value, QString::fromStdString(result.status().message())),
            true);
        return;
    }
    m_model->append({ value, *result });
    m_progress->setValue(index + 1);
    updateChart();
    if (static_cast<size_t>(index) + 1 < m_values.size() && m_cancel->isEnabled())
        setStatus(tr("Replaying %1 of %2: %3=%4…")
                      .arg(index + 2)
                      .arg(m_values.size())
                      .arg(m_sweptTarget, QString::fromStdString(m_values[static_cast<size_t>(index) + 1])));
}

void WhatIfDialog::done(uint64_t generation, bool cancelled)
{
    if (generation != m_generation)
        return;
    m_running = false;
    m_cancel->setEnabled(false);
    updatePreview();
    const int n = m_model->rowCount();
    if (!m_failed) {
        if (cancelled) {
            setStatus(tr("Cancelled after %1 of %2 replays.").arg(n).arg(m_values.size()));
        } else {
            double wall = 0;
            for (const auto& r : m_model->rows())
                wall += r.outcome.wallSeconds;
            QString text = tr("%1 replays in %2 s. Click a point or a row to apply its value to the job "
                              "(Edit ▸ Undo takes it back).")
                               .arg(n)
                               .arg(wall, 0, 'f', 1);
            if (m_pointRows.size() < n)
                text += tr(" Completeness is undefined where no window could be followed: those rows are "
                           "not plotted.");
            setStatus(text);
        }
    }
    emit sweepFinished(!m_failed && !cancelled);
}

void WhatIfDialog::setLatencyAxis(LatencyAxis axis)
{
    m_axis = axis;
    {
        QSignalBlocker b(m_latency);
        m_latency->setCurrentIndex(axis == LatencyAxis::P99 ? 1 : 0);
    }
    updateChart();
}

QStringList WhatIfDialog::pointLabels() const
{
    QStringList out;
    for (const auto* l : m_labels)
        out << l->text();
    return out;
}

void WhatIfDialog::updateChart()
{
    const auto& rows = m_model->rows();
    int64_t maxMs = 0;
    for (const auto& r : rows)
        maxMs = std::max(maxMs, m_axis == LatencyAxis::P99 ? r.outcome.latencyP99 : r.outcome.latencyMedian);
    const LatencyUnit unit = unitFor(maxMs);
    QList<QPointF> pts;
    m_pointRows.clear();
    for (int i = 0; i < rows.size(); ++i) {
        const auto& o = rows[i].outcome;
        if (std::isnan(o.completeness))
            continue;
        const auto ms = m_axis == LatencyAxis::P99 ? o.latencyP99 : o.latencyMedian;
        pts.push_back({ static_cast<double>(ms) / unit.divisor, o.completeness * 100 });
        m_pointRows.push_back(i);
    }
    m_line->replace(pts);
    m_points->replace(pts);
    m_axisX->setTitleText(m_axis == LatencyAxis::P99 ? tr("result latency, p99 (%1)").arg(unit.name)
                                                     : tr("result latency, median (%1)").arg(unit.name));
    if (!pts.isEmpty()) {
        const QRectF box = QPolygonF(pts).boundingRect();
        const qreal minX = box.left(), maxX = box.right(), minY = box.top(), maxY = box.bottom();
        // Both axes zoom to the points (a knee of a few hundredths of a percent must show), with
        // ticks on round numbers; latency from 0 unless the points sit far from it.
        const qreal padX = std::max<qreal>((maxX - minX) * 0.08, maxX > 0 ? maxX * 0.05 : 1);
        fitAxis(m_axisX, minX < (maxX - minX) * 0.5 ? 0 : minX - padX, maxX + padX, 0,
            std::numeric_limits<qreal>::max());
        // At least one percentage point tall: a change of a few hundredths shows as the small
        // change it is, not as the whole height of the chart.
        qreal padY = (maxY - minY) * 0.15;
        if (maxY - minY + 2 * padY < 1.0)
            padY = (1.0 - (maxY - minY)) / 2;
        qreal loY = minY - padY, hiY = maxY + padY;
        if (hiY > 100) { // kept whole inside 0..100
            loY -= hiY - 100;
            hiY = 100;
        }
        if (loY < 0) {
            hiY = std::min<qreal>(100, hiY - loY);
            loY = 0;
        }
        fitAxis(m_axisY, loY, hiY, 0, 100);
    } else {
        m_axisX->setRange(0, 1);
        m_axisY->setRange(0, 100);
    }
    m_chart->setTitle(m_sweptTarget.isEmpty()
            ? tr("Completeness against result latency")
            : tr("Completeness against result latency — %1").arg(m_sweptTarget));
    // One label per point, its value.
    while (m_labels.size() > pts.size())
        delete m_labels.takeLast();
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    while (m_labels.size() < pts.size()) {
        auto* l = new QGraphicsSimpleTextItem(m_chart);
        l->setFont(f);
        l->setZValue(20);
        m_labels.push_back(l);
    }
    for (int i = 0; i < pts.size(); ++i) {
        m_labels[i]->setText(rows[m_pointRows[i]].value);
        m_labels[i]->setBrush(theme::text());
    }
    placeLabels();
    markCurrentValue();
}

// Each label beside its point where it covers no other label nor point: right, left, above, below,
// then the diagonals; a label that fits nowhere is hidden (the table lists every value).
void WhatIfDialog::placeLabels()
{
    const QList<QPointF> pts = m_points->points();
    const QRectF area = m_chart->plotArea();
    QList<QPointF> anchors;
    for (const auto& p : pts)
        anchors << m_chart->mapToPosition(p, m_points);
    QList<QRectF> placed;
    for (int i = 0; i < m_labels.size() && i < anchors.size(); ++i) {
        QGraphicsSimpleTextItem* l = m_labels[i];
        const QRectF b = l->boundingRect();
        const QPointF a = anchors[i];
        const qreal gap = 7;
        const QPointF candidates[] = { { a.x() + gap, a.y() - b.height() / 2 },
            { a.x() - gap - b.width(), a.y() - b.height() / 2 },
            { a.x() - b.width() / 2, a.y() - gap - b.height() }, { a.x() - b.width() / 2, a.y() + gap },
            { a.x() + gap, a.y() - gap - b.height() }, { a.x() + gap, a.y() + gap },
            { a.x() - gap - b.width(), a.y() - gap - b.height() }, { a.x() - gap - b.width(), a.y() + gap } };
        bool done = false;
        for (const QPointF& c : candidates) {
            const QRectF r(c, b.size());
            if (!area.adjusted(-4, -4, 4, 4).contains(r))
                continue;
            bool clash = false;
            for (const QRectF& o : placed)
                clash = clash || o.adjusted(-2, -1, 2, 1).intersects(r);
            for (int k = 0; k < anchors.size() && !clash; ++k)
                clash = r.adjusted(-5, -5, 5, 5).contains(anchors[k]);
            if (clash)
                continue;
            l->setPos(c);
            l->setVisible(true);
            placed << r;
            done = true;
            break;
        }
        if (!done)
            l->setVisible(false);
    }
}

void WhatIfDialog::markCurrentValue()
{
    const QString current = m_sweptTarget.isEmpty() ? QString() : currentValueText(m_sweptTarget);
    const int typeIndex = m_target->findData(m_sweptTarget, kTargetRole);
    const auto type = typeIndex >= 0
        ? static_cast<ParamType>(m_target->itemData(typeIndex, kTypeRole).toInt())
        : ParamType::Duration;
    QList<QPointF> mark;
    const QList<QPointF> pts = m_points->points();
    for (int i = 0; i < pts.size() && i < m_pointRows.size() && !current.isEmpty(); ++i)
        if (sameValue(m_model->rows()[m_pointRows[i]].value, current, type))
            mark << pts[i];
    m_current->replace(mark);
}

bool WhatIfDialog::applyRow(int row)
{
    if (row < 0 || row >= m_model->rowCount() || m_sweptTarget.isEmpty())
        return false;
    const QString value = m_model->rows()[row].value;
    const QString owner = m_sweptTarget.section('.', 0, 0);
    const QString path = m_sweptTarget.section('.', 1);
    NodeId node = kJobNodeId;
    std::string param = path.toStdString();
    if (owner == "config") {
        param = "config." + param;
    } else {
        node = m_graph->nodeByKey(owner);
        if (node == kInvalidNodeId) {
            setStatus(tr("The job has no node %1 any more: the value was not applied").arg(owner), true);
            return false;
        }
    }
    const QString previous = currentValueText(m_sweptTarget);
    m_undo->push(new ApplySweepValueCommand(
        m_graph, node, param, setValue(value), tr("What-if: set %1 = %2").arg(m_sweptTarget, value)));
    setStatus(tr("Applied %1 = %2 to the job (it was %3). Edit ▸ Undo takes it back.")
                  .arg(m_sweptTarget, value, previous.isEmpty() ? tr("unset") : previous));
    markCurrentValue();
    emit valueApplied(m_sweptTarget, value, previous);
    return true;
}

} // namespace streamlab::ui
