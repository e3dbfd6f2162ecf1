#include "designer/graph_scene.h"

#include "common/theme.h"
#include "designer/commands.h"
#include "designer/edge_item.h"
#include "designer/node_item.h"

#include <QApplication>
#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QTimer>

namespace streamlab::ui {

// A small rounded message on the canvas: why a connection is refused, or where it will go.
class HintItem : public QGraphicsItem {
public:
    HintItem() { setZValue(10); }
    void setMessage(const QString& text, bool error)
    {
        prepareGeometryChange();
        m_text = text;
        m_error = error;
    }
    QRectF boundingRect() const override
    {
        QFontMetricsF fm(QApplication::font());
        QRectF r = fm.boundingRect(QRectF(0, 0, 320, 1000), Qt::TextWordWrap, m_text);
        return QRectF(0, 0, r.width() + 20, r.height() + 12);
    }
    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        p->setRenderHint(QPainter::Antialiasing);
        QRectF r = boundingRect();
        QColor fill = m_error ? theme::errorColor() : theme::accent();
        p->setPen(Qt::NoPen);
        p->setBrush(fill);
        p->drawRoundedRect(r, 6, 6);
        p->setPen(Qt::white);
        p->setFont(QApplication::font());
        p->drawText(r.adjusted(10, 6, -10, -6), Qt::TextWordWrap, m_text);
    }
    QString message() const { return m_text; }

private:
    QString m_text;
    bool m_error = false;
};

GraphScene::GraphScene(GraphModel* model, QUndoStack* undoStack, QObject* parent)
    : QGraphicsScene(parent)
    , m_model(model)
    , m_undo(undoStack)
{
    setItemIndexMethod(QGraphicsScene::NoIndex);
    connect(model, &GraphModel::graphReset, this, &GraphScene::rebuild);
    connect(model, &GraphModel::nodeCreated, this, &GraphScene::addNodeItem);
    connect(model, &GraphModel::nodeDeleted, this, &GraphScene::removeNodeItem);
    connect(model, &GraphModel::connectionCreated, this, [this](const ConnectionId& c) {
        addEdgeItem(c);
        // A late edge can make a window show its late port.
        if (auto* n = nodeItem(c.outNode))
            n->refresh();
    });
    connect(model, &GraphModel::connectionDeleted, this, [this](const ConnectionId& c) {
        removeEdgeItem(c);
        if (auto* n = nodeItem(c.outNode))
            n->refresh();
    });
    connect(model, &GraphModel::nodeUpdated, this, [this](NodeId id) {
        if (auto* n = nodeItem(id))
            n->refresh();
        updateEdgesOf(id);
    });
    connect(model, &GraphModel::nodePositionUpdated, this, [this](NodeId id) {
        if (auto* n = nodeItem(id)) {
            m_syncing = true;
            n->setPos(m_model->nodePosition(id));
            m_syncing = false;
        }
        updateEdgesOf(id);
    });
    connect(model, &GraphModel::jobUpdated, this, &GraphScene::refreshAll);
    connect(model, &GraphModel::validationChanged, this, &GraphScene::refreshAll);
    rebuild();
}

GraphScene::~GraphScene()
{
    // No selectionChanged while the items go: listeners may be half destroyed too.
    blockSignals(true);
    clear();
}

NodeItem* GraphScene::nodeItem(NodeId id) const
{
    auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : it->second;
}

EdgeItem* GraphScene::edgeItem(const ConnectionId& c) const
{
    auto it = m_edges.find(c);
    return it == m_edges.end() ? nullptr : it->second;
}

QGraphicsItem* GraphScene::item(NodeId id) const { return nodeItem(id); }

QGraphicsItem* GraphScene::item(const ConnectionId& c) const { return edgeItem(c); }

void GraphScene::setLiveStats(NodeId id, const QStringList& lines)
{
    auto* n = nodeItem(id);
    if (!n)
        return;
    const bool grows = n->liveStats().size() != lines.size(); // the box under the card changes
    n->setLiveStats(lines);
    if (grows)
        placeEdges();
}

