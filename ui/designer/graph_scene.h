// The canvas scene: mirrors a GraphModel with NodeItems and EdgeItems and turns the mouse into
// commands (connect by dragging from port to port, move, nudge). It owns no graph data; every
// change it wants goes through the undo stack. GUI thread only.
#pragma once

#include "designer/graph_model.h"
#include "lint/finding.h"

#include <QGraphicsScene>
#include <QStringList>
#include <QUndoStack>
#include <map>
#include <optional>

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
    // The items themselves, for the designer's own code and tests; the other parts of the window
    // use the calls below, and item() to scroll one into view.
    NodeItem* nodeItem(NodeId id) const;
    EdgeItem* edgeItem(const ConnectionId& c) const;
    QGraphicsItem* item(NodeId id) const;
    QGraphicsItem* item(const ConnectionId& c) const;

    // What the card of a node shows besides its parameters: the replay's figures ("records\t...",
    // one line each; empty: none) and the doctor's worst finding with every finding's title.
    void setLiveStats(NodeId id, const QStringList& lines);
    void clearLiveStats();
    // The replay's live settings that replace a node's values (parameter path to value, "2h"),
    // shown on its card marked "live"; empty: the job's own.
    void setLiveOverrides(NodeId id, const QMap<QString, QString>& overrides);
    void setDoctorFindings(NodeId id, std::optional<lint::Severity> worst, const QStringList& titles);

    // A card's geometry: its width, the height of its header, and the size of a new card (two
    // lines of parameters), for placing nodes before their cards exist.
    static qreal cardWidth();
    static qreal cardHeaderHeight();
    static QSizeF newCardSize();

    std::vector<NodeId> selectedNodes() const;
    std::vector<ConnectionId> selectedConnections() const;
    void selectNodes(const std::vector<NodeId>& ids); // replaces the selection
    QRectF nodesRect(bool selectedOnly) const;
    // How far down cards at `rects` must move to cover no card of the scene (other than those in
    // `ignore`) with 16 pixels to spare: (0, 0) when they already do. Nodes are added, pasted and
    // duplicated there, never on top of another.
    QPointF clearOffset(const std::vector<QRectF>& rects, const std::vector<NodeId>& ignore = {}) const;
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
    // A wire dragged from `node`'s port was dropped on empty canvas at `scenePos`: the place for
    // a new node to connect it to (after the node when fromOutput, else before it).
    void wireDropped(NodeId node, bool fromOutput, const QString& port, QPointF scenePos);

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
    // Puts the edge's ends on its nodes' ports (when both cards are there), its label off `cards`.
    void placeEdge(const ConnectionId& c, EdgeItem* item, const std::vector<QRectF>& cards) const;
    void placeEdges(); // every edge, against the cards as they stand
    std::vector<QRectF> cardRects() const;
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
        QPointF start;
        QGraphicsPathItem* line = nullptr;
    } m_drag;
    HintItem* m_hint = nullptr;
    std::map<NodeId, QPointF> m_pressPositions;
};

} // namespace streamlab::ui
