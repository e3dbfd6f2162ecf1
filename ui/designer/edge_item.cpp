#include "designer/edge_item.h"

#include "common/theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

namespace streamlab::ui {

EdgeItem::EdgeItem(GraphModel* model, ConnectionId id)
    : m_model(model)
    , m_id(std::move(id))
{
    setFlags(ItemIsSelectable);
    setZValue(0);
    refresh();
}

QPainterPath EdgeItem::curve(QPointF from, QPointF to)
{
    QPainterPath path(from);
    const qreal dx = std::max<qreal>(50, std::abs(to.x() - from.x()) * 0.5);
    path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
    return path;
}

QPainterPath EdgeItem::curve(QPointF from, QPointF to, const QRectF& fromCard, const QRectF& toCard)
{
    constexpr qreal kOut = 40; // how far the wire leaves a port before it turns
    if (fromCard.isEmpty() || toCard.isEmpty() || to.x() - kOut >= from.x())
        return curve(from, to);
    qreal lane;
    if (toCard.top() - fromCard.bottom() >= 2 * kOut / 3)
        lane = (fromCard.bottom() + toCard.top()) / 2;
    else if (fromCard.top() - toCard.bottom() >= 2 * kOut / 3)
        lane = (toCard.bottom() + fromCard.top()) / 2;
    else
        lane = std::max(fromCard.bottom(), toCard.bottom()) + kOut / 2;
    // Out to the right and round to the lane, along it, and round into the target's left side.
    const qreal right = std::max(from.x(), fromCard.right()) + kOut;
    const qreal left = std::min(to.x(), toCard.left()) - kOut;
    QPainterPath path(from);
    path.cubicTo(QPointF(right, from.y()), QPointF(right, lane), QPointF(from.x(), lane));
    path.lineTo(QPointF(to.x(), lane));
    path.cubicTo(QPointF(left, lane), QPointF(left, to.y()), to);
    return path;
}

void EdgeItem::setEnds(QPointF from, QPointF to, const QRectF& fromCard, const QRectF& toCard)
{
    prepareGeometryChange();
    m_from = from;
    m_to = to;
    m_path = curve(from, to, fromCard, toCard);
}

void EdgeItem::refresh()
{
    prepareGeometryChange();
    m_label = m_model->partitionerLabel(m_id);
    if (m_id.outPort == "late")
        m_label = QObject::tr("LATE · %1").arg(m_label);
    m_errors = 0;
    QStringList tips;
    for (const auto& p : m_model->problemsOf(m_id)) {
        ++m_errors;
        tips << QStringLiteral("<li>%1</li>").arg(QString::fromStdString(p.message).toHtmlEscaped());
    }
    QString head = QStringLiteral("<b>%1</b> <span style='color:gray'>%2</span>")
                       .arg(m_model->connectionKey(m_id).toHtmlEscaped(), m_label);
    setToolTip(tips.isEmpty() ? head : head + "<ul style='margin:0'>" + tips.join(QString()) + "</ul>");
    update();
}

void EdgeItem::setLabelAt(qreal percent)
{
    if (percent == m_labelAt)
        return;
    prepareGeometryChange();
    m_labelAt = percent;
    update();
}

QRectF EdgeItem::labelRect(qreal percent) const
{
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * 0.75);
    f.setWeight(QFont::DemiBold);
    QFontMetricsF fm(f);
    const qreal w = fm.horizontalAdvance(m_label) + 14 + (m_errors ? 16 : 0);
    const qreal h = fm.height() + 4;
    QPointF c = m_path.isEmpty() ? QPointF() : m_path.pointAtPercent(percent);
    return QRectF(c.x() - w / 2, c.y() - h / 2, w, h);
}

QRectF EdgeItem::boundingRect() const
{
    return m_path.controlPointRect().adjusted(-8, -8, 8, 8).united(labelRect().adjusted(-2, -2, 2, 2));
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker s;
    s.setWidth(12);
    QPainterPath p = s.createStroke(m_path);
    p.addRect(labelRect());
    return p;
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*)
{
    p->setRenderHint(QPainter::Antialiasing);
    const bool selected = option->state & QStyle::State_Selected;
    const bool late = m_id.outPort == "late";
    QColor c = late ? theme::lateColor() : theme::edgeColor();
    if (m_errors)
        c = theme::errorColor();
    if (selected)
        c = theme::accent();
    QPen pen(c, selected ? 2.6 : 1.8);
    if (late)
        pen.setDashPattern({ 5, 3 });
    pen.setCapStyle(Qt::RoundCap);
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    p->drawPath(m_path);

    // Arrow head into the input port.
    const qreal angle = m_path.angleAtPercent(1.0);
    QTransform t;
    t.translate(m_to.x() - 6, m_to.y());
    t.rotate(-angle);
    QPolygonF head({ QPointF(0, 0), QPointF(-7, -4), QPointF(-7, 4) });
    p->setPen(Qt::NoPen);
    p->setBrush(c);
    p->drawPolygon(t.map(head));

    // Partitioner label as a pill.
    const qreal lod = option->levelOfDetailFromTransform(p->worldTransform());
    if (lod < 0.4)
        return;
    QRectF r = labelRect();
    QColor fill = theme::canvasBackground();
    p->setPen(QPen(c, 1));
    p->setBrush(fill);
    p->drawRoundedRect(r, r.height() / 2, r.height() / 2);
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * 0.75);
    f.setWeight(QFont::DemiBold);
    p->setFont(f);
    p->setPen(m_errors ? theme::errorColor() : (late ? theme::lateColor() : theme::mutedText()));
    QRectF textRect = r.adjusted(m_errors ? 16 : 0, 0, 0, 0);
    p->drawText(textRect, Qt::AlignCenter, m_label);
    if (m_errors) {
        QPixmap badge = theme::pixmap("error", 12, 2.0, {});
        p->drawPixmap(
            QRectF(r.left() + 5, r.center().y() - 6, 12, 12), badge, QRectF(QPointF(0, 0), badge.size()));
    }
}

} // namespace streamlab::ui
