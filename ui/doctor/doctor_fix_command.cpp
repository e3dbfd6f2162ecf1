#include "doctor/doctor_fix_command.h"

#include "designer/graph_scene.h"

#include <QObject>
#include <QRectF>
#include <cmath>
#include <limits>
#include <set>
#include <utility>
#include <vector>

namespace streamlab::ui {

using model::Json;

namespace {

    struct EdgeRef {
        std::string from; // node id
        std::string port;
        std::string to;
        Json extra; // everything but from and to
    };

    // Edges by "from->to" as written.
    std::map<std::string, EdgeRef> edgesOf(const model::Job& job)
    {
        std::map<std::string, EdgeRef> out;
        for (const auto& e : job.edges) {
            Json extra = e.doc;
            extra.erase("from");
            extra.erase("to");
            out[e.id()] = EdgeRef { e.from(), e.fromPort(), e.to(), std::move(extra) };
        }
        return out;
    }

    // Node ids that name each node exactly once: what a job that the doctor fixed always has.
    bool keysAreUnique(const model::Job& job)
    {
        std::set<std::string> seen;
        for (const auto& n : job.nodes)
            if (n.id().empty() || !seen.insert(n.id()).second)
                return false;
        return true;
    }

    // The setParam calls (top-level key, value; null erases) that turn `from` into `to` keeping
    // `to`'s key order: keys after the first difference in order are erased and added again.
    std::vector<std::pair<std::string, Json>> keyEdits(const Json& from, const Json& to)
    {
        std::vector<std::string> kf, kt;
        for (auto it = from.begin(); it != from.end(); ++it)
            kf.push_back(it.key());
        for (auto it = to.begin(); it != to.end(); ++it)
            kt.push_back(it.key());
        size_t prefix = 0;
        while (prefix < kf.size() && prefix < kt.size() && kf[prefix] == kt[prefix])
            ++prefix;
        std::vector<std::pair<std::string, Json>> edits;
        for (size_t i = prefix; i < kf.size(); ++i)
            edits.emplace_back(kf[i], Json());
        for (size_t i = 0; i < prefix; ++i)
            if (from[kf[i]] != to[kf[i]])
                edits.emplace_back(kf[i], to[kf[i]]);
        for (size_t i = prefix; i < kt.size(); ++i)
            edits.emplace_back(kt[i], to[kt[i]]);
        return edits;
    }

} // namespace

DoctorFixCommand::DoctorFixCommand(GraphModel* model, model::Job target, const QString& text)
    : QUndoCommand(text)
    , m_model(model)
    , m_after(std::move(target))
{
}

void DoctorFixCommand::redo()
{
    if (!m_captured) {
        m_captured = true;
        m_before = m_model->job();
        m_after.path = m_before.path;
        if (m_before.toJson() == m_after.toJson() || !keysAreUnique(m_before) || !keysAreUnique(m_after)) {
            setObsolete(true);
            return;
        }
    }
    transition(m_before, m_after);
}

void DoctorFixCommand::undo() { transition(m_after, m_before); }

void DoctorFixCommand::transition(const model::Job& from, const model::Job& to)
{
    const auto fromEdges = edgesOf(from);
    const auto toEdges = edgesOf(to);
    auto connection = [this](const EdgeRef& e) {
        return ConnectionId { m_model->nodeByKey(QString::fromStdString(e.from)),
            QString::fromStdString(e.port), m_model->nodeByKey(QString::fromStdString(e.to)) };
    };
    // Edges first out, last in: an edge never names a node that is not there.
    for (const auto& [key, e] : fromEdges) {
        auto it = toEdges.find(key);
        if (it == toEdges.end() || it->second.extra != e.extra)
            m_model->removeConnection(connection(e));
    }
    std::set<std::string> fromKeys, toKeys;
    for (const auto& n : from.nodes)
        fromKeys.insert(n.id());
    for (const auto& n : to.nodes)
        toKeys.insert(n.id());
    for (const auto& n : from.nodes) {
        if (toKeys.count(n.id()))
            continue;
        const NodeId id = m_model->nodeByKey(QString::fromStdString(n.id()));
        m_ids[n.id()] = id;
        m_model->removeNode(id);
    }
    for (const auto& n : to.nodes) {
        if (!fromKeys.count(n.id()))
            continue;
        const model::Node* old = from.node(n.id());
        if (old->doc != n.doc)
            changeDoc(m_model->nodeByKey(QString::fromStdString(n.id())), old->doc, n.doc);
    }
    for (const auto& n : to.nodes) {
        if (fromKeys.count(n.id()))
            continue;
        auto known = m_ids.find(n.id());
        m_ids[n.id()] = m_model->addNode(n.doc, known == m_ids.end() ? kInvalidNodeId : known->second);
    }
    for (const auto& [key, e] : toEdges) {
        auto it = fromEdges.find(key);
        if (it == fromEdges.end() || it->second.extra != e.extra)
            m_model->addConnection(connection(e), e.extra);
    }
    if (from.root != to.root)
        changeDoc(kJobNodeId, from.root, to.root);
}

void DoctorFixCommand::changeDoc(NodeId id, const Json& from, const Json& to)
{
    const auto edits = keyEdits(from, to);
    // setParam reads a dot as a path and a null as "erase": check that the edits give `to` exactly.
    Json check = from;
    for (const auto& [key, value] : edits)
        setJsonAt(check, key, value);
    // A new position goes through setNodePosition, which moves the card; it writes whole pixels.
    const Json* toX = jsonAt(to, "ui.x");
    const Json* toY = jsonAt(to, "ui.y");
    const bool moves = id != kJobNodeId && jsonAt(from, "ui") && jsonAt(to, "ui")
        && *jsonAt(from, "ui") != *jsonAt(to, "ui");
    const bool wholePixels = toX && toY && (toX->is_number_integer() || toX->is_number_unsigned())
        && (toY->is_number_integer() || toY->is_number_unsigned());
    if ((check == to && (!moves || wholePixels)) || id == kJobNodeId) {
        // The job's root has neither dotted keys nor null values in the file format, so its edits
        // are always exact.
        for (const auto& [key, value] : edits)
            m_model->setParam(id, key, value);
        if (moves)
            m_model->setNodePosition(id, QPointF(toX->get<double>(), toY->get<double>()));
        return;
    }
    // Otherwise replace the node under the same id and put its edges back.
    std::vector<std::pair<ConnectionId, Json>> edges;
    for (const auto& c : m_model->connectionsOf(id))
        edges.emplace_back(c, m_model->connectionExtra(c));
    m_model->removeNode(id);
    m_model->addNode(to, id);
    for (const auto& [c, extra] : edges)
        m_model->addConnection(c, extra);
}

void DoctorFixCommand::placeNewNodes(
    model::Job& target, const GraphModel& model, const std::function<QSizeF(NodeId)>& size)
{
    const QSizeF newSize = GraphScene::newCardSize();
    constexpr qreal kGap = 90; // between two cards of a chain, room for the edge's label
    constexpr qreal kMargin = 24;
    std::map<std::string, QRectF> placed; // by node id: the cards on the canvas and those placed
    for (NodeId id : model.nodeIds())
        placed[model.nodeKey(id).toStdString()] = QRectF(model.nodePosition(id), size(id));
    std::set<std::string> moved;
    for (const auto& n : target.nodes) {
        if (placed.count(n.id()))
            continue;
        const Json* x = jsonAt(n.doc, "ui.x");
        const Json* y = jsonAt(n.doc, "ui.y");
        if (x && y && x->is_number() && y->is_number())
            placed[n.id()] = QRectF(QPointF(x->get<double>(), y->get<double>()), newSize);
    }
    for (auto& n : target.nodes) {
        if (placed.count(n.id()))
            continue;
        // Next to the node it reads from (or in front of the one it feeds), as in a chain.
        const QRectF* upstream = nullptr;
        const QRectF* downstream = nullptr;
        for (const auto& e : target.edges) {
            if (e.to() == n.id() && placed.count(e.from()) && !upstream)
                upstream = &placed[e.from()];
            if (e.from() == n.id() && placed.count(e.to()) && !downstream)
                downstream = &placed[e.to()];
        }
        QRectF r(QPointF(), newSize);
        qreal shiftFrom = 0; // cards whose left edge is at or right of this make room
        if (upstream) {
            r.moveTopLeft(QPointF(upstream->right() + kGap, upstream->top()));
            shiftFrom = upstream->right() + 1;
        } else if (downstream) {
            r.moveTopLeft(downstream->topLeft());
            shiftFrom = downstream->left();
        } else {
            QRectF all;
            for (const auto& [key, other] : placed)
                all = all.united(other);
            r.moveTopLeft(QPointF(all.right() + kGap, all.top()));
        }
        r.moveTopLeft(QPointF(std::round(r.left() / 8) * 8, std::round(r.top() / 8) * 8));
        // Make room in the chain: the cards from the insertion point on move right by one card.
        bool crowded = false;
        for (const auto& [key, other] : placed)
            crowded = crowded || r.adjusted(-kMargin, -kMargin, kMargin, kMargin).intersects(other);
        if (crowded && (upstream || downstream)) {
            const qreal shift = std::ceil((newSize.width() + kGap) / 8) * 8;
            for (auto& [key, other] : placed)
                if (other.left() >= shiftFrom) {
                    other.translate(shift, 0);
                    moved.insert(key);
                }
        }
        // Still in the way of another row: further down.
        for (bool clear = false; !clear;) {
            clear = true;
            for (const auto& [key, other] : placed)
                if (r.adjusted(-kMargin, -kMargin, kMargin, kMargin).intersects(other)) {
                    r.moveTop(std::ceil((other.bottom() + kMargin + 1) / 8) * 8);
                    clear = false;
                }
        }
        setJsonAt(n.doc, "ui.x", std::lround(r.left()));
        setJsonAt(n.doc, "ui.y", std::lround(r.top()));
        placed[n.id()] = r;
    }
    for (auto& n : target.nodes)
        if (moved.count(n.id()))
            setJsonAt(n.doc, "ui.x", std::lround(placed[n.id()].left()));
}

void DoctorFixCommand::closeGaps(
    model::Job& target, const GraphModel& model, const std::function<QSizeF(NodeId)>& size)
{
    constexpr qreal kMargin = 24; // as placeNewNodes
    // The cards of the target as they will be: existing ones keep their size, new ones are placed.
    std::map<std::string, QRectF> cards;
    for (const auto& n : target.nodes) {
        const Json* x = jsonAt(n.doc, "ui.x");
        const Json* y = jsonAt(n.doc, "ui.y");
        if (!x || !y || !x->is_number() || !y->is_number())
            continue;
        const NodeId id = model.nodeByKey(QString::fromStdString(n.id()));
        const QSizeF s = id != kInvalidNodeId ? size(id) : GraphScene::newCardSize();
        cards[n.id()] = QRectF(QPointF(x->get<double>(), y->get<double>()), s);
    }
    bool changed = false;
    for (NodeId id : model.nodeIds()) {
        const std::string key = model.nodeKey(id).toStdString();
        if (id == kInvalidNodeId || cards.count(key) || target.node(key))
            continue;
        const QRectF gone(model.nodePosition(id), size(id));
        // The cards of its row right of it; the nearest takes its place, the others follow.
        std::map<std::string, QRectF> moved;
        qreal nearest = std::numeric_limits<qreal>::max();
        for (const auto& [k, r] : cards)
            if (r.left() >= gone.right() && r.top() < gone.bottom() && r.bottom() > gone.top()) {
                moved[k] = r;
                nearest = std::min(nearest, r.left());
            }
        const qreal shift = nearest - gone.left();
        for (auto& [k, r] : moved)
            r.translate(-shift, 0);
        bool free = !moved.empty();
        for (const auto& [k, r] : moved)
            for (const auto& [other, o] : cards)
                if (!moved.count(other) && r.adjusted(-kMargin, -kMargin, kMargin, kMargin).intersects(o))
                    free = false;
        if (!free)
            continue;
        for (const auto& [k, r] : moved)
            cards[k] = r;
        changed = true;
    }
    if (!changed)
        return;
    for (auto& n : target.nodes)
        if (auto it = cards.find(n.id()); it != cards.end())
            setJsonAt(n.doc, "ui.x", std::lround(it->second.left()));
}

} // namespace streamlab::ui
