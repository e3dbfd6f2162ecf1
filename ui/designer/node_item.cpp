#include "designer/node_item.h"

#include "common/theme.h"
#include "designer/graph_scene.h"
#include "model/params.h"

#include <QApplication>
#include <QFileInfo>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace streamlab::ui {

using model::Json;

static QString text(const Json& v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_null())
        return {};
    return QString::fromStdString(v.dump());
}

// "count", "sum(amount)", or for a list "count, sum(amount) as total".
static QString aggregateLabel(const Json& agg)
{
    const std::string text = model::aggregateText(agg);
    return text.empty() ? QObject::tr("no aggregate") : QString::fromStdString(text);
}

NodeItem::NodeItem(GraphModel* model, NodeId id)
    : m_model(model)
    , m_id(id)
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges | ItemIsFocusable);
    setAcceptHoverEvents(true);
    setZValue(1);
    refresh();
    setPos(model->nodePosition(id));
}

QStringList NodeItem::summary(const GraphModel& m, NodeId id, const QMap<QString, QString>& overrides)
{
    QStringList lines;
    auto p = [&](const char* path) {
        return overrides.contains(path) ? overrides.value(path) : text(m.param(id, path));
    };
    // " · live" after a value the replay's live settings replace.
    auto live = [&](const char* path) {
        return overrides.contains(path) ? QObject::tr("  ·  live") : QString();
    };
    const QString kind = m.nodeKind(id);
    if (kind == "source") {
        QString file = p("path");
        QString fmt = p("format");
        lines << (file.isEmpty() ? QObject::tr("no event file")
                                 : QFileInfo(file).fileName() + (fmt.isEmpty() ? QString() : "  ·  " + fmt) + live("path"));
        QString strategy = p("watermark.strategy");
        if (strategy.isEmpty() || strategy == "boundedOutOfOrderness") {
            QString ooo = p("watermark.maxOutOfOrderness");
            // A live value is marked instead of "out-of-order": the line must fit the card.
            lines << (overrides.contains("watermark.maxOutOfOrderness")
                    ? QObject::tr("watermark  %1").arg(ooo) + live("watermark.maxOutOfOrderness")
                    : QObject::tr("watermark  %1 out-of-order").arg(ooo.isEmpty() ? "0ms" : ooo));
        } else {
            lines << QObject::tr("watermark  %1").arg(strategy);
        }
        QString idle = p("watermark.idleTimeout");
        QString parts = p("partitions.count");
        QStringList extra;
        if (!parts.isEmpty())
            extra << QObject::tr("%1 partitions").arg(parts);
        if (!idle.isEmpty())
            extra << QObject::tr("idle %1").arg(idle);
        if (!extra.isEmpty())
            lines << extra.join("  ·  ");
    } else if (kind == "filter") {
        QString w = p("where");
        lines << (w.isEmpty() ? QObject::tr("no condition") : w);
    } else if (kind == "map") {
        Json set = m.param(id, "set");
        if (set.is_object())
            for (auto it = set.begin(); it != set.end() && lines.size() < 3; ++it)
                lines << QString::fromStdString(it.key()) + " = " + text(it.value());
        if (lines.isEmpty())
            lines << QObject::tr("no fields set");
    } else if (kind == "keyBy") {
        Json key = m.param(id, "key");
        QStringList fields;
        if (key.is_array())
            for (const auto& f : key)
                fields << text(f);
        else if (key.is_string())
            fields << text(key);
        lines << (fields.isEmpty() ? QObject::tr("no key") : QObject::tr("key  %1").arg(fields.join(", ")));
    } else if (kind == "window") {
        QString type = p("assigner.type");
        if (type == "sliding")
            lines << QObject::tr("sliding  %1 / %2").arg(p("assigner.size"), p("assigner.slide"));
        else if (type == "session")
            lines << QObject::tr("session  gap %1").arg(p("assigner.gap"));
        else if (type == "global")
            lines << QObject::tr("global window");
        else
            lines << QObject::tr("tumbling  %1").arg(p("assigner.size"));
        QString agg = aggregateLabel(m.param(id, "aggregate"));
        QString trig = p("trigger.type");
        lines << agg + "  ·  " + (trig.isEmpty() ? QStringLiteral("eventTime") : trig);
        QString lateness = p("allowedLateness");
        if ((!lateness.isEmpty() && lateness != "0ms" && lateness != "0") || overrides.contains("allowedLateness")) {
            // Coalesced late firings (the doctor's fix for the late-firing flood) show beside it.
            const QString every = p("lateFiring.every");
            lines << QObject::tr("lateness  %1").arg(lateness) + live("allowedLateness")
                    + (every.isEmpty() ? QString() : QObject::tr("  ·  late every %1").arg(every));
        }
    } else if (kind == "aggregate") {
        lines << aggregateLabel(m.param(id, "aggregate"));
        if (!m.param(id, "ttl").is_null())
            lines << QObject::tr("state ttl  %1").arg(p("ttl.ttl"));
    } else if (kind == "sink") {
        QString type = p("type");
        if (type == "file")
            lines << QObject::tr("file  %1").arg(p("path"));
        else
            lines << (type.isEmpty() ? QStringLiteral("collect") : type);
    }
    return lines;
}

