// ui/designer: drawing the job. The graph model and its undoable commands (commands.h), the
// canvas (graph_scene.h, graph_view.h; its items node_item.h and edge_item.h are the part's own),
// the palette, the property panel, the Problems list, the automatic layout and the physical view.
// It includes ui/common and the engine; other parts use its model, commands and scene.
//
// The designer's graph model: the job's nodes and edges behind integer node ids, with mutators
// that emit signals. It knows no graphics (QtNodes style): the scene mirrors it and can be
// absent, as in the model tests. Every edit of a person goes through a QUndoCommand
// (commands.h) that calls these mutators in redo()/undo(). GUI thread only.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "model/job.h"
#include "model/spec.h"

#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <map>
#include <optional>
#include <vector>

namespace streamlab::ui {

using NodeId = unsigned int;
inline constexpr NodeId kInvalidNodeId = 0;
// The pseudo node of the job itself: SetParamCommand on it edits the job's name and config.
inline constexpr NodeId kJobNodeId = 0;

struct ConnectionId {
    NodeId outNode = kInvalidNodeId;
    QString outPort; // "" for the main output, "late" for a window's late side output
    NodeId inNode = kInvalidNodeId;

    friend bool operator==(const ConnectionId&, const ConnectionId&) = default;
    friend bool operator<(const ConnectionId& a, const ConnectionId& b)
    {
        if (a.outNode != b.outNode)
            return a.outNode < b.outNode;
        if (a.outPort != b.outPort)
            return a.outPort < b.outPort;
        return a.inNode < b.inNode;
    }
};

// Reads and writes a dotted parameter path ("assigner.size") inside a node's JSON.
const model::Json* jsonAt(const model::Json& doc, std::string_view path);
// Sets the value at `path`, creating objects on the way; a null `value` erases the key.
void setJsonAt(model::Json& doc, std::string_view path, const model::Json& value);

class GraphModel : public QObject {
    Q_OBJECT
public:
    static constexpr const char* kFragmentFormat = "streamlab-fragment";

    explicit GraphModel(QObject* parent = nullptr);

    // Replaces the graph with the job's. Refuses (and keeps the current graph) a file of a newer
    // format version, a file that is not a job, and edges that name nodes that do not exist, so a
    // graph is never half loaded.
    Status setJob(const model::Job& job);
    void clear(); // an empty new job, named kUntitled
    static constexpr const char* kUntitled = "untitled";
    model::Job job() const;
    const model::Json& root() const { return m_root; }

    // Nodes, in the order of their ids (file order, then creation order).
    std::vector<NodeId> nodeIds() const;
    bool nodeExists(NodeId id) const { return m_nodes.count(id) > 0; }
    const model::Json& nodeDoc(NodeId id) const;
    QString nodeKey(NodeId id) const; // the job file's "id"
    QString nodeKind(NodeId id) const;
    QString nodeTitle(NodeId id) const; // "name", else the id
    NodeId nodeByKey(const QString& key) const;
    QPointF nodePosition(NodeId id) const;
    bool hasPosition(NodeId id) const;
    QStringList outputPorts(NodeId id) const; // "" and, for a window with late output, "late"
    bool hasInputPort(NodeId id) const;
    int parallelismOf(NodeId id) const;
    // The parameter at `path`, or null. kJobNodeId addresses the job root ("name", "config.parallelism").
    model::Json param(NodeId id, std::string_view path) const;
    // Field names and types flowing into `id`: from the upstream source's declared schema, or
    // (declared == false) the schema the replay infers from its event file. Null when neither is
    // known (no file yet, a node not connected).
    std::optional<Schema> inputSchema(NodeId id) const;
    // A source's schema: declared in the job, else inferred from its event file as the replay
    // infers it (header and first lines), else null.
    std::optional<Schema> sourceSchema(NodeId id) const;

    std::vector<ConnectionId> connections() const;
    std::vector<ConnectionId> connectionsOf(NodeId id) const;
    bool connectionExists(const ConnectionId& c) const { return m_connections.count(c) > 0; }
    const model::Json& connectionExtra(const ConnectionId& c) const; // keys besides from/to
    QString connectionKey(const ConnectionId& c) const; // "from.port->to", as in Problem::edgeId
    // FORWARD, HASH, REBALANCE or BROADCAST, derived as Flink derives it.
    QString partitionerLabel(const ConnectionId& c) const;
    // Empty when the connection may be made, else the reason for a person.
    QString connectionRefusal(const ConnectionId& c) const;

