#include "export/sql_export.h"

#include "expr/expression.h"
#include "io/event_reader.h"
#include "model/spec.h"
#include "time/duration.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace streamlab::exporter {

using model::AggregateFn;
using model::AssignerType;
using model::NodeKind;
using model::NodeSpec;
using model::TriggerType;

std::optional<SqlOptions::Connector> parseConnector(std::string_view name)
{
    if (name == "filesystem")
        return SqlOptions::Connector::Filesystem;
    if (name == "kafka")
        return SqlOptions::Connector::Kafka;
    return std::nullopt;
}

namespace {

    // ---- Text helpers -----------------------------------------------------------------------

    std::string quoteIdent(std::string_view name)
    {
        std::string s = "`";
        for (char c : name) {
            if (c == '`')
                s += '`';
            s += c;
        }
        return s + "`";
    }

    std::string quoteString(std::string_view text)
    {
        std::string s = "'";
        for (char c : text) {
            if (c == '\'')
                s += '\'';
            s += c;
        }
        return s + "'";
    }

    // A Flink SQL interval literal. Calcite's default leading precision is 2 digits, so a value
    // of 100 or more in one unit is written as DAY TO SECOND.
    std::string sqlInterval(int64_t ms)
    {
        if (ms < 0)
            return "-" + sqlInterval(-ms);
        struct Unit {
            int64_t ms;
            const char* name;
        };
        static const Unit kUnits[]
            = { { 86400000, "DAY" }, { 3600000, "HOUR" }, { 60000, "MINUTE" }, { 1000, "SECOND" } };
        if (ms == 0)
            return "INTERVAL '0' SECOND";
        for (const auto& u : kUnits)
            if (ms % u.ms == 0 && ms / u.ms < 100)
                return "INTERVAL '" + std::to_string(ms / u.ms) + "' " + u.name;
        char buf[64];
        if (ms < 100000) {
            std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
            std::string s = buf;
            while (s.back() == '0')
                s.pop_back();
            return "INTERVAL '" + s + "' SECOND";
        }
        std::snprintf(buf, sizeof buf, "%lld %02lld:%02lld:%02lld.%03lld",
            static_cast<long long>(ms / 86400000), static_cast<long long>(ms / 3600000 % 24),
            static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
            static_cast<long long>(ms % 1000));
        return std::string("INTERVAL '") + buf + "' DAY TO SECOND";
    }

    // A duration in Flink's configuration syntax (TimeUtils): "200 ms", "10 s", "1 min", "2 h", "1 d".
    std::string configDuration(int64_t ms)
    {
        struct Unit {
            int64_t ms;
            const char* name;
        };
        static const Unit kUnits[] = { { 86400000, "d" }, { 3600000, "h" }, { 60000, "min" }, { 1000, "s" } };
        if (ms != 0)
            for (const auto& u : kUnits)
                if (ms % u.ms == 0)
                    return std::to_string(ms / u.ms) + " " + u.name;
        return std::to_string(ms) + " ms";
    }

    std::string human(int64_t ms) { return time::formatDuration(ms); }

    std::string sqlType(FieldType t)
    {
        switch (t) {
        case FieldType::String:
            return "STRING";
        case FieldType::Int:
            return "INT";
        case FieldType::Long:
        case FieldType::Timestamp: // epoch milliseconds, as the expression language sees them
            return "BIGINT";
        case FieldType::Double:
            return "DOUBLE";
        case FieldType::Boolean:
            return "BOOLEAN";
        case FieldType::Any:
            return "STRING";
        }
        return "STRING";
    }

    // ---- Relations: what a node's output looks like in SQL ----------------------------------

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

    // ---- Expression translation -------------------------------------------------------------

    class ExpressionTranslator {
    public:
        explicit ExpressionTranslator(std::function<void(const std::string&)> warn)
            : m_warn(std::move(warn))
        {
        }

        std::string translate(const expr::Node& n) { return emit(n, false); }

    private:
        static bool isIntegral(FieldType t)
        {
            return t == FieldType::Int || t == FieldType::Long || t == FieldType::Timestamp;
        }
        static bool isNullLiteral(const expr::Node& n)
        {
            return n.kind == expr::NodeKind::Literal && isNull(n.literal);
        }

        std::string literal(const Value& v)
        {
            if (isNull(v))
                return "NULL";
            if (auto b = std::get_if<bool>(&v))
                return *b ? "TRUE" : "FALSE";
            if (auto i = std::get_if<int64_t>(&v)) {
                if (*i == std::numeric_limits<int64_t>::min())
                    return "CAST(" + std::to_string(*i) + " AS BIGINT)";
                return std::to_string(*i);
            }
            if (auto d = std::get_if<double>(&v)) {
                if (std::isnan(*d))
                    return "CAST('NaN' AS DOUBLE)";
                if (std::isinf(*d))
                    return *d > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
                char buf[64];
                auto r = std::to_chars(buf, buf + sizeof buf, *d);
                std::string s(buf, r.ptr);
                // 1.5 is a DECIMAL literal in Flink SQL; 1.5E0 is a DOUBLE, as in the expression.
                auto e = s.find('e');
                if (e == std::string::npos)
                    s += "E0";
                else
                    s[e] = 'E';
                return s;
            }
            if (auto s = std::get_if<std::string>(&v))
                return quoteString(*s);
            return "NULL";
        }

        // An operand of integer arithmetic: Streamlab computes with Java longs, so an INT column
        // is widened to BIGINT to overflow where Streamlab overflows.
        std::string arithmeticOperand(const expr::Node& n)
        {
            std::string s = emit(n, true);
            if (n.type == FieldType::Int)
                return "CAST(" + s + " AS BIGINT)";
            return s;
        }

        // String.valueOf semantics of `+` with a string and of concat(): null reads "null".
        std::string asText(const expr::Node& n)
        {
            if (n.kind == expr::NodeKind::Literal) {
                if (isNull(n.literal))
                    return "'null'";
                if (auto s = std::get_if<std::string>(&n.literal))
                    return quoteString(*s);
                if (auto b = std::get_if<bool>(&n.literal))
                    return *b ? "'true'" : "'false'";
                return quoteString(valueToText(n.literal));
            }
            std::string inner = emit(n, false);
            if (n.type != FieldType::String)
                inner = "CAST(" + inner + " AS STRING)";
            return "COALESCE(" + inner + ", 'null')";
        }

        void flattenConcat(const expr::Node& n, std::vector<const expr::Node*>& parts)
        {
            if (n.kind == expr::NodeKind::Binary && n.op == expr::Op::Add && n.type == FieldType::String) {
                flattenConcat(n.children[0], parts);
                flattenConcat(n.children[1], parts);
            } else {
                parts.push_back(&n);
            }
        }

