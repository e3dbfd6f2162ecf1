#include "model/spec.h"

#include "time/duration.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace streamlab::model {

std::string_view nodeKindName(NodeKind k)
{
    switch (k) {
    case NodeKind::Source:
        return "source";
    case NodeKind::Filter:
        return "filter";
    case NodeKind::Map:
        return "map";
    case NodeKind::KeyBy:
        return "keyBy";
    case NodeKind::Window:
        return "window";
    case NodeKind::Aggregate:
        return "aggregate";
    case NodeKind::Sink:
        return "sink";
    }
    return "?";
}

std::string_view aggregateFnName(AggregateFn fn)
{
    switch (fn) {
    case AggregateFn::Count:
        return "count";
    case AggregateFn::Sum:
        return "sum";
    case AggregateFn::Min:
        return "min";
    case AggregateFn::Max:
        return "max";
    case AggregateFn::Avg:
        return "avg";
    case AggregateFn::Collect:
        return "collect";
    }
    return "?";
}

std::optional<AggregateFn> parseAggregateFn(std::string_view s)
{
    for (auto f : { AggregateFn::Count, AggregateFn::Sum, AggregateFn::Min, AggregateFn::Max, AggregateFn::Avg,
             AggregateFn::Collect })
        if (aggregateFnName(f) == s)
            return f;
    return std::nullopt;
}

bool aggregateNeedsField(AggregateFn fn)
{
    return fn == AggregateFn::Sum || fn == AggregateFn::Min || fn == AggregateFn::Max || fn == AggregateFn::Avg;
}

std::string defaultAggregateName(std::string_view fn, std::string_view field)
{
    std::string name(fn);
    if (!field.empty()) {
        name += "_";
        name += field;
    }
    return name;
}

std::optional<NodeKind> parseNodeKind(std::string_view s)
{
    for (auto k : { NodeKind::Source, NodeKind::Filter, NodeKind::Map, NodeKind::KeyBy, NodeKind::Window,
             NodeKind::Aggregate, NodeKind::Sink })
        if (nodeKindName(k) == s)
            return k;
    return std::nullopt;
}

std::string_view partitionerName(Partitioner p)
{
    switch (p) {
    case Partitioner::Forward:
        return "forward";
    case Partitioner::Rebalance:
        return "rebalance";
    case Partitioner::Broadcast:
        return "broadcast";
    case Partitioner::Hash:
        return "hash";
    }
    return "?";
}

const NodeSpec* JobSpec::node(std::string_view id) const
{
    for (const auto& n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

std::vector<const EdgeSpec*> JobSpec::inputsOf(std::string_view id) const
{
    std::vector<const EdgeSpec*> r;
    for (const auto& e : edges)
        if (e.to == id)
            r.push_back(&e);
    return r;
}

std::vector<const EdgeSpec*> JobSpec::outputsOf(std::string_view id) const
{
    std::vector<const EdgeSpec*> r;
    for (const auto& e : edges)
        if (e.from == id)
            r.push_back(&e);
    return r;
}

bool Compiled::hasErrors() const
{
    return std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return p.severity == Severity::Error; });
}

std::string describeErrors(const std::vector<Problem>& problems, const std::string& source)
{
    std::string s;
    for (const auto& p : problems) {
        if (p.severity != Severity::Error)
            continue;
        if (!s.empty())
            s += "\n";
        s += source + p.toString();
    }
    return s;
}

namespace {

    // Reads typed parameters out of one JSON object and records a Problem for each one that is
    // missing or malformed. `where` names the node (or is empty for the config).
    class Reader {
    public:
        Reader(const Json& obj, std::vector<Problem>& problems, std::string nodeId, std::string prefix = {})
            : m_obj(obj)
            , m_problems(problems)
            , m_node(std::move(nodeId))
            , m_prefix(std::move(prefix))
        {
        }

        void error(const std::string& field, const std::string& message, Severity sev = Severity::Error)
        {
            Problem p;
            p.severity = sev;
            p.nodeId = m_node;
            p.field = field.empty() ? m_prefix : (m_prefix.empty() ? field : m_prefix + "." + field);
            p.message = message;
            m_problems.push_back(std::move(p));
        }

        const Json* get(const char* key) const
        {
            auto it = m_obj.find(key);
            if (it == m_obj.end() || it->is_null())
                return nullptr;
            return &*it;
        }
        bool has(const char* key) const { return get(key) != nullptr; }

        std::optional<std::string> string(const char* key, bool required = false)
        {
            const Json* j = get(key);
            if (!j) {
                if (required)
                    error(key, "is required");
                return std::nullopt;
            }
            if (!j->is_string()) {
                error(key, std::string("must be a string, found ") + j->type_name());
                return std::nullopt;
            }
            return j->get<std::string>();
        }

