// The property panel: typed editors for every parameter of the selected node (or of the job when
// none is selected), built from the engine's parameter catalogue (model::paramsOf). Durations,
// enums, fields offered from the upstream schema, expressions checked as the person types with
// the error underlined. Every change is a SetParamCommand on the undo stack. GUI thread only.
#pragma once

#include "designer/graph_model.h"
#include "model/params.h"

#include <QLabel>
#include <QMap>
#include <QLineEdit>
#include <QScrollArea>
#include <functional>
#include <map>

class QUndoStack;
class QFormLayout;

namespace streamlab::ui {

// A one-line expression editor that underlines the error reported by Expression::check.
class ExpressionEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit ExpressionEdit(QWidget* parent = nullptr);
    void setSchema(std::optional<Schema> schema);
    // The current error ("" when the expression compiles or cannot be checked).
    QString error() const { return m_error; }

signals:
    void errorChanged(const QString& error);

private:
    void check();
    void underline(int start, int length);

    std::optional<Schema> m_schema;
    QString m_error;
};

class PropertyPanel : public QScrollArea {
    Q_OBJECT
public:
    PropertyPanel(GraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    void setNode(NodeId id); // kJobNodeId: the job's name and config
    NodeId node() const { return m_node; }
    // The editor of a parameter path ("assigner.size", "id"), or null.
    QWidget* editor(const QString& path) const;
    // Values a running replay uses instead of the job's (by node id, then parameter path, as the
    // job file writes them): a note under the parameter says so, and that Save keeps the job's.
    void setLiveValues(const QMap<QString, QMap<QString, QString>>& values);
    QLabel* liveNote(const QString& path) const { return m_liveNotes.value(path); }

private:
    void rebuild();
    void reload();
    void commit(const std::string& path, const model::Json& value);
    QWidget* makeEditor(const model::ParamInfo& info);
    QWidget* wrapWithMessage(QWidget* editor, QLabel* message);

    GraphModel* m_model;
    QUndoStack* m_undo;
    NodeId m_node = kJobNodeId;
    QString m_kind;
    QWidget* m_content = nullptr;
    QFormLayout* m_form = nullptr;
    struct Row {
        std::string path;
        std::function<void(const model::Json&)> load;
    };
    std::vector<Row> m_rows;
    std::map<QString, QWidget*> m_editors;
    QMap<QString, QMap<QString, QString>> m_liveValues;
    QMap<QString, QLabel*> m_liveNotes; // by parameter path, for the parameters a replay can override
};

} // namespace streamlab::ui
