// Export of a job to a self-contained Flink SQL script (issue 8): SET statements for the job's
// configuration, a CREATE TABLE per source and sink, a view per operator, INSERT INTO per sink
// (in one EXECUTE STATEMENT SET when there are several). What Flink SQL cannot express
// faithfully is never dropped silently: it becomes the closest form plus a `-- WARNING:` comment
// next to the statement concerned, and an entry in SqlExport::warnings.
// Pure functions of the job (and of the first lines of event files whose schema is undeclared);
// thread-safe.
#pragma once

#include "core/status.h"
#include "model/job.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::exporter {

struct SqlOptions {
    enum class Connector {
        Filesystem, // sources and file sinks read/write the job's files (absolute paths)
        Kafka, // sources and file sinks are Kafka topics, with placeholder options
    };
    // Default: Filesystem.
    Connector connector = Connector::Filesystem;
    // Any warning makes the export fail with a Status that lists them. Default: false.
    bool strict = false;
};

// "filesystem" or "kafka"; nullopt for anything else.
std::optional<SqlOptions::Connector> parseConnector(std::string_view name);

struct SqlExport {
    std::string sql; // the script, ending with a newline
    // One line per warning, "node 'perMinute': ..." or "job: ...", in script order. Each also
    // stands in the script as a `-- WARNING:` comment.
    std::vector<std::string> warnings;
};

// Translates the job to Flink SQL (Flink 1.19+ SQL client). Fails with InvalidArgument when the
// job does not validate (every error listed), with Unsupported for a graph SQL cannot express at
// all, and, under options.strict, with Unsupported listing the warnings.
Result<SqlExport> exportFlinkSql(const model::Job& job, const SqlOptions& options = {});

} // namespace streamlab::exporter