        std::optional<std::string> oneOf(const char* key, std::initializer_list<const char*> allowed,
            const char* def, bool required = false)
        {
            auto s = string(key, required);
            if (!s)
                return def ? std::optional<std::string>(def) : std::nullopt;
            for (const char* a : allowed)
                if (*s == a)
                    return s;
            std::string list;
            for (const char* a : allowed)
                list += (list.empty() ? "" : ", ") + std::string(a);
            error(key, "'" + *s + "' is not one of: " + list);
            return std::nullopt;
        }

        std::optional<int64_t> duration(const char* key, bool required = false)
        {
            const Json* j = get(key);
            if (!j) {
                if (required)
                    error(key, "is required (a duration such as 5s, 1m or 250ms)");
                return std::nullopt;
            }
            if (j->is_number_integer())
                return j->get<int64_t>();
            if (j->is_string()) {
                auto d = time::parseDuration(j->get<std::string>());
                if (d.ok())
                    return *d;
                error(key, d.status().message());
                return std::nullopt;
            }
            error(key, std::string("must be a duration (milliseconds or text like \"5s\"), found ") + j->type_name());
            return std::nullopt;
        }

        std::optional<int64_t> integer(const char* key, bool required = false)
        {
            const Json* j = get(key);
            if (!j) {
                if (required)
                    error(key, "is required");
                return std::nullopt;
            }
            if (j->is_number_integer())
                return j->get<int64_t>();
            if (j->is_number_float()) {
                double d = j->get<double>();
                if (std::floor(d) == d && std::fabs(d) < 9e15)
                    return static_cast<int64_t>(d);
            }
            error(key, "must be a whole number, found " + j->dump());
            return std::nullopt;
        }

        std::optional<double> number(const char* key)
        {
            const Json* j = get(key);
            if (!j)
                return std::nullopt;
            if (j->is_number())
                return j->get<double>();
            error(key, "must be a number, found " + j->dump());
            return std::nullopt;
        }

        std::optional<bool> boolean(const char* key)
        {
            const Json* j = get(key);
            if (!j)
                return std::nullopt;
            if (j->is_boolean())
                return j->get<bool>();
            error(key, "must be true or false, found " + j->dump());
            return std::nullopt;
        }

        // A nested object: a Reader over it with the field prefix extended.
        std::optional<Reader> object(const char* key, bool required = false)
        {
            const Json* j = get(key);
            if (!j) {
                if (required)
                    error(key, "is required");
                return std::nullopt;
            }
            if (!j->is_object()) {
                error(key, std::string("must be an object, found ") + j->type_name());
                return std::nullopt;
            }
            return Reader(*j, m_problems, m_node, m_prefix.empty() ? key : m_prefix + "." + key);
        }

        const std::string& node() const { return m_node; }
        Reader nested(const Json& obj, const std::string& name)
        {
            return Reader(obj, m_problems, m_node, m_prefix.empty() ? name : m_prefix + "." + name);
        }

    private:
        const Json& m_obj;
        std::vector<Problem>& m_problems;
        std::string m_node;
        std::string m_prefix;
    };

    std::optional<TtlSpec> readTtl(Reader& r, const char* key)
    {
        const Json* j = r.get(key);
        if (!j)
            return std::nullopt;
        TtlSpec t;
        // A bare duration is accepted as a shorthand for {"ttl": duration}.
        if (j->is_string() || j->is_number_integer()) {
            auto d = r.duration(key);
            if (!d)
                return std::nullopt;
            t.ttl = *d;
        } else {
            auto o = r.object(key);
            if (!o)
                return std::nullopt;
            auto d = o->duration("ttl", true);
            if (!d)
                return std::nullopt;
            t.ttl = *d;
            if (auto u = o->oneOf("update", { "onCreateAndWrite", "onReadAndWrite" }, "onCreateAndWrite"))
                t.update = *u == "onReadAndWrite" ? TtlUpdate::OnReadAndWrite : TtlUpdate::OnCreateAndWrite;
            if (auto v = o->oneOf(
                    "visibility", { "neverReturnExpired", "returnExpiredIfNotCleanedUp" }, "neverReturnExpired"))
                t.visibility = *v == "returnExpiredIfNotCleanedUp" ? TtlVisibility::ReturnExpiredIfNotCleanedUp
                                                                    : TtlVisibility::NeverReturnExpired;
            if (const Json* c = o->get("cleanup")) {
                if (!c->is_array()) {
                    o->error("cleanup", "must be an array of cleanup strategies");
                } else {
                    for (const auto& s : *c) {
                        std::string name = s.is_string() ? s.get<std::string>()
                            : (s.is_object() && s.contains("strategy") && s["strategy"].is_string())
                            ? s["strategy"].get<std::string>()
                            : std::string();
                        if (name != "fullSnapshot" && name != "incremental" && name != "rocksdbCompactionFilter") {
                            o->error("cleanup",
                                "'" + s.dump()
                                    + "' is not a cleanup strategy (fullSnapshot, incremental, rocksdbCompactionFilter)");
                            continue;
                        }
                        t.cleanup.push_back(name);
                        if (s.is_object()) {
                            if (s.contains("size") && s["size"].is_number_integer())
                                t.incrementalSize = s["size"].get<int>();
                            if (s.contains("perRecord") && s["perRecord"].is_boolean())
                                t.incrementalPerRecord = s["perRecord"].get<bool>();
                            if (s.contains("queryTimeAfterNumEntries") && s["queryTimeAfterNumEntries"].is_number_integer())
                                t.compactionQueryEvery = s["queryTimeAfterNumEntries"].get<int>();
                        }
                    }
                }
            }
        }
        if (t.ttl <= 0) {
            r.error(key, "the TTL must be positive (Flink rejects a TTL of 0 or less)");
            return std::nullopt;
        }
        return t;
    }

