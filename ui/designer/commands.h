// The undoable edits of the designer. Each command does its work in redo() (never in its
// constructor), keeps JSON snapshots of what it deletes so that undo restores the same node ids,
// and marks itself obsolete when it changed nothing. Moves of the same nodes by nudging merge, and
// so do successive edits of one parameter. GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QPointF>
#include <QUndoCommand>
#include <map>
#include <vector>

namespace streamlab::ui {

enum CommandId { kMoveCommandId = 1001, kSetParamCommandId = 1002 };

// Adds nodes and the edges between them from a fragment ({"nodes": [...], "edges": [...]}), as
// added from the palette, pasted or duplicated. Ids that are taken get a fresh one (edges follow);
// positions are shifted by `offset`.
class AddNodesCommand : public QUndoCommand {
public:
    AddNodesCommand(GraphModel* model, model::Json fragment, QPointF offset, const QString& text);
    void redo() override;
    void undo() override;
    const std::vector<NodeId>& nodes() const { return m_ids; }

private:
    GraphModel* m_model;
    model::Json m_fragment;
    QPointF m_offset;
    bool m_prepared = false;
    std::vector<std::pair<NodeId, model::Json>> m_nodes;
    std::vector<std::pair<ConnectionId, model::Json>> m_connections;
    std::vector<NodeId> m_ids;
};

// Removes nodes (with every edge touching them) and edges.
class RemoveCommand : public QUndoCommand {
public:
    RemoveCommand(GraphModel* model, std::vector<NodeId> nodes, std::vector<ConnectionId> connections);
    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    std::vector<NodeId> m_nodeIds;
    std::vector<ConnectionId> m_connectionIds;
    std::vector<std::pair<NodeId, model::Json>> m_nodes;
    std::vector<std::pair<ConnectionId, model::Json>> m_connections;
};

class ConnectCommand : public QUndoCommand {
public:
    ConnectCommand(GraphModel* model, ConnectionId connection);
    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    ConnectionId m_connection;
};

// Moves nodes to new positions. Successive nudges (arrow keys) of the same nodes merge into one
// step; a mouse drag is pushed once, on release, with the positions from the start of the drag.
class MoveNodesCommand : public QUndoCommand {
public:
    struct Move {
        QPointF from;
        QPointF to;
    };
    MoveNodesCommand(GraphModel* model, std::map<NodeId, Move> moves, const QString& text, bool mergeable);
    void redo() override;
    void undo() override;
    int id() const override { return m_mergeable ? kMoveCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphModel* m_model;
    std::map<NodeId, Move> m_moves;
    bool m_mergeable;
};

// Sets one parameter of a node (or of the job, with kJobNodeId); a null value removes it.
// Successive edits of the same parameter of the same node merge.
class SetParamCommand : public QUndoCommand {
public:
    SetParamCommand(GraphModel* model, NodeId node, std::string path, model::Json value);
    void redo() override;
    void undo() override;
    int id() const override { return kSetParamCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphModel* m_model;
    NodeId m_node;
    std::string m_path;
    model::Json m_old;
    model::Json m_new;
    bool m_captured = false;
};

} // namespace streamlab::ui
