#include "export/sql_export.h"

#include "export/sql_exporter.h"

namespace streamlab::exporter {

std::optional<SqlOptions::Connector> parseConnector(std::string_view name)
{
    if (name == "filesystem")
        return SqlOptions::Connector::Filesystem;
    if (name == "kafka")
        return SqlOptions::Connector::Kafka;
    return std::nullopt;
}

Result<SqlExport> exportFlinkSql(const model::Job& job, const SqlOptions& options)
{
    auto compiled = model::compile(job);
    if (compiled.hasErrors()) {
        std::string source = job.path.empty() ? std::string() : job.path.string() + ": ";
        return Status::invalid(model::describeErrors(compiled.problems, source));
    }
    sql::SqlExporter exporter(compiled.spec, options);
    return exporter.run();
}

} // namespace streamlab::exporter

namespace streamlab::exporter::sql {

namespace {

    bool hasSessionWindow(const model::JobSpec& spec)
    {
        for (const auto& n : spec.nodes)
            if (n.kind == NodeKind::Window
                && n.as<model::WindowSpec>().assigner.type == AssignerType::Session)
                return true;
        return false;
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

} // namespace

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

} // namespace streamlab::exporter::sql
