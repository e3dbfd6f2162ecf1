// The read-only physical view: the plan Flink would run for the logical graph. keyBy nodes become
// HASH exchanges, operators with a FORWARD edge and equal parallelism chain into one task, and
// each task shows its parallelism as stacked subtasks. GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QGraphicsView>
#include <QStringList>
#include <vector>

namespace streamlab::ui {

// One task of the physical plan: chained operators, in order.
struct PhysicalTask {
    std::vector<NodeId> operators;
    int parallelism = 1;
};
struct PhysicalExchange {
    int fromTask = 0;
    int toTask = 0;
    QString partitioner; // FORWARD, HASH, REBALANCE, BROADCAST
    bool late = false;
};
struct PhysicalPlan {
    std::vector<PhysicalTask> tasks;
    std::vector<PhysicalExchange> exchanges;
};

// Chains the logical graph as Flink does. Pure; thread-compatible.
PhysicalPlan physicalPlan(const GraphModel& model);

class PhysicalView : public QGraphicsView {
    Q_OBJECT
public:
    explicit PhysicalView(QWidget* parent = nullptr);
    void showPlan(const GraphModel& model);

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void wheelEvent(QWheelEvent* event) override;
};

} // namespace streamlab::ui
