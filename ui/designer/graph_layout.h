// Automatic left-to-right layered layout of a graph model (sources on the left, sinks on the
// right), as in Flink's job graph view. Pure function of the model; thread-compatible.
#pragma once

#include "designer/graph_model.h"

#include <QPointF>
#include <QSizeF>
#include <functional>
#include <map>

namespace streamlab::ui {

// Positions (top-left corners) for every node. `sizeOf` gives a node's size on the canvas.
std::map<NodeId, QPointF> layeredLayout(const GraphModel& model, const std::function<QSizeF(NodeId)>& sizeOf);

} // namespace streamlab::ui