        std::string emit(const expr::Node& n, bool nested)
        {
            auto wrap = [nested](std::string s) { return nested ? "(" + s + ")" : s; };
            switch (n.kind) {
            case expr::NodeKind::FieldRef:
                return quoteIdent(n.field);
            case expr::NodeKind::Literal:
                return literal(n.literal);
            case expr::NodeKind::Unary:
                if (n.op == expr::Op::Not)
                    return wrap("NOT " + emit(n.children[0], true));
                return wrap("-" + arithmeticOperand(n.children[0]));
            case expr::NodeKind::Binary: {
                // CONCAT(...) and MOD(...) need no parentheses around them.
                bool call
                    = n.op == expr::Op::Modulo || (n.op == expr::Op::Add && n.type == FieldType::String);
                return call ? binary(n) : wrap(binary(n));
            }
            case expr::NodeKind::Call:
                return call(n);
            }
            return "NULL";
        }

        std::string binary(const expr::Node& n)
        {
            const auto& a = n.children[0];
            const auto& b = n.children[1];
            using expr::Op;
            switch (n.op) {
            case Op::And:
                return emit(a, true) + " AND " + emit(b, true);
            case Op::Or:
                return emit(a, true) + " OR " + emit(b, true);
            case Op::Equal:
            case Op::NotEqual: {
                bool eq = n.op == Op::Equal;
                if (isNullLiteral(b) || isNullLiteral(a)) {
                    const auto& other = isNullLiteral(b) ? a : b;
                    return emit(other, true) + (eq ? " IS NULL" : " IS NOT NULL");
                }
                return emit(a, true) + (eq ? " = " : " <> ") + emit(b, true);
            }
            case Op::Less:
                return emit(a, true) + " < " + emit(b, true);
            case Op::LessEqual:
                return emit(a, true) + " <= " + emit(b, true);
            case Op::Greater:
                return emit(a, true) + " > " + emit(b, true);
            case Op::GreaterEqual:
                return emit(a, true) + " >= " + emit(b, true);
            case Op::Add:
                if (n.type == FieldType::String) {
                    std::vector<const expr::Node*> parts;
                    flattenConcat(n, parts);
                    std::string s;
                    for (const auto* p : parts)
                        s += (s.empty() ? "" : ", ") + asText(*p);
                    return "CONCAT(" + s + ")";
                }
                return arithmeticOperand(a) + " + " + arithmeticOperand(b);
            case Op::Subtract:
                return arithmeticOperand(a) + " - " + arithmeticOperand(b);
            case Op::Multiply:
                return arithmeticOperand(a) + " * " + arithmeticOperand(b);
            case Op::Divide:
            case Op::Modulo: {
                // Integer division or remainder by zero is null in Streamlab; NULLIF keeps it so
                // instead of failing the Flink job.
                std::string divisor = arithmeticOperand(b);
                bool integral = isIntegral(a.type) && isIntegral(b.type);
                bool literalNonZero = b.kind == expr::NodeKind::Literal
                    && std::holds_alternative<int64_t>(b.literal) && std::get<int64_t>(b.literal) != 0;
                if (integral && !literalNonZero)
                    divisor = "NULLIF(" + divisor + ", 0)";
                if (n.op == Op::Divide)
                    return arithmeticOperand(a) + " / " + divisor;
                // MOD keeps the dividend's sign, as Java's % does.
                return "MOD(" + emit(a, false) + ", " + divisor + ")";
            }
            default:
                return "NULL";
            }
        }

        std::string call(const expr::Node& n)
        {
            using expr::Op;
            switch (n.op) {
            case Op::Lower:
                return "LOWER(" + emit(n.children[0], false) + ")";
            case Op::Upper:
                return "UPPER(" + emit(n.children[0], false) + ")";
            case Op::Abs:
                return "ABS(" + arithmeticOperand(n.children[0]) + ")";
            case Op::Concat: {
                std::string s;
                for (const auto& c : n.children)
                    s += (s.empty() ? "" : ", ") + asText(c);
                return "CONCAT(" + s + ")";
            }
            case Op::Hash:
                m_warn("hash() is Java's hashCode, which Flink SQL has no built-in function for: exported as "
                       "HASH_CODE(...), a scalar UDF to register (String.hashCode / Long.hashCode / "
                       "Double.hashCode) "
                       "before the script runs");
                return "HASH_CODE(" + emit(n.children[0], false) + ")";
            default:
                return "NULL";
            }
        }

        std::function<void(const std::string&)> m_warn;
    };

    // ---- The exporter -----------------------------------------------------------------------

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

    bool hasSessionWindow(const model::JobSpec& spec)
    {
        for (const auto& n : spec.nodes)
            if (n.kind == NodeKind::Window
                && n.as<model::WindowSpec>().assigner.type == AssignerType::Session)
                return true;
        return false;
    }

    void SqlExporter::planEmitMode()
    {
        // Late firing (allowed lateness) and early firing (continuous triggers) exist in Flink SQL
        // only as the experimental table.exec.emit.* options of legacy group windows. They are
        // job-wide, window TVFs reject them, and session group windows reject them too.
        bool sessions = hasSessionWindow(m_spec);
        std::vector<const NodeSpec*> late, early;
        for (const auto& n : m_spec.nodes) {
            if (n.kind != NodeKind::Window)
                continue;
            const auto& w = n.as<model::WindowSpec>();
            if (w.assigner.type != AssignerType::Tumbling && w.assigner.type != AssignerType::Sliding)
                continue;
            if (w.allowedLateness > 0)
                late.push_back(&n);
            if (w.trigger.type == TriggerType::ContinuousEventTime)
                early.push_back(&n);
        }
        if (sessions && (!late.empty() || !early.empty())) {
            for (const auto* n : late)
                m_windowEmitNotes[n->id].push_back("allowed lateness "
                    + human(n->as<model::WindowSpec>().allowedLateness)
                    + " is not exported: late firing needs table.exec.emit.late-fire.*, which session group "
                      "windows (also in this job) reject; late elements are dropped by Flink SQL");
            for (const auto* n : early)
                m_windowEmitNotes[n->id].push_back(
                    "the continuousEventTime trigger is not exported: early firing "
                    "needs table.exec.emit.early-fire.*, which session group windows "
                    "(also in this job) reject; the window fires once, on time");
            return;
        }
        if (!late.empty()) {
            m_lateFire = true;
            std::set<int64_t> latenesses, delays;
            for (const auto* n : late) {
                const auto& w = n->as<model::WindowSpec>();
                latenesses.insert(w.allowedLateness);
                delays.insert(w.lateFiringEvery.value_or(0));
            }
            m_allowLateness = *latenesses.rbegin();
            m_lateFireDelay = *delays.begin();
            if (latenesses.size() > 1)
                m_emitWarnings.push_back("windows have different allowed lateness, but "
                                         "table.exec.emit.allow-lateness is job-wide: the largest, "
                    + human(m_allowLateness) + ", applies to every window");
            if (delays.size() > 1)
                m_emitWarnings.push_back(
                    "windows fire late at different paces, but table.exec.emit.late-fire.delay "
                    "is job-wide: the smallest, "
                    + human(m_lateFireDelay) + ", applies to every window");
            if (m_lateFireDelay > m_allowLateness) {
                m_emitWarnings.push_back("late-fire delay " + human(m_lateFireDelay)
                    + " exceeds the allowed lateness, which Flink rejects: capped at "
                    + human(m_allowLateness));
                m_lateFireDelay = m_allowLateness;
            }
        }
        if (!early.empty()) {
            m_earlyFire = true;
            std::set<int64_t> intervals;
            for (const auto* n : early)
                intervals.insert(n->as<model::WindowSpec>().trigger.interval);
            m_earlyFireDelay = *intervals.begin();
            if (intervals.size() > 1)
                m_emitWarnings.push_back("continuousEventTime triggers have different intervals, but "
                                         "table.exec.emit.early-fire.delay is job-wide: the smallest, "
                    + human(m_earlyFireDelay) + ", applies to every window");
        }
    }

