#include "model/params.h"

#include "model/json_text.h"

#include "model/spec.h"

#include <map>
#include <regex>

namespace streamlab::model {

namespace {

    using P = ParamInfo;
    using T = ParamType;

    std::vector<ParamInfo> common(std::vector<ParamInfo> own)
    {
        own.push_back({ "name", T::String, {}, "A display name", "" });
        own.push_back({ "parallelism", T::Integer, {}, "Subtasks of this operator", "config.parallelism" });
        own.push_back({ "maxParallelism", T::Integer, {}, "Key groups (Flink's max parallelism)", "from parallelism" });
        own.push_back({ "stateBackend", T::Enum, { "heap", "rocksdb" }, "State backend of this operator", "config.stateBackend" });
        own.push_back({ "stateCache", T::Integer, {}, "RocksDB write-back cache entries of this operator (0: off)", "config.stateCache" });
        return own;
    }

    std::vector<ParamInfo> ttlParams(const std::string& prefix)
    {
        return {
            { prefix, T::Ttl, {}, "State time-to-live (processing time)", "none" },
            { prefix + ".ttl", T::Duration, {}, "Time to live", "" },
            { prefix + ".update", T::Enum, { "onCreateAndWrite", "onReadAndWrite" }, "What refreshes the TTL", "onCreateAndWrite" },
            { prefix + ".visibility", T::Enum, { "neverReturnExpired", "returnExpiredIfNotCleanedUp" }, "Whether expired values may be read", "neverReturnExpired" },
            { prefix + ".cleanup", T::Object, {}, "Cleanup strategies", "background" },
        };
    }