    // The kinds a new node may have to follow `id` (from its `port`), the usual next step first:
    // after a source a keyBy, after a keyBy a window, after a window a sink. Empty after a sink.
    QStringList kindsAfter(NodeId id, const QString& port) const;
    // The kinds a new node may have to feed `id`, the usual first. Empty before a source.
    QStringList kindsBefore(NodeId id) const;

    // A default document for a new node of `kind` with a fresh id.
    model::Json newNodeDoc(const QString& kind) const;
    QString uniqueKey(const QString& base) const;
    static QStringList nodeKinds();

    // Clipboard fragment: the nodes and the edges between them.
    model::Json fragment(const std::vector<NodeId>& nodes) const;

    // Mutators; called by commands. addNode keeps `id` when given (undo restores the same ids).
    NodeId addNode(const model::Json& doc, NodeId id = kInvalidNodeId);
    void removeNode(NodeId id); // REQUIRES: its connections were removed first
    void setNodePosition(NodeId id, QPointF pos);
    void setParam(NodeId id, std::string_view path, const model::Json& value);
    // The job's file (relative event paths resolve against its folder), after a Save As.
    void setFilePath(const std::filesystem::path& file);
    void addConnection(const ConnectionId& c, const model::Json& extra = model::Json::object());
    void removeConnection(const ConnectionId& c);

    // Validation of the whole job (model::compile), recomputed after edits, with a problem on each
    // source whose event file the replay cannot read (an error, as `streamlab run` and the doctor
    // call it).
    const model::Compiled& compiled() const;
    // Whether the job itself has errors, leaving out unreadable event files: the job is still whole
    // enough to export, to list in Replay Settings (where another file may be chosen) and to fit a
    // speed to.
    bool hasJobErrors() const;
    static bool isEventFileProblem(const model::Problem& p);
    // Validates again when a source's event file changed on disk since the last validation
    // (created, removed, rewritten); the window calls it when it becomes active.
    void recheckFiles();
    std::vector<model::Problem> problemsOf(NodeId id) const;
    std::vector<model::Problem> problemsOf(const ConnectionId& c) const;

signals:
    void graphReset();
    void nodeCreated(NodeId id);
    void nodeDeleted(NodeId id);
    void nodeUpdated(NodeId id);
    void nodePositionUpdated(NodeId id);
    void connectionCreated(const ConnectionId& c);
    void connectionDeleted(const ConnectionId& c);
    void jobUpdated(); // name or config changed: labels of every node and edge may change
    void validationChanged(); // emitted once per event-loop turn after edits

private:
    void invalidate();
    // The refusal that depends only on the kinds of the two nodes (and the port), or "".
    static QString kindRefusal(const QString& fromKind, const QString& port, const QString& toKind,
        const QString& from, const QString& to);
    std::optional<Schema> inputSchema(NodeId id, int depth) const;
    std::optional<Schema> outputSchema(NodeId id, const QString& port, int depth) const;

    model::Json m_root;
    std::filesystem::path m_path;
    std::map<NodeId, model::Json> m_nodes;
    std::map<ConnectionId, model::Json> m_connections;
    NodeId m_nextId = 1;
    mutable std::optional<model::Compiled> m_compiled;
    bool m_notifyPending = false;

    // Every source's event file, opened as the replay opens it (missing, empty, a header without
    // the schema's fields): a warning on the node while it is so. Remembered while the node and
    // the file are unchanged, so that an edit elsewhere reads no file.
    void addFileProblems(model::Compiled& compiled) const;
    struct FileStamp {
        bool exists = false; // a regular file
        std::filesystem::file_time_type modified;
        std::uintmax_t size = 0;
        bool operator==(const FileStamp&) const = default;
        static FileStamp of(const std::filesystem::path& path);
    };
    struct FileCheck {
        std::string node; // the node's JSON
        FileStamp file;
        std::string problem; // empty: the file opens
        std::optional<Schema> inferred; // the file's fields, when the job declares none
    };
    mutable std::map<std::string, FileCheck> m_fileChecks; // by node id
};

} // namespace streamlab::ui

Q_DECLARE_METATYPE(streamlab::ui::ConnectionId)
