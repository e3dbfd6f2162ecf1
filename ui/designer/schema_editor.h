// The editor of a source's schema in the property panel: a table of fields, one row per field,
// its name and its type. While the job declares no schema the table shows, muted and read-only,
// the fields the replay infers from the event file; "Declare" turns them into a declared
// schema to correct, and removing every row goes back to inferring. GUI thread only.
#pragma once

#include "core/value.h"
#include "model/job.h"

#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace streamlab::ui {

class SchemaEditor : public QWidget {
    Q_OBJECT
public:
    explicit SchemaEditor(QWidget* parent = nullptr);

    // `declared`: the job's "schema" (an object of field name to type, or null); `inferred`: the
    // file's fields, shown while nothing is declared (null: no readable file).
    void setSchema(const model::Json& declared, const std::optional<Schema>& inferred);
    // The declared schema the table holds: an object in row order, or null for "inferred".
    model::Json schema() const;
    bool isInferred() const { return m_inferred; }
    // The problem with the rows as they stand ("" when none): an empty or repeated name.
    QString problem() const;

    QTableWidget* table() const { return m_table; }
    QPushButton* addButton() const { return m_add; }
    QPushButton* removeButton() const { return m_remove; }
    QPushButton* declareButton() const { return m_declare; }

signals:
    // A complete, valid edit: the schema to store (null to infer it again).
    void edited(const model::Json& schema);

private:
    void declareInferred(); // the inferred rows become declared ones, editable
    void addRow(const QString& name, FieldType type, bool editable);
    void changed();
    void fitHeight();

    QTableWidget* m_table;
    QLabel* m_note;
    QLabel* m_message;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_declare;
    bool m_inferred = false;
    bool m_loading = false;
};

} // namespace streamlab::ui
