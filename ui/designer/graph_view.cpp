#include "designer/graph_view.h"

#include "common/theme.h"
#include "designer/graph_scene.h"
#include "designer/node_item.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace streamlab::ui {

static constexpr qreal kMinZoom = 0.15;
static constexpr qreal kMaxZoom = 3.0;

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFrameShape(QFrame::NoFrame);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setSceneRect(-5000, -5000, 10000, 10000);
    // A scroll bar moved by the person ends the automatic framing (a programmatic move does not).
    for (QScrollBar* bar : { horizontalScrollBar(), verticalScrollBar() })
        connect(bar, &QAbstractSlider::actionTriggered, this, [this] { m_autoFramed = false; });
}

GraphScene* GraphView::graphScene() const { return qobject_cast<GraphScene*>(scene()); }

qreal GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(qreal z, QPointF anchor)
{
    m_autoFramed = false;
    z = std::clamp(z, kMinZoom, kMaxZoom);
    const qreal factor = z / zoom();
    if (std::abs(factor - 1.0) < 1e-6)
        return;
    if (anchor.x() < 0)
        setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    scale(factor, factor);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    emit zoomChanged(zoom());
    updateMinimap();
}

void GraphView::zoomIn() { setZoom(zoom() * 1.2); }
void GraphView::zoomOut() { setZoom(zoom() / 1.2); }

void GraphView::fitRect(QRectF rect, qreal maxZoom)
{
    if (rect.isEmpty())
        rect = QRectF(0, 0, 400, 300);
    rect.adjust(-40, -40, 40, 40);
    const qreal sx = viewport()->width() / rect.width();
    const qreal sy = viewport()->height() / rect.height();
    const qreal z = std::clamp(std::min(sx, sy), kMinZoom, maxZoom);
    setTransform(QTransform::fromScale(z, z));
    centerOn(rect.center());
    emit zoomChanged(zoom());
    updateMinimap();
}

void GraphView::fitAll()
{
    m_autoFramed = false;
    if (auto* s = graphScene())
        fitRect(s->nodesRect(false));
}

void GraphView::fitReadable()
{
    auto* s = graphScene();
    if (!s)
        return;
    const QRectF graph = s->nodesRect(false);
    fitRect(graph);
    m_autoFramed = true;
    if (graph.isEmpty() || zoom() >= kReadableZoom)
        return;
    setTransform(QTransform::fromScale(kReadableZoom, kReadableZoom));
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    centerOn(graph.left() - 40 + visible.width() / 2, graph.center().y());
    emit zoomChanged(zoom());
    updateMinimap();
}

void GraphView::reveal(const QRectF& target)
{
    auto* s = graphScene();
    if (!s || target.isEmpty())
        return;
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    if (visible.contains(target))
        return;
    const QRectF graph = s->nodesRect(false).united(target);
    const QRectF framed = graph.adjusted(-40, -40, 40, 40); // as fitRect frames it
    if (std::min(viewport()->width() / framed.width(), viewport()->height() / framed.height()) >= kReadableZoom) {
        fitRect(graph, zoom()); // zoomed out if need be, never in
        return;
    }
    // Scrolled to by the program for the person: no longer the framing a resize restores.
    m_autoFramed = false;
    ensureVisible(target, 40, 40);
}

void GraphView::fitSelection()
{
    m_autoFramed = false;
    if (auto* s = graphScene()) {
        QRectF r = s->nodesRect(true);
        fitRect(r.isEmpty() ? s->nodesRect(false) : r);
    }
}

void GraphView::drawBackground(QPainter* p, const QRectF& rect)
{
    p->fillRect(rect, theme::canvasBackground());
    const qreal z = zoom();
    qreal step = 24;
    while (step * z < 12)
        step *= 2;
    QColor dot = theme::canvasGrid();
    p->setPen(QPen(dot, std::max(1.5, 2.0 / 1.0) / z));
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    QVector<QPointF> points;
    for (qreal x = left; x < rect.right(); x += step)
        for (qreal y = top; y < rect.bottom(); y += step)
            points.append(QPointF(x, y));
    p->drawPoints(points.data(), int(points.size()));
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ShiftModifier) {
        m_autoFramed = false;
        QGraphicsView::wheelEvent(event);
        return;
    }
    const qreal steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    setZoom(zoom() * std::pow(1.15, steps), event->position());
    event->accept();
}