void NodeItem::setLiveOverrides(const QMap<QString, QString>& overrides)
{
    if (overrides == m_overrides)
        return;
    m_overrides = overrides;
    refresh();
}

void NodeItem::refresh()
{
    prepareGeometryChange();
    m_lines = summary(*m_model, m_id, m_overrides);
    m_ports = m_model->outputPorts(m_id);
    m_hasInput = m_model->hasInputPort(m_id);
    m_height = kHeaderHeight + 8 + std::max<qsizetype>(1, m_lines.size()) * kLineHeight + 6;
    if (m_ports.contains("late"))
        m_height = std::max(m_height, kHeaderHeight + 8 + (m_lines.size() + 1) * kLineHeight + 6);
    m_errors = m_warnings = 0;
    m_problemTips.clear();
    for (const auto& p : m_model->problemsOf(m_id)) {
        (p.severity == model::Severity::Error ? m_errors : m_warnings)++;
        QString field = p.field.empty() ? QString() : QString::fromStdString(p.field) + ": ";
        m_problemTips << QStringLiteral("<li>%1%2</li>")
                             .arg(field.toHtmlEscaped(), QString::fromStdString(p.message).toHtmlEscaped());
    }
    updateToolTip();
    update();
}

void NodeItem::updateToolTip()
{
    QString tip = QStringLiteral("<b>%1</b> <span style='color:gray'>%2, parallelism %3</span>")
                      .arg(m_model->nodeKey(m_id).toHtmlEscaped(), m_model->nodeKind(m_id))
                      .arg(m_model->parallelismOf(m_id));
    if (!m_problemTips.isEmpty())
        tip += QObject::tr("<br>%1 error(s), %2 warning(s):<ul style='margin:0'>%3</ul>")
                   .arg(m_errors)
                   .arg(m_warnings)
                   .arg(m_problemTips.join(QString()));
    if (!m_doctorTitles.isEmpty()) {
        QString items;
        for (const auto& t : m_doctorTitles)
            items += QStringLiteral("<li>%1</li>").arg(t.toHtmlEscaped());
        tip += QObject::tr("<br>Doctor:<ul style='margin:0'>%1</ul>").arg(items);
    }
    setToolTip(tip);
}

void NodeItem::setDoctorFindings(std::optional<lint::Severity> worst, const QStringList& titles)
{
    if (titles.isEmpty())
        worst.reset();
    if (worst == m_doctorSeverity && titles == m_doctorTitles)
        return;
    m_doctorSeverity = worst;
    m_doctorTitles = worst ? titles : QStringList();
    updateToolTip();
    update();
}