    std::optional<AggregateSpec> readAggregatePart(Reader& o)
    {
        AggregateSpec a;
        auto fn = o.oneOf("fn", { "count", "sum", "min", "max", "avg", "collect" }, nullptr, true);
        if (!fn)
            return std::nullopt;
        a.fn = *parseAggregateFn(*fn); // one of those oneOf allows
        const bool needsField = aggregateNeedsField(a.fn);
        auto field = o.string("field", needsField);
        if (needsField && !field)
            return std::nullopt;
        if (field)
            a.field = *field;
        return a;
    }

    // `aggregate`: an object, or a list of objects each naming its result field with `as`
    // (default `fn`, or `fn_field`). The names must differ from each other and from the result's
    // other fields.
    std::optional<Aggregates> readAggregate(Reader& r, bool windowed)
    {
        const Json* j = r.get("aggregate");
        if (!j || !j->is_array()) {
            auto o = r.object("aggregate", true);
            if (!o)
                return std::nullopt;
            auto a = readAggregatePart(*o);
            if (!a)
                return std::nullopt;
            Aggregates out;
            out.parts = { *a };
            return out;
        }
        if (j->empty()) {
            r.error("aggregate", "lists no aggregate; give at least one {\"fn\": ...}");
            return std::nullopt;
        }
        static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
        std::set<std::string> taken = { "key" };
        if (windowed)
            taken.insert({ "window_start", "window_end", "firing", "pane" });
        Aggregates out;
        out.parts.clear();
        out.named = true;
        bool ok = true;
        for (size_t i = 0; i < j->size(); ++i) {
            const std::string where = "aggregate[" + std::to_string(i) + "]";
            const Json& item = (*j)[i];
            if (!item.is_object()) {
                r.error(where, std::string("must be an object, found ") + item.type_name());
                ok = false;
                continue;
            }
            Reader o = r.nested(item, where);
            auto a = readAggregatePart(o);
            if (!a) {
                ok = false;
                continue;
            }
            if (auto as = o.string("as"))
                a->as = *as;
            else
                a->as = defaultAggregateName(aggregateFnName(a->fn), a->field);
            if (!std::regex_match(a->as, kName)) {
                o.error("as", "'" + a->as + "' is not a field name (letters, digits and _, not starting with a digit)");
                ok = false;
            } else if (!taken.insert(a->as).second) {
                o.error("as", "'" + a->as + "' is already a field of the result; give each aggregate its own name");
                ok = false;
            }
            out.parts.push_back(std::move(*a));
        }
        if (!ok)
            return std::nullopt;
        return out;
    }

    bool validId(const std::string& id)
    {
        static const std::regex kId("[A-Za-z_][A-Za-z0-9_-]*");
        return std::regex_match(id, kId);
    }

    // Field checks against a declared schema; `schema` is null when unknown (inferred at run time).
    struct Flow {
        const Schema* schema = nullptr;
        bool keyed = false;
    };

} // namespace

static void compileConfig(const Job& job, ConfigSpec& c, std::vector<Problem>& problems)
{
    static const Json kEmpty = Json::object();
    const Json* cfg = &kEmpty;
    if (auto it = job.root.find("config"); it != job.root.end() && !it->is_null()) {
        if (!it->is_object())
            problems.push_back({ Severity::Error, "", "", "config", "must be an object" });
        else
            cfg = &*it;
    }
    Reader r(*cfg, problems, "", "config");
    if (auto p = r.integer("parallelism")) {
        if (*p < 1 || *p > 32768)
            r.error("parallelism", "must be between 1 and 32768, got " + std::to_string(*p));
        else
            c.parallelism = static_cast<int>(*p);
    }
    if (auto m = r.integer("maxParallelism")) {
        if (*m < 1 || *m > 32768)
            r.error("maxParallelism", "must be between 1 and 32768, got " + std::to_string(*m));
        else
            c.maxParallelism = static_cast<int>(*m);
    }
    if (auto b = r.oneOf("stateBackend", { "heap", "rocksdb" }, "heap"))
        c.stateBackend = *b == "rocksdb" ? StateBackend::RocksDb : StateBackend::Heap;
    if (auto d = r.duration("autoWatermarkInterval")) {
        if (*d < 0)
            r.error("autoWatermarkInterval", "must not be negative");
        else
            c.autoWatermarkInterval = *d;
    }
    if (auto cp = r.object("checkpoints")) {
        if (auto d = cp->duration("interval")) {
            if (*d <= 0)
                cp->error("interval", "must be positive");
            else
                c.checkpointInterval = *d;
        }
    }
    if (auto c2 = r.integer("stateCache")) {
        if (*c2 < 0)
            r.error("stateCache", "must be 0 (off) or a number of cached entries");
        else
            c.stateCache = *c2;
    }
    if (auto d = r.duration("idleStateRetention")) {
        if (*d < 0)
            r.error("idleStateRetention", "must not be negative");
        else if (*d > 0)
            c.idleStateRetention = *d;
    }
}