void GraphScene::clearLiveStats()
{
    for (const auto& [id, n] : m_nodes)
        n->setLiveStats({});
    placeEdges();
}

void GraphScene::setLiveOverrides(NodeId id, const QMap<QString, QString>& overrides)
{
    if (auto* n = nodeItem(id))
        n->setLiveOverrides(overrides);
}

void GraphScene::setDoctorFindings(NodeId id, std::optional<lint::Severity> worst, const QStringList& titles)
{
    if (auto* n = nodeItem(id))
        n->setDoctorFindings(worst, titles);
}

qreal GraphScene::cardWidth() { return NodeItem::kWidth; }

qreal GraphScene::cardHeaderHeight() { return NodeItem::kHeaderHeight; }

QSizeF GraphScene::newCardSize()
{
    return { NodeItem::kWidth, NodeItem::kHeaderHeight + 8 + 2 * NodeItem::kLineHeight + 6 };
}

void GraphScene::rebuild()
{
    m_drag = {};
    m_hint = nullptr;
    // Deselect while the items live, and forget them before they go: deleting a selected item
    // emits selectionChanged, whose receivers ask for selectedNodes().
    clearSelection();
    m_nodes.clear();
    m_edges.clear();
    m_pressPositions.clear();
    clear();
    for (NodeId id : m_model->nodeIds())
        addNodeItem(id);
    for (const auto& c : m_model->connections())
        addEdgeItem(c);
}

void GraphScene::addNodeItem(NodeId id)
{
    if (m_nodes.count(id))
        return;
    auto* item = new NodeItem(m_model, id);
    item->setFlag(QGraphicsItem::ItemIsMovable, !m_readOnly);
    m_nodes[id] = item;
    addItem(item);
}

void GraphScene::removeNodeItem(NodeId id)
{
    auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return;
    m_pressPositions.erase(id);
    NodeItem* item = it->second;
    m_nodes.erase(it); // first: deleting a selected item emits selectionChanged
    delete item;
}

void GraphScene::addEdgeItem(const ConnectionId& c)
{
    if (m_edges.count(c))
        return;
    auto* item = new EdgeItem(m_model, c);
    m_edges[c] = item;
    addItem(item);
    placeEdge(c, item, cardRects());
}

void GraphScene::removeEdgeItem(const ConnectionId& c)
{
    auto it = m_edges.find(c);
    if (it == m_edges.end())
        return;
    EdgeItem* item = it->second;
    m_edges.erase(it); // first: deleting a selected item emits selectionChanged
    delete item;
}

std::vector<QRectF> GraphScene::cardRects() const
{
    std::vector<QRectF> cards;
    for (const auto& [id, n] : m_nodes)
        cards.push_back(n->sceneBoundingRect());
    return cards;
}

void GraphScene::placeEdges()
{
    const auto cards = cardRects(); // once for every edge
    for (auto& [c, item] : m_edges)
        placeEdge(c, item, cards);
}

void GraphScene::placeEdge(const ConnectionId& c, EdgeItem* item, const std::vector<QRectF>& cards) const
{
    auto* from = nodeItem(c.outNode);
    auto* to = nodeItem(c.inNode);
    if (!from || !to)
        return;
    item->setEnds(from->outputPortPos(c.outPort), to->inputPortPos(), from->mapRectToScene(from->cardRect()),
        to->mapRectToScene(to->cardRect()));
    // The label in the middle, unless a card (with the live numbers under it) is there: then
    // the nearest place along the curve that is clear.
    for (qreal at : { 0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82 }) {
        const QRectF label = item->mapRectToScene(item->labelRect(at));
        if (std::none_of(cards.begin(), cards.end(), [&](const QRectF& r) { return r.intersects(label); })) {
            item->setLabelAt(at);
            return;
        }
    }
    item->setLabelAt(0.5);
}

void GraphScene::updateEdgesOf(NodeId id)
{
    // Labels first (their width places them), then every edge: this node may now cover, or
    // free, another edge's label.
    for (auto& [c, item] : m_edges)
        if (c.outNode == id || c.inNode == id)
            item->refresh();
    placeEdges();
}

