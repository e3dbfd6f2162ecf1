#include "replay/results_view.h"

#include "common/release_later.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "window/window_operator.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace streamlab::ui {

void ResultsModel::update(const runtime::ReplaySnapshot& snap)
{
    const size_t total = runtime::chunkedSize(snap.results);
    if (snap.generation != m_generation || total < static_cast<size_t>(m_rows)) {
        beginResetModel();
        m_generation = snap.generation;
        for (auto& c : m_chunks)
            releaseLater(c); // millions of rows are freed off the GUI thread
        m_chunks.clear();
        m_offsets.clear();
        m_rows = 0;
        endResetModel();
    }
    m_sinks = snap.sinks;
    m_schemas = snap.sinkSchemas;
    if (total == static_cast<size_t>(m_rows)) {
        m_chunks = snap.results;
        return;
    }
    beginInsertRows({}, m_rows, static_cast<int>(total) - 1);
    m_chunks = snap.results;
    m_offsets.clear();
    size_t n = 0;
    for (const auto& c : m_chunks) {
        m_offsets.push_back(n);
        n += c->size();
    }
    m_rows = static_cast<int>(total);
    endInsertRows();
}

const runtime::SinkRow& ResultsModel::row(int r) const
{
    auto it = std::upper_bound(m_offsets.begin(), m_offsets.end(), static_cast<size_t>(r));
    const size_t c = static_cast<size_t>(it - m_offsets.begin()) - 1;
    return (*m_chunks[c])[static_cast<size_t>(r) - m_offsets[c]];
}

QString ResultsModel::field(int sink, const streamlab::Record& record, const char* name) const
{
    const Schema& s = *m_schemas[static_cast<size_t>(sink)];
    const int i = s.indexOf(name);
    if (i < 0 || static_cast<size_t>(i) >= record.fields.size())
        return {};
    return simfmt::value(record.fields[static_cast<size_t>(i)]);
}

int ResultsModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : m_rows; }
int ResultsModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

QVariant ResultsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows)
        return {};
    const runtime::SinkRow& r = row(index.row());
    const bool isWindowResult = m_schemas[static_cast<size_t>(r.sink)]->indexOf("firing") >= 0;
    if (role == Qt::ForegroundRole && index.column() == Firing) {
        const QString f = field(r.sink, r.record(), "firing");
        return f == "late" ? simfmt::lateColor()
            : f == "early" ? simfmt::earlyColor()
                           : simfmt::onTimeColor();
    }
    if (role == Qt::ForegroundRole && !isWindowResult)
        return simfmt::sideOutputColor();
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    if (index.column() == Sink)
        return QString::fromStdString(m_sinks[static_cast<size_t>(r.sink)]);
    if (index.column() == Subtask)
        return r.subtask;
    const streamlab::Record rec = r.record(); // decoded per call: the rows are kept encoded
    switch (index.column()) {
    case Key:
        return field(r.sink, rec, "key");
    case Window: {
        if (!isWindowResult)
            return {};
        const Schema& s = *m_schemas[static_cast<size_t>(r.sink)];
        const int a = s.indexOf("window_start"), b = s.indexOf("window_end");
        const auto* ws = std::get_if<int64_t>(&rec.fields[static_cast<size_t>(a)]);
        const auto* we = std::get_if<int64_t>(&rec.fields[static_cast<size_t>(b)]);
        if (!ws || !we)
            return tr("global");
        // To the second for a window of ten seconds or more: "[09:59:00, 10:00:00)".
        return QStringLiteral("[%1, %2)").arg(simfmt::timeOfDay(*ws, *we - *ws), simfmt::timeOfDay(*we, *we - *ws));
    }
    case Value: {
        // `value`, or a list of aggregates' fields as name=value.
        const Schema& s = *m_schemas[static_cast<size_t>(r.sink)];
        const auto [first, last] = window::valueFields(s);
        if (first < 0 || s.indexOf("value") == first)
            return field(r.sink, rec, "value");
        QStringList parts;
        for (int i = first; i < last && static_cast<size_t>(i) < rec.fields.size(); ++i)
            parts << QString::fromStdString(s.fields[static_cast<size_t>(i)].name) + "="
                    + simfmt::value(rec.fields[static_cast<size_t>(i)]);
        return parts.join(QStringLiteral(", "));
    }
    case Firing:
        return isWindowResult ? field(r.sink, rec, "firing") : tr("late side output");
    case Pane:
        return field(r.sink, rec, "pane");
    case Record: {
        std::string s;
        appendRecordJson(s, *m_schemas[static_cast<size_t>(r.sink)], rec);
        return QString::fromStdString(s);
    }
    }
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* kNames[] = { "Sink", "Subtask", "Key", "Window", "Value", "Firing", "Pane", "Record" };
    return tr(kNames[section]);
}

QStringList ResultsModel::sinks() const
{
    QStringList s;
    for (const auto& n : m_sinks)
        s << QString::fromStdString(n);
    return s;
}

QString ResultsModel::jsonLine(int r) const
{
    const runtime::SinkRow& sr = row(r);
    std::string s;
    appendSinkLineJson(s, m_sinks[static_cast<size_t>(sr.sink)], sr.subtask, *m_schemas[static_cast<size_t>(sr.sink)],
        sr.record());
    return QString::fromStdString(s);
}

void ResultsFilter::setFilter(
    const QString& sink, const QString& key, const QString& window, const QString& firing)
{
    m_sink = sink;
    m_key = key;
    m_window = window;
    m_firing = firing;
    invalidateFilter();
}