static qreal liveHeight(const QStringList& lines) { return lines.isEmpty() ? 0 : 10 + 15 * lines.size(); }

QRectF NodeItem::boundingRect() const
{
    // Ports stick out on both sides, the badge above the top right corner, the shadow below.
    return QRectF(-kPortRadius - 2, -12, kWidth + 2 * kPortRadius + 14, m_height + 20 + liveHeight(m_live));
}

void NodeItem::setLiveStats(const QStringList& lines)
{
    if (lines == m_live)
        return;
    if (lines.size() != m_live.size())
        prepareGeometryChange();
    m_live = lines;
    update();
}

QPainterPath NodeItem::shape() const
{
    QPainterPath p;
    p.setFillRule(Qt::WindingFill); // ports overlap the card: keep the overlap inside
    p.addRoundedRect(cardRect(), 8, 8);
    if (m_hasInput)
        p.addEllipse(QPointF(0, kHeaderHeight / 2), kPortRadius + 3, kPortRadius + 3);
    for (const auto& port : m_ports)
        p.addEllipse(mapFromScene(outputPortPos(port)), kPortRadius + 3, kPortRadius + 3);
    return p;
}

QPointF NodeItem::inputPortPos() const { return mapToScene(QPointF(0, kHeaderHeight / 2)); }

QPointF NodeItem::outputPortPos(const QString& port) const
{
    if (port == "late")
        return mapToScene(QPointF(kWidth, m_height - kLineHeight / 2 - 6));
    return mapToScene(QPointF(kWidth, kHeaderHeight / 2));
}

std::optional<std::pair<bool, QString>> NodeItem::portAt(QPointF scenePos) const
{
    const qreal grab = kPortRadius + 5;
    if (m_hasInput && QLineF(scenePos, inputPortPos()).length() <= grab)
        return std::make_pair(true, QString());
    for (const auto& port : m_ports)
        if (QLineF(scenePos, outputPortPos(port)).length() <= grab)
            return std::make_pair(false, port);
    return std::nullopt;
}

