// File > Export: the job as Flink SQL or as the canonical job file, previewed before it is
// copied or saved, with every export warning listed. Lives on the GUI thread; the export is
// computed synchronously (it reads at most the first lines of an event file).
#pragma once

#include "model/job.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace streamlab::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(model::Job job, QWidget* parent = nullptr);

    // For tests and for the buttons: the current text and warnings.
    QString text() const;
    QStringList warnings() const;
    void setFormat(const QString& format);       // "flink-sql" or "json"
    void setConnector(const QString& connector); // "filesystem" or "kafka"
    // Writes the text to `path` atomically; false with a message box on failure.
    bool saveTo(const QString& path);

private:
    void refresh();
    void copy();
    void save();

    model::Job m_job;
    QComboBox* m_format = nullptr;
    QComboBox* m_connector = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QListWidget* m_warnings = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_save = nullptr;
    bool m_ok = false;
};

} // namespace streamlab::ui
