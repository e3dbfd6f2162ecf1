#include "shell/main_window.h"

#include "common/theme.h"
#include "designer/commands.h"
#include "designer/graph_layout.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/palette_widget.h"
#include "designer/property_panel.h"
#include "model/json_text.h"

#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QGraphicsItem>
#include <QMimeData>
#include <QStatusBar>

namespace streamlab::ui {

using model::Json;

NodeId MainWindow::addNode(const QString& kind, QPointF scenePos, NodeId link, const QString& port, bool after)
{
    if (m_physicalAct->isChecked() || !GraphModel::nodeKinds().contains(kind))
        return kInvalidNodeId;
    Json doc = m_model->newNodeDoc(kind);
    // Snap the card's centre of the header to the drop point, on the 8-pixel grid, then down
    // past any card it would cover.
    QPointF pos = scenePos - QPointF(GraphScene::cardWidth() / 2, GraphScene::cardHeaderHeight() / 2);
    pos = QPointF(std::round(pos.x() / 8) * 8, std::round(pos.y() / 8) * 8);
    pos += m_scene->clearOffset({ QRectF(pos, GraphScene::newCardSize()) });
    setJsonAt(doc, "ui.x", pos.x());
    setJsonAt(doc, "ui.y", pos.y());
    const QString key = QString::fromStdString(doc["id"].get<std::string>());
    const bool linked = m_model->nodeExists(link);
    if (linked)
        m_undo->beginMacro(after ? tr("Add %1 after %2").arg(kind, m_model->nodeKey(link))
                                 : tr("Add %1 before %2").arg(kind, m_model->nodeKey(link)));
    Json fragment { { "nodes", Json::array({ doc }) }, { "edges", Json::array() } };
    m_undo->push(new AddNodesCommand(m_model, fragment, QPointF(), tr("Add %1").arg(kind)));
    const NodeId id = m_model->nodeByKey(key);
    if (linked) {
        const ConnectionId c = after ? ConnectionId { link, port, id } : ConnectionId { id, QString(), link };
        if (m_model->connectionRefusal(c).isEmpty())
            m_undo->push(new ConnectCommand(m_model, c));
        m_undo->endMacro();
    }
    m_scene->selectNodes({ id });
    revealSelection();
    m_view->setFocus();
    return id;
}

void MainWindow::openQuickAdd(QPoint globalPos, QPointF scenePos, NodeId link, const QString& port, bool after)
{
    m_quickAddTarget = { scenePos, link, port, after };
    if (!m_model->nodeExists(link)) {
        m_quickAdd->popup(globalPos);
        return;
    }
    const QString name = m_model->nodeKey(link) + (port.isEmpty() ? QString() : "." + port);
    m_quickAdd->popup(globalPos, after ? tr("After %1").arg(name) : tr("Before %1").arg(name),
        after ? m_model->kindsAfter(link, port) : m_model->kindsBefore(link));
}

void MainWindow::deleteSelection()
{
    auto nodes = m_scene->selectedNodes();
    auto conns = m_scene->selectedConnections();
    if (nodes.empty() && conns.empty())
        return;
    m_undo->push(new RemoveCommand(m_model, nodes, conns));
}

void MainWindow::copySelection()
{
    auto nodes = m_scene->selectedNodes();
    if (nodes.empty())
        return;
    Json f = m_model->fragment(nodes);
    auto* mime = new QMimeData;
    QByteArray text = QByteArray::fromStdString(f.dump(2));
    mime->setData(kClipboardMime, text);
    mime->setText(QString::fromUtf8(text));
    QApplication::clipboard()->setMimeData(mime);
    statusBar()->showMessage(tr("Copied %n node(s)", nullptr, int(nodes.size())), 3000);
}

void MainWindow::paste()
{
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    QByteArray data = mime->hasFormat(kClipboardMime) ? mime->data(kClipboardMime) : mime->text().toUtf8();
    auto parsed = model::parseJson(data.toStdString(), "clipboard");
    if (!parsed.ok()) {
        statusBar()->showMessage(tr("The clipboard holds no Streamlab nodes"), 4000);
        return;
    }
    Json f = std::move(*parsed);
    if (!f.is_object() || !f.contains("nodes") || !f["nodes"].is_array() || f["nodes"].empty()) {
        statusBar()->showMessage(tr("The clipboard holds no Streamlab nodes"), 4000);
        return;
    }
    // Pasted 32 pixels down and right of where they were copied, and further down past any card.
    std::vector<QRectF> cards;
    for (const auto& n : f["nodes"]) {
        const Json* x = jsonAt(n, "ui.x");
        const Json* y = jsonAt(n, "ui.y");
        if (x && y && x->is_number() && y->is_number())
            cards.emplace_back(QPointF(x->get<double>() + 32, y->get<double>() + 32), GraphScene::newCardSize());
    }
    auto* cmd = new AddNodesCommand(m_model, f, QPointF(32, 32) + m_scene->clearOffset(cards),
        tr("Paste %n node(s)", nullptr, int(f["nodes"].size())));
    m_undo->push(cmd);
    std::vector<NodeId> added;
    // The command is owned by the stack now; the new nodes are the highest ids.
    auto ids = m_model->nodeIds();
    size_t n = std::min(ids.size(), f["nodes"].size());
    added.assign(ids.end() - long(n), ids.end());
    m_scene->selectNodes(added);
    revealSelection();
}

void MainWindow::duplicateSelection()
{
    auto nodes = m_scene->selectedNodes();
    if (nodes.empty())
        return;
    Json f = m_model->fragment(nodes);
    // The copies cascade 32 pixels right of the originals, below them and any other card.
    std::vector<QRectF> cards;
    for (NodeId id : nodes)
        cards.emplace_back(m_model->nodePosition(id) + QPointF(32, 32), m_scene->nodeSize(id));
    m_undo->push(new AddNodesCommand(m_model, f, QPointF(32, 32) + m_scene->clearOffset(cards),
        tr("Duplicate %n node(s)", nullptr, int(nodes.size()))));
    auto ids = m_model->nodeIds();
    std::vector<NodeId> added(ids.end() - long(nodes.size()), ids.end());
    m_scene->selectNodes(added);
    revealSelection();
}

void MainWindow::revealSelection()
{
    m_view->reveal(m_scene->nodesRect(true));
}

void MainWindow::autoLayout()
{
    auto pos = layeredLayout(*m_model, [this](NodeId id) { return m_scene->nodeSize(id); });
    std::map<NodeId, MoveNodesCommand::Move> moves;
    for (const auto& [id, p] : pos)
        moves[id] = { m_model->nodePosition(id), p + QPointF(40, 40) };
    m_undo->push(new MoveNodesCommand(m_model, std::move(moves), tr("Auto layout"), false));
    m_view->fitAll();
}

void MainWindow::openProblem(const QString& nodeKey, const QString& edgeKey, const QString& field)
{
    selectProblem(nodeKey, edgeKey);
    if (field.isEmpty() || !edgeKey.isEmpty())
        return;
    QWidget* editor = m_properties->editor(field);
    if (!editor)
        return;
    m_propertiesDock->show();
    m_propertiesDock->raise();
    // The focusable part of a composite editor (a field's combo box, a line edit in a box).
    QWidget* target = editor->focusPolicy() != Qt::NoFocus ? editor : editor->nextInFocusChain();
    if (!editor->isAncestorOf(target))
        target = editor;
    target->setFocus(Qt::OtherFocusReason);
}

void MainWindow::selectProblem(const QString& nodeKey, const QString& edgeKey)
{
    if (m_physicalAct->isChecked())
        m_physicalAct->trigger();
    if (!nodeKey.isEmpty()) {
        NodeId id = m_model->nodeByKey(nodeKey);
        if (id == kInvalidNodeId)
            return;
        m_scene->selectNodes({ id });
        if (auto* item = m_scene->item(id))
            m_view->ensureVisible(item, 60, 60);
        return;
    }
    if (!edgeKey.isEmpty()) {
        for (const auto& c : m_model->connections())
            if (m_model->connectionKey(c) == edgeKey) {
                m_scene->clearSelection();
                if (auto* e = m_scene->item(c)) {
                    e->setSelected(true);
                    m_view->ensureVisible(e, 60, 60);
                }
            }
        return;
    }
    m_scene->selectNodes({});
    m_properties->setNode(kJobNodeId);
}

} // namespace streamlab::ui
