#include "designer/graph_model.h"

#include "io/event_reader.h"

#include <QTimer>
#include <algorithm>
#include <set>

namespace streamlab::ui {

using model::Json;

const Json* jsonAt(const Json& doc, std::string_view path)
{
    const Json* cur = &doc;
    while (true) {
        auto dot = path.find('.');
        std::string key(path.substr(0, dot));
        if (!cur->is_object())
            return nullptr;
        auto it = cur->find(key);
        if (it == cur->end())
            return nullptr;
        cur = &*it;
        if (dot == std::string_view::npos)
            return cur;
        path = path.substr(dot + 1);
    }
}

void setJsonAt(Json& doc, std::string_view path, const Json& value)
{
    auto dot = path.find('.');
    std::string key(path.substr(0, dot));
    if (!doc.is_object())
        doc = Json::object();
    if (dot == std::string_view::npos) {
        if (value.is_null())
            doc.erase(key);
        else
            doc[key] = value;
        return;
    }
    if (value.is_null() && !doc.contains(key))
        return;
    Json& child = doc[key];
    setJsonAt(child, path.substr(dot + 1), value);
    if (value.is_null() && child.is_object() && child.empty())
        doc.erase(key);
}

static QString str(const std::string& s) { return QString::fromStdString(s); }

// Ends the message of a source's event-file problem, which tells it from the job's own errors.
static constexpr std::string_view kEventFileSuffix = " (the replay cannot read it)";

GraphModel::GraphModel(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<streamlab::ui::ConnectionId>();
    clear();
}

void GraphModel::clear()
{
    m_root = Json::object();
    m_root["format"] = std::string(model::kFormatName);
    m_root["version"] = model::kFormatVersion;
    m_root["name"] = kUntitled;
    m_root["config"] = Json { { "parallelism", 1 } };
    m_path.clear();
    m_nodes.clear();
    m_connections.clear();
    m_nextId = 1;
    invalidate();
    emit graphReset();
}

Status GraphModel::setJob(const model::Job& job)
{
    const std::string source = job.path.empty() ? std::string("the job") : job.path.string();
    auto fmt = job.root.find("format");
    if (fmt == job.root.end() || !fmt->is_string() || fmt->get<std::string>() != model::kFormatName)
        return Status::invalid(
            source + " is not a Streamlab job file: it must start with \"format\": \"streamlab-job\"");
    auto ver = job.root.find("version");
    if (ver != job.root.end() && ver->is_number_integer() && ver->get<int64_t>() > model::kFormatVersion)
        return Status::unsupported(source + " is format version " + std::to_string(ver->get<int64_t>())
            + ", written by a newer Streamlab. This Streamlab reads version "
            + std::to_string(model::kFormatVersion) + "; open the file with a newer Streamlab.");

    std::map<std::string, NodeId> byKey;
    std::map<NodeId, Json> nodes;
    NodeId next = 1;
    for (const auto& n : job.nodes) {
        std::string key = n.id();
        if (!key.empty() && byKey.count(key))
            return Status::invalid(source + ": two nodes have the id '" + key + "'; node ids must be unique");
        NodeId id = next++;
        if (!key.empty())
            byKey[key] = id;
        nodes[id] = n.doc;
    }
    std::map<ConnectionId, Json> conns;
    for (const auto& e : job.edges) {
        auto from = byKey.find(e.from());
        auto to = byKey.find(e.to());
        if (from == byKey.end())
            return Status::invalid(
                source + ": edge '" + e.id() + "' starts at node '" + e.from() + "', which does not exist");
        if (to == byKey.end())
            return Status::invalid(
                source + ": edge '" + e.id() + "' ends at node '" + e.to() + "', which does not exist");
        ConnectionId c { from->second, str(e.fromPort()), to->second };
        if (conns.count(c))
            return Status::invalid(source + ": edge '" + e.id() + "' appears twice");
        Json extra = e.doc;
        extra.erase("from");
        extra.erase("to");
        conns[c] = extra;
    }
    m_root = job.root;
    m_path = job.path;
    m_nodes = std::move(nodes);
    m_connections = std::move(conns);
    m_nextId = next;
    invalidate();
    emit graphReset();
    return {};
}

void GraphModel::setFilePath(const std::filesystem::path& file)
{
    if (file == m_path)
        return;
    m_path = file;
    invalidate();
}

model::Job GraphModel::job() const
{
    model::Job j;
    j.root = m_root;
    j.path = m_path;
    for (const auto& [id, doc] : m_nodes)
        j.nodes.push_back(model::Node { doc });
    for (const auto& [c, extra] : m_connections) {
        Json e = Json::object();
        QString from = nodeKey(c.outNode);
        if (!c.outPort.isEmpty())
            from += QLatin1Char('.') + c.outPort;
        e["from"] = from.toStdString();
        e["to"] = nodeKey(c.inNode).toStdString();
        for (auto it = extra.begin(); it != extra.end(); ++it)
            e[it.key()] = it.value();
        j.edges.push_back(model::Edge { e });
    }
    return j;
}

std::vector<NodeId> GraphModel::nodeIds() const
{
    std::vector<NodeId> ids;
    ids.reserve(m_nodes.size());
    for (const auto& [id, doc] : m_nodes)
        ids.push_back(id);
    return ids;
}

const Json& GraphModel::nodeDoc(NodeId id) const
{
    static const Json kEmpty = Json::object();
    auto it = m_nodes.find(id);
    return it == m_nodes.end() ? kEmpty : it->second;
}

static QString stringField(const Json& doc, const char* key)
{
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? str(it->get<std::string>()) : QString();
}

QString GraphModel::nodeKey(NodeId id) const { return stringField(nodeDoc(id), "id"); }
QString GraphModel::nodeKind(NodeId id) const { return stringField(nodeDoc(id), "kind"); }
QString GraphModel::nodeTitle(NodeId id) const
{
    QString name = stringField(nodeDoc(id), "name");
    return name.isEmpty() ? nodeKey(id) : name;
}

NodeId GraphModel::nodeByKey(const QString& key) const
{
    if (key.isEmpty())
        return kInvalidNodeId;
    for (const auto& [id, doc] : m_nodes)
        if (stringField(doc, "id") == key)
            return id;
    return kInvalidNodeId;
}

bool GraphModel::hasPosition(NodeId id) const
{
    const Json* x = jsonAt(nodeDoc(id), "ui.x");
    const Json* y = jsonAt(nodeDoc(id), "ui.y");
    return x && y && x->is_number() && y->is_number();
}

QPointF GraphModel::nodePosition(NodeId id) const
{
    if (!hasPosition(id))
        return {};
    return { jsonAt(nodeDoc(id), "ui.x")->get<double>(), jsonAt(nodeDoc(id), "ui.y")->get<double>() };
}

QStringList GraphModel::outputPorts(NodeId id) const
{
    QString kind = nodeKind(id);
    if (kind == "sink")
        return {};
    QStringList ports { QString() };
    if (kind == "window") {
        const Json* late = jsonAt(nodeDoc(id), "lateOutput");
        bool used = std::any_of(m_connections.begin(), m_connections.end(),
            [id](const auto& c) { return c.first.outNode == id && c.first.outPort == "late"; });
        if ((late && late->is_boolean() && late->get<bool>()) || used)
            ports << QStringLiteral("late");
    }
    return ports;
}

bool GraphModel::hasInputPort(NodeId id) const { return nodeKind(id) != "source"; }

int GraphModel::parallelismOf(NodeId id) const
{
    const Json* p = jsonAt(nodeDoc(id), "parallelism");
    if (p && p->is_number_integer())
        return static_cast<int>(p->get<int64_t>());
    const Json* c = jsonAt(m_root, "config.parallelism");
    if (c && c->is_number_integer())
        return static_cast<int>(c->get<int64_t>());
    return 1;
}

Json GraphModel::param(NodeId id, std::string_view path) const
{
    const Json* v = jsonAt(id == kJobNodeId ? m_root : nodeDoc(id), path);
    return v ? *v : Json();
}

std::optional<Schema> GraphModel::inputSchema(NodeId id) const { return inputSchema(id, 0); }

std::optional<Schema> GraphModel::inputSchema(NodeId id, int depth) const
{
    for (const auto& [c, extra] : m_connections)
        if (c.inNode == id)
            return outputSchema(c.outNode, c.outPort, depth + 1);
    return std::nullopt;
}

std::optional<Schema> GraphModel::outputSchema(NodeId id, const QString& port, int depth) const
{
    if (depth > 256) // a cycle: the graph is invalid anyway
        return std::nullopt;
    const QString kind = nodeKind(id);
    if (kind == "source")
        return sourceSchema(id);
    if (kind == "window" || kind == "aggregate") {
        if (port == "late") // the late side output carries the original events
            return inputSchema(id, depth);
        Schema s;
        s.declared = true;
        // As the engine's outputSchema: `value`, or one field per aggregate of a list.
        std::vector<std::string> values { "value" };
        const Json* agg = jsonAt(nodeDoc(id), "aggregate");
        if (agg && agg->is_array()) {
            values.clear();
            for (const auto& a : *agg)
                if (a.is_object() && a.contains("as") && a["as"].is_string())
                    values.push_back(a["as"].get<std::string>());
                else if (a.is_object() && a.contains("fn") && a["fn"].is_string())
                    values.push_back(model::defaultAggregateName(a["fn"].get<std::string>(),
                        a.contains("field") && a["field"].is_string() ? a["field"].get<std::string>() : ""));
        }
        s.fields.push_back({ "key", FieldType::Any });
        if (kind == "window") {
            s.fields.push_back({ "window_start", FieldType::Any });
            s.fields.push_back({ "window_end", FieldType::Any });
        }
        for (const auto& v : values)
            s.fields.push_back({ v, FieldType::Any });
        if (kind == "window") {
            s.fields.push_back({ "firing", FieldType::Any });
            s.fields.push_back({ "pane", FieldType::Any });
        }
        return s;
    }
    auto s = inputSchema(id, depth);
    if (s && kind == "map") {
        const Json* set = jsonAt(nodeDoc(id), "set");
        if (set && set->is_object())
            for (auto it = set->begin(); it != set->end(); ++it)
                if (s->indexOf(it.key()) < 0)
                    s->fields.push_back({ it.key(), FieldType::Any });
    }
    return s;
}

std::optional<Schema> GraphModel::sourceSchema(NodeId id) const
{
    if (nodeKind(id) != "source")
        return std::nullopt;
    const Json* schema = jsonAt(nodeDoc(id), "schema");
    if (schema && schema->is_object() && !schema->empty()) {
        Schema s;
        s.declared = true;
        for (auto it = schema->begin(); it != schema->end(); ++it) {
            auto t = it->is_string() ? parseFieldType(it->get<std::string>()) : std::nullopt;
            s.fields.push_back({ it.key(), t.value_or(FieldType::Any) });
        }
        return s;
    }
    compiled(); // reads the event files that changed since the last validation
    auto check = m_fileChecks.find(nodeKey(id).toStdString());
    if (check == m_fileChecks.end())
        return std::nullopt;
    return check->second.inferred;
}

std::vector<ConnectionId> GraphModel::connections() const
{
    std::vector<ConnectionId> out;
    for (const auto& [c, extra] : m_connections)
        out.push_back(c);
    return out;
}

std::vector<ConnectionId> GraphModel::connectionsOf(NodeId id) const
{
    std::vector<ConnectionId> out;
    for (const auto& [c, extra] : m_connections)
        if (c.outNode == id || c.inNode == id)
            out.push_back(c);
    return out;
}

const Json& GraphModel::connectionExtra(const ConnectionId& c) const
{
    static const Json kEmpty = Json::object();
    auto it = m_connections.find(c);
    return it == m_connections.end() ? kEmpty : it->second;
}

QString GraphModel::connectionKey(const ConnectionId& c) const
{
    QString from = nodeKey(c.outNode);
    if (!c.outPort.isEmpty())
        from += "." + c.outPort;
    return from + "->" + nodeKey(c.inNode);
}

QString GraphModel::partitionerLabel(const ConnectionId& c) const
{
    if (nodeKind(c.outNode) == "keyBy")
        return QStringLiteral("HASH");
    const Json& extra = connectionExtra(c);
    if (auto it = extra.find("partitioner"); it != extra.end() && it->is_string())
        return str(it->get<std::string>()).toUpper();
    return parallelismOf(c.outNode) == parallelismOf(c.inNode) ? QStringLiteral("FORWARD")
                                                               : QStringLiteral("REBALANCE");
}

QString GraphModel::connectionRefusal(const ConnectionId& c) const
{
    if (!nodeExists(c.outNode) || !nodeExists(c.inNode))
        return tr("The node no longer exists.");
    const QString from = nodeKey(c.outNode);
    const QString to = nodeKey(c.inNode);
    if (c.outNode == c.inNode)
        return tr("A node cannot be connected to itself.");
    const QString fromKind = nodeKind(c.outNode);
    const QString toKind = nodeKind(c.inNode);
    if (!c.outPort.isEmpty() && !outputPorts(c.outNode).contains(c.outPort) && fromKind != "sink")
        return tr("Node '%1' has no output port '%2' (only a window with lateOutput has the late port).")
            .arg(from, c.outPort);
    if (QString refusal = kindRefusal(fromKind, c.outPort, toKind, from, to); !refusal.isEmpty())
        return refusal;
    if (connectionExists(c))
        return tr("'%1' is already connected to '%2'.").arg(from, to);
    // Would the new edge close a loop? Look for a path from `to` back to `from`.
    std::vector<NodeId> stack { c.inNode };
    std::set<NodeId> seen;
    while (!stack.empty()) {
        NodeId n = stack.back();
        stack.pop_back();
        if (n == c.outNode)
            return tr("Connecting '%1' to '%2' would make a cycle; a dataflow graph must not loop.")
                .arg(from, to);
        if (!seen.insert(n).second)
            continue;
        for (const auto& [e, extra] : m_connections)
            if (e.outNode == n)
                stack.push_back(e.inNode);
    }
    return {};
}

QString GraphModel::kindRefusal(
    const QString& fromKind, const QString& port, const QString& toKind, const QString& from, const QString& to)
{
    if (fromKind == "sink")
        return tr("Sink '%1' has no output.").arg(from);
    if (toKind == "source")
        return tr("Source '%1' takes no input; sources read their events from a file.").arg(to);
    if ((toKind == "window" || toKind == "aggregate") && (fromKind != "keyBy" || !port.isEmpty()))
        return tr("A %1 needs a keyBy directly before it: Flink windows and keyed aggregates work on a "
                  "KeyedStream. Put a keyBy between '%2' and '%3'.")
            .arg(toKind, from, to);
    return {};
}

QStringList GraphModel::kindsAfter(NodeId id, const QString& port) const
{
    const QString kind = nodeKind(id);
    // The usual next step first, as pipelines are drawn: records are narrowed and shaped, keyed,
    // windowed, then written; a window's results (or its late events) are written or reshaped.
    QStringList order { "keyBy", "filter", "map", "sink" };
    if (kind == "keyBy")
        order = { "window", "aggregate", "filter", "map", "sink" };
    else if (kind == "window" || kind == "aggregate")
        order = { "sink", "map", "filter", "keyBy" };
    QStringList out;
    for (const QString& k : order)
        if (kindRefusal(kind, port, k, {}, {}).isEmpty())
            out << k;
    return out;
}

QStringList GraphModel::kindsBefore(NodeId id) const
{
    const QString kind = nodeKind(id);
    QStringList order { "source", "filter", "map", "keyBy", "window", "aggregate" };
    if (kind == "sink")
        order = { "window", "aggregate", "source", "filter", "map", "keyBy" };
    QStringList out;
    for (const QString& k : order)
        if (kindRefusal(k, {}, kind, {}, {}).isEmpty())
            out << k;
    return out;
}

QStringList GraphModel::nodeKinds()
{
    return { "source", "filter", "map", "keyBy", "window", "aggregate", "sink" };
}

QString GraphModel::uniqueKey(const QString& base) const
{
    QString b = base.isEmpty() ? QStringLiteral("node") : base;
    // Strip a numeric suffix so that copies of "sink2" become "sink3", not "sink22".
    int end = b.size();
    while (end > 1 && b.at(end - 1).isDigit())
        --end;
    QString stem = b.left(end);
    if (nodeByKey(b) == kInvalidNodeId)
        return b;
    for (int i = 2;; ++i) {
        QString k = stem + QString::number(i);
        if (nodeByKey(k) == kInvalidNodeId)
            return k;
    }
}

Json GraphModel::newNodeDoc(const QString& kind) const
{
    Json d = Json::object();
    d["id"] = uniqueKey(kind == "keyBy" ? QStringLiteral("keyBy") : kind).toStdString();
    d["kind"] = kind.toStdString();
    if (kind == "source") {
        d["path"] = "events.csv";
        d["format"] = "csv";
        d["timestamp"] = "ts";
        d["watermark"] = Json { { "strategy", "boundedOutOfOrderness" }, { "maxOutOfOrderness", "5s" } };
    } else if (kind == "filter") {
        d["where"] = "";
    } else if (kind == "map") {
        d["set"] = Json::object();
    } else if (kind == "keyBy") {
        d["key"] = Json::array();
    } else if (kind == "window") {
        d["assigner"] = Json { { "type", "tumbling" }, { "size", "1m" } };
        d["trigger"] = Json { { "type", "eventTime" } };
        d["aggregate"] = Json { { "fn", "count" } };
    } else if (kind == "aggregate") {
        d["aggregate"] = Json { { "fn", "count" } };
    } else if (kind == "sink") {
        d["type"] = "collect";
    }
    return d;
}

Json GraphModel::fragment(const std::vector<NodeId>& nodes) const
{
    Json f = Json::object();
    f["format"] = kFragmentFormat;
    f["nodes"] = Json::array();
    f["edges"] = Json::array();
    std::set<NodeId> in(nodes.begin(), nodes.end());
    for (NodeId id : nodes)
        if (nodeExists(id))
            f["nodes"].push_back(nodeDoc(id));
    for (const auto& [c, extra] : m_connections) {
        if (!in.count(c.outNode) || !in.count(c.inNode))
            continue;
        Json e = Json::object();
        e["from"] = (nodeKey(c.outNode) + (c.outPort.isEmpty() ? QString() : "." + c.outPort)).toStdString();
        e["to"] = nodeKey(c.inNode).toStdString();
        for (auto it = extra.begin(); it != extra.end(); ++it)
            e[it.key()] = it.value();
        f["edges"].push_back(e);
    }
    return f;
}

NodeId GraphModel::addNode(const Json& doc, NodeId id)
{
    if (id == kInvalidNodeId)
        id = m_nextId;
    m_nextId = std::max(m_nextId, id + 1);
    m_nodes[id] = doc;
    invalidate();
    emit nodeCreated(id);
    return id;
}

void GraphModel::removeNode(NodeId id)
{
    if (!m_nodes.count(id))
        return;
    for (const auto& c : connectionsOf(id))
        removeConnection(c);
    m_nodes.erase(id);
    invalidate();
    emit nodeDeleted(id);
}

void GraphModel::setNodePosition(NodeId id, QPointF pos)
{
    auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return;
    // Positions are whole pixels in the file: diffs stay readable.
    setJsonAt(it->second, "ui.x", std::lround(pos.x()));
    setJsonAt(it->second, "ui.y", std::lround(pos.y()));
    emit nodePositionUpdated(id);
}

void GraphModel::setParam(NodeId id, std::string_view path, const Json& value)
{
    if (id == kJobNodeId) {
        setJsonAt(m_root, path, value);
        invalidate();
        emit jobUpdated();
        return;
    }
    auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return;
    setJsonAt(it->second, path, value);
    invalidate();
    emit nodeUpdated(id);
    // Parallelism and ports change the labels of the node's edges.
    for (const auto& c : connectionsOf(id)) {
        emit nodeUpdated(c.outNode == id ? c.inNode : c.outNode);
    }
}

void GraphModel::addConnection(const ConnectionId& c, const Json& extra)
{
    if (m_connections.count(c))
        return;
    m_connections[c] = extra.is_object() ? extra : Json::object();
    invalidate();
    emit connectionCreated(c);
}

void GraphModel::removeConnection(const ConnectionId& c)
{
    if (!m_connections.erase(c))
        return;
    invalidate();
    emit connectionDeleted(c);
}

void GraphModel::invalidate()
{
    m_compiled.reset();
    if (m_notifyPending)
        return;
    m_notifyPending = true;
    QTimer::singleShot(0, this, [this] {
        m_notifyPending = false;
        emit validationChanged();
    });
}

const model::Compiled& GraphModel::compiled() const
{
    if (!m_compiled) {
        m_compiled = model::compile(job());
        addFileProblems(*m_compiled);
    }
    return *m_compiled;
}

GraphModel::FileStamp GraphModel::FileStamp::of(const std::filesystem::path& path)
{
    FileStamp f;
    std::error_code ec;
    f.exists = std::filesystem::is_regular_file(path, ec);
    if (f.exists) {
        f.modified = std::filesystem::last_write_time(path, ec);
        f.size = std::filesystem::file_size(path, ec);
    }
    return f;
}

void GraphModel::recheckFiles()
{
    if (!m_compiled)
        return; // validated at the next use anyway
    for (const auto& n : m_compiled->spec.nodes) {
        const auto* s = std::get_if<model::SourceSpec>(&n.params);
        auto old = m_fileChecks.find(n.id);
        if (!s || old == m_fileChecks.end())
            continue;
        if (FileStamp::of(s->path) != old->second.file) {
            invalidate();
            return;
        }
    }
}

void GraphModel::addFileProblems(model::Compiled& compiled) const
{
    std::map<std::string, FileCheck> checks;
    for (const auto& n : compiled.spec.nodes) {
        const auto* s = std::get_if<model::SourceSpec>(&n.params);
        const NodeId id = nodeByKey(QString::fromStdString(n.id));
        if (!s || id == kInvalidNodeId)
            continue;
        FileCheck now;
        now.node = nodeDoc(id).dump();
        now.file = FileStamp::of(s->path);
        auto old = m_fileChecks.find(n.id);
        std::error_code ec;
        if (old != m_fileChecks.end() && old->second.node == now.node && old->second.file == now.file) {
            now.problem = old->second.problem;
            now.inferred = old->second.inferred;
        } else if (!now.file.exists && !std::filesystem::exists(s->path, ec)) {
            now.problem = s->path.string() + ": no such event file";
        } else {
            auto reader = io::EventReader::open(*s, n.id);
            if (!reader.ok()) {
                now.problem = reader.status().message();
                // A timestamp field the file lacks fails the open, but the file's own fields are
                // what a person picks the right one from.
                if (!s->schema.declared && !s->timestampField.empty()) {
                    model::SourceSpec any = *s;
                    any.timestampField.clear();
                    reader = io::EventReader::open(any, n.id);
                }
            }
            if (reader.ok() && !(*reader)->schema()->declared)
                now.inferred = *(*reader)->schema();
        }
        if (!now.problem.empty())
            compiled.problems.push_back({ model::Severity::Error, n.id, {}, "path",
                now.problem + std::string(kEventFileSuffix) });
        checks[n.id] = std::move(now);
    }
    m_fileChecks = std::move(checks);
}

bool GraphModel::isEventFileProblem(const model::Problem& p)
{
    return p.field == "path" && p.message.ends_with(kEventFileSuffix);
}

bool GraphModel::hasJobErrors() const
{
    const auto& problems = compiled().problems;
    return std::any_of(problems.begin(), problems.end(),
        [](const model::Problem& p) { return p.severity == model::Severity::Error && !isEventFileProblem(p); });
}

std::vector<model::Problem> GraphModel::problemsOf(NodeId id) const
{
    std::vector<model::Problem> out;
    const std::string key = nodeKey(id).toStdString();
    if (key.empty())
        return out;
    for (const auto& p : compiled().problems)
        if (p.nodeId == key)
            out.push_back(p);
    return out;
}

std::vector<model::Problem> GraphModel::problemsOf(const ConnectionId& c) const
{
    std::vector<model::Problem> out;
    const std::string key = connectionKey(c).toStdString();
    for (const auto& p : compiled().problems)
        if (p.edgeId == key)
            out.push_back(p);
    return out;
}

} // namespace streamlab::ui
