#include "designer/graph_layout.h"

#include <algorithm>
#include <set>

namespace streamlab::ui {

std::map<NodeId, QPointF> layeredLayout(const GraphModel& model, const std::function<QSizeF(NodeId)>& sizeOf)
{
    constexpr qreal kColumnGap = 130;
    constexpr qreal kRowGap = 36;
    const auto ids = model.nodeIds();
    std::map<NodeId, std::vector<NodeId>> preds, succs;
    for (const auto& c : model.connections()) {
        preds[c.inNode].push_back(c.outNode);
        succs[c.outNode].push_back(c.inNode);
    }

    // Longest-path layering over a topological order; nodes on a cycle keep layer 0 plus what
    // their acyclic predecessors give them.
    std::map<NodeId, int> layer, indeg;
    for (NodeId id : ids)
        indeg[id] = int(preds[id].size());
    std::vector<NodeId> ready;
    for (NodeId id : ids)
        if (indeg[id] == 0)
            ready.push_back(id);
    std::set<NodeId> placed;
    while (!ready.empty()) {
        NodeId n = ready.front();
        ready.erase(ready.begin());
        placed.insert(n);
        for (NodeId s : succs[n]) {
            layer[s] = std::max(layer[s], layer[n] + 1);
            if (--indeg[s] == 0)
                ready.push_back(s);
        }
    }
    int maxLayer = 0;
    for (NodeId id : ids)
        maxLayer = std::max(maxLayer, layer[id]);
    // Pull sources right next to their first consumer when they feed a later layer only.
    for (NodeId id : ids) {
        if (!preds[id].empty() || succs[id].empty())
            continue;
        int minSucc = maxLayer + 1;
        for (NodeId s : succs[id])
            minSucc = std::min(minSucc, layer[s]);
        layer[id] = std::max(0, minSucc - 1);
    }

    std::vector<std::vector<NodeId>> layers(maxLayer + 1);
    for (NodeId id : ids)
        layers[layer[id]].push_back(id);

    // Order within layers by the barycentre of the neighbours, a few sweeps each way.
    std::map<NodeId, qreal> rank;
    auto renumber = [&](const std::vector<NodeId>& l) {
        for (size_t i = 0; i < l.size(); ++i)
            rank[l[i]] = qreal(i);
    };
    for (auto& l : layers)
        renumber(l);
    for (int sweep = 0; sweep < 4; ++sweep) {
        const bool down = sweep % 2 == 0;
        for (size_t k = 1; k < layers.size(); ++k) {
            auto& l = layers[down ? k : layers.size() - 1 - k];
            std::map<NodeId, qreal> bary;
            for (NodeId n : l) {
                const auto& nb = down ? preds[n] : succs[n];
                if (nb.empty()) {
                    bary[n] = rank[n];
                    continue;
                }
                qreal sum = 0;
                for (NodeId m : nb)
                    sum += rank[m];
                bary[n] = sum / qreal(nb.size());
            }
            std::stable_sort(l.begin(), l.end(), [&](NodeId a, NodeId b) { return bary[a] < bary[b]; });
            renumber(l);
        }
    }

    // Coordinates: columns of equal width, each column centred vertically on the tallest.
    std::vector<qreal> heights(layers.size(), 0);
    qreal tallest = 0;
    for (size_t k = 0; k < layers.size(); ++k) {
        for (NodeId n : layers[k])
            heights[k] += sizeOf(n).height() + kRowGap;
        heights[k] -= layers[k].empty() ? 0 : kRowGap;
        tallest = std::max(tallest, heights[k]);
    }
    std::map<NodeId, QPointF> out;
    qreal x = 0;
    for (size_t k = 0; k < layers.size(); ++k) {
        qreal width = 0;
        qreal y = (tallest - heights[k]) / 2;
        for (NodeId n : layers[k]) {
            QSizeF s = sizeOf(n);
            out[n] = QPointF(x, y);
            y += s.height() + kRowGap;
            width = std::max(width, s.width());
        }
        x += width + kColumnGap;
    }
    // Straighten chains: shift each later layer so that its nodes sit, on average, level with
    // their predecessors (the order within the layer and the spacing stay).
    for (size_t k = 1; k < layers.size(); ++k) {
        qreal want = 0, have = 0;
        int n = 0;
        for (NodeId id : layers[k]) {
            if (preds[id].empty())
                continue;
            qreal avg = 0;
            for (NodeId p : preds[id])
                avg += out[p].y();
            want += avg / qreal(preds[id].size());
            have += out[id].y();
            ++n;
        }
        if (n == 0)
            continue;
        const qreal shift = (want - have) / n;
        for (NodeId id : layers[k])
            out[id].ry() += shift;
    }
    for (auto& [id, p] : out)
        p = QPointF(std::round(p.x()), std::round(p.y()));
    return out;
}

} // namespace streamlab::ui
