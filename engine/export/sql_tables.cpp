#include "export/sql_exporter.h"

#include "io/event_reader.h"

#include <fstream>

namespace streamlab::exporter::sql {

namespace {

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

} // namespace

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

} // namespace streamlab::exporter::sql
