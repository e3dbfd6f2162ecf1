// The Flink SQL exporter's inside (export/sql_export.h is its interface): what a node's output
// looks like in SQL (Relation), the statements of the script, and the SqlExporter that walks the
// job's nodes in order. Its work is in four files along the script's parts:
//   sql_export.cpp  the job-wide SET statements (emit mode, idleness, TTL, checkpoints), the
//                   warnings every node shares, and the script's assembly;
//   sql_tables.cpp  the DDL: CREATE TABLE for sources (schema, time attribute, watermark) and sinks;
//   sql_views.cpp   a view per filter and map, expressions and aggregate calls;
//   sql_windows.cpp a view per window or keyed aggregate (window TVFs, legacy group windows, late
//                   data).
// Included by those files only.
#pragma once

#include "export/sql_export.h"
#include "export/sql_text.h"
#include "model/spec.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace streamlab::exporter::sql {

using model::AggregateFn;
using model::AssignerType;
using model::NodeKind;
using model::NodeSpec;
using model::TriggerType;


struct Column {
    std::string name;
    FieldType type = FieldType::Any; // as the expression language sees it
    std::string sql; // Flink type
    bool aggregate = false; // an aggregate's result (not part of a primary key)
};

struct Relation {
    std::string name; // table or view to read from
    std::vector<Column> columns; // Streamlab's fields, in order (the time attribute is not one)
    std::string rowtime; // the time attribute column, or empty
    bool updating = false; // a changelog (updates, retractions) rather than inserts only
    std::string producer; // node whose result this is (for messages)

    Schema schema() const
    {
        Schema s;
        s.declared = true;
        for (const auto& c : columns)
            s.fields.push_back({ c.name, c.type });
        return s;
    }
    std::string selectList() const
    {
        std::string s;
        for (const auto& c : columns)
            s += (s.empty() ? "" : ", ") + quoteIdent(c.name);
        return s;
    }
    const Column* column(std::string_view n) const
    {
        for (const auto& c : columns)
            if (c.name == n)
                return &c;
        return nullptr;
    }
};

// One statement of the script with the comments and warnings that stand before it.
struct Statement {
    std::vector<std::string> comments;
    std::vector<std::string> warnings;
    std::string text; // without the final ';'
};

// How a source's timestamp field is stored in its file.
enum class TimestampText { EpochMillis, Iso8601 };

class SqlExporter {
public:
    SqlExporter(const model::JobSpec& spec, const SqlOptions& options)
        : m_spec(spec)
        , m_options(options)
    {
    }

    Result<SqlExport> run();

private:
    void warn(Statement& st, const std::string& nodeId, const std::string& message)
    {
        st.warnings.push_back(message);
        m_warnings.push_back(
            (nodeId.empty() ? std::string("job") : "node '" + nodeId + "'") + ": " + message);
    }
    std::string uniqueName(const std::string& base)
    {
        std::string n = base;
        for (int i = 2; m_names.count(n); ++i)
            n = base + "_" + std::to_string(i);
        m_names.insert(n);
        return n;
    }

    void planEmitMode();
    void emitSettings();
    Status emitSource(const NodeSpec& n);
    Result<Relation> inputOf(const NodeSpec& n, Statement& st);
    Status emitFilter(const NodeSpec& n);
    Status emitMap(const NodeSpec& n);
    Status emitKeyed(const NodeSpec& n);
    void emitLateOutput(const NodeSpec& n, const Relation& in);
    Status emitSink(const NodeSpec& n);
    std::string aggregateSelect(const model::Aggregates& a, const Relation& in, std::vector<Column>& out,
        Statement& st, const std::string& nodeId);
    std::string aggregateExpr(const model::AggregateSpec& a, const Relation& in, Column& out,
        Statement& st, const std::string& nodeId);
    std::string translate(const std::string& text, const Relation& in, Statement& st,
        const std::string& nodeId, FieldType* type);
    void nodeCommonWarnings(const NodeSpec& n, Statement& st);
    std::string render() const;

    const model::JobSpec& m_spec;
    const SqlOptions& m_options;

    std::vector<std::string> m_header;
    std::vector<Statement> m_settings;
    std::vector<Statement> m_body;
    std::vector<Statement> m_inserts;
    std::vector<std::string> m_warnings;
    std::map<std::string, Relation> m_relations; // node id (or "id.late") -> its output
    std::map<std::string, std::vector<std::string>> m_keys; // keyBy id -> key fields
    std::set<std::string> m_names;

    // Emit mode, decided for the whole job since SET options are job-wide.
    bool m_lateFire = false;
    int64_t m_allowLateness = 0;
    int64_t m_lateFireDelay = 0;
    bool m_earlyFire = false;
    int64_t m_earlyFireDelay = 0;
    std::vector<std::string> m_emitWarnings; // job-level, next to the emit SETs
    std::map<std::string, std::vector<std::string>> m_windowEmitNotes; // window id -> warnings
};

} // namespace streamlab::exporter::sql