bool ResultsFilter::filterAcceptsRow(int row, const QModelIndex&) const
{
    auto text = [&](int c) { return sourceModel()->index(row, c).data().toString(); };
    if (!m_sink.isEmpty() && text(ResultsModel::Sink) != m_sink)
        return false;
    if (!m_firing.isEmpty() && text(ResultsModel::Firing) != m_firing)
        return false;
    if (!m_key.isEmpty() && !text(ResultsModel::Key).contains(m_key, Qt::CaseInsensitive)
        && !(text(ResultsModel::Firing) == tr("late side output")
            && text(ResultsModel::Record).contains(m_key, Qt::CaseInsensitive)))
        return false;
    if (!m_window.isEmpty() && !text(ResultsModel::Window).contains(m_window, Qt::CaseInsensitive))
        return false;
    return true;
}

ResultsView::ResultsView(QWidget* parent)
    : SimView(parent)
    , m_model(new ResultsModel(this))
    , m_filter(new ResultsFilter(this))
    , m_sink(new QComboBox)
    , m_key(new QLineEdit)
    , m_window(new QLineEdit)
    , m_firing(new QComboBox)
    , m_count(new QLabel)
    , m_table(new QTableView)
{
    setObjectName("resultsView");
    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    simfmt::styleTable(m_table);
    m_table->setColumnWidth(ResultsModel::Sink, 90);
    m_table->setColumnWidth(ResultsModel::Subtask, 60);
    m_table->setColumnWidth(ResultsModel::Key, 110);
    // A window of a minute, in full: "[09:59:00, 10:00:00)".
    m_table->setColumnWidth(
        ResultsModel::Window, m_table->fontMetrics().horizontalAdvance(QStringLiteral("[00:00:00, 00:00:00)")) + 24);
    m_table->setColumnWidth(ResultsModel::Value, 100);
    m_table->setColumnWidth(ResultsModel::Firing, 110);
    m_table->setColumnWidth(ResultsModel::Pane, 50);
    m_sink->setObjectName("resultsSink");
    m_key->setObjectName("resultsKey");
    m_window->setObjectName("resultsWindow");
    m_firing->setObjectName("resultsFiring");
    m_key->setPlaceholderText(tr("key contains…"));
    m_window->setPlaceholderText(tr("window contains…"));
    m_key->setClearButtonEnabled(true);
    m_window->setClearButtonEnabled(true);
    m_firing->addItem(tr("All firings"), QString());
    m_firing->addItem(tr("on time"), "on_time");
    m_firing->addItem(tr("late"), "late");
    m_firing->addItem(tr("early"), "early");
    m_firing->addItem(tr("late side output"), tr("late side output"));
    auto* exportButton = new QPushButton(theme::icon("save"), tr("Export CSV…"));
    exportButton->setObjectName("resultsExport");
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 6, 8, 4);
    bar->addWidget(m_sink);
    bar->addWidget(m_key);
    bar->addWidget(m_window);
    bar->addWidget(m_firing);
    bar->addWidget(m_count, 1);
    bar->addWidget(exportButton);
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addLayout(bar);
    lay->addWidget(m_table, 1);
    connect(m_sink, &QComboBox::currentIndexChanged, this, &ResultsView::applyFilter);
    connect(m_firing, &QComboBox::currentIndexChanged, this, &ResultsView::applyFilter);
    connect(m_key, &QLineEdit::textChanged, this, &ResultsView::applyFilter);
    connect(m_window, &QLineEdit::textChanged, this, &ResultsView::applyFilter);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString f
            = QFileDialog::getSaveFileName(this, tr("Export Results"), "results.csv", tr("CSV (*.csv)"));
        if (!f.isEmpty())
            exportCsv(f);
    });
}

void ResultsView::jobChanged()
{
    QSignalBlocker b(m_sink);
    m_sink->clear();
    m_sink->addItem(tr("All sinks"), QString());
    for (const auto& n : m_spec.nodes)
        if (n.kind == model::NodeKind::Sink)
            m_sink->addItem(QString::fromStdString(n.id), QString::fromStdString(n.id));
}

void ResultsView::setFilter(
    const QString& sink, const QString& key, const QString& window, const QString& firing)
{
    m_sink->setCurrentIndex(std::max(0, m_sink->findData(sink)));
    m_key->setText(key);
    m_window->setText(window);
    m_firing->setCurrentIndex(std::max(0, m_firing->findData(firing)));
    applyFilter();
}

void ResultsView::applyFilter()
{
    m_filter->setFilter(m_sink->currentData().toString(), m_key->text(), m_window->text(),
        m_firing->currentData().toString());
    updateChart();
}

void ResultsView::updateModel() { m_model->update(*snapshot()); }

void ResultsView::updateChart()
{
    QString t = tr("%1 of %2 records").arg(m_filter->rowCount()).arg(m_model->rowCount());
    if (snapshot() && snapshot()->resultsTruncated)
        t += tr(" (the first ones only)");
    m_count->setText(t);
}

static QString csvField(const QString& s)
{
    if (s.contains(',') || s.contains('"') || s.contains('\n'))
        return '"' + QString(s).replace("\"", "\"\"") + '"';
    return s;
}

bool ResultsView::exportCsv(const QString& path, QString* error) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("%1: cannot write (%2)").arg(path, f.errorString());
        return false;
    }
    QStringList head;
    for (int c = 0; c < ResultsModel::ColumnCount; ++c)
        head << csvField(m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    QByteArray out = head.join(',').toUtf8() + '\n';
    for (int r = 0; r < m_filter->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < ResultsModel::ColumnCount; ++c)
            cells << csvField(m_filter->index(r, c).data().toString());
        out += cells.join(',').toUtf8() + '\n';
    }
    f.write(out);
    if (!f.commit()) {
        if (error)
            *error = tr("%1: write failed").arg(path);
        return false;
    }
    return true;
}

} // namespace streamlab::ui