    void SqlExporter::emitSettings()
    {
        const auto& c = m_spec.config;
        auto set = [this](const std::string& key, const std::string& value) -> Statement& {
            Statement st;
            st.text = "SET " + quoteString(key) + " = " + quoteString(value);
            m_settings.push_back(std::move(st));
            return m_settings.back();
        };
        set("parallelism.default", std::to_string(c.parallelism));
        if (c.maxParallelism)
            set("pipeline.max-parallelism", std::to_string(*c.maxParallelism));
        set("pipeline.auto-watermark-interval", configDuration(c.autoWatermarkInterval));
        // Streamlab's windows align on the epoch (UTC); TIMESTAMP_LTZ windows align in the session time zone.
        set("table.local-time-zone", "UTC");

        std::set<int64_t> idle;
        size_t withoutIdle = 0, sources = 0;
        for (const auto& n : m_spec.nodes) {
            if (n.kind != NodeKind::Source)
                continue;
            ++sources;
            const auto& s = n.as<model::SourceSpec>();
            if (s.watermark.idleTimeout)
                idle.insert(*s.watermark.idleTimeout);
            else
                ++withoutIdle;
        }
        if (!idle.empty()) {
            auto& st = set("table.exec.source.idle-timeout", configDuration(*idle.begin()));
            if (idle.size() > 1 || withoutIdle > 0)
                warn(st, "",
                    "sources have different idle timeouts, but table.exec.source.idle-timeout is job-wide: "
                        + human(*idle.begin()) + " applies to every source"
                        + (withoutIdle ? " (also to those without withIdleness)" : ""));
        }
        (void)sources;
        if (c.idleStateRetention)
            set("table.exec.state.ttl", configDuration(*c.idleStateRetention));
        if (c.checkpointInterval)
            set("execution.checkpointing.interval", configDuration(*c.checkpointInterval));
        set("state.backend.type", c.stateBackend == model::StateBackend::RocksDb ? "rocksdb" : "hashmap");

        if (m_lateFire) {
            auto& st = set("table.exec.emit.late-fire.enabled", "true");
            st.comments.push_back("Allowed lateness: Flink SQL fires late only on legacy group windows "
                                  "(GROUP BY TUMBLE/HOP), through these experimental options;");
            st.comments.push_back("window TVFs reject them, so every tumbling and sliding window below is a "
                                  "legacy group window, and its results are updates.");
            set("table.exec.emit.late-fire.delay", configDuration(m_lateFireDelay));
            set("table.exec.emit.allow-lateness", configDuration(m_allowLateness));
        }
        if (m_earlyFire) {
            auto& st = set("table.exec.emit.early-fire.enabled", "true");
            st.comments.push_back("Early firing (continuousEventTime trigger): legacy group windows only, "
                                  "experimental option.");
            set("table.exec.emit.early-fire.delay", configDuration(m_earlyFireDelay));
        }
        if (!m_emitWarnings.empty())
            for (const auto& w : m_emitWarnings)
                warn(m_settings.back(), "", w);
    }

