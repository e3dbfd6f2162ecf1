// The canvas scene: mirrors a GraphModel with NodeItems and EdgeItems and turns the mouse into
// commands (connect by dragging from port to port, move, nudge). It owns no graph data; every
// change it wants goes through the undo stack. GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QGraphicsScene>
#include <QUndoStack>
#include <map>

namespace streamlab::ui {

class NodeItem;
class EdgeItem;
class HintItem;

class GraphScene : public QGraphicsScene {
    Q_OBJECT
public:
    GraphScene(GraphModel* model, QUndoStack* undoStack, QObject* parent = nullptr);
    ~GraphScene() override;

    GraphModel* graphModel() const { return m_model; }
    QUndoStack* undoStack() const { return m_undo; }
    NodeItem* nodeItem(NodeId id) const;
    EdgeItem* edgeItem(const ConnectionId& c) const;

    std::vector<NodeId> selectedNodes() const;
    std::vector<ConnectionId> selectedConnections() const;
    void selectNodes(const std::vector<NodeId>& ids); // replaces the selection
    QRectF nodesRect(bool selectedOnly) const;
    QSizeF nodeSize(NodeId id) const;

    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    // Moves the selected nodes by `delta` (arrow keys); successive nudges merge into one undo step.
    void nudgeSelection(QPointF delta);

    // Called by NodeItem.
    void beginConnectionDrag(NodeId node, bool fromOutput, const QString& port, QPointF scenePos);
    void nodeItemMoved(NodeId id);
    bool isDraggingConnection() const { return m_drag.active; }

    // Tries to connect as a drag would; shows the refusal on the canvas when refused.
    bool connectNodes(const ConnectionId& c);

signals:
    void connectionRefused(const QString& reason);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void rebuild();
    void addNodeItem(NodeId id);
    void removeNodeItem(NodeId id);
    void addEdgeItem(const ConnectionId& c);
    void removeEdgeItem(const ConnectionId& c);
    void updateEdgesOf(NodeId id);
    void refreshAll();
    void showHint(QPointF scenePos, const QString& text, bool error, int msecs);
    // The connection a drag would make if released at `scenePos`, and whether there is a target.
    std::optional<ConnectionId> dragTarget(QPointF scenePos) const;

    GraphModel* m_model;
    QUndoStack* m_undo;
    std::map<NodeId, NodeItem*> m_nodes;
    std::map<ConnectionId, EdgeItem*> m_edges;
    bool m_readOnly = false;
    bool m_syncing = false; // the model is moving an item: not a user move

    struct Drag {
        bool active = false;
        NodeId node = kInvalidNodeId;
        bool fromOutput = true;
        QString port;
        QGraphicsPathItem* line = nullptr;
    } m_drag;
    HintItem* m_hint = nullptr;
    std::map<NodeId, QPointF> m_pressPositions;
};

} // namespace streamlab::ui
