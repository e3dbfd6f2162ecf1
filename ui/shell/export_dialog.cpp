#include "shell/export_dialog.h"

#include "export/json_export.h"
#include "export/sql_export.h"
#include "model/spec.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QVBoxLayout>

namespace streamlab::ui {

ExportDialog::ExportDialog(model::Job job, QWidget* parent)
    : QDialog(parent)
    , m_job(std::move(job))
{
    setWindowTitle(tr("Export"));
    // 900x640, or most of a smaller screen (a 1024x700 one keeps the buttons in sight).
    QSize size(900, 640);
    if (const QScreen* s = parent ? parent->screen() : screen())
        size = size.boundedTo(s->availableGeometry().size() * 0.92);
    resize(size);
    auto* layout = new QVBoxLayout(this);

    auto* options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Format:")));
    m_format = new QComboBox;
    m_format->addItem(tr("Flink SQL script"), "flink-sql");
    m_format->addItem(tr("Canonical job file (JSON)"), "json");
    options->addWidget(m_format);
    options->addSpacing(16);
    options->addWidget(new QLabel(tr("Connector:")));
    m_connector = new QComboBox;
    m_connector->addItem(tr("filesystem (the job's event files)"), "filesystem");
    m_connector->addItem(tr("Kafka (placeholders)"), "kafka");
    options->addWidget(m_connector);
    options->addStretch();
    layout->addLayout(options);

    auto* split = new QSplitter(Qt::Vertical);
    m_preview = new QPlainTextEdit;
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    split->addWidget(m_preview);
    m_warnings = new QListWidget;
    m_warnings->setWordWrap(true);
    // A small icon at each warning's first line: the style's message-box icon (32 px) was clipped
    // by its neighbours in the word-wrapped rows.
    m_warnings->setIconSize(QSize(16, 16));
    m_warnings->setSpacing(2);
    split->addWidget(m_warnings);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* buttons = new QDialogButtonBox;
    m_copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    m_save = buttons->addButton(tr("Save…"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::refresh);
    connect(m_connector, &QComboBox::currentIndexChanged, this, &ExportDialog::refresh);
    connect(m_copy, &QPushButton::clicked, this, &ExportDialog::copy);
    connect(m_save, &QPushButton::clicked, this, &ExportDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    refresh();
}

QString ExportDialog::text() const { return m_preview->toPlainText(); }

QStringList ExportDialog::warnings() const
{
    QStringList r;
    for (int i = 0; i < m_warnings->count(); ++i)
        r << m_warnings->item(i)->text();
    return r;
}

void ExportDialog::setFormat(const QString& format) { m_format->setCurrentIndex(m_format->findData(format)); }
void ExportDialog::setConnector(const QString& connector)
{
    m_connector->setCurrentIndex(m_connector->findData(connector));
}

void ExportDialog::refresh()
{
    bool sql = m_format->currentData().toString() == "flink-sql";
    m_connector->setEnabled(sql);
    m_warnings->clear();
    m_ok = false;
    if (sql) {
        exporter::SqlOptions options;
        options.connector = exporter::parseConnector(m_connector->currentData().toString().toStdString())
                                .value_or(exporter::SqlOptions::Connector::Filesystem);
        auto r = exporter::exportFlinkSql(m_job, options);
        if (!r.ok()) {
            m_preview->setPlainText(QString());
            m_status->setText(tr("The job cannot be exported: %1").arg(QString::fromStdString(r.status().message())));
        } else {
            m_ok = true;
            m_preview->setPlainText(QString::fromStdString(r->sql));
            for (const auto& w : r->warnings)
                m_warnings->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning),
                    QString::fromStdString(w)));
            m_status->setText(r->warnings.empty()
                    ? tr("Everything in this job translates to Flink SQL faithfully.")
                    : tr("%n warning(s): what Flink SQL cannot express is marked with -- WARNING in the script.", "",
                        static_cast<int>(r->warnings.size())));
        }
    } else {
        auto compiled = model::compile(m_job);
        if (compiled.hasErrors()) {
            m_preview->setPlainText(QString());
            m_status->setText(tr("The job has errors; fix them first:\n%1")
                                  .arg(QString::fromStdString(model::describeErrors(compiled.problems, ""))));
        } else {
            m_ok = true;
            m_preview->setPlainText(QString::fromStdString(exporter::exportCanonicalJson(m_job)));
            m_status->setText(tr("Sorted keys, defaults written out: stable for diffs and for other tools."));
        }
    }
    m_warnings->setVisible(m_warnings->count() > 0);
    m_copy->setEnabled(m_ok);
    m_save->setEnabled(m_ok);
}

void ExportDialog::copy() { QApplication::clipboard()->setText(text()); }

bool ExportDialog::saveTo(const QString& path)
{
    auto st = model::writeFileAtomically(path.toStdString(), text().toStdString());
    if (!st.ok()) {
        QMessageBox::warning(this, tr("Export"), QString::fromStdString(st.message()));
        return false;
    }
    return true;
}

void ExportDialog::save()
{
    bool sql = m_format->currentData().toString() == "flink-sql";
    QString base = QFileInfo(QString::fromStdString(m_job.path.string())).completeBaseName();
    if (base.isEmpty())
        base = "job";
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), base + (sql ? ".sql" : ".canonical.json"),
        sql ? tr("Flink SQL (*.sql)") : tr("Job files (*.json)"));
    if (!path.isEmpty())
        saveTo(path);
}

} // namespace streamlab::ui
