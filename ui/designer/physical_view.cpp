#include "designer/physical_view.h"

#include "common/theme.h"
#include "designer/edge_item.h"
#include "designer/graph_layout.h"

#include <QApplication>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QPainter>
#include <QWheelEvent>
#include <cmath>
#include <map>
#include <numeric>

namespace streamlab::ui {

PhysicalPlan physicalPlan(const GraphModel& model)
{
    // Logical operator edges with keyBy nodes folded into HASH exchanges.
    struct OpEdge {
        NodeId from;
        NodeId to;
        QString partitioner;
        bool late;
    };
    std::vector<OpEdge> edges;
    std::vector<NodeId> ops;
    for (NodeId id : model.nodeIds())
        if (model.nodeKind(id) != "keyBy")
            ops.push_back(id);
    const auto conns = model.connections();
    for (const auto& c : conns) {
        if (model.nodeKind(c.outNode) == "keyBy")
            continue;
        if (model.nodeKind(c.inNode) == "keyBy") {
            for (const auto& d : conns)
                if (d.outNode == c.inNode && model.nodeKind(d.inNode) != "keyBy")
                    edges.push_back({ c.outNode, d.inNode, QStringLiteral("HASH"), c.outPort == "late" });
            continue;
        }
        edges.push_back({ c.outNode, c.inNode, model.partitionerLabel(c), c.outPort == "late" });
    }
    std::map<NodeId, int> outs, ins;
    for (const auto& e : edges) {
        ++outs[e.from];
        ++ins[e.to];
    }
    std::map<NodeId, NodeId> chainNext, parent;
    for (NodeId id : ops)
        parent[id] = id;
    for (const auto& e : edges)
        if (e.partitioner == "FORWARD" && !e.late && outs[e.from] == 1 && ins[e.to] == 1
            && model.parallelismOf(e.from) == model.parallelismOf(e.to))
            chainNext[e.from] = e.to;
    std::map<NodeId, bool> chainedInto;
    for (const auto& [from, to] : chainNext)
        chainedInto[to] = true;

    PhysicalPlan plan;
    std::map<NodeId, int> taskOf;
    for (NodeId id : ops) {
        if (chainedInto[id])
            continue;
        PhysicalTask t;
        t.parallelism = model.parallelismOf(id);
        for (NodeId cur = id;;) {
            t.operators.push_back(cur);
            taskOf[cur] = int(plan.tasks.size());
            auto it = chainNext.find(cur);
            if (it == chainNext.end() || taskOf.count(it->second))
                break;
            cur = it->second;
        }
        plan.tasks.push_back(t);
    }
    for (NodeId id : ops) // operators on a chain cycle (an invalid graph) get a task of their own
        if (!taskOf.count(id)) {
            taskOf[id] = int(plan.tasks.size());
            plan.tasks.push_back({ { id }, model.parallelismOf(id) });
        }
    for (const auto& e : edges)
        if (taskOf[e.from] != taskOf[e.to])
            plan.exchanges.push_back({ taskOf[e.from], taskOf[e.to], e.partitioner, e.late });
    return plan;
}

namespace {

    class TaskItem : public QGraphicsItem {
    public:
        static constexpr qreal kWidth = 240;
        TaskItem(QString title, QStringList ops, QString kind, int parallelism)
            : m_title(std::move(title))
            , m_ops(std::move(ops))
            , m_kind(std::move(kind))
            , m_parallelism(parallelism)
        {
        }
        qreal height() const { return 40 + m_ops.size() * 20 + 10; }
        int stacks() const { return std::min(m_parallelism, 4) - 1; }
        QRectF boundingRect() const override
        {
            return QRectF(-2, -2, kWidth + 8 * stacks() + 6, height() + 8 * stacks() + 6);
        }
        void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override
        {
            p->setRenderHint(QPainter::Antialiasing);
            const QColor kc = theme::kindColor(m_kind);
            for (int i = stacks(); i >= 1; --i) {
                p->setPen(QPen(theme::nodeBorder(), 1));
                p->setBrush(theme::nodeFill());
                p->drawRoundedRect(QRectF(8 * i, 8 * i, kWidth, height()), 8, 8);
            }
            QRectF card(0, 0, kWidth, height());
            p->setBrush(theme::nodeFill());
            p->setPen(QPen(theme::nodeBorder(), 1));
            p->drawRoundedRect(card, 8, 8);
            QPainterPath clip;
            clip.addRoundedRect(card, 8, 8);
            p->save();
            p->setClipPath(clip);
            p->fillRect(QRectF(0, 0, kWidth, 34), theme::nodeHeaderFill(m_kind));
            p->fillRect(QRectF(0, 0, 4, height()), kc);
            p->restore();
            QFont f = QApplication::font();
            f.setWeight(QFont::DemiBold);
            p->setFont(f);
            p->setPen(theme::text());
            p->drawText(QRectF(14, 0, kWidth - 90, 34), Qt::AlignVCenter | Qt::AlignLeft,
                QFontMetricsF(f).elidedText(m_title, Qt::ElideRight, kWidth - 90));
            QFont small = QApplication::font();
            small.setPointSizeF(small.pointSizeF() * 0.85);
            p->setFont(small);
            p->setPen(theme::mutedText());
            p->drawText(QRectF(kWidth - 90, 0, 80, 34), Qt::AlignVCenter | Qt::AlignRight,
                QObject::tr("%n subtask(s)", nullptr, m_parallelism));
            p->setPen(theme::text());
            qreal y = 40;
            for (const auto& op : m_ops) {
                p->drawText(QRectF(14, y, kWidth - 24, 20), Qt::AlignVCenter | Qt::AlignLeft, op);
                y += 20;
            }
        }

