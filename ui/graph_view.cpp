#include "graph_view.h"

#include "graph_scene.h"
#include "theme.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>
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
}

GraphScene* GraphView::graphScene() const { return qobject_cast<GraphScene*>(scene()); }

qreal GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(qreal z, QPointF anchor)
{
    z = std::clamp(z, kMinZoom, kMaxZoom);
    const qreal factor = z / zoom();
    if (std::abs(factor - 1.0) < 1e-6)
        return;
    if (anchor.x() < 0)
        setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    scale(factor, factor);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    emit zoomChanged(zoom());
}

void GraphView::zoomIn() { setZoom(zoom() * 1.2); }
void GraphView::zoomOut() { setZoom(zoom() / 1.2); }

void GraphView::fitRect(QRectF rect)
{
    if (rect.isEmpty())
        rect = QRectF(0, 0, 400, 300);
    rect.adjust(-40, -40, 40, 40);
    const qreal sx = viewport()->width() / rect.width();
    const qreal sy = viewport()->height() / rect.height();
    const qreal z = std::clamp(std::min(sx, sy), kMinZoom, 1.25);
    setTransform(QTransform::fromScale(z, z));
    centerOn(rect.center());
    emit zoomChanged(zoom());
}

void GraphView::fitAll()
{
    if (auto* s = graphScene())
        fitRect(s->nodesRect(false));
}

void GraphView::fitSelection()
{
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
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton) {
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