    const std::map<std::string, std::vector<ParamInfo>, std::less<>>& catalogue()
    {
        static const auto* kCatalogue = [] {
            auto* m = new std::map<std::string, std::vector<ParamInfo>, std::less<>>;
            (*m)["config"] = {
                { "parallelism", T::Integer, {}, "Default parallelism of every operator", "1" },
                { "maxParallelism", T::Integer, {}, "Default max parallelism (key groups)", "Flink's default rule" },
                { "stateBackend", T::Enum, { "heap", "rocksdb" }, "State backend", "heap" },
                { "autoWatermarkInterval", T::Duration, {}, "Periodic watermark interval (pipeline.auto-watermark-interval)", "200ms" },
                { "checkpoints.interval", T::Duration, {}, "Checkpoint interval", "off" },
                { "idleStateRetention", T::Duration, {}, "Job-wide state TTL (table.exec.state.ttl)", "off" },
                { "stateCache", T::Integer, {}, "RocksDB write-back cache entries, like SQL mini-batch (0: off)", "0" },
            };
            (*m)["source"] = common({
                { "path", T::Path, {}, "Event file, relative to the job file", "" },
                { "format", T::Enum, { "csv", "jsonl" }, "Event file format", "from the extension" },
                { "schema", T::Schema, {}, "Field names and types", "inferred" },
                { "timestamp", T::Field, {}, "Event-time field", "" },
                { "arrival", T::Field, {}, "Processing-time arrival field (epoch ms)", "from rate" },
                { "rate", T::Number, {}, "Events per second of processing time", "1000" },
                { "partitions.count", T::Integer, {}, "Source partitions (splits)", "1" },
                { "partitions.by", T::String, {}, "roundRobin or a field", "roundRobin" },
                { "watermark.strategy", T::Enum, { "boundedOutOfOrderness", "monotonous", "punctuated", "none" }, "Watermark strategy", "boundedOutOfOrderness" },
                { "watermark.maxOutOfOrderness", T::Duration, {}, "Bounded out-of-orderness", "0ms" },
                { "watermark.idleTimeout", T::Duration, {}, "withIdleness timeout", "off" },
                { "onError", T::Enum, { "fail", "skip" }, "What a bad line does", "fail" },
            });
            (*m)["filter"] = common({ { "where", T::Expression, {}, "Condition a record must meet", "" } });
            (*m)["map"] = common({ { "set", T::ExpressionMap, {}, "Fields to set, each from an expression", "" } });
            (*m)["keyBy"] = common({ { "key", T::FieldList, {}, "Key fields", "" } });
            auto window = common({
                { "assigner.type", T::Enum, { "tumbling", "sliding", "session", "global" }, "Window assigner", "" },
                { "assigner.size", T::Duration, {}, "Window size", "" },
                { "assigner.slide", T::Duration, {}, "Slide (sliding windows)", "" },
                { "assigner.offset", T::Duration, {}, "Offset", "0ms" },
                { "assigner.gap", T::Duration, {}, "Session gap", "" },
                { "trigger.type", T::Enum, { "eventTime", "processingTime", "count", "continuousEventTime", "endOfStream", "never" }, "Trigger", "eventTime" },
                { "trigger.count", T::Integer, {}, "Elements per firing (count trigger)", "" },
                { "trigger.interval", T::Duration, {}, "Interval (continuousEventTime)", "" },
                { "trigger.purging", T::Boolean, {}, "Purge the window at each firing", "false" },
                { "allowedLateness", T::Duration, {}, "Allowed lateness", "0ms" },
                { "lateOutput", T::Boolean, {}, "Send dropped late elements to the late port", "false" },
                { "aggregate.fn", T::Enum, { "count", "sum", "min", "max", "avg", "collect" }, "Aggregate function", "" },
                { "aggregate.field", T::Field, {}, "Aggregated field", "" },
                { "stateKind", T::Enum, { "reducing", "list" }, "Window state: one accumulator, or every element", "reducing" },
                { "lateFiring", T::LateFiring, {}, "perElement (Flink) or {\"every\": duration}", "perElement" },
                { "lateFiring.every", T::Duration, {}, "At most one late firing per interval", "" },
            });
            for (auto& p : ttlParams("ttl"))
                window.push_back(p);
            (*m)["window"] = window;
            auto agg = common({
                { "aggregate.fn", T::Enum, { "count", "sum", "min", "max", "avg", "collect" }, "Aggregate function", "" },
                { "aggregate.field", T::Field, {}, "Aggregated field", "" },
            });
            for (auto& p : ttlParams("ttl"))
                agg.push_back(p);
            (*m)["aggregate"] = agg;
            (*m)["sink"] = common({
                { "type", T::Enum, { "collect", "file", "warehouse", "discard" }, "Where results go", "collect" },
                { "path", T::Path, {}, "Output file (file sink)", "" },
                { "format", T::Enum, { "jsonl", "csv" }, "Output format (file sink)", "jsonl" },
                { "outages", T::Object, {}, "Outage schedule (warehouse sink)", "none" },
            });
            return m;
        }();
        return *kCatalogue;
    }

} // namespace

const std::vector<ParamInfo>& paramsOf(std::string_view kind)
{
    static const std::vector<ParamInfo> kNone;
    auto it = catalogue().find(kind);
    return it == catalogue().end() ? kNone : it->second;
}

const ParamInfo* findParam(std::string_view kind, std::string_view path)
{
    const auto& ps = paramsOf(kind);
    for (const auto& p : ps)
        if (p.path == path)
            return &p;
    for (const auto& p : ps) {
        bool open = p.type == T::ExpressionMap || p.type == T::Schema || p.type == T::Ttl || p.type == T::Object;
        if (open && path.size() > p.path.size() && path.substr(0, p.path.size()) == p.path && path[p.path.size()] == '.')
            return &p;
    }
    return nullptr;
}

Status applySet(Job& job, std::string_view assignment)
{
    std::string text(assignment);
    auto eq = text.find('=');
    auto dot = text.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
        return Status::invalid("--set '" + text + "': expected NODE.PARAM=VALUE (for example perMinute.allowedLateness=10s)");
    std::string target = text.substr(0, dot);
    std::string path = text.substr(dot + 1, eq - dot - 1);
    std::string valueText = text.substr(eq + 1);
    if (path.empty())
        return Status::invalid("--set '" + text + "': the parameter name is missing after '" + target + ".'");

    Json* obj = nullptr;
    std::string kind;
    if (target == "config") {
        if (!job.root.contains("config") || !job.root["config"].is_object())
            job.root["config"] = Json::object();
        obj = &job.root["config"];
        kind = "config";
    } else {
        Node* n = job.node(target);
        if (!n) {
            std::string ids;
            for (const auto& x : job.nodes)
                ids += (ids.empty() ? "" : ", ") + x.id();
            return Status::invalid("--set '" + text + "': there is no node '" + target + "' (nodes: " + ids + "; or config)");
        }
        obj = &n->doc;
        kind = n->kind();
    }
    if (!findParam(kind, path)) {
        std::string names;
        for (const auto& p : paramsOf(kind))
            if (p.type != T::Ttl)
                names += (names.empty() ? "" : ", ") + p.path;
        return Status::invalid("--set '" + text + "': " + (kind == "config" ? std::string("the config") : "a " + kind + " node")
            + " has no parameter '" + path + "' (parameters: " + names + ")");
    }
    // JSON when it is (numbers, true, objects), else the text itself ("5s").
    Json value = valueText;
    JsonFault fault;
    if (auto parsed = parseJson(valueText, "--set '" + text + "'", &fault); parsed.ok())
        value = std::move(*parsed);
    else if (fault != JsonFault::Syntax)
        return parsed.status();
    // Walk and create the path of objects.
    Json* cur = obj;
    size_t start = 0;
    while (true) {
        auto next = path.find('.', start);
        std::string part = path.substr(start, next == std::string::npos ? std::string::npos : next - start);
        if (next == std::string::npos) {
            (*cur)[part] = value;
            break;
        }
        if (cur->contains(part) && (*cur)[part].is_array())
            return Status::invalid("--set '" + text + "': '" + path.substr(0, next) + "' of " + target
                + " is a list, which --set does not edit (it would replace it); edit the job file");
        if (!cur->contains(part) || !(*cur)[part].is_object())
            (*cur)[part] = Json::object();
        cur = &(*cur)[part];
        start = next + 1;
    }
    return {};
}

std::string aggregateText(const Json& aggregate)
{
    auto one = [](const Json& a, bool named) {
        std::string s = a.value("fn", "");
        if (a.contains("field") && a["field"].is_string())
            s += "(" + a["field"].get<std::string>() + ")";
        if (named && a.contains("as") && a["as"].is_string())
            s += " as " + a["as"].get<std::string>();
        return s;
    };
    if (aggregate.is_object())
        return one(aggregate, false);
    std::string out;
    if (aggregate.is_array())
        for (const auto& a : aggregate)
            if (a.is_object())
                out += (out.empty() ? "" : ", ") + one(a, true);
    return out;
}

Result<Json> parseAggregateText(std::string_view text)
{
    static const std::regex kItem(R"(^\s*([A-Za-z]+)\s*(?:\(\s*([^(),]*?)\s*\))?\s*(?:\bas\s+([A-Za-z_][A-Za-z0-9_]*))?\s*$)");
    Json list = Json::array();
    bool named = false;
    size_t start = 0, index = 0;
    const std::string all(text);
    while (start <= all.size()) {
        size_t comma = all.find(',', start);
        const std::string item = all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        std::smatch m;
        const std::string where = "aggregate " + std::to_string(index + 1) + " ('" + item + "')";
        if (!std::regex_match(item, m, kItem))
            return Status::invalid(where + ": expected fn, fn(field) or fn(field) as name");
        const std::string fn = m[1].str();
        const auto parsedFn = parseAggregateFn(fn);
        if (!parsedFn)
            return Status::invalid(where + ": '" + fn + "' is not count, sum, min, max, avg or collect");
        Json a = { { "fn", fn } };
        if (m[2].matched && !m[2].str().empty())
            a["field"] = m[2].str();
        else if (aggregateNeedsField(*parsedFn))
            return Status::invalid(where + ": " + fn + " needs a field, as in " + fn + "(amount)");
        if (m[3].matched) {
            a["as"] = m[3].str();
            named = true;
        }
        list.push_back(std::move(a));
        ++index;
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (list.size() == 1 && !named)
        return list[0];
    return list;
}

} // namespace streamlab::model
