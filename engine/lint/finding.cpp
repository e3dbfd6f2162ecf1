#include "lint/finding.h"

namespace streamlab::lint {

std::string_view severityName(Severity s)
{
    switch (s) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        return "error";
    }
    return "info";
}

std::string Finding::headline() const
{
    std::string s = std::string(severityName(severity)) + " " + rule;
    if (!node.empty())
        s += " [" + node + "]";
    else if (!edge.empty())
        s += " [" + edge + "]";
    return s + ": " + title;
}

static std::string_view editKindName(Edit::Kind k)
{
    switch (k) {
    case Edit::Kind::AddNode:
        return "addNode";
    case Edit::Kind::RemoveNode:
        return "removeNode";
    case Edit::Kind::PatchNode:
        return "patchNode";
    case Edit::Kind::AddEdge:
        return "addEdge";
    case Edit::Kind::RemoveEdge:
        return "removeEdge";
    case Edit::Kind::PatchEdge:
        return "patchEdge";
    }
    return "patchNode";
}

model::Json toJson(const Fix& fix)
{
    model::Json j;
    j["summary"] = fix.summary;
    j["set"] = fix.sets;
    model::Json edits = model::Json::array();
    for (const auto& e : fix.edits) {
        model::Json ej;
        ej["op"] = std::string(editKindName(e.kind));
        if (!e.node.empty())
            ej["node"] = e.node;
        if (!e.from.empty())
            ej["from"] = e.from;
        if (!e.to.empty())
            ej["to"] = e.to;
        if (!e.value.is_null())
            ej["value"] = e.value;
        edits.push_back(std::move(ej));
    }
    j["edits"] = std::move(edits);
    return j;
}

model::Json toJson(const Finding& f)
{
    model::Json j;
    j["rule"] = f.rule;
    j["severity"] = std::string(severityName(f.severity));
    j["node"] = f.node.empty() ? model::Json() : model::Json(f.node);
    j["edge"] = f.edge.empty() ? model::Json() : model::Json(f.edge);
    j["title"] = f.title;
    j["explanation"] = f.explanation;
    j["evidence"] = f.evidence;
    j["measured"] = f.measured;
    model::Json figures = model::Json::object();
    for (const auto& [k, v] : f.figures)
        figures[k] = v;
    j["figures"] = std::move(figures);
    j["fix"] = f.fix ? toJson(*f.fix) : model::Json();
    return j;
}

std::optional<Severity> worstSeverity(const std::vector<Finding>& findings)
{
    std::optional<Severity> worst;
    for (const auto& f : findings)
        if (!worst || f.severity > *worst)
            worst = f.severity;
    return worst;
}

} // namespace streamlab::lint
