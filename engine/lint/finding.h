// What the pipeline doctor reports (lint::Finding): one known production pitfall found in a job,
// tied to a node or an edge, with an explanation for people, the evidence (static, or figures
// measured in a replay) and a fix that can be applied to the job (lint::Fix, see fix.h).
// Value types; thread-compatible.
#pragma once

#include "model/job.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::lint {

enum class Severity { Info, Warning, Error };
std::string_view severityName(Severity s); // "info", "warning", "error"

// One edit of the job's graph. Node and edge patches are JSON merge patches (RFC 7386: a null
// member removes the key).
struct Edit {
    enum class Kind { AddNode, RemoveNode, PatchNode, AddEdge, RemoveEdge, PatchEdge };
    Kind kind = Kind::PatchNode;
    std::string node; // RemoveNode, PatchNode: the node's id
    std::string from; // RemoveEdge, PatchEdge: the edge's "from" as written ("a" or "a.late")
    std::string to; // RemoveEdge, PatchEdge
    model::Json value; // AddNode: the node; AddEdge: the edge; Patch*: the merge patch
};

// A patch of the job: `--set` style assignments (model::applySet), then graph edits, in order.
struct Fix {
    std::string summary; // "lateFiring: {\"every\": \"1m\"}"
    std::vector<std::string> sets; // "avgPer5m.lateFiring.every=1m"
    std::vector<Edit> edits;
};

struct Finding {
    std::string rule; // stable id: "late-firing-flood", ...
    Severity severity = Severity::Warning;
    std::string node; // the node concerned, or empty
    std::string edge; // "from->to" for an edge, or empty
    std::string title;
    std::string explanation; // two or three sentences, with the Flink setting's name
    std::string evidence; // static text, or figures from a replay
    bool measured = false; // evidence comes from a replay
    std::map<std::string, double> figures; // the evidence's numbers by name, for tools and tests
    std::optional<Fix> fix;

    // "warning late-firing-flood [avgPer5m]: title"
    std::string headline() const;
};

model::Json toJson(const Fix& fix);
model::Json toJson(const Finding& f);

// The worst severity among the findings; nullopt when there are none.
std::optional<Severity> worstSeverity(const std::vector<Finding>& findings);

} // namespace streamlab::lint
