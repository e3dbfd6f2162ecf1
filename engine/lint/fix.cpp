#include "lint/fix.h"

#include "model/params.h"

namespace streamlab::lint {

namespace {

    model::Edge* findEdge(model::Job& job, const std::string& from, const std::string& to)
    {
        for (auto& e : job.edges) {
            auto f = e.doc.find("from");
            if (f != e.doc.end() && f->is_string() && f->get<std::string>() == from && e.to() == to)
                return &e;
        }
        return nullptr;
    }

} // namespace

Status applyFix(model::Job& job, const Fix& fix)
{
    for (const auto& s : fix.sets)
        STREAMLAB_RETURN_IF_ERROR(model::applySet(job, s));
    for (const auto& e : fix.edits) {
        switch (e.kind) {
        case Edit::Kind::AddNode: {
            if (!e.value.is_object() || !e.value.contains("id"))
                return Status::invalid("fix: a node to add must be an object with an id");
            std::string id = e.value["id"].is_string() ? e.value["id"].get<std::string>() : std::string();
            if (job.node(id))
                return Status::invalid("fix: there is already a node '" + id + "'");
            job.nodes.push_back(model::Node { e.value });
            break;
        }
        case Edit::Kind::RemoveNode: {
            auto before = job.nodes.size();
            std::erase_if(job.nodes, [&](const model::Node& n) { return n.id() == e.node; });
            if (job.nodes.size() == before)
                return Status::notFound("fix: there is no node '" + e.node + "' to remove");
            std::erase_if(
                job.edges, [&](const model::Edge& x) { return x.from() == e.node || x.to() == e.node; });
            break;
        }
        case Edit::Kind::PatchNode: {
            model::Node* n = job.node(e.node);
            if (!n)
                return Status::notFound("fix: there is no node '" + e.node + "' to change");
            n->doc.merge_patch(e.value);
            break;
        }
        case Edit::Kind::AddEdge:
            if (!e.value.is_object() || !e.value.contains("from") || !e.value.contains("to"))
                return Status::invalid("fix: an edge to add must be an object with from and to");
            job.edges.push_back(model::Edge { e.value });
            break;
        case Edit::Kind::RemoveEdge: {
            model::Edge* x = findEdge(job, e.from, e.to);
            if (!x)
                return Status::notFound("fix: there is no edge '" + e.from + "->" + e.to + "' to remove");
            job.edges.erase(job.edges.begin() + (x - job.edges.data()));
            break;
        }
        case Edit::Kind::PatchEdge: {
            model::Edge* x = findEdge(job, e.from, e.to);
            if (!x)
                return Status::notFound("fix: there is no edge '" + e.from + "->" + e.to + "' to change");
            x->doc.merge_patch(e.value);
            break;
        }
        }
    }
    return {};
}

} // namespace streamlab::lint