    // Reads the first data line of a source's file to see whether its timestamp field holds epoch
    // milliseconds or ISO-8601 text. nullopt when the file cannot be read.
    std::optional<TimestampText> peekTimestampText(const model::SourceSpec& s)
    {
        std::ifstream in(s.path);
        if (!in)
            return std::nullopt;
        std::string line;
        if (s.format == model::EventFormat::Csv) {
            std::string header;
            if (!std::getline(in, header) || !std::getline(in, line))
                return std::nullopt;
            auto split = [](const std::string& l) {
                std::vector<std::string> out(1);
                for (char c : l) {
                    if (c == ',')
                        out.emplace_back();
                    else if (c != '\r' && c != '"')
                        out.back() += c;
                }
                return out;
            };
            auto names = split(header);
            auto values = split(line);
            for (size_t i = 0; i < names.size() && i < values.size(); ++i)
                if (names[i] == s.timestampField) {
                    const std::string& v = values[i];
                    bool digits = !v.empty()
                        && std::all_of(v.begin() + (v[0] == '-' ? 1 : 0), v.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
                    return digits ? TimestampText::EpochMillis : TimestampText::Iso8601;
                }
            return std::nullopt;
        }
        for (int i = 0; i < 100 && std::getline(in, line); ++i) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_object() || j.contains("@watermark") || !j.contains(s.timestampField))
                continue;
            const auto& v = j[s.timestampField];
            if (v.is_number())
                return TimestampText::EpochMillis;
            if (v.is_string())
                return TimestampText::Iso8601;
        }
        return std::nullopt;
    }

    void SqlExporter::nodeCommonWarnings(const NodeSpec& n, Statement& st)
    {
        if (n.parallelism)
            warn(st, n.id,
                "parallelism " + std::to_string(*n.parallelism)
                    + " of this node is not exported: Flink SQL sets one parallelism for the job "
                      "(parallelism.default), so its subtasks, key groups and per-subtask load differ");
        if (n.maxParallelism)
            warn(st, n.id,
                "maxParallelism " + std::to_string(*n.maxParallelism)
                    + " of this node is not exported: Flink SQL has only the job-wide "
                      "pipeline.max-parallelism, "
                      "so keys may land in other key groups and subtasks");
        if (n.stateBackend)
            warn(st, n.id,
                std::string("state backend ")
                    + (*n.stateBackend == model::StateBackend::RocksDb ? "rocksdb" : "heap")
                    + " of this node is not exported: Flink SQL has one state backend for the job "
                      "(state.backend.type)");
    }

    Status SqlExporter::emitSource(const NodeSpec& n)
    {
        const auto& s = n.as<model::SourceSpec>();
        Statement st;
        st.comments.push_back("source " + n.id + (n.name.empty() ? "" : " (" + n.name + ")"));
        nodeCommonWarnings(n, st);

        Schema schema = s.schema;
        if (!schema.declared || schema.fields.empty()) {
            auto reader = io::EventReader::open(s, n.id);
            if (reader.ok()) {
                schema = *(*reader)->schema();
                st.comments.push_back(
                    "schema inferred from the first lines of " + s.path.filename().string());
            } else {
                warn(st, n.id,
                    "the schema is not declared and could not be inferred from the file ("
                        + reader.status().message()
                        + "): declare it in the job; only the timestamp column is written");
                schema.fields.clear();
                if (!s.timestampField.empty())
                    schema.fields.push_back({ s.timestampField, FieldType::Long });
            }
        }

        Relation rel;
        rel.name = uniqueName(n.id);
        rel.producer = n.id;
        std::optional<TimestampText> tsText;
        if (!s.timestampField.empty()) {
            int i = schema.indexOf(s.timestampField);
            FieldType t = i >= 0 ? schema.fields[static_cast<size_t>(i)].type : FieldType::Long;
            if (t == FieldType::Long || t == FieldType::Int)
                tsText = TimestampText::EpochMillis;
            else
                tsText = peekTimestampText(s).value_or(TimestampText::EpochMillis);
        }
        std::string columns;
        for (const auto& f : schema.fields) {
            Column c { f.name, f.type, sqlType(f.type) };
            if (f.name == s.timestampField && tsText == TimestampText::Iso8601)
                c.sql = "STRING"; // parsed into the time attribute below
            if (f.type == FieldType::Any)
                warn(st, n.id,
                    "field '" + f.name + "' has type any, which SQL has no column type for: declared STRING");
            columns += "  " + quoteIdent(c.name) + " " + c.sql + ",\n";
            rel.columns.push_back(std::move(c));
        }
        if (!s.timestampField.empty()) {
            std::string rt = "rowtime";
            while (schema.indexOf(rt) >= 0)
                rt += "_";
            rel.rowtime = rt;
            std::string ts = quoteIdent(s.timestampField);
            if (tsText == TimestampText::Iso8601)
                columns += "  " + quoteIdent(rt) + " AS CAST(CAST(REPLACE(REPLACE(" + ts
                    + ", 'T', ' '), 'Z', '') AS TIMESTAMP(3)) AS TIMESTAMP_LTZ(3)),\n";
            else
                columns += "  " + quoteIdent(rt) + " AS TO_TIMESTAMP_LTZ(" + ts + ", 3),\n";

            std::string wm = quoteIdent(rt);
            switch (s.watermark.strategy) {
            case model::WatermarkStrategy::BoundedOutOfOrderness:
                // DataStream: maxTs - d - 1. SQL: the expression on the last row, so the -1 ms is written.
                columns += "  WATERMARK FOR " + wm + " AS " + wm + " - "
                    + sqlInterval(s.watermark.maxOutOfOrderness) + " - INTERVAL '0.001' SECOND,\n";
                warn(st, n.id,
                    "watermark: the DataStream strategy emits maxTs - " + human(s.watermark.maxOutOfOrderness)
                        + " - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression "
                          "on the last "
                          "row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an "
                          "interval "
                          "holds it back: windows fire later and fewer elements are late than in Streamlab");
                break;
            case model::WatermarkStrategy::Monotonous:
                columns += "  WATERMARK FOR " + wm + " AS " + wm + " - INTERVAL '0.001' SECOND,\n";
                warn(st, n.id,
                    "watermark: forMonotonousTimestamps emits maxTs - 1ms; SQL's WATERMARK uses the last row "
                    "(EVENT-TIME.md 1.7), which is the same only while timestamps really ascend");
                break;
            case model::WatermarkStrategy::Punctuated:
                columns += "  WATERMARK FOR " + wm + " AS " + wm + " - INTERVAL '0.001' SECOND,\n";
                warn(st, n.id,
                    "watermark: punctuated watermarks ({\"@watermark\": N} lines) have no SQL form; exported "
                    "as the "
                    "last row's timestamp - 1ms, and the watermark lines are read as rows of nulls");
                break;
            case model::WatermarkStrategy::None:
                if (std::any_of(m_spec.nodes.begin(), m_spec.nodes.end(),
                        [](const NodeSpec& x) { return x.kind == NodeKind::Window; }))
                    warn(st, n.id,
                        "watermark strategy none: no WATERMARK is declared, so the rowtime column is not a "
                        "time "
                        "attribute and Flink rejects event-time windows on this source");
                break;
            }
        }
        if (!columns.empty())
            columns.erase(columns.size() - 2); // the last ",\n"

        std::vector<std::pair<std::string, std::string>> with;
        std::string format = s.format == model::EventFormat::Csv ? "csv" : "json";
        if (m_options.connector == SqlOptions::Connector::Kafka) {
            with = { { "connector", "kafka" }, { "topic", n.id },
                { "properties.bootstrap.servers", "<bootstrap-servers>" },
                { "properties.group.id", "<consumer-group>" }, { "scan.startup.mode", "earliest-offset" },
                { "format", format } };
        } else {
            with = { { "connector", "filesystem" }, { "path", s.path.string() }, { "format", format } };
            if (s.format == model::EventFormat::Csv)
                warn(st, n.id,
                    "Flink's csv format has no header option: the header line of "
                        + s.path.filename().string()
                        + " is read as a row (remove it, or set 'csv.ignore-parse-errors' to turn it into "
                          "nulls)");
        }
        if (s.onError == model::OnError::Skip)
            with.push_back({ format + ".ignore-parse-errors", "true" });
        if (s.partitionCount > 1)
            warn(st, n.id,
                std::to_string(s.partitionCount) + " partitions (by " + s.partitionBy
                    + "): Streamlab generates a watermark per partition and takes the minimum over the "
                      "active ones; "
                      "Flink SQL does so per split (a file is one split, a Kafka partition one split), so "
                      "the "
                      "watermark, idleness and lateness differ unless the topic has the same partitions");
        if (s.timestampField.empty())
            st.comments.push_back("no timestamp field: no time attribute");

        std::string options;
        for (const auto& [k, v] : with)
            options += "  " + quoteString(k) + " = " + quoteString(v) + ",\n";
        options.erase(options.size() - 2);
        st.text
            = "CREATE TABLE " + quoteIdent(rel.name) + " (\n" + columns + "\n) WITH (\n" + options + "\n)";
        m_body.push_back(std::move(st));
        m_relations[n.id] = std::move(rel);
        return {};
    }

    // The relation a node reads: its single input's, or a UNION ALL view of several.
    Result<Relation> SqlExporter::inputOf(const NodeSpec& n, Statement& st)
    {
        std::vector<const Relation*> ins;
        for (const auto* e : m_spec.inputsOf(n.id)) {
            std::string key = e->fromPort.empty() ? e->from : e->from + "." + e->fromPort;
            auto it = m_relations.find(key);
            if (it == m_relations.end())
                return Status::unsupported("node '" + n.id + "': its input '" + key + "' has no SQL form");
            ins.push_back(&it->second);
        }
        if (ins.empty())
            return Status::invalid("node '" + n.id + "' has no input");
        if (ins.size() == 1)
            return *ins[0];
        Relation u = *ins[0];
        std::string text;
        for (const auto* r : ins) {
            bool same = r->columns.size() == u.columns.size() && r->rowtime.empty() == u.rowtime.empty();
            for (size_t i = 0; same && i < r->columns.size(); ++i)
                same = r->columns[i].name == u.columns[i].name && r->columns[i].sql == u.columns[i].sql;
            if (!same)
                return Status::unsupported("node '" + n.id + "': its inputs '" + ins[0]->producer + "' and '"
                    + r->producer + "' have different fields, which a SQL UNION ALL cannot combine");
            u.updating = u.updating || r->updating;
            text += std::string(text.empty() ? "" : "\nUNION ALL\n") + "SELECT " + r->selectList()
                + (r->rowtime.empty() ? "" : ", " + quoteIdent(r->rowtime)) + " FROM " + quoteIdent(r->name);
        }
        u.name = uniqueName(n.id + "_input");
        u.producer = n.id;
        Statement us;
        us.comments.push_back("the inputs of " + n.id + ", merged");
        us.text = "CREATE TEMPORARY VIEW " + quoteIdent(u.name) + " AS\n" + text;
        m_body.push_back(std::move(us));
        (void)st;
        return u;
    }

    std::string SqlExporter::translate(const std::string& text, const Relation& in, Statement& st,
        const std::string& nodeId, FieldType* type)
    {
        auto compiled = expr::Expression::compile(text, in.schema());
        if (!compiled.ok()) {
            warn(st, nodeId,
                "expression '" + text + "' does not compile against the fields " + in.schema().names() + " ("
                    + compiled.status().message() + "): written as it is");
            if (type)
                *type = FieldType::Any;
            return text;
        }
        if (type)
            *type = compiled->resultType();
        ExpressionTranslator tr(
            [&](const std::string& m) { warn(st, nodeId, "expression '" + text + "': " + m); });
        return tr.translate(compiled->root());
    }

    Status SqlExporter::emitFilter(const NodeSpec& n)
    {
        Statement st;
        st.comments.push_back("filter " + n.id + ": " + n.as<model::FilterSpec>().where);
        nodeCommonWarnings(n, st);
        auto in = inputOf(n, st);
        if (!in.ok())
            return in.status();
        Relation out = *in;
        out.name = uniqueName(n.id);
        out.producer = n.id;
        std::string where = translate(n.as<model::FilterSpec>().where, *in, st, n.id, nullptr);
        st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\nSELECT " + in->selectList()
            + (in->rowtime.empty() ? "" : ", " + quoteIdent(in->rowtime)) + "\nFROM " + quoteIdent(in->name)
            + "\nWHERE " + where;
        m_body.push_back(std::move(st));
        m_relations[n.id] = std::move(out);
        return {};
    }

    Status SqlExporter::emitMap(const NodeSpec& n)
    {
        const auto& m = n.as<model::MapSpec>();
        Statement st;
        st.comments.push_back("map " + n.id);
        nodeCommonWarnings(n, st);
        auto in = inputOf(n, st);
        if (!in.ok())
            return in.status();
        Relation out;
        out.name = uniqueName(n.id);
        out.producer = n.id;
        out.rowtime = in->rowtime;
        out.updating = in->updating;
        std::map<std::string, std::pair<std::string, FieldType>> exprs;
        for (const auto& [field, text] : m.set) {
            FieldType t = FieldType::Any;
            std::string sql = translate(text, *in, st, n.id, &t);
            if (t == FieldType::Any && sql == "NULL")
                sql = "CAST(NULL AS STRING)";
            exprs[field] = { sql, t };
        }
        std::string select;
        auto add = [&](const std::string& name, const std::string& sqlText, FieldType t,
                       const std::string& sqlTypeName) {
            select += std::string(select.empty() ? "" : ",\n       ") + sqlText;
            out.columns.push_back({ name, t, sqlTypeName });
        };
        for (const auto& c : in->columns) {
            auto it = exprs.find(c.name);
            if (it == exprs.end())
                add(c.name, quoteIdent(c.name), c.type, c.sql);
            else
                add(c.name, it->second.first + " AS " + quoteIdent(c.name), it->second.second,
                    sqlType(it->second.second));
        }
        for (const auto& [field, text] : m.set) {
            (void)text;
            if (in->column(field))
                continue;
            const auto& e = exprs[field];
            add(field, e.first + " AS " + quoteIdent(field), e.second, sqlType(e.second));
        }
        if (!in->rowtime.empty()) {
            if (out.column(in->rowtime))
                return Status::unsupported("node '" + n.id + "': field '" + in->rowtime
                    + "' collides with the exported time attribute; rename it");
            select += ",\n       " + quoteIdent(in->rowtime);
        }
        st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\nSELECT " + select + "\nFROM "
            + quoteIdent(in->name);
        m_body.push_back(std::move(st));
        m_relations[n.id] = std::move(out);
        return {};
    }

    // The SELECT list of a node's aggregates: "COUNT(*) AS `value`", or one item per `as` name.
    std::string SqlExporter::aggregateSelect(const model::Aggregates& a, const Relation& in, std::vector<Column>& out,
        Statement& st, const std::string& nodeId)
    {
        std::string text;
        for (const auto& part : a.parts) {
            Column c;
            std::string expr = aggregateExpr(part, in, c, st, nodeId);
            if (!text.empty())
                text += ", ";
            text += expr + " AS " + quoteIdent(c.name);
            out.push_back(std::move(c));
        }
        return text;
    }

    std::string SqlExporter::aggregateExpr(const model::AggregateSpec& a, const Relation& in, Column& out,
        Statement& st, const std::string& nodeId)
    {
        out.name = a.as.empty() ? "value" : a.as;
        out.aggregate = true;
        const Column* f = a.field.empty() ? nullptr : in.column(a.field);
        FieldType ft = f ? f->type : FieldType::Any;
        std::string field = quoteIdent(a.field);
        bool integral = ft == FieldType::Int || ft == FieldType::Long || ft == FieldType::Timestamp;
        switch (a.fn) {
        case AggregateFn::Count:
            out.type = FieldType::Long;
            out.sql = "BIGINT";
            return "COUNT(*)";
        case AggregateFn::Sum:
            out.type = integral ? FieldType::Long : FieldType::Double;
            out.sql = sqlType(out.type);
            // Streamlab sums integers as Java longs; Flink's SUM of an INT column is an INT.
            return ft == FieldType::Int ? "SUM(CAST(" + field + " AS BIGINT))" : "SUM(" + field + ")";
        case AggregateFn::Avg:
            out.type = FieldType::Double;
            out.sql = "DOUBLE";
            // Flink's AVG of an integer column is an integer; Streamlab's avg is a double.
            return integral ? "AVG(CAST(" + field + " AS DOUBLE))" : "AVG(" + field + ")";
        case AggregateFn::Min:
        case AggregateFn::Max:
            out.type = ft;
            out.sql = f ? f->sql : "STRING";
            return std::string(a.fn == AggregateFn::Min ? "MIN(" : "MAX(") + field + ")";
        case AggregateFn::Collect: {
            out.type = FieldType::String;
            out.sql = "STRING";
            std::string arg;
            if (f) {
                arg = f->sql == "STRING" ? field : "CAST(" + field + " AS STRING)";
            } else {
                for (const auto& c : in.columns)
                    arg += (arg.empty() ? "" : ", ") + std::string("KEY ") + quoteString(c.name) + " VALUE "
                        + quoteIdent(c.name);
                arg = "JSON_OBJECT(" + arg + ")";
            }
            warn(st, nodeId,
                "collect gives a list; exported as LISTAGG(...), one STRING joining the "
                    + std::string(f ? "values" : "records (as JSON objects)")
                    + " with ',' (ARRAY_AGG, which keeps a list, needs Flink 1.20 and is not in every SQL "
                      "tool's grammar)");
            return "LISTAGG(" + arg + ")";
        }
        }
        return "COUNT(*)";
    }

    Status SqlExporter::emitKeyed(const NodeSpec& n)
    {
        Statement st;
        nodeCommonWarnings(n, st);
        auto in = inputOf(n, st);
        if (!in.ok())
            return in.status();
        std::vector<std::string> key;
        for (const auto* e : m_spec.inputsOf(n.id))
            if (auto it = m_keys.find(e->from); it != m_keys.end())
                key = it->second;
        if (key.empty())
            return Status::unsupported("node '" + n.id + "': a window or aggregate needs a keyBy before it");

        Relation out;
        out.name = uniqueName(n.id);
        out.producer = n.id;
        std::string keySelect, keyGroup;
        for (const auto& k : key) {
            const Column* c = in->column(k);
            if (!c)
                return Status::invalid("node '" + n.id + "': key field '" + k
                    + "' is not in its input (fields: " + in->schema().names() + ")");
            keyGroup += (keyGroup.empty() ? "" : ", ") + quoteIdent(k);
            if (key.size() == 1) {
                keySelect = quoteIdent(k) + " AS `key`";
                out.columns.push_back({ "key", c->type, c->sql });
            } else {
                keySelect += (keySelect.empty() ? "" : ", ") + quoteIdent(k);
                out.columns.push_back(*c);
            }
        }
        if (key.size() > 1)
            st.comments.push_back(
                "composite key: one column per key field (Streamlab writes the key as an array)");

        if (n.kind == NodeKind::Aggregate) {
            const auto& a = n.as<model::RunningAggregateSpec>();
            st.comments.push_back("running aggregate " + n.id + ": GROUP BY, a changelog of updated results");
            std::vector<Column> values;
            std::string agg = aggregateSelect(a.aggregate, *in, values, st, n.id);
            out.columns.insert(out.columns.end(), values.begin(), values.end());
            out.updating = true;
            std::string hint;
            if (a.ttl) {
                hint = "/*+ STATE_TTL(" + quoteString(in->name) + " = "
                    + quoteString(configDuration(a.ttl->ttl)) + ") */ ";
                if (a.ttl->update == model::TtlUpdate::OnReadAndWrite
                    || a.ttl->visibility == model::TtlVisibility::ReturnExpiredIfNotCleanedUp)
                    warn(st, n.id,
                        "ttl: Flink SQL's state TTL is always onCreateAndWrite and neverReturnExpired; the "
                        "configured "
                        "update/visibility is not exported");
            }
            st.comments.push_back(
                "Streamlab emits one updated result per record; Flink SQL emits -U/+U pairs");
            st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\nSELECT " + hint + keySelect
                + ", " + agg + "\nFROM " + quoteIdent(in->name) + "\nGROUP BY " + keyGroup;
            m_body.push_back(std::move(st));
            m_relations[n.id] = std::move(out);
            return {};
        }

        const auto& w = n.as<model::WindowSpec>();
        const auto& as = w.assigner;
        for (const auto& note : m_windowEmitNotes[n.id])
            warn(st, n.id, note);
        std::vector<Column> values;
        std::string agg = aggregateSelect(w.aggregate, *in, values, st, n.id);

        // Triggers other than the event-time one.
        switch (w.trigger.type) {
        case TriggerType::EventTime:
            break;
        case TriggerType::ProcessingTime:
            warn(st, n.id,
                "the processingTime trigger has no SQL form: the window fires on the watermark (event time) "
                "instead "
                "of when processing time passes its end");
            break;
        case TriggerType::Count:
            warn(st, n.id,
                "the count trigger (every " + std::to_string(w.trigger.count)
                    + " elements) has no SQL form: the window fires once, when the watermark passes its end");
            break;
        case TriggerType::ContinuousEventTime:
            if (m_earlyFire)
                warn(st, n.id,
                    "continuousEventTime trigger (every " + human(w.trigger.interval)
                        + " of event time): closest form is table.exec.emit.early-fire with a delay of "
                        + human(m_earlyFireDelay) + " of processing time, on a legacy group window");
            break;
        case TriggerType::EndOfStream:
            warn(st, n.id,
                "the endOfStream trigger has no SQL form: the window fires when the watermark passes its "
                "end, not "
                "only at the end of the input");
            break;
        case TriggerType::Never:
            if (as.type != AssignerType::Global)
                warn(st, n.id,
                    "the never trigger has no SQL form: the window fires when the watermark passes its end");
            break;
        }
        if (w.trigger.purging && (w.allowedLateness > 0 || w.trigger.type != TriggerType::EventTime))
            warn(st, n.id,
                "purging: Flink SQL windows never purge between firings, so each later firing holds the "
                "whole window, "
                "not only the elements since the previous firing");
        if (w.stateKind == model::StateKind::List)
            warn(st, n.id,
                "stateKind list has no SQL form: Flink SQL keeps one accumulator per window (the results are "
                "the "
                "same; the state size is not)");
        if (w.ttl)
            warn(st, n.id,
                "ttl " + human(w.ttl->ttl)
                    + " is not exported: Flink SQL cleans window state with window timers, not with state "
                      "TTL");
        if (w.lateFiringEvery && !m_lateFire)
            warn(st, n.id,
                "lateFiring every " + human(*w.lateFiringEvery) + " is not exported (no late firing)");
        else if (w.lateFiringEvery)
            warn(st, n.id,
                "lateFiring every " + human(*w.lateFiringEvery)
                    + ": closest form is table.exec.emit.late-fire.delay, which fires late every delay of "
                      "processing "
                      "time rather than at most once per interval");

        std::string rowtime = in->rowtime;
        if (rowtime.empty() && as.type != AssignerType::Global)
            return Status::unsupported("node '" + n.id
                + "': the window's input has no event-time attribute (its "
                + "source has no timestamp field, or it comes after a running aggregate)");
        std::string rt = quoteIdent(rowtime);
        out.rowtime = "rowtime";
        if (out.column(out.rowtime))
            out.rowtime = "rowtime_";
        std::string outRt = quoteIdent(out.rowtime);

        auto windowColumns = [&]() {
            out.columns.push_back({ "window_start", FieldType::Long, "TIMESTAMP(3)" });
            out.columns.push_back({ "window_end", FieldType::Long, "TIMESTAMP(3)" });
        };

        bool legacy = m_lateFire || m_earlyFire || as.type == AssignerType::Session;
        if (as.type == AssignerType::Sliding && as.size % as.slide != 0 && !legacy) {
            legacy = true;
            st.comments.push_back(
                "size is not a multiple of slide, which the HOP table function rejects: legacy "
                "group window");
        }
        std::string text;
        if (as.type == AssignerType::Global) {
            warn(st, n.id,
                "a global window has no SQL form: exported as a running GROUP BY aggregate, which emits an "
                "updated "
                "result per element instead of at the trigger's firings");
            out.rowtime.clear();
            out.updating = true;
            out.columns.insert(out.columns.end(), values.begin(), values.end());
            st.comments.push_back("window " + n.id + ": global");
            text = "SELECT " + keySelect + ", " + agg + "\nFROM " + quoteIdent(in->name)
                + "\nGROUP BY " + keyGroup;
        } else if (!legacy) {
            std::string tvf;
            if (as.type == AssignerType::Tumbling) {
                st.comments.push_back("window " + n.id + ": tumbling " + human(as.size)
                    + (as.offset ? " offset " + human(as.offset) : "") + ", window TVF aggregation");
                tvf = "TUMBLE(TABLE " + quoteIdent(in->name) + ", DESCRIPTOR(" + rt + "), "
                    + sqlInterval(as.size) + (as.offset ? ", " + sqlInterval(as.offset) : "") + ")";
            } else {
                st.comments.push_back("window " + n.id + ": sliding " + human(as.size) + " every "
                    + human(as.slide) + (as.offset ? " offset " + human(as.offset) : "")
                    + ", window TVF aggregation (slide before size)");
                tvf = "HOP(TABLE " + quoteIdent(in->name) + ", DESCRIPTOR(" + rt + "), "
                    + sqlInterval(as.slide) + ", " + sqlInterval(as.size)
                    + (as.offset ? ", " + sqlInterval(as.offset) : "") + ")";
            }
            windowColumns();
            out.columns.insert(out.columns.end(), values.begin(), values.end());
            text = "SELECT " + keySelect + ", window_start, window_end, " + agg
                + ", window_time AS " + outRt + "\nFROM TABLE(" + tvf + ")\nGROUP BY " + keyGroup
                + ", window_start, window_end";
        } else {
            std::string fn, args;
            if (as.type == AssignerType::Tumbling) {
                fn = "TUMBLE";
                args = rt + ", " + sqlInterval(as.size);
                st.comments.push_back(
                    "window " + n.id + ": tumbling " + human(as.size) + ", legacy group window");
            } else if (as.type == AssignerType::Sliding) {
                fn = "HOP";
                args = rt + ", " + sqlInterval(as.slide) + ", " + sqlInterval(as.size);
                st.comments.push_back("window " + n.id + ": sliding " + human(as.size) + " every "
                    + human(as.slide) + ", legacy group window (slide before size)");
            } else {
                fn = "SESSION";
                args = rt + ", " + sqlInterval(as.gap);
                st.comments.push_back("window " + n.id + ": session gap " + human(as.gap)
                    + ", legacy group window GROUP BY SESSION(...): the SESSION table function (Flink 1.19+) "
                      "is "
                      "not in every SQL tool's grammar yet");
                if (w.allowedLateness > 0 && m_windowEmitNotes[n.id].empty())
                    warn(st, n.id,
                        "allowed lateness " + human(w.allowedLateness)
                            + " is not exported: session group windows reject table.exec.emit.late-fire.*; "
                              "late "
                              "elements are dropped by Flink SQL");
            }
            if (as.offset && as.type != AssignerType::Session)
                warn(st, n.id,
                    "offset " + human(as.offset)
                        + " is not exported: legacy group windows have no offset (window TVFs do, but reject "
                          "late and "
                          "early firing)");
            if (m_lateFire && as.type != AssignerType::Session) {
                if (w.allowedLateness == 0)
                    warn(st, n.id,
                        "allowed lateness 0, but table.exec.emit.allow-lateness (" + human(m_allowLateness)
                            + ") is job-wide: this window fires late too");
                else
                    warn(st, n.id,
                        "allowed lateness " + human(w.allowedLateness)
                            + ": exported as a legacy group window with table.exec.emit.late-fire.* "
                              "(experimental); "
                              "each late firing is an update (retraction + new result) rather than "
                              "Streamlab's "
                              "additional complete firing");
                out.updating = true;
            }
            if (m_earlyFire && as.type != AssignerType::Session)
                out.updating = true;
            windowColumns();
            out.columns.insert(out.columns.end(), values.begin(), values.end());
            text = "SELECT " + keySelect + ",\n       " + fn + "_START(" + args
                + ") AS window_start,\n       " + fn + "_END(" + args + ") AS window_end,\n       " + agg
                + ",\n       " + fn + "_ROWTIME(" + args + ") AS " + outRt + "\nFROM "
                + quoteIdent(in->name) + "\nGROUP BY " + keyGroup + ", " + fn + "(" + args + ")";
        }
        if (as.type != AssignerType::Global)
            st.comments.push_back(
                "window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); "
                "firing and pane have no SQL column");
        st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\n" + text;
        m_body.push_back(std::move(st));
        m_relations[n.id] = std::move(out);
        if (w.lateOutput)
            emitLateOutput(n, *in);
        return {};
    }

    void SqlExporter::emitLateOutput(const NodeSpec& n, const Relation& in)
    {
        bool used = false;
        for (const auto* e : m_spec.outputsOf(n.id))
            used = used || e->fromPort == "late";
        if (!used || in.rowtime.empty())
            return;
        const auto& w = n.as<model::WindowSpec>();
        Statement st;
        st.comments.push_back("late side output of " + n.id);
        warn(st, n.id,
            "the late side output has no SQL form; closest: the rows whose timestamp + allowed lateness is "
            "at or "
            "behind the watermark of their input when they are read (CURRENT_WATERMARK), which misses rows "
            "late only "
            "at the window operator and ignores windows that are still open");
        Relation late = in;
        late.name = uniqueName(n.id + "_late");
        late.producer = n.id;
        std::string rt = quoteIdent(in.rowtime);
        std::string cond = w.allowedLateness > 0 ? rt + " + " + sqlInterval(w.allowedLateness) : rt;
        st.text = "CREATE TEMPORARY VIEW " + quoteIdent(late.name) + " AS\nSELECT " + in.selectList() + ", "
            + rt + "\nFROM " + quoteIdent(in.name) + "\nWHERE " + cond + " <= CURRENT_WATERMARK(" + rt + ")";
        m_body.push_back(std::move(st));
        m_relations[n.id + ".late"] = std::move(late);
    }

    Status SqlExporter::emitSink(const NodeSpec& n)
    {
        const auto& s = n.as<model::SinkSpec>();
        Statement st;
        nodeCommonWarnings(n, st);
        auto in = inputOf(n, st);
        if (!in.ok())
            return in.status();
        std::vector<std::pair<std::string, std::string>> with;
        bool kafka = m_options.connector == SqlOptions::Connector::Kafka;
        bool acceptsUpdates = true;
        bool primaryKey = false;
        switch (s.type) {
        case model::SinkType::Collect:
            st.comments.push_back("sink " + n.id + ": collect, printed to the task managers' stdout");
            with = { { "connector", "print" } };
            break;
        case model::SinkType::Discard:
            st.comments.push_back("sink " + n.id + ": discard");
            with = { { "connector", "blackhole" } };
            break;
        case model::SinkType::File: {
            std::string format = s.format == "csv" ? "csv" : "json";
            if (kafka) {
                st.comments.push_back("sink " + n.id + ": file, as a Kafka topic");
                with = { { "connector", "kafka" }, { "topic", n.id },
                    { "properties.bootstrap.servers", "<bootstrap-servers>" }, { "format", format } };
            } else {
                st.comments.push_back("sink " + n.id
                    + ": file; Flink's filesystem connector writes part files into "
                      "the directory named by 'path'");
                with = { { "connector", "filesystem" }, { "path", s.path.string() }, { "format", format } };
            }
            acceptsUpdates = false;
            break;
        }
        case model::SinkType::Warehouse:
            st.comments.push_back("sink " + n.id + ": warehouse");
            warn(st, n.id,
                "the warehouse sink is simulated (with its outage schedule); exported as a jdbc table with "
                "placeholder "
                "options to fill in; the outages have no SQL form");
            with = { { "connector", "jdbc" }, { "url", "jdbc:postgresql://<host>:5432/<database>" },
                { "table-name", n.id }, { "username", "<user>" }, { "password", "<password>" } };
            primaryKey = in->updating;
            break;
        }
        if (in->updating && !acceptsUpdates)
            warn(st, n.id,
                "its input '" + in->producer
                    + "' produces updates (a running aggregate or late firings), which the "
                    + (kafka ? std::string("kafka") : std::string("filesystem"))
                    + " connector rejects: Flink accepts only inserts there (use upsert-kafka or jdbc with a "
                      "primary key)");
        Relation table;
        table.name = uniqueName(n.id);
        std::string columns;
        for (const auto& c : in->columns)
            columns += "  " + quoteIdent(c.name) + " " + c.sql + ",\n";
        if (primaryKey) {
            std::string pk;
            for (const auto& c : in->columns)
                if (!c.aggregate && c.name != "window_start" && c.name != "window_end")
                    pk += (pk.empty() ? "" : ", ") + quoteIdent(c.name);
            for (const auto& c : in->columns)
                if (c.name == "window_start" || c.name == "window_end")
                    pk += ", " + quoteIdent(c.name);
            columns += "  PRIMARY KEY (" + pk + ") NOT ENFORCED,\n";
        }
        if (!columns.empty())
            columns.erase(columns.size() - 2);
        std::string options;
        for (const auto& [k, v] : with)
            options += "  " + quoteString(k) + " = " + quoteString(v) + ",\n";
        options.erase(options.size() - 2);
        st.text
            = "CREATE TABLE " + quoteIdent(table.name) + " (\n" + columns + "\n) WITH (\n" + options + "\n)";
        m_body.push_back(std::move(st));

        Statement ins;
        ins.text = "INSERT INTO " + quoteIdent(table.name) + "\nSELECT " + in->selectList() + "\nFROM "
            + quoteIdent(in->name);
        m_inserts.push_back(std::move(ins));
        return {};
    }

    void appendStatement(std::string& out, const Statement& st, const std::string& indent = "")
    {
        for (const auto& c : st.comments)
            out += indent + "-- " + c + "\n";
        for (const auto& w : st.warnings)
            out += indent + "-- WARNING: " + w + "\n";
        if (st.text.empty())
            return; // comments only (a keyBy's warnings)
        std::string text = st.text;
        if (!indent.empty()) {
            std::string t;
            t += indent;
            for (char c : text) {
                t += c;
                if (c == '\n')
                    t += indent;
            }
            text = t;
        }
        out += text + ";\n";
    }

    std::string SqlExporter::render() const
    {
        std::string out;
        for (const auto& h : m_header)
            out += "-- " + h + "\n";
        out += "\n";
        for (const auto& st : m_settings)
            appendStatement(out, st);
        for (const auto& st : m_body) {
            out += "\n";
            appendStatement(out, st);
        }
        out += "\n";
        if (m_inserts.size() == 1) {
            appendStatement(out, m_inserts[0]);
        } else if (m_inserts.size() > 1) {
            out += "-- one job for every sink\nEXECUTE STATEMENT SET BEGIN\n";
            for (size_t i = 0; i < m_inserts.size(); ++i) {
                if (i)
                    out += "\n";
                appendStatement(out, m_inserts[i], "  ");
            }
            out += "END;\n";
        }
        return out;
    }

    Result<SqlExport> SqlExporter::run()
    {
        m_header.push_back(
            "Flink SQL for the job '" + m_spec.name + "', exported by Streamlab (job format version 1).");
        m_header.push_back("Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql");
        m_header.push_back(
            "Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's "
            "epoch milliseconds");
        m_header.push_back(
            "(TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as "
            "in Streamlab.");
        m_header.push_back(
            "Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), "
            "where Streamlab's == and != compare null as a value.");
        planEmitMode();
        emitSettings();
        for (const auto& n : m_spec.nodes) {
            Status s;
            switch (n.kind) {
            case NodeKind::Source:
                s = emitSource(n);
                break;
            case NodeKind::Filter:
                s = emitFilter(n);
                break;
            case NodeKind::Map:
                s = emitMap(n);
                break;
            case NodeKind::KeyBy: {
                Statement st;
                auto in = inputOf(n, st);
                if (!in.ok())
                    return in.status();
                const auto& key = n.as<model::KeyBySpec>().key;
                for (const auto& k : key)
                    if (!in->column(k))
                        return Status::invalid("node '" + n.id + "': key field '" + k
                            + "' is not in its input (fields: " + in->schema().names() + ")");
                m_keys[n.id] = key;
                m_relations[n.id]
                    = *in; // a keyBy is an exchange: no SQL of its own, its key goes to GROUP BY
                nodeCommonWarnings(n, st);
                if (!st.warnings.empty()) {
                    st.comments.push_back("keyBy " + n.id
                        + ": no statement of its own, its key is the GROUP BY of the "
                          "next node");
                    m_body.push_back(std::move(st));
                }
                break;
            }
            case NodeKind::Window:
            case NodeKind::Aggregate:
                s = emitKeyed(n);
                break;
            case NodeKind::Sink:
                s = emitSink(n);
                break;
            }
            if (!s.ok())
                return s;
        }
        if (m_inserts.empty())
            return Status::invalid(
                "the job has no sink: a Flink SQL script needs an INSERT INTO a sink table");
        SqlExport result;
        result.sql = render();
        result.warnings = m_warnings;
        if (m_options.strict && !m_warnings.empty()) {
            std::string msg = std::to_string(m_warnings.size()) + " warning"
                + (m_warnings.size() == 1 ? "" : "s") + " under --strict:";
            for (const auto& w : m_warnings)
                msg += "\n  " + w;
            return Status::unsupported(msg);
        }
        return result;
    }

} // namespace

Result<SqlExport> exportFlinkSql(const model::Job& job, const SqlOptions& options)
{
    auto compiled = model::compile(job);
    if (compiled.hasErrors()) {
        std::string source = job.path.empty() ? std::string() : job.path.string() + ": ";
        return Status::invalid(model::describeErrors(compiled.problems, source));
    }
    SqlExporter exporter(compiled.spec, options);
    return exporter.run();
}

} // namespace streamlab::exporter
