// How a connection of the graph model looks: a curve from an output port to an input port, with
// the partitioner Flink would use (FORWARD, HASH, REBALANCE, BROADCAST) as a label, dashed for a
// window's late side output, red with a badge when validation finds a problem. GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QGraphicsObject>

namespace streamlab::ui {

class EdgeItem : public QGraphicsObject {
    Q_OBJECT
public:
    enum { Type = UserType + 2 };

    EdgeItem(GraphModel* model, ConnectionId id);
    int type() const override { return Type; }
    const ConnectionId& connectionId() const { return m_id; }

    // `fromCard` and `toCard` (scene rectangles of the two cards) let an edge that runs backwards
    // go round them instead of through them.
    void setEnds(QPointF from, QPointF to, const QRectF& fromCard = {}, const QRectF& toCard = {});
    void refresh(); // label and problems from the model
    QString label() const { return m_label; }
    // Where along the curve the label sits (0.5: the middle); the scene moves it off the cards.
    void setLabelAt(qreal percent);
    qreal labelAt() const { return m_labelAt; }
    // The label's rectangle with the label at `percent` of the curve (item coordinates).
    QRectF labelRect(qreal percent) const;
    const QPainterPath& path() const { return m_path; } // item coordinates

    // The curve between two port positions, as drawn for edges and for the connection being dragged.
    static QPainterPath curve(QPointF from, QPointF to);
    // The same, but when the target is not to the right of the source card, the curve leaves the
    // source rightwards, runs along a lane clear of both cards (between them, or under both when
    // they share a row) and enters the target from the left: it never crosses either card.
    static QPainterPath curve(QPointF from, QPointF to, const QRectF& fromCard, const QRectF& toCard);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF labelRect() const { return labelRect(m_labelAt); }

    GraphModel* m_model;
    ConnectionId m_id;
    QPointF m_from;
    QPointF m_to;
    QPainterPath m_path;
    QString m_label;
    int m_errors = 0;
    qreal m_labelAt = 0.5;
};

} // namespace streamlab::ui
