#include "doctor/doctor_view.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "doctor/doctor_model.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>
#include <cmath>

namespace streamlab::ui {

namespace {

    QString html(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

    // "maxOverMeanAfterRemap" -> "max over mean after remap"; the unit suffix goes (the value
    // carries it): "heldBackMs" -> "held back".
    QString figureName(const std::string& name)
    {
        QString n = QString::fromStdString(name);
        for (const char* unit : { "Ms", "Seconds" })
            if (n.endsWith(QLatin1String(unit)) && n.size() > int(qstrlen(unit)))
                n.chop(int(qstrlen(unit)));
        QString out;
        for (QChar c : n) {
            if (c.isUpper() && !out.isEmpty())
                out += QLatin1Char(' ');
            out += c.toLower();
        }
        return out;
    }

    // The unit is in the figure's name, by the rules' convention: ...Bytes, ...Ms, ...Ns..., ...Seconds.
    QString figureValue(const std::string& name, double v)
    {
        const QString n = QString::fromStdString(name);
        if (n.endsWith("Bytes") || n == "bytes" || n.contains("BytesPer"))
            return n.contains("BytesPer") ? QStringLiteral("%1 B").arg(QLocale().toString(v, 'f', 1))
                                          : simfmt::bytes(int64_t(v));
        if (n.endsWith("Ms"))
            return simfmt::duration(int64_t(v));
        if (n.contains("Ns"))
            return QStringLiteral("%1 ns").arg(QLocale().toString(v, 'f', 0));
        if (n.endsWith("Seconds"))
            return QStringLiteral("%1 s").arg(QLocale().toString(v, 'f', 1));
        if (std::abs(v - std::round(v)) < 1e-9)
            return QLocale().toString(qlonglong(std::llround(v)));
        return QLocale().toString(v, 'f', 2);
    }

    QString severityColor(lint::Severity s)
    {
        return (s == lint::Severity::Error     ? theme::errorColor()
                : s == lint::Severity::Warning ? theme::warningColor().darker(theme::isDark() ? 100 : 125)
                                               : theme::accent())
            .name();
    }

    QString editText(const lint::Edit& e)
    {
        switch (e.kind) {
        case lint::Edit::Kind::AddNode:
            return QObject::tr("add node %1").arg(QString::fromStdString(e.value.dump()));
        case lint::Edit::Kind::RemoveNode:
            return QObject::tr("remove node %1").arg(QString::fromStdString(e.node));
        case lint::Edit::Kind::PatchNode:
            return QObject::tr("change node %1: %2")
                .arg(QString::fromStdString(e.node), QString::fromStdString(e.value.dump()));
        case lint::Edit::Kind::AddEdge:
            return QObject::tr("add edge %1").arg(QString::fromStdString(e.value.dump()));
        case lint::Edit::Kind::RemoveEdge:
            return QObject::tr("remove edge %1->%2")
                .arg(QString::fromStdString(e.from), QString::fromStdString(e.to));
        case lint::Edit::Kind::PatchEdge:
            return QObject::tr("change edge %1->%2: %3")
                .arg(QString::fromStdString(e.from), QString::fromStdString(e.to),
                    QString::fromStdString(e.value.dump()));
        }
        return {};
    }

} // namespace

DoctorView::DoctorView(QWidget* parent)
    : QWidget(parent)
    , m_model(new DoctorModel(this))
    , m_status(new QLabel)
    , m_message(new QLabel)
    , m_measure(new QPushButton(tr("Measure")))
    , m_list(new QTreeView)
    , m_details(new QTextBrowser)
    , m_fix(new QPushButton(tr("Fix")))
{
    setObjectName("doctorView");
    m_status->setObjectName("doctorStatus");
    m_message->setObjectName("doctorMessage");
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    m_measure->setObjectName("doctorMeasure");
    m_measure->setToolTip(tr("Replay the job with its event files and run the rules that measure: "
                             "key skew, state size, held-back watermarks, late firings"));
    m_fix->setObjectName("doctorFix");
    m_fix->setIcon(theme::icon("ok"));
    m_fix->setEnabled(false);

    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(DoctorModel::TitleColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(DoctorModel::WhereColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(DoctorModel::RuleColumn, QHeaderView::ResizeToContents);

    m_details->setObjectName("doctorDetails");
    m_details->setFrameShape(QFrame::NoFrame);
    m_details->setOpenLinks(false);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(8, 4, 6, 2);
    top->addWidget(m_status, 1);
    top->addWidget(m_measure);

    auto* detailsBox = new QWidget;
    auto* dl = new QVBoxLayout(detailsBox);
    dl->setContentsMargins(0, 0, 6, 4);
    dl->setSpacing(4);
    dl->addWidget(m_details, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_fix);
    dl->addLayout(buttons);

    auto* split = new QSplitter(Qt::Horizontal);
    split->setChildrenCollapsible(false);
    split->addWidget(m_list);
    split->addWidget(detailsBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& i) {
            updateDetails();
            if (!m_selecting && i.isValid())
                emit findingActivated(
                    i.data(DoctorModel::NodeRole).toString(), i.data(DoctorModel::EdgeRole).toString());
        });
    // A mouse press makes a row current before it selects it (QAbstractItemView sets the current
    // index with NoUpdate first): the details follow the selection as well, or a click could leave
    // "Select a finding" under a selected row.
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { updateDetails(); });
    connect(m_list, &QTreeView::clicked, this, [this](const QModelIndex& i) {
        emit findingActivated(
            i.data(DoctorModel::NodeRole).toString(), i.data(DoctorModel::EdgeRole).toString());
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { updateDetails(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { updateDetails(); });
    connect(m_fix, &QPushButton::clicked, this, [this] {
        if (currentRow() >= 0)
            emit fixRequested(currentRow());
    });
    connect(m_measure, &QPushButton::clicked, this, &DoctorView::measureRequested);
    updateStatus();
    updateDetails();
}

void DoctorView::setResult(const DoctorResult& result)
{
    const lint::Finding* selected = m_model->finding(currentRow());
    const QString rule = selected ? QString::fromStdString(selected->rule) : QString();
    const QString node = selected ? QString::fromStdString(selected->node) : QString();
    const QString edge = selected ? QString::fromStdString(selected->edge) : QString();
    m_checking = false;
    m_hasResult = true;
    m_measured = result.measured;
    // A job that does not compile gets only `invalid-job` findings: the Problems tab lists those.
    std::vector<lint::Finding> findings;
    m_invalid = false;
    for (const auto& f : result.findings) {
        if (f.rule == "invalid-job")
            m_invalid = true;
        else
            findings.push_back(f);
    }
    m_selecting = true;
    m_model->setFindings(std::move(findings));
    // Keep the finding a person was reading; else show the first one.
    int row = selected ? m_model->rowOf(rule, node, edge) : -1;
    if (row < 0 && m_model->rowCount() > 0)
        row = currentRow() >= 0 ? currentRow() : 0;
    setCurrentRow(row);
    m_selecting = false;
    updateStatus();
    updateDetails();
}

void DoctorView::setChecking(bool measuring)
{
    m_checking = true;
    m_measuring = measuring;
    updateStatus();
    updateDetails();
}

void DoctorView::stopChecking()
{
    m_checking = false;
    m_measuring = false;
    updateStatus();
    updateDetails();
}

void DoctorView::setMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error
            ? QStringLiteral("color: %1; padding: 0 8px;").arg(theme::errorColor().name())
            : QStringLiteral("padding: 0 8px;"));
    m_message->setVisible(!text.isEmpty());
}

QString DoctorView::message() const { return m_message->isVisible() ? m_message->text() : QString(); }

int DoctorView::currentRow() const
{
    const QModelIndex i = m_list->selectionModel()->currentIndex();
    return i.isValid() && m_list->selectionModel()->isRowSelected(i.row(), {}) ? i.row() : -1;
}

void DoctorView::setCurrentRow(int row)
{
    const bool was = m_selecting;
    m_selecting = true;
    if (row < 0 || row >= m_model->rowCount())
        m_list->selectionModel()->clearSelection();
    else
        m_list->selectionModel()->setCurrentIndex(
            m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_selecting = was;
    updateDetails();
}

QString DoctorView::statusText() const { return m_status->text(); }

QString DoctorView::detailsText() const { return m_details->toPlainText(); }

void DoctorView::updateStatus()
{
    QString text;
    if (m_checking)
        text = m_measuring ? tr("Replaying the job to measure…") : tr("Checking…");
    else if (!m_hasResult)
        text = tr("Not checked yet");
    else if (m_invalid)
        text = tr("The job does not compile: the Problems tab says why");
    else
        text = (m_measured ? tr("%1 — measured in a replay")
                           : tr("%1 — static checks; replay or Measure for more"))
                   .arg(m_model->summary());
    m_status->setText(text);
    m_measure->setEnabled(!m_invalid);
}

void DoctorView::updateDetails()
{
    const lint::Finding* f = m_model->finding(currentRow());
    m_fix->setEnabled(f && f->fix && !m_checking);
    m_fix->setToolTip(f && f->fix
            ? tr("Apply the fix as one undoable edit: %1").arg(QString::fromStdString(f->fix->summary))
            : QString());
    const QString muted = theme::mutedText().name();
    QString h;
    if (!f) {
        if (!m_hasResult)
            h = tr(
                "<p style='color:%1'>The doctor checks the job for known production pitfalls of event-time "
                "jobs once it is open.</p>")
                    .arg(muted);
        else if (m_invalid)
            h = tr(
                "<p style='color:%1'>The doctor checks a job that compiles. Fix the problems listed in the "
                "Problems tab first.</p>")
                    .arg(muted);
        else if (m_model->rowCount() == 0)
            h = (m_measured
                    ? tr("<p><b>No pitfalls found.</b></p><p style='color:%1'>The static rules and a replay "
                         "of the event files found nothing to warn about.</p>")
                    : tr("<p><b>No pitfalls found by the static rules.</b></p><p style='color:%1'>Some "
                         "pitfalls only show in a replay (key skew, large state, a partition that holds "
                         "the watermark back): replay the job or press Measure.</p>"))
                    .arg(muted);
        else
            h = tr(
                "<p style='color:%1'>Select a finding to read what it means, the evidence and the fix.</p>")
                    .arg(muted);
        m_details->setHtml(h);
        return;
    }
    QString title = QString::fromStdString(f->title);
    if (!title.isEmpty())
        title[0] = title[0].toUpper();
    QString where = !f->node.empty() ? tr("node <b>%1</b>").arg(html(f->node))
        : !f->edge.empty()           ? tr("edge <b>%1</b>").arg(html(f->edge))
                                     : tr("the job");
    h += QStringLiteral("<p style='margin-bottom:2px'><b>%1</b></p>").arg(title.toHtmlEscaped());
    h += QStringLiteral("<p style='margin-top:0'><span style='color:%1'><b>%2</b></span>"
                        "<span style='color:%3'> · %4 · %5</span></p>")
             .arg(severityColor(f->severity), DoctorModel::severityText(f->severity), muted, html(f->rule),
                 where);
    if (!f->explanation.empty())
        h += QStringLiteral("<p>%1</p>").arg(html(f->explanation));
    if (!f->evidence.empty())
        h += QStringLiteral("<p><b>%1</b> %2</p>")
                 .arg(f->measured ? tr("Measured:") : tr("Evidence:"), html(f->evidence));
    if (!f->figures.empty()) {
        h += QStringLiteral("<table cellspacing='0' cellpadding='1' style='margin-left:8px'>");
        for (const auto& [name, value] : f->figures)
            h += QStringLiteral(
                "<tr><td style='color:%1; padding-right:14px'>%2</td><td align='right'>%3</td></tr>")
                     .arg(muted, figureName(name).toHtmlEscaped(), figureValue(name, value).toHtmlEscaped());
        h += QStringLiteral("</table>");
    }
    if (f->fix) {
        h += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("Fix:"), html(f->fix->summary));
        QStringList lines;
        for (const auto& s : f->fix->sets)
            lines << QStringLiteral("--set ") + QString::fromStdString(s);
        for (const auto& e : f->fix->edits)
            lines << editText(e);
        if (!lines.isEmpty())
            h += QStringLiteral("<pre style='color:%1; margin-left:8px'>%2</pre>")
                     .arg(muted, lines.join(QLatin1Char('\n')).toHtmlEscaped());
    } else {
        h += QStringLiteral("<p style='color:%1'>%2</p>")
                 .arg(muted, tr("No automatic fix: change the job as the explanation says."));
    }
    if (m_checking)
        h += QStringLiteral("<p style='color:%1'><i>%2</i></p>")
                 .arg(muted, tr("The job changed; checking it again before this can be fixed…"));
    m_details->setHtml(h);
}

} // namespace streamlab::ui
