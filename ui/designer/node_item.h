// How a node of the graph model looks on the canvas: a card with the kind's icon and colour, the
// title, the parameters that matter at a glance (window size, watermark delay, parallelism),
// its ports and a badge for validation problems. It mirrors the model; it changes nothing
// itself, edits go through GraphScene and commands. GUI thread only.
#pragma once

#include "designer/graph_model.h"
#include "lint/finding.h"

#include <QGraphicsObject>
#include <QMap>
#include <QStringList>
#include <optional>

namespace streamlab::ui {

class GraphScene;

class NodeItem : public QGraphicsObject {
    Q_OBJECT
public:
    static constexpr qreal kWidth = 190;
    static constexpr qreal kHeaderHeight = 44;
    static constexpr qreal kLineHeight = 18;
    static constexpr qreal kPortRadius = 6;
    enum { Type = UserType + 1 };

    NodeItem(GraphModel* model, NodeId id);
    int type() const override { return Type; }
    NodeId nodeId() const { return m_id; }

    // Re-reads everything shown from the model (parameters, problems).
    void refresh();
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    QRectF cardRect() const { return QRectF(0, 0, kWidth, m_height); }
    // Port centres in scene coordinates.
    QPointF inputPortPos() const;
    QPointF outputPortPos(const QString& port) const;
    // The port under `scenePos` (within a few pixels): {true, ""} for the input, {false, port} for
    // an output; nullopt when none.
    std::optional<std::pair<bool, QString>> portAt(QPointF scenePos) const;
    QString nearestOutputPort(QPointF scenePos) const;

    // Live numbers of a replay shown under the card (records/s, watermark, state); empty: none.
    void setLiveStats(const QStringList& lines);
    QStringList liveStats() const { return m_live; }

    // One-line summaries of the node's key parameters. `overrides` (parameter path to value, as
    // the replay's live settings hold them) replace the job's values, marked "live".
    static QStringList summary(const GraphModel& model, NodeId id, const QMap<QString, QString>& overrides = {});
    // The replay's live values of this node's parameters (see summary); empty: none.
    void setLiveOverrides(const QMap<QString, QString>& overrides);
    QMap<QString, QString> liveOverrides() const { return m_overrides; }

    // The pipeline doctor's findings on this node: a marker in the top left corner in the colour of
    // the worst severity, the titles in the tooltip. nullopt or no titles: no marker.
    void setDoctorFindings(std::optional<lint::Severity> worst, const QStringList& titles);
    std::optional<lint::Severity> doctorSeverity() const { return m_doctorSeverity; }
    QStringList doctorTitles() const { return m_doctorTitles; }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    GraphScene* graphScene() const;
    void updateToolTip();

    GraphModel* m_model;
    NodeId m_id;
    qreal m_height = kHeaderHeight;
    QStringList m_lines;
    QStringList m_ports;
    bool m_hasInput = true;
    int m_errors = 0;
    int m_warnings = 0;
    bool m_hovered = false;
    QStringList m_live;
    QMap<QString, QString> m_overrides;
    QStringList m_problemTips;
    std::optional<lint::Severity> m_doctorSeverity;
    QStringList m_doctorTitles;
};

} // namespace streamlab::ui