static void compileSource(const Job& job, Reader& r, SourceSpec& s)
{
    if (auto p = r.string("path", true)) {
        if (p->empty())
            r.error("path", "is empty; name the event file to replay");
        else
            s.path = job.resolve(*p);
    }
    std::string ext = s.path.extension().string();
    const char* def = (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") ? "jsonl" : "csv";
    if (auto f = r.oneOf("format", { "csv", "jsonl" }, def))
        s.format = *f == "jsonl" ? EventFormat::JsonLines : EventFormat::Csv;
    if (const Json* sch = r.get("schema")) {
        if (!sch->is_object()) {
            r.error("schema", "must be an object of field name to type (string, int, long, double, boolean, timestamp, any)");
        } else {
            s.schema.declared = true;
            for (auto it = sch->begin(); it != sch->end(); ++it) {
                auto t = it->is_string() ? parseFieldType(it->get<std::string>()) : std::nullopt;
                if (!t) {
                    r.error("schema." + it.key(),
                        "type " + it->dump() + " is not one of string, int, long, double, boolean, timestamp, any");
                    continue;
                }
                s.schema.fields.push_back({ it.key(), *t });
            }
        }
    }
    if (auto ts = r.string("timestamp"))
        s.timestampField = *ts;
    if (auto a = r.string("arrival"))
        s.arrivalField = *a;
    if (s.schema.declared) {
        if (!s.timestampField.empty()) {
            int i = s.schema.indexOf(s.timestampField);
            if (i < 0)
                r.error("timestamp", "field '" + s.timestampField + "' is not in the schema (" + s.schema.names() + ")");
            else {
                auto t = s.schema.fields[static_cast<size_t>(i)].type;
                if (t != FieldType::Timestamp && t != FieldType::Long && t != FieldType::Int && t != FieldType::Any)
                    r.error("timestamp",
                        "field '" + s.timestampField + "' has type " + std::string(fieldTypeName(t))
                            + "; a timestamp field is timestamp or long");
            }
        }
    }
    if (auto rate = r.number("rate")) {
        if (!(*rate > 0) || !std::isfinite(*rate))
            r.error("rate", "must be a positive number of events per second");
        else if (*rate < kMinSourceRate)
            r.error("rate", "must be at least 0.001 events per second (one every 1000 s), got " + Json(*rate).dump()
                    + "; to replay long gaps between events, give the events an arrival field");
        else
            s.rate = *rate;
    }
    if (auto p = r.object("partitions")) {
        if (auto c = p->integer("count")) {
            if (*c < 1 || *c > 32768)
                p->error("count", "must be between 1 and 32768, got " + std::to_string(*c));
            else
                s.partitionCount = static_cast<int>(*c);
        }
        if (auto by = p->string("by")) {
            s.partitionBy = *by;
            if (*by != "roundRobin" && s.schema.declared && s.schema.indexOf(*by) < 0)
                p->error("by", "is 'roundRobin' or a field of the schema (" + s.schema.names() + "), got '" + *by + "'");
        }
    }
    if (auto w = r.object("watermark")) {
        if (auto st = w->oneOf("strategy", { "boundedOutOfOrderness", "monotonous", "punctuated", "none" },
                "boundedOutOfOrderness")) {
            static const std::map<std::string, WatermarkStrategy> kS
                = { { "boundedOutOfOrderness", WatermarkStrategy::BoundedOutOfOrderness },
                      { "monotonous", WatermarkStrategy::Monotonous },
                      { "punctuated", WatermarkStrategy::Punctuated }, { "none", WatermarkStrategy::None } };
            s.watermark.strategy = kS.at(*st);
        }
        if (auto d = w->duration("maxOutOfOrderness")) {
            if (*d < 0)
                w->error("maxOutOfOrderness", "must not be negative (Flink rejects a negative out-of-orderness)");
            else
                s.watermark.maxOutOfOrderness = *d;
        }
        if (auto d = w->duration("idleTimeout")) {
            if (*d <= 0)
                w->error("idleTimeout", "must be positive (withIdleness requires a timeout > 0)");
            else
                s.watermark.idleTimeout = *d;
        }
    }
    if (s.watermark.strategy != WatermarkStrategy::None && s.watermark.strategy != WatermarkStrategy::Punctuated
        && s.timestampField.empty())
        r.error("timestamp", "is required for watermark strategy " + std::string(
            s.watermark.strategy == WatermarkStrategy::Monotonous ? "monotonous" : "boundedOutOfOrderness")
                + " (name the event-time field, or use strategy none)");
    if (auto e = r.oneOf("onError", { "fail", "skip" }, "fail"))
        s.onError = *e == "skip" ? OnError::Skip : OnError::Fail;
}

static void compileWindow(Reader& r, WindowSpec& w)
{
    if (auto a = r.object("assigner", true)) {
        auto type = a->oneOf("type", { "tumbling", "sliding", "session", "global" }, nullptr, true);
        if (type == "tumbling" || type == "sliding") {
            w.assigner.type = type == "tumbling" ? AssignerType::Tumbling : AssignerType::Sliding;
            auto size = a->duration("size", true);
            if (size && *size <= 0)
                a->error("size", "must be positive, got " + time::formatDuration(*size));
            if (size)
                w.assigner.size = *size;
            if (auto o = a->duration("offset"))
                w.assigner.offset = *o;
            if (type == "tumbling") {
                if (size && *size > 0 && std::llabs(w.assigner.offset) >= *size)
                    a->error("offset", "must satisfy abs(offset) < size");
            } else {
                auto slide = a->duration("slide", true);
                if (slide && *slide <= 0)
                    a->error("slide", "must be positive, got " + time::formatDuration(*slide));
                if (slide) {
                    w.assigner.slide = *slide;
                    if (*slide > 0 && std::llabs(w.assigner.offset) >= *slide)
                        a->error("offset", "must satisfy abs(offset) < slide");
                }
            }
        } else if (type == "session") {
            w.assigner.type = AssignerType::Session;
            auto gap = a->duration("gap", true);
            if (gap && *gap <= 0)
                a->error("gap", "must be positive (Flink: 0 < size), got " + time::formatDuration(*gap));
            if (gap)
                w.assigner.gap = *gap;
        } else if (type == "global") {
            w.assigner.type = AssignerType::Global;
        }
    }
    // The default trigger as Flink picks it: event time for time windows, never for global ones.
    w.trigger.type = w.assigner.type == AssignerType::Global ? TriggerType::Never : TriggerType::EventTime;
    if (auto t = r.object("trigger")) {
        auto type = t->oneOf(
            "type", { "eventTime", "processingTime", "count", "continuousEventTime", "endOfStream", "never" }, nullptr);
        static const std::map<std::string, TriggerType> kT = { { "eventTime", TriggerType::EventTime },
            { "processingTime", TriggerType::ProcessingTime }, { "count", TriggerType::Count },
            { "continuousEventTime", TriggerType::ContinuousEventTime }, { "endOfStream", TriggerType::EndOfStream },
            { "never", TriggerType::Never } };
        if (type)
            w.trigger.type = kT.at(*type);
        if (w.trigger.type == TriggerType::Count) {
            if (auto c = t->integer("count", true)) {
                if (*c < 1)
                    t->error("count", "must be at least 1");
                else
                    w.trigger.count = *c;
            }
        }
        if (w.trigger.type == TriggerType::ContinuousEventTime) {
            if (auto i = t->duration("interval", true)) {
                if (*i <= 0)
                    t->error("interval", "must be positive");
                else
                    w.trigger.interval = *i;
            }
        }
        if (auto p = t->boolean("purging"))
            w.trigger.purging = *p;
    }
    if (w.assigner.type == AssignerType::Global && w.trigger.type == TriggerType::EventTime)
        r.error("trigger.type",
            "an eventTime trigger on a global window fires only at the end of the input (its end is MAX); "
            "use count, continuousEventTime or endOfStream",
            Severity::Warning);
    if (auto l = r.duration("allowedLateness")) {
        if (*l < 0)
            r.error("allowedLateness", "must not be negative, got " + time::formatDuration(*l));
        else
            w.allowedLateness = *l;
    }
    if (auto lo = r.boolean("lateOutput"))
        w.lateOutput = *lo;
    if (auto a = readAggregate(r, true))
        w.aggregate = *a;
    if (auto k = r.oneOf("stateKind", { "reducing", "list" }, "reducing"))
        w.stateKind = *k == "list" ? StateKind::List : StateKind::Reducing;
    if (const Json* lf = r.get("lateFiring")) {
        if (lf->is_string()) {
            if (lf->get<std::string>() != "perElement")
                r.error("lateFiring", "is \"perElement\" or {\"every\": duration}, got " + lf->dump());
        } else if (lf->is_object()) {
            if (auto o = r.object("lateFiring")) {
                if (auto e = o->duration("every", true)) {
                    if (*e <= 0)
                        o->error("every", "must be positive");
                    else
                        w.lateFiringEvery = *e;
                }
            }
        } else {
            r.error("lateFiring", "is \"perElement\" or {\"every\": duration}, got " + lf->dump());
        }
    }
    w.ttl = readTtl(r, "ttl");
}

static void compileSink(const Job& job, Reader& r, SinkSpec& s)
{
    auto type = r.oneOf("type", { "collect", "file", "warehouse", "discard" }, "collect");
    if (type == "file") {
        s.type = SinkType::File;
        if (auto p = r.string("path", true))
            s.path = job.resolve(*p);
        if (auto f = r.oneOf("format", { "jsonl", "csv" }, "jsonl"))
            s.format = *f;
    } else if (type == "warehouse") {
        s.type = SinkType::Warehouse;
        if (const Json* o = r.get("outages")) {
            if (!o->is_array()) {
                r.error("outages", "must be an array of {\"at\": duration, \"duration\": duration}");
            } else {
                for (size_t i = 0; i < o->size(); ++i) {
                    const Json& item = (*o)[i];
                    if (!item.is_object()) {
                        r.error("outages", "each outage is an object {\"at\": ..., \"duration\": ...}");
                        continue;
                    }
                    Reader ir = r.nested(item, "outages[" + std::to_string(i) + "]");
                    auto at = ir.duration("at", true);
                    auto d = ir.duration("duration", true);
                    if (at && d) {
                        if (*at < 0 || *d <= 0)
                            ir.error("", "needs at >= 0 and a positive duration");
                        else
                            s.outages.push_back({ *at, *d });
                    }
                }
            }
        }
    } else if (type == "discard") {
        s.type = SinkType::Discard;
    }
}

bool redirectFileSinks(JobSpec& spec, const std::filesystem::path& dir)
{
    bool any = false;
    for (auto& n : spec.nodes) {
        if (n.kind != NodeKind::Sink)
            continue;
        auto& sink = std::get<SinkSpec>(n.params);
        if (sink.type != SinkType::File)
            continue;
        sink.path = dir / (n.id + "." + sink.format);
        any = true;
    }
    if (!any)
        return true;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return !ec;
}

Compiled compile(const Job& job)
{
    Compiled out;
    auto& problems = out.problems;
    auto& spec = out.spec;
    auto jobError = [&](const std::string& field, const std::string& msg) {
        problems.push_back({ Severity::Error, "", "", field, msg });
    };

    // Format and version.
    auto fmt = job.root.find("format");
    if (fmt == job.root.end())
        jobError("format", "is missing; a job file starts with \"format\": \"streamlab-job\"");
    else if (!fmt->is_string() || fmt->get<std::string>() != kFormatName)
        jobError("format", "must be \"streamlab-job\", got " + fmt->dump());
    auto ver = job.root.find("version");
    if (ver == job.root.end())
        jobError("version", "is missing (this Streamlab reads version 1)");
    else if (!ver->is_number_integer())
        jobError("version", "must be an integer, got " + ver->dump());
    else if (ver->get<int64_t>() > kFormatVersion)
        jobError("version",
            "the file is format version " + std::to_string(ver->get<int64_t>())
                + ", newer than this Streamlab reads (1); open it with a newer Streamlab");
    else if (ver->get<int64_t>() < 1)
        jobError("version", "must be 1, got " + ver->dump());
    spec.name = job.name();
    if (auto n = job.root.find("name"); n != job.root.end() && !n->is_string() && !n->is_null())
        jobError("name", "must be a string");

    compileConfig(job, spec.config, problems);

    // Nodes.
    std::map<std::string, size_t> index; // id -> position in `nodes`
    std::vector<NodeSpec> nodes;
    for (size_t i = 0; i < job.nodes.size(); ++i) {
        const Json& doc = job.nodes[i].doc;
        std::string id = job.nodes[i].id();
        std::string where = id.empty() ? "nodes[" + std::to_string(i) + "]" : id;
        Reader r(doc, problems, where);
        if (id.empty()) {
            r.error("id", "is required");
            continue;
        }
        if (!validId(id)) {
            r.error("id", "must start with a letter or '_' and hold only letters, digits, '_' and '-'");
            continue;
        }
        if (id == "config") {
            r.error("id", "'config' is reserved for the job's configuration (in --set config.PARAM=...)");
            continue;
        }
        if (index.count(id)) {
            r.error("id", "is used by another node too; node ids must be unique");
            continue;
        }
        NodeSpec n;
        n.id = id;
        if (auto nm = r.string("name"))
            n.name = *nm;
        auto kindText = r.string("kind", true);
        if (!kindText)
            continue;
        auto kind = parseNodeKind(*kindText);
        if (!kind) {
            r.error("kind", "unknown kind '" + *kindText + "' (expected source, filter, map, keyBy, window, aggregate or sink)");
            continue;
        }
        n.kind = *kind;
        if (auto p = r.integer("parallelism")) {
            if (*p < 1 || *p > 32768)
                r.error("parallelism", "must be between 1 and 32768, got " + std::to_string(*p));
            else
                n.parallelism = static_cast<int>(*p);
        }
        if (auto m = r.integer("maxParallelism")) {
            if (*m < 1 || *m > 32768)
                r.error("maxParallelism", "must be between 1 and 32768, got " + std::to_string(*m));
            else
                n.maxParallelism = static_cast<int>(*m);
        }
        int par = n.parallelism.value_or(spec.config.parallelism);
        int maxPar = n.maxParallelism ? *n.maxParallelism : spec.config.maxParallelism.value_or(0);
        if (maxPar > 0 && par > maxPar)
            r.error("parallelism",
                "parallelism " + std::to_string(par) + " exceeds maxParallelism " + std::to_string(maxPar)
                    + " (Flink requires parallelism <= maxParallelism)");
        if (auto b = r.oneOf("stateBackend", { "heap", "rocksdb" }, nullptr))
            n.stateBackend = *b == "rocksdb" ? StateBackend::RocksDb : StateBackend::Heap;
        if (auto c2 = r.integer("stateCache")) {
            if (*c2 < 0)
                r.error("stateCache", "must be 0 (off) or a number of cached entries");
            else
                n.stateCache = *c2;
        }

        switch (n.kind) {
        case NodeKind::Source: {
            SourceSpec s;
            compileSource(job, r, s);
            n.params = std::move(s);
            break;
        }
        case NodeKind::Filter: {
            FilterSpec f;
            if (auto w = r.string("where", true)) {
                if (w->empty())
                    r.error("where", "is empty; write a condition such as amount > 10");
                f.where = *w;
            }
            n.params = std::move(f);
            break;
        }
        case NodeKind::Map: {
            MapSpec m;
            const Json* set = r.get("set");
            if (!set || !set->is_object() || set->empty()) {
                r.error("set", "must be an object of field name to expression, with at least one entry");
            } else {
                for (auto it = set->begin(); it != set->end(); ++it) {
                    if (!it->is_string()) {
                        r.error("set." + it.key(), "must be an expression string");
                        continue;
                    }
                    m.set.emplace_back(it.key(), it->get<std::string>());
                }
            }
            n.params = std::move(m);
            break;
        }
        case NodeKind::KeyBy: {
            KeyBySpec k;
            const Json* key = r.get("key");
            if (key && key->is_string())
                k.key.push_back(key->get<std::string>());
            else if (key && key->is_array()) {
                for (const auto& f : *key) {
                    if (f.is_string())
                        k.key.push_back(f.get<std::string>());
                    else
                        r.error("key", "must list field names, found " + f.dump());
                }
            }
            if (k.key.empty())
                r.error("key", "must name at least one field, as [\"user\"]");
            n.params = std::move(k);
            break;
        }
        case NodeKind::Window: {
            WindowSpec w;
            compileWindow(r, w);
            n.params = std::move(w);
            break;
        }
        case NodeKind::Aggregate: {
            RunningAggregateSpec a;
            if (auto ag = readAggregate(r, false))
                a.aggregate = *ag;
            a.ttl = readTtl(r, "ttl");
            n.params = std::move(a);
            break;
        }
        case NodeKind::Sink: {
            SinkSpec s;
            compileSink(job, r, s);
            n.params = std::move(s);
            break;
        }
        }
        index[id] = nodes.size();
        nodes.push_back(std::move(n));
    }

    // Edges.
    std::set<std::string> seenEdges;
    for (size_t i = 0; i < job.edges.size(); ++i) {
        const auto& e = job.edges[i];
        EdgeSpec es;
        es.from = e.from();
        es.fromPort = e.fromPort();
        es.to = e.to();
        std::string eid = e.id();
        auto edgeError = [&](const std::string& field, const std::string& msg) {
            problems.push_back({ Severity::Error, "", eid, field, msg });
        };
        bool ok = true;
        if (!e.doc.contains("from") || !e.doc["from"].is_string() || es.from.empty()) {
            edgeError("from", "is required (a node id, or node.port)");
            ok = false;
        } else if (!index.count(es.from) && !job.node(es.from)) {
            edgeError("from", "node '" + es.from + "' does not exist");
            ok = false;
        }
        if (!e.doc.contains("to") || !e.doc["to"].is_string() || es.to.empty()) {
            edgeError("to", "is required (a node id)");
            ok = false;
        } else if (!index.count(es.to) && !job.node(es.to)) {
            edgeError("to", "node '" + es.to + "' does not exist");
            ok = false;
        }
        if (ok && es.from == es.to) {
            edgeError("to", "an edge cannot connect a node to itself");
            ok = false;
        }
        if (auto p = e.doc.find("partitioner"); p != e.doc.end() && !p->is_null()) {
            std::string ps = p->is_string() ? p->get<std::string>() : p->dump();
            if (ps == "forward")
                es.partitioner = Partitioner::Forward;
            else if (ps == "rebalance")
                es.partitioner = Partitioner::Rebalance;
            else if (ps == "broadcast")
                es.partitioner = Partitioner::Broadcast;
            else if (ps == "hash")
                es.partitioner = Partitioner::Hash;
            else {
                edgeError("partitioner", "'" + ps + "' is not one of forward, rebalance, broadcast, hash");
                ok = false;
            }
        }
        if (!ok || !index.count(es.from) || !index.count(es.to))
            continue;
        const NodeSpec& from = nodes[index[es.from]];
        const NodeSpec& to = nodes[index[es.to]];
        if (!es.fromPort.empty()) {
            if (from.kind != NodeKind::Window || es.fromPort != "late") {
                edgeError("from", "node '" + es.from + "' has no output port '" + es.fromPort
                        + "' (only a window has one: late)");
                continue;
            }
            if (!from.as<WindowSpec>().lateOutput)
                edgeError("from", "the late port of window '" + es.from + "' is used but its lateOutput is false");
        }
        if (from.kind == NodeKind::Sink) {
            edgeError("from", "sink '" + es.from + "' has no output");
            continue;
        }
        if (to.kind == NodeKind::Source) {
            edgeError("to", "source '" + es.to + "' takes no input");
            continue;
        }
        if (es.partitioner == Partitioner::Hash && from.kind != NodeKind::KeyBy)
            edgeError("partitioner", "hash partitioning needs a key: put a keyBy node before '" + es.to + "'");
        if (from.kind == NodeKind::KeyBy && es.partitioner && es.partitioner != Partitioner::Hash)
            edgeError("partitioner", "the edge out of keyBy '" + es.from + "' is hash-partitioned by its key");
        if (es.partitioner == Partitioner::Forward) {
            int pf = from.parallelism.value_or(spec.config.parallelism);
            int pt = to.parallelism.value_or(spec.config.parallelism);
            if (pf != pt)
                edgeError("partitioner",
                    "forward needs equal parallelism, but '" + es.from + "' has " + std::to_string(pf) + " and '"
                        + es.to + "' has " + std::to_string(pt) + " (Flink rejects this job)");
        }
        if (!seenEdges.insert(es.from + "." + es.fromPort + "->" + es.to).second) {
            edgeError("", "is a duplicate of another edge");
            continue;
        }
        spec.edges.push_back(std::move(es));
    }

    // Structure: inputs and outputs per kind.
    std::map<std::string, std::vector<const EdgeSpec*>> ins, outs;
    for (const auto& e : spec.edges) {
        ins[e.to].push_back(&e);
        outs[e.from].push_back(&e);
    }
    for (const auto& n : nodes) {
        auto nodeError = [&](const std::string& field, const std::string& msg, Severity sev = Severity::Error) {
            problems.push_back({ sev, n.id, "", field, msg });
        };
        size_t nin = ins[n.id].size();
        if (n.kind != NodeKind::Source && nin == 0)
            nodeError("", "has no input; connect an upstream node to it");
        if (n.kind == NodeKind::Window || n.kind == NodeKind::Aggregate) {
            bool keyed = nin > 0;
            for (const auto* e : ins[n.id])
                if (nodes[index[e->from]].kind != NodeKind::KeyBy || !e->fromPort.empty())
                    keyed = false;
            if (nin > 0 && !keyed)
                nodeError("", std::string("a ") + std::string(nodeKindName(n.kind))
                        + " needs a keyBy directly before it (Flink windows and keyed aggregates work on a KeyedStream)");
        }
        if (n.kind != NodeKind::Sink && outs[n.id].empty())
            nodeError("", "its output goes nowhere; connect it to a sink", Severity::Warning);
        if (n.kind == NodeKind::Sink && outs[n.id].size())
            nodeError("", "a sink has no output");
    }

    // Cycles (Kahn's algorithm), and topological order for the spec.
    std::map<std::string, int> indeg;
    for (const auto& n : nodes)
        indeg[n.id] = 0;
    for (const auto& e : spec.edges)
        ++indeg[e.to];
    std::vector<std::string> order;
    std::vector<std::string> ready;
    for (const auto& n : nodes)
        if (indeg[n.id] == 0)
            ready.push_back(n.id);
    while (!ready.empty()) {
        std::string id = ready.front();
        ready.erase(ready.begin());
        order.push_back(id);
        for (const auto* e : outs[id])
            if (--indeg[e->to] == 0)
                ready.push_back(e->to);
    }
    if (order.size() != nodes.size()) {
        for (const auto& n : nodes)
            if (indeg[n.id] > 0)
                problems.push_back({ Severity::Error, n.id, "", "", "is part of a cycle; a dataflow graph must not loop" });
        for (const auto& n : nodes)
            if (std::find(order.begin(), order.end(), n.id) == order.end())
                order.push_back(n.id);
    }
    for (const auto& id : order)
        spec.nodes.push_back(std::move(nodes[index[id]]));

    if (std::none_of(spec.nodes.begin(), spec.nodes.end(), [](const NodeSpec& n) { return n.kind == NodeKind::Source; }))
        jobError("nodes", "the job has no source");
    return out;
}

} // namespace streamlab::model