QString NodeItem::nearestOutputPort(QPointF scenePos) const
{
    QString best;
    qreal bestDist = 1e9;
    for (const auto& port : m_ports) {
        qreal d = QLineF(scenePos, outputPortPos(port)).length();
        if (d < bestDist) {
            bestDist = d;
            best = port;
        }
    }
    return best;
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*)
{
    p->setRenderHint(QPainter::Antialiasing);
    const QString kind = m_model->nodeKind(m_id);
    const QColor kc = theme::kindColor(kind);
    const QRectF card = cardRect();
    const bool selected = option->state & QStyle::State_Selected;
    const qreal lod = option->levelOfDetailFromTransform(p->worldTransform());

    // Soft shadow.
    for (int i = 3; i >= 1; --i) {
        QColor sh(0, 0, 0, theme::isDark() ? 30 : 12);
        p->setPen(Qt::NoPen);
        p->setBrush(sh);
        p->drawRoundedRect(card.adjusted(-i + 1, -i + 2, i - 1, i + 1), 8 + i, 8 + i);
    }

    // Card and header.
    QPainterPath cardPath;
    cardPath.addRoundedRect(card, 8, 8);
    p->fillPath(cardPath, theme::nodeFill());
    QPainterPath header;
    header.addRoundedRect(QRectF(0, 0, kWidth, kHeaderHeight + 8), 8, 8);
    header = header.intersected(QPainterPath([&] {
        QPainterPath r;
        r.addRect(0, 0, kWidth, kHeaderHeight);
        return r;
    }()));
    p->fillPath(header, theme::nodeHeaderFill(kind));
    p->fillRect(QRectF(0, 0, 4, kHeaderHeight), Qt::transparent);
    // Kind colour stripe on the left edge, clipped to the card's rounded corners.
    p->save();
    p->setClipPath(cardPath);
    p->fillRect(QRectF(0, 0, 4, m_height), kc);
    p->restore();
    p->setPen(QPen(theme::nodeBorder(), 1));
    p->drawLine(QPointF(4, kHeaderHeight), QPointF(kWidth, kHeaderHeight));

    QColor border = selected ? theme::accent() : (m_hovered ? theme::mutedText() : theme::nodeBorder());
    if (m_errors > 0 && !selected)
        border = theme::errorColor();
    p->setBrush(Qt::NoBrush);
    p->setPen(QPen(border, selected ? 2 : 1));
    p->drawRoundedRect(card, 8, 8);

    if (lod >= 0.35) {
        // Icon in a tinted square.
        QRectF iconBox(12, 8, 28, 28);
        QColor tint = kc;
        tint.setAlpha(theme::isDark() ? 70 : 38);
        p->setPen(Qt::NoPen);
        p->setBrush(tint);
        p->drawRoundedRect(iconBox, 6, 6);
        const qreal dpr = p->device() ? p->device()->devicePixelRatioF() : 1.0;
        const int iconPx = 18;
        QPixmap icon = theme::pixmap("kind-" + kind.toLower(), iconPx,
            std::max<qreal>(1.0, dpr * std::max<qreal>(1.0, lod)), theme::isDark() ? kc.lighter(130) : kc);
        p->drawPixmap(QRectF(iconBox.center() - QPointF(iconPx / 2.0, iconPx / 2.0), QSizeF(iconPx, iconPx)),
            icon, QRectF(QPointF(0, 0), icon.size()));

        // Title and kind.
        QFont f = QApplication::font();
        f.setPointSizeF(f.pointSizeF() * 1.0);
        f.setWeight(QFont::DemiBold);
        p->setFont(f);
        p->setPen(theme::text());
        QFontMetricsF fm(f);
        const qreal chipW = 34;
        QString title = fm.elidedText(m_model->nodeTitle(m_id), Qt::ElideRight, kWidth - 50 - chipW - 10);
        p->drawText(QRectF(48, 6, kWidth - 48 - chipW - 8, 18), Qt::AlignLeft | Qt::AlignVCenter, title);
        QFont small = QApplication::font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        p->setFont(small);
        p->setPen(theme::mutedText());
        p->drawText(QRectF(48, 23, kWidth - 56, 14), Qt::AlignLeft | Qt::AlignVCenter, kind);

        // Parallelism chip.
        QRectF chip(kWidth - chipW - 10, 13, chipW, 18);
        QColor chipFill = theme::isDark() ? QColor(255, 255, 255, 22) : QColor(0, 0, 0, 14);
        p->setPen(Qt::NoPen);
        p->setBrush(chipFill);
        p->drawRoundedRect(chip, 9, 9);
        p->setPen(theme::mutedText());
        p->drawText(chip, Qt::AlignCenter, QStringLiteral("P%1").arg(m_model->parallelismOf(m_id)));

        // Key parameters.
        QFont body = QApplication::font();
        body.setPointSizeF(body.pointSizeF() * 0.9);
        p->setFont(body);
        QFontMetricsF bm(body);
        qreal y = kHeaderHeight + 6;
        p->setPen(theme::text());
        for (const auto& line : m_lines) {
            p->drawText(QRectF(14, y, kWidth - 26, kLineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                bm.elidedText(line, Qt::ElideRight, kWidth - 26));
            y += kLineHeight;
        }
        if (m_ports.contains("late")) {
            p->setPen(theme::lateColor());
            p->drawText(QRectF(14, m_height - kLineHeight - 6, kWidth - 30, kLineHeight),
                Qt::AlignRight | Qt::AlignVCenter, QObject::tr("late"));
        }
    }

    // Ports.
    auto drawPort = [&](QPointF c, QColor color, bool filled) {
        p->setPen(QPen(color, 2));
        p->setBrush(filled ? color : theme::nodeFill());
        p->drawEllipse(c, kPortRadius - 1, kPortRadius - 1);
    };
    if (m_hasInput)
        drawPort(QPointF(0, kHeaderHeight / 2), theme::edgeColor(), false);
    for (const auto& port : m_ports)
        drawPort(mapFromScene(outputPortPos(port)), port == "late" ? theme::lateColor() : kc, port == "late");

    // Live numbers of the replay, in a pill under the card.
    if (!m_live.isEmpty() && lod >= 0.35) {
        QFont f = QApplication::font();
        f.setPointSizeF(f.pointSizeF() * 0.82);
        p->setFont(f);
        QRectF box(10, m_height + 6, kWidth - 20, liveHeight(m_live) - 4);
        QColor fill = theme::isDark() ? QColor(255, 255, 255, 16) : QColor(0, 0, 0, 10);
        p->setPen(QPen(theme::nodeBorder(), 1));
        p->setBrush(fill);
        p->drawRoundedRect(box, 6, 6);
        p->setPen(theme::text());
        qreal y = box.top() + 3;
        for (const auto& line : m_live) {
            const int tab = line.indexOf('\t');
            QRectF r(box.left() + 8, y, box.width() - 16, 15);
            if (tab < 0) {
                p->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, line);
            } else {
                p->setPen(theme::mutedText());
                p->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, line.left(tab));
                p->setPen(theme::text());
                p->drawText(r, Qt::AlignRight | Qt::AlignVCenter, line.mid(tab + 1));
            }
            y += 15;
        }
    }

    // The doctor's marker: a pill on the top edge, left, in the colour of the worst finding.
    if (m_doctorSeverity) {
        const QColor fill = *m_doctorSeverity == lint::Severity::Error ? theme::errorColor()
            : *m_doctorSeverity == lint::Severity::Warning             ? theme::warningColor().darker(112)
                                                                       : theme::accent();
        p->setPen(QPen(theme::nodeFill(), 1.5));
        p->setBrush(fill);
        if (lod >= 0.35) {
            QFont f = QApplication::font();
            f.setPointSizeF(f.pointSizeF() * 0.75);
            f.setWeight(QFont::Bold);
            p->setFont(f);
            const QString label = m_doctorTitles.size() > 1
                ? QObject::tr("doctor %1").arg(m_doctorTitles.size())
                : QObject::tr("doctor");
            const QRectF pill(10, -8, QFontMetricsF(f).horizontalAdvance(label) + 14, 16);
            p->drawRoundedRect(pill, 8, 8);
            p->setPen(Qt::white);
            p->drawText(pill, Qt::AlignCenter, label);
        } else {
            p->drawEllipse(QPointF(16, 0), 7, 7);
        }
    }

    // Validation badge.
    if (m_errors + m_warnings > 0) {
        const qreal dpr = p->device() ? p->device()->devicePixelRatioF() : 1.0;
        QPixmap badge = theme::pixmap(m_errors ? "error" : "warning", 18, std::max<qreal>(2.0, dpr), {});
        p->drawPixmap(QRectF(kWidth - 10, -9, 18, 18), badge, QRectF(QPointF(0, 0), badge.size()));
    }
}

GraphScene* NodeItem::graphScene() const { return qobject_cast<GraphScene*>(scene()); }

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged) {
        if (auto* s = graphScene())
            s->nodeItemMoved(m_id);
    } else if (change == ItemSelectedHasChanged) {
        setZValue(value.toBool() ? 2 : 1);
    }
    return QGraphicsObject::itemChange(change, value);
}

void NodeItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    auto* s = graphScene();
    if (event->button() == Qt::LeftButton && s && !s->isReadOnly()) {
        if (auto port = portAt(event->scenePos())) {
            s->beginConnectionDrag(m_id, !port->first, port->second, event->scenePos());
            event->accept();
            return;
        }
    }
    QGraphicsObject::mousePressEvent(event);
}

void NodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = true;
    update();
    QGraphicsObject::hoverEnterEvent(event);
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = false;
    update();
    QGraphicsObject::hoverLeaveEvent(event);
}

} // namespace streamlab::ui