bool GraphView::event(QEvent* event)
{
    // Arrow keys nudge the selected nodes here, before the window's replay shortcuts (step) see them.
    if (event->type() == QEvent::ShortcutOverride) {
        auto* ke = static_cast<QKeyEvent*>(event);
        const bool arrow = ke->key() == Qt::Key_Left || ke->key() == Qt::Key_Right || ke->key() == Qt::Key_Up
            || ke->key() == Qt::Key_Down;
        // Space: held and dragged it pans; tapped it is the window's play/pause (spaceTapped).
        if (ke->key() == Qt::Key_Space && ke->modifiers() == Qt::NoModifier) {
            event->accept();
            return true;
        }
        if (arrow && scene() && !scene()->selectedItems().isEmpty()) {
            event->accept();
            return true;
        }
    }
    // Tab opens the quick-add box instead of moving focus.
    if (event->type() == QEvent::KeyPress) {
        auto* ke = static_cast<QKeyEvent*>(event);
        if (ke->key() == Qt::Key_Tab && ke->modifiers() == Qt::NoModifier) {
            QPoint local = mapFromGlobal(QCursor::pos());
            if (!viewport()->rect().contains(local))
                local = viewport()->rect().center();
            emit quickAddRequested(viewport()->mapToGlobal(local), mapToScene(local));
            return true;
        }
    }
    return QGraphicsView::event(event);
}

void GraphView::keyPressEvent(QKeyEvent* event)
{
    auto* s = graphScene();
    const qreal step = (event->modifiers() & Qt::ShiftModifier) ? 48 : 8;
    QPointF delta;
    switch (event->key()) {
    case Qt::Key_F: // F frames the whole graph, as in most node editors (Shift+F: the selection)
        if (event->modifiers() == Qt::NoModifier) {
            fitAll();
            event->accept();
            return;
        }
        break;
    case Qt::Key_Left:
        delta = { -step, 0 };
        break;
    case Qt::Key_Right:
        delta = { step, 0 };
        break;
    case Qt::Key_Up:
        delta = { 0, -step };
        break;
    case Qt::Key_Down:
        delta = { 0, step };
        break;
    case Qt::Key_Space:
        if (!event->isAutoRepeat()) {
            m_spaceHeld = true;
            m_spacePanned = false;
            setDragMode(QGraphicsView::ScrollHandDrag);
        }
        event->accept();
        return;
    default:
        break;
    }
    if (!delta.isNull() && s && !s->selectedNodes().empty()) {
        s->nudgeSelection(delta);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        setDragMode(QGraphicsView::RubberBandDrag);
        if (!m_spacePanned)
            emit spaceTapped();
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton) {
        m_autoFramed = false;
        m_panning = true;
        m_panLast = event->pos();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_spaceHeld && (event->buttons() & Qt::LeftButton)) {
        m_spacePanned = true;
        m_autoFramed = false;
    }
    if (m_panning) {
        QPoint d = event->pos() - m_panLast;
        m_panLast = event->pos();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && event->button() == Qt::MiddleButton) {
        m_panning = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && !itemAt(event->pos()) && graphScene()
        && !graphScene()->isReadOnly()) {
        emit quickAddRequested(viewport()->mapToGlobal(event->pos()), mapToScene(event->pos()));
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(kNodeKindMime) && graphScene() && !graphScene()->isReadOnly())
        event->acceptProposedAction();
    else
        event->ignore(); // job files dropped here are opened by the main window
}

void GraphView::dragMoveEvent(QDragMoveEvent* event)
{
    if (event->mimeData()->hasFormat(kNodeKindMime))
        event->acceptProposedAction();
    else
        event->ignore();
}

void GraphView::dropEvent(QDropEvent* event)
{
    if (!event->mimeData()->hasFormat(kNodeKindMime)) {
        event->ignore();
        return;
    }
    const QString kind = QString::fromUtf8(event->mimeData()->data(kNodeKindMime));
    emit addNodeRequested(kind, mapToScene(event->position().toPoint()));
    event->acceptProposedAction();
}

} // namespace streamlab::ui

