// The canvas view: dotted grid, zoom (wheel, Ctrl +/-), pan (middle button, or Space + drag),
// rubber-band selection, fit all / fit selection, arrow-key nudging, drops from the palette and
// quick-add (Tab or double-click on empty canvas), and a minimap in a corner when the graph
// does not fit the view: never over a node (it takes the first free corner, or stays hidden
// until one is free), at most a quarter of the canvas, and switched off from View > Minimap.
// GUI thread only.
#pragma once

#include <QGraphicsView>
#include <optional>

namespace streamlab::ui {

class GraphScene;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    static constexpr const char* kNodeKindMime = "application/x-streamlab-node-kind";

    explicit GraphView(QWidget* parent = nullptr);

    qreal zoom() const;
    // The overview (visible only when the graph does not fit, it is enabled, and a corner of the
    // canvas is free of nodes: bottom right, bottom left, top right, top left in that order).
    QGraphicsView* minimap() const;
    void setMinimapEnabled(bool on);
    bool minimapEnabled() const { return m_minimapEnabled; }
    void setZoom(qreal zoom, QPointF anchorViewPos = { -1, -1 });
    void zoomIn();
    void zoomOut();
    void fitAll();
    void fitSelection();
    // Below this zoom a card's text is not drawn (level of detail).
    static constexpr qreal kReadableZoom = 0.45;
    // Fits the graph, but not below kReadableZoom: a graph larger than the canvas then shows its
    // beginning (the sources, on the left), and the minimap the whole. For a job just opened:
    // until the person zooms or pans, a resized canvas (a smaller window, a dock given or taken
    // back) frames the graph again.
    void fitReadable();
    bool isAutoFramed() const { return m_autoFramed; }
    // Brings `sceneRect` (new or pasted cards) into view. When the whole graph can be shown at a
    // readable zoom, it zooms out to show it all, so the rest of the graph does not scroll away
    // (the sources at the left when a sink is added at the right); else it scrolls.
    void reveal(const QRectF& sceneRect);
    void stopAutoFraming() { m_autoFramed = false; } // the person moved the view

signals:
    void zoomChanged(qreal zoom);
    void addNodeRequested(const QString& kind, QPointF scenePos);
    void quickAddRequested(QPoint globalPos, QPointF scenePos);
    // Space pressed and released without panning (the window's play/pause).
    void spaceTapped();

protected:
    bool event(QEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    GraphScene* graphScene() const;
    // Zooms to show `rect` (with a margin), at most `maxZoom`, and centres it.
    void fitRect(QRectF rect, qreal maxZoom = 1.25);

    void updateMinimap();
    // The first corner (in viewport coordinates) where a map of `size` covers no node.
    std::optional<QPoint> freeCorner(QSize size) const;

    bool m_spaceHeld = false;
    bool m_spacePanned = false;
    class Minimap* m_minimap = nullptr;
    bool m_minimapEnabled = true;
    bool m_autoFramed = false;
    bool m_panning = false;
    QPoint m_panLast;
};

} // namespace streamlab::ui