void GraphScene::refreshAll()
{
    for (auto& [id, item] : m_nodes)
        item->refresh();
    for (auto& [c, item] : m_edges)
        item->refresh();
    placeEdges();
}

void GraphScene::nodeItemMoved(NodeId id)
{
    Q_UNUSED(id);
    placeEdges(); // the moved card may now cover, or free, another edge's label
}

std::vector<NodeId> GraphScene::selectedNodes() const
{
    std::vector<NodeId> out;
    for (const auto& [id, item] : m_nodes)
        if (item->isSelected())
            out.push_back(id);
    return out;
}

std::vector<ConnectionId> GraphScene::selectedConnections() const
{
    std::vector<ConnectionId> out;
    for (const auto& [c, item] : m_edges)
        if (item->isSelected())
            out.push_back(c);
    return out;
}

void GraphScene::selectNodes(const std::vector<NodeId>& ids)
{
    const QSignalBlocker block(this);
    clearSelection();
    for (NodeId id : ids)
        if (auto* n = nodeItem(id))
            n->setSelected(true);
    blockSignals(false);
    emit selectionChanged();
}

QRectF GraphScene::nodesRect(bool selectedOnly) const
{
    QRectF r;
    for (const auto& [id, item] : m_nodes)
        if (!selectedOnly || item->isSelected())
            r = r.united(item->sceneBoundingRect());
    return r;
}

QPointF GraphScene::clearOffset(const std::vector<QRectF>& rects, const std::vector<NodeId>& ignore) const
{
    constexpr qreal kMargin = 16, kStep = 24;
    std::vector<QRectF> others;
    for (const auto& [id, item] : m_nodes)
        if (std::find(ignore.begin(), ignore.end(), id) == ignore.end())
            others.push_back(item->sceneBoundingRect().adjusted(-kMargin, -kMargin, kMargin, kMargin));
    auto covers = [&](QPointF delta) {
        for (const QRectF& r : rects)
            for (const QRectF& o : others)
                if (o.intersects(r.translated(delta)))
                    return true;
        return false;
    };
    QPointF delta;
    for (int i = 0; i < 1000 && covers(delta); ++i)
        delta.ry() += kStep;
    return delta;
}

QSizeF GraphScene::nodeSize(NodeId id) const
{
    if (auto* n = nodeItem(id))
        return n->cardRect().size();
    return { NodeItem::kWidth, 100 };
}

void GraphScene::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (auto& [id, item] : m_nodes)
        item->setFlag(QGraphicsItem::ItemIsMovable, !readOnly);
}

void GraphScene::nudgeSelection(QPointF delta)
{
    if (m_readOnly)
        return;
    std::map<NodeId, MoveNodesCommand::Move> moves;
    for (NodeId id : selectedNodes()) {
        QPointF from = m_model->nodePosition(id);
        moves[id] = { from, from + delta };
    }
    if (moves.empty())
        return;
    m_undo->push(new MoveNodesCommand(m_model, std::move(moves), tr("Nudge"), true));
}

void GraphScene::showHint(QPointF scenePos, const QString& text, bool error, int msecs)
{
    if (!m_hint) {
        m_hint = new HintItem;
        addItem(m_hint);
    }
    m_hint->setMessage(text, error);
    m_hint->setPos(scenePos + QPointF(14, 14));
    m_hint->setVisible(!text.isEmpty());
    if (msecs > 0) {
        HintItem* hint = m_hint;
        QTimer::singleShot(msecs, this, [this, hint, text] {
            if (m_hint == hint && m_hint->message() == text && !m_drag.active)
                m_hint->setVisible(false);
        });
    }
}

bool GraphScene::connectNodes(const ConnectionId& c)
{
    QString reason = m_model->connectionRefusal(c);
    if (!reason.isEmpty()) {
        if (auto* n = nodeItem(c.inNode))
            showHint(n->inputPortPos(), reason, true, 4000);
        emit connectionRefused(reason);
        return false;
    }
    m_undo->push(new ConnectCommand(m_model, c));
    return true;
}

