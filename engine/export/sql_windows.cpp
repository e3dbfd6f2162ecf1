#include "export/sql_exporter.h"

namespace streamlab::exporter::sql {

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

} // namespace streamlab::exporter::sql
