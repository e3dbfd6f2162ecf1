#include "designer/commands.h"

#include <QObject>
#include <set>

namespace streamlab::ui {

using model::Json;

AddNodesCommand::AddNodesCommand(GraphModel* model, Json fragment, QPointF offset, const QString& text)
    : QUndoCommand(text)
    , m_model(model)
    , m_fragment(std::move(fragment))
    , m_offset(offset)
{
}

void AddNodesCommand::redo()
{
    if (!m_prepared) {
        // First run: give each node a free id and position, then map the fragment's edges.
        m_prepared = true;
        std::map<std::string, NodeId> renamed;
        const Json& nodes = m_fragment.contains("nodes") ? m_fragment["nodes"] : Json::array();
        for (const auto& n : nodes) {
            if (!n.is_object())
                continue;
            Json doc = n;
            std::string oldKey
                = doc.contains("id") && doc["id"].is_string() ? doc["id"].get<std::string>() : "";
            std::string kind
                = doc.contains("kind") && doc["kind"].is_string() ? doc["kind"].get<std::string>() : "node";
            QString key = m_model->uniqueKey(QString::fromStdString(oldKey.empty() ? kind : oldKey));
            doc["id"] = key.toStdString();
            const Json* x = jsonAt(doc, "ui.x");
            const Json* y = jsonAt(doc, "ui.y");
            double px = x && x->is_number() ? x->get<double>() : 0;
            double py = y && y->is_number() ? y->get<double>() : 0;
            setJsonAt(doc, "ui.x", std::lround(px + m_offset.x()));
            setJsonAt(doc, "ui.y", std::lround(py + m_offset.y()));
            NodeId id = m_model->addNode(doc);
            m_nodes.emplace_back(id, doc);
            m_ids.push_back(id);
            if (!oldKey.empty())
                renamed[oldKey] = id;
        }
        const Json& edges = m_fragment.contains("edges") ? m_fragment["edges"] : Json::array();
        for (const auto& e : edges) {
            model::Edge edge { e };
            auto from = renamed.find(edge.from());
            auto to = renamed.find(edge.to());
            if (from == renamed.end() || to == renamed.end())
                continue;
            ConnectionId c { from->second, QString::fromStdString(edge.fromPort()), to->second };
            if (!m_model->connectionRefusal(c).isEmpty())
                continue;
            Json extra = e;
            extra.erase("from");
            extra.erase("to");
            m_model->addConnection(c, extra);
            m_connections.emplace_back(c, extra);
        }
        if (m_nodes.empty())
            setObsolete(true);
        return;
    }
    for (const auto& [id, doc] : m_nodes)
        m_model->addNode(doc, id);
    for (const auto& [c, extra] : m_connections)
        m_model->addConnection(c, extra);
}

void AddNodesCommand::undo()
{
    for (auto it = m_connections.rbegin(); it != m_connections.rend(); ++it)
        m_model->removeConnection(it->first);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_model->removeNode(it->first);
}

RemoveCommand::RemoveCommand(
    GraphModel* model, std::vector<NodeId> nodes, std::vector<ConnectionId> connections)
    : m_model(model)
    , m_nodeIds(std::move(nodes))
    , m_connectionIds(std::move(connections))
{
    if (m_nodeIds.empty() && m_connectionIds.size() == 1)
        setText(QObject::tr("Disconnect %1").arg(model->connectionKey(m_connectionIds.front())));
    else if (m_nodeIds.size() == 1 && m_connectionIds.empty())
        setText(QObject::tr("Delete %1").arg(model->nodeKey(m_nodeIds.front())));
    else
        setText(QObject::tr("Delete %n item(s)", nullptr, int(m_nodeIds.size() + m_connectionIds.size())));
}

void RemoveCommand::redo()
{
    // Snapshot at each redo: what exists now is what undo must bring back.
    m_nodes.clear();
    m_connections.clear();
    std::set<ConnectionId> conns;
    for (const auto& c : m_connectionIds)
        if (m_model->connectionExists(c))
            conns.insert(c);
    for (NodeId id : m_nodeIds)
        for (const auto& c : m_model->connectionsOf(id))
            conns.insert(c);
    for (const auto& c : conns)
        m_connections.emplace_back(c, m_model->connectionExtra(c));
    for (NodeId id : m_nodeIds)
        if (m_model->nodeExists(id))
            m_nodes.emplace_back(id, m_model->nodeDoc(id));
    if (m_nodes.empty() && m_connections.empty()) {
        setObsolete(true);
        return;
    }
    for (const auto& [c, extra] : m_connections)
        m_model->removeConnection(c);
    for (const auto& [id, doc] : m_nodes)
        m_model->removeNode(id);
}

void RemoveCommand::undo()
{
    for (const auto& [id, doc] : m_nodes)
        m_model->addNode(doc, id);
    for (const auto& [c, extra] : m_connections)
        m_model->addConnection(c, extra);
}

ConnectCommand::ConnectCommand(GraphModel* model, ConnectionId connection)
    : QUndoCommand(QObject::tr("Connect %1").arg(model->connectionKey(connection)))
    , m_model(model)
    , m_connection(std::move(connection))
{
}

void ConnectCommand::redo()
{
    if (m_model->connectionExists(m_connection)) {
        setObsolete(true);
        return;
    }
    m_model->addConnection(m_connection);
}

void ConnectCommand::undo() { m_model->removeConnection(m_connection); }

MoveNodesCommand::MoveNodesCommand(
    GraphModel* model, std::map<NodeId, Move> moves, const QString& text, bool mergeable)
    : QUndoCommand(text)
    , m_model(model)
    , m_moves(std::move(moves))
    , m_mergeable(mergeable)
{
}

void MoveNodesCommand::redo()
{
    bool changed = false;
    for (const auto& [id, m] : m_moves) {
        m_model->setNodePosition(id, m.to);
        changed = changed || m.from != m.to;
    }
    if (!changed)
        setObsolete(true);
}

void MoveNodesCommand::undo()
{
    for (const auto& [id, m] : m_moves)
        m_model->setNodePosition(id, m.from);
}

bool MoveNodesCommand::mergeWith(const QUndoCommand* other)
{
    auto* o = static_cast<const MoveNodesCommand*>(other);
    if (!o->m_mergeable || !m_mergeable || o->m_moves.size() != m_moves.size())
        return false;
    for (const auto& [id, m] : o->m_moves)
        if (!m_moves.count(id))
            return false;
    for (const auto& [id, m] : o->m_moves)
        m_moves[id].to = m.to;
    return true;
}

SetParamCommand::SetParamCommand(GraphModel* model, NodeId node, std::string path, Json value)
    : m_model(model)
    , m_node(node)
    , m_path(std::move(path))
    , m_new(std::move(value))
{
    QString who = node == kJobNodeId ? QObject::tr("job") : model->nodeKey(node);
    setText(QObject::tr("Set %1.%2").arg(who, QString::fromStdString(m_path)));
}

void SetParamCommand::redo()
{
    if (!m_captured) {
        m_old = m_model->param(m_node, m_path);
        m_captured = true;
        if (m_old == m_new) {
            setObsolete(true);
            return;
        }
    }
    m_model->setParam(m_node, m_path, m_new);
}

void SetParamCommand::undo() { m_model->setParam(m_node, m_path, m_old); }

bool SetParamCommand::mergeWith(const QUndoCommand* other)
{
    auto* o = static_cast<const SetParamCommand*>(other);
    if (o->m_node != m_node || o->m_path != m_path)
        return false;
    m_new = o->m_new;
    if (m_new == m_old)
        setObsolete(true);
    return true;
}

} // namespace streamlab::ui