void GraphScene::beginConnectionDrag(NodeId node, bool fromOutput, const QString& port, QPointF scenePos)
{
    m_drag.active = true;
    m_drag.node = node;
    m_drag.fromOutput = fromOutput;
    m_drag.port = port;
    m_drag.start = scenePos;
    m_drag.line = new QGraphicsPathItem;
    m_drag.line->setZValue(5);
    addItem(m_drag.line);
    mouseMoveEvent(nullptr);
}

std::optional<ConnectionId> GraphScene::dragTarget(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        auto* n = qgraphicsitem_cast<NodeItem*>(item);
        if (!n || n->nodeId() == m_drag.node)
            continue;
        if (m_drag.fromOutput)
            return ConnectionId { m_drag.node, m_drag.port, n->nodeId() };
        return ConnectionId { n->nodeId(), n->nearestOutputPort(scenePos), m_drag.node };
    }
    return std::nullopt;
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    QGraphicsScene::mousePressEvent(event);
    m_pressPositions.clear();
    if (event->button() == Qt::LeftButton && !m_drag.active)
        for (const auto& [id, item] : m_nodes)
            if (item->isSelected())
                m_pressPositions[id] = item->pos();
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event)
{
    if (!m_drag.active) {
        QGraphicsScene::mouseMoveEvent(event);
        return;
    }
    auto* source = nodeItem(m_drag.node);
    if (!source)
        return;
    QPointF pos = event ? event->scenePos()
                        : (m_drag.fromOutput ? source->outputPortPos(m_drag.port) : source->inputPortPos());
    QPointF anchor = m_drag.fromOutput ? source->outputPortPos(m_drag.port) : source->inputPortPos();
    QPointF end = pos;
    QColor color = theme::accent();
    bool dashed = true;
    if (auto target = dragTarget(pos)) {
        QString reason = m_model->connectionRefusal(*target);
        if (reason.isEmpty()) {
            auto* other = nodeItem(m_drag.fromOutput ? target->inNode : target->outNode);
            end = m_drag.fromOutput ? other->inputPortPos() : other->outputPortPos(target->outPort);
            dashed = false;
            showHint(pos, QString(), false, 0);
        } else {
            color = theme::errorColor();
            showHint(pos, reason, true, 0);
        }
    } else {
        showHint(pos, QString(), false, 0);
    }
    QPen pen(color, 2);
    if (dashed)
        pen.setDashPattern({ 4, 3 });
    m_drag.line->setPen(pen);
    m_drag.line->setPath(m_drag.fromOutput ? EdgeItem::curve(anchor, end) : EdgeItem::curve(end, anchor));
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_drag.active) {
        auto target = dragTarget(event->scenePos());
        const Drag drag = m_drag;
        delete m_drag.line;
        m_drag = {};
        // The node whose port was pressed grabbed the mouse; the base class (skipped here) would
        // have released it. Left grabbed, it would receive the next press wherever it lands, and a
        // drag from another node's port would never start.
        if (QGraphicsItem* grabber = mouseGrabberItem())
            grabber->ungrabMouse();
        if (m_hint)
            m_hint->setVisible(false);
        if (target)
            connectNodes(*target);
        else if (QLineF(drag.start, event->scenePos()).length() > NodeItem::kHeaderHeight && !m_readOnly)
            emit wireDropped(drag.node, drag.fromOutput, drag.port, event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    // A finished drag of nodes: one undo step for the whole move.
    std::map<NodeId, MoveNodesCommand::Move> moves;
    for (const auto& [id, from] : m_pressPositions) {
        auto* item = nodeItem(id);
        if (item && item->pos() != from)
            moves[id] = { from, item->pos() };
    }
    m_pressPositions.clear();
    if (!moves.empty()) {
        const QString text = tr("Move %n node(s)", nullptr, int(moves.size()));
        m_undo->push(new MoveNodesCommand(m_model, std::move(moves), text, false));
    }
}

} // namespace streamlab::ui
