// The logical job (model::Job): nodes and edges exactly as the person drew them, kept as the
// JSON of the job file so that unknown keys survive a round trip. Typed views and validation
// live in spec.h; the parameter catalogue in params.h. Value type; thread-compatible.
#pragma once

#include "core/status.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::model {

using Json = nlohmann::ordered_json;

inline constexpr int kFormatVersion = 1;
inline constexpr std::string_view kFormatName = "streamlab-job";

enum class Severity { Error, Warning };

// One problem found by validation, tied to a node, an edge or the job's config.
struct Problem {
    Severity severity = Severity::Error;
    std::string nodeId; // the node concerned, or empty
    std::string edgeId; // "from->to" for an edge, or empty
    std::string field;  // the parameter, dotted ("watermark.maxOutOfOrderness"), or empty
    std::string message;

    // "node 'perMinute', field 'allowedLateness': must not be negative"
    std::string toString() const;
};

struct Node {
    Json doc; // the node's object, "id" and "kind" included

    std::string id() const;
    std::string kind() const;
};

struct Edge {
    Json doc; // {"from": "a" | "a.port", "to": "b", "partitioner"?: ...}

    std::string from() const;     // node id part of "from"
    std::string fromPort() const; // port part of "from" ("" for the main output)
    std::string to() const;
    std::string id() const; // "from->to" as written
};

class Job {
public:
    Json root; // everything but "nodes" and "edges", in file order
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    std::filesystem::path path; // the file it was loaded from or saved to; may be empty

    // Reads a job file. Syntax errors name the file, line and column; the structure is
    // checked only as far as needed to hold it (validation is separate, see spec.h).
    static Result<Job> load(const std::filesystem::path& file);
    static Result<Job> parse(std::string_view text, const std::string& sourceName);
    static Result<Job> fromJson(const Json& doc, const std::string& sourceName);

    Json toJson() const;
    std::string toText() const; // pretty JSON, 2-space indent, trailing newline
    // Atomic save: writes a temporary file beside `file`, flushes it and renames it over.
    Status save(const std::filesystem::path& file) const;

    std::string name() const;
    Node* node(std::string_view id);
    const Node* node(std::string_view id) const;
    // A path from the job file, made absolute against the job file's folder.
    std::filesystem::path resolve(std::string_view relative) const;
};

// Writes `content` to `file` atomically (temporary file + fsync + rename).
Status writeFileAtomically(const std::filesystem::path& file, std::string_view content);

} // namespace streamlab::model