namespace streamlab::ui {

// The whole graph at a glance, the visible part framed; click or drag in it to move the view.
class Minimap : public QGraphicsView {
public:
    explicit Minimap(GraphView* main)
        : QGraphicsView(main)
        , m_main(main)
    {
        setObjectName("minimap");
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setInteractive(false);
        setRenderHint(QPainter::Antialiasing);
        setFrameShape(QFrame::NoFrame);
        setCursor(Qt::PointingHandCursor);
        setAttribute(Qt::WA_TransparentForMouseEvents, false);
        setFixedSize(220, 140);
        setBackgroundBrush(theme::canvasBackground());
        setStyleSheet(QStringLiteral("QGraphicsView#minimap { border: 1px solid %1; border-radius: 4px; }")
                          .arg(theme::nodeBorder().name()));
    }
    void refit()
    {
        if (!scene())
            return;
        const QRectF r = scene()->itemsBoundingRect().adjusted(-40, -40, 40, 40);
        setSceneRect(r);
        fitInView(r, Qt::KeepAspectRatio);
        viewport()->update();
    }

protected:
    void drawForeground(QPainter* p, const QRectF&) override
    {
        const QRectF visible = m_main->mapToScene(m_main->viewport()->rect()).boundingRect();
        QColor fill = theme::accent();
        fill.setAlpha(40);
        p->setPen(QPen(theme::accent(), 0));
        p->setBrush(fill);
        p->drawRect(visible);
    }
    void drawBackground(QPainter* p, const QRectF& rect) override { p->fillRect(rect, theme::canvasBackground()); }
    void mousePressEvent(QMouseEvent* e) override { jump(e->pos()); }
    void mouseMoveEvent(QMouseEvent* e) override
    {
        if (e->buttons() & Qt::LeftButton)
            jump(e->pos());
    }
    void wheelEvent(QWheelEvent* e) override { e->accept(); }

private:
    void jump(QPoint pos)
    {
        m_main->stopAutoFraming();
        m_main->centerOn(mapToScene(pos));
        viewport()->update();
    }
    GraphView* m_main;
};

QGraphicsView* GraphView::minimap() const { return m_minimap; }

void GraphView::updateMinimap()
{
    if (!scene())
        return;
    if (!m_minimap) {
        m_minimap = new Minimap(this);
        m_minimap->setScene(scene());
        connect(scene(), &QGraphicsScene::changed, m_minimap, [this] { updateMinimap(); });
    }
    const QRectF items = scene()->itemsBoundingRect();
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    bool show = m_minimapEnabled && !items.isEmpty() && !visible.contains(items);
    if (show) {
        // A quarter of the canvas at most: a small window keeps its room for the graph.
        const QSize size(std::clamp(viewport()->width() / 4, 120, 220), std::clamp(viewport()->height() / 4, 76, 140));
        const auto corner = freeCorner(size);
        show = corner.has_value();
        if (show) {
            m_minimap->setFixedSize(size);
            m_minimap->move(viewport()->mapTo(this, *corner));
        }
    }
    m_minimap->setVisible(show);
    if (show)
        m_minimap->refit();
}

std::optional<QPoint> GraphView::freeCorner(QSize size) const
{
    constexpr int kMargin = 12;
    const QRect vp = viewport()->rect();
    const int right = vp.width() - size.width() - kMargin, bottom = vp.height() - size.height() - kMargin;
    const GraphScene* gs = graphScene();
    for (QPoint c : { QPoint(right, bottom), QPoint(kMargin, bottom), QPoint(right, kMargin), QPoint(kMargin, kMargin) }) {
        if (c.x() < 0 || c.y() < 0)
            continue;
        const QRectF area = mapToScene(QRect(c, size).adjusted(-4, -4, 4, 4)).boundingRect();
        bool covers = false;
        if (gs)
            for (NodeId id : gs->graphModel()->nodeIds())
                if (auto* n = gs->nodeItem(id); n && n->sceneBoundingRect().intersects(area)) {
                    covers = true;
                    break;
                }
        if (!covers)
            return c;
    }
    return std::nullopt;
}

void GraphView::setMinimapEnabled(bool on)
{
    m_minimapEnabled = on;
    updateMinimap();
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFramed)
        fitReadable();
    updateMinimap();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    if (m_minimap && m_minimap->isVisible())
        m_minimap->viewport()->update();
    updateMinimap();
}

} // namespace streamlab::ui
