// The undoable edit behind the Doctor's Fix button: turns the model's job into another job (the
// job with a lint::Fix applied) as one undo step. redo() goes from the job the model holds at the
// first redo to the target, undo() back, both through GraphModel's mutators, node by node and edge
// by edge: unchanged nodes keep their ids and canvas items, removed nodes come back with their ids,
// and undo restores exactly the previous job (nodes, edges, parameters and key order). A target
// equal to the current job makes the command obsolete. GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QSizeF>
#include <QUndoCommand>
#include <functional>
#include <map>
#include <string>

namespace streamlab::ui {

class DoctorFixCommand : public QUndoCommand {
public:
    DoctorFixCommand(GraphModel* model, model::Job target, const QString& text);
    void redo() override;
    void undo() override;

    // Gives the nodes of `target` that `model` does not have, and that carry no position, a place on
    // the canvas: right of the node they read from (or where the node they feed was), the cards from
    // there on moving one card to the right when there is no room, and below any other card still in
    // the way. `size` gives the size of an existing node's card.
    static void placeNewNodes(
        model::Job& target, const GraphModel& model, const std::function<QSizeF(NodeId)>& size);
    // The reverse for the nodes of `model` that `target` no longer has: the cards right of a
    // removed card in its row move left by one card, unless that would put one on another card.
    static void closeGaps(
        model::Job& target, const GraphModel& model, const std::function<QSizeF(NodeId)>& size);

private:
    void transition(const model::Job& from, const model::Job& to);
    void changeDoc(NodeId id, const model::Json& from, const model::Json& to);

    GraphModel* m_model;
    model::Job m_before;
    model::Job m_after;
    bool m_captured = false;
    // Ids of the nodes this command removed or added, by the job file's id, so that every redo and
    // undo gives them the same NodeId again.
    std::map<std::string, NodeId> m_ids;
};

} // namespace streamlab::ui