    private:
        QString m_title;
        QStringList m_ops;
        QString m_kind;
        int m_parallelism;
    };

    QString operatorName(const GraphModel& m, NodeId id)
    {
        static const std::map<QString, QString> kNames { { "source", "Source" }, { "filter", "Filter" },
            { "map", "Map" }, { "window", "Window" }, { "aggregate", "Aggregate" }, { "sink", "Sink" } };
        auto it = kNames.find(m.nodeKind(id));
        return (it == kNames.end() ? m.nodeKind(id) : it->second) + ": " + m.nodeTitle(id);
    }

} // namespace

PhysicalView::PhysicalView(QWidget* parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setFrameShape(QFrame::NoFrame);
    setInteractive(false);
}

void PhysicalView::showPlan(const GraphModel& model)
{
    scene()->clear();
    const PhysicalPlan plan = physicalPlan(model);
    // Lay the tasks out with the designer's layered layout over a throw-away model.
    GraphModel layoutModel;
    std::vector<NodeId> ids;
    std::vector<TaskItem*> items;
    for (const auto& t : plan.tasks) {
        QStringList ops;
        for (NodeId id : t.operators)
            ops << operatorName(model, id);
        QString title = ops.size() == 1 ? ops.front() : ops.join(QStringLiteral(" → "));
        auto* item = new TaskItem(title, ops, model.nodeKind(t.operators.front()), t.parallelism);
        items.push_back(item);
        scene()->addItem(item);
        model::Json doc = model::Json::object();
        doc["id"] = QStringLiteral("t%1").arg(ids.size()).toStdString();
        doc["kind"] = "map";
        ids.push_back(layoutModel.addNode(doc));
    }
    for (const auto& e : plan.exchanges)
        layoutModel.addConnection({ ids[e.fromTask], QString(), ids[e.toTask] });
    auto pos = layeredLayout(layoutModel, [&](NodeId id) {
        auto* it = items[std::find(ids.begin(), ids.end(), id) - ids.begin()];
        return QSizeF(TaskItem::kWidth + 60, it->height() + 8 * it->stacks());
    });
    for (size_t i = 0; i < items.size(); ++i)
        items[i]->setPos(pos[ids[i]]);
    for (const auto& e : plan.exchanges) {
        auto* a = items[e.fromTask];
        auto* b = items[e.toTask];
        QPointF from = a->pos() + QPointF(TaskItem::kWidth, 17);
        QPointF to = b->pos() + QPointF(0, 17);
        auto* path = scene()->addPath(
            EdgeItem::curve(from, to), QPen(e.late ? theme::lateColor() : theme::edgeColor(), 1.8));
        path->setZValue(-1);
        auto* label = scene()->addSimpleText(e.late ? "LATE · " + e.partitioner : e.partitioner);
        QFont f = QApplication::font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        f.setWeight(QFont::DemiBold);
        label->setFont(f);
        label->setBrush(e.late ? theme::lateColor() : theme::mutedText());
        QPointF mid = path->path().pointAtPercent(0.5);
        label->setPos(mid - QPointF(label->boundingRect().width() / 2, label->boundingRect().height() + 4));
    }
    QRectF r = scene()->itemsBoundingRect().adjusted(-60, -60, 60, 60);
    setSceneRect(r);
    fitInView(r, Qt::KeepAspectRatio);
    if (transform().m11() > 1.1)
        setTransform(QTransform::fromScale(1.1, 1.1));
}

void PhysicalView::drawBackground(QPainter* p, const QRectF& rect)
{
    p->fillRect(rect, theme::canvasBackground());
}

void PhysicalView::wheelEvent(QWheelEvent* event)
{
    const qreal f = std::pow(1.15, event->angleDelta().y() / 120.0);
    scale(f, f);
}

} // namespace streamlab::ui
