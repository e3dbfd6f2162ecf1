#include "export/json_export.h"

#include "time/duration.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace streamlab::exporter {

namespace {

    using J = nlohmann::ordered_json;

    bool absent(const J& obj, const char* key) { return !obj.contains(key) || obj[key].is_null(); }

    // Writes the duration at `key` in its one canonical form (formatDuration). An absent or null
    // duration becomes `def` (a duration text) or, without a default, null. A value that is not
    // a duration is left alone: validation reports it.
    void duration(J& obj, const char* key, const char* def = nullptr)
    {
        if (absent(obj, key)) {
            obj[key] = def ? J(def) : J(nullptr);
            return;
        }
        J& v = obj[key];
        if (v.is_number_integer()) {
            v = time::formatDuration(v.get<int64_t>());
        } else if (v.is_string()) {
            auto d = time::parseDuration(v.get<std::string>());
            if (d.ok())
                v = time::formatDuration(*d);
        }
    }

    void fallback(J& obj, const char* key, J value)
    {
        if (absent(obj, key))
            obj[key] = std::move(value);
    }

    // An object parameter: created when absent, left alone when it is something else.
    J* object(J& obj, const char* key)
    {
        if (absent(obj, key))
            obj[key] = J::object();
        return obj[key].is_object() ? &obj[key] : nullptr;
    }

    void ttl(J& node)
    {
        if (absent(node, "ttl")) {
            node["ttl"] = nullptr;
            return;
        }
        J& t = node["ttl"];
        if (t.is_string() || t.is_number_integer()) // the shorthand for {"ttl": duration}
            t = J { { "ttl", t } };
        if (!t.is_object())
            return;
        duration(t, "ttl");
        fallback(t, "update", "onCreateAndWrite");
        fallback(t, "visibility", "neverReturnExpired");
    }

    void config(J& root)
    {
        J* c = object(root, "config");
        if (!c)
            return;
        fallback(*c, "parallelism", 1);
        fallback(*c, "maxParallelism", nullptr);
        fallback(*c, "stateBackend", "heap");
        duration(*c, "autoWatermarkInterval", "200ms");
        if (J* cp = object(*c, "checkpoints"))
            duration(*cp, "interval");
        duration(*c, "idleStateRetention");
    }

    void source(J& n)
    {
        if (absent(n, "format")) {
            std::string ext;
            if (n.contains("path") && n["path"].is_string())
                ext = std::filesystem::path(n["path"].get<std::string>()).extension().string();
            n["format"] = (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") ? "jsonl" : "csv";
        }
        fallback(n, "schema", nullptr);
        fallback(n, "timestamp", nullptr);
        fallback(n, "arrival", nullptr);
        fallback(n, "rate", 1000);
        if (J* p = object(n, "partitions")) {
            fallback(*p, "count", 1);
            fallback(*p, "by", "roundRobin");
        }
        if (J* w = object(n, "watermark")) {
            fallback(*w, "strategy", "boundedOutOfOrderness");
            duration(*w, "maxOutOfOrderness", "0ms");
            duration(*w, "idleTimeout");
        }
        fallback(n, "onError", "fail");
    }

    void window(J& n)
    {
        std::string type;
        if (J* a = object(n, "assigner")) {
            type = a->contains("type") && (*a)["type"].is_string() ? (*a)["type"].get<std::string>() : "";
            if (type == "tumbling" || type == "sliding") {
                duration(*a, "size");
                duration(*a, "offset", "0ms");
                if (type == "sliding")
                    duration(*a, "slide");
            } else if (type == "session") {
                duration(*a, "gap");
            }
        }
        if (J* t = object(n, "trigger")) {
            fallback(*t, "type", type == "global" ? "never" : "eventTime");
            fallback(*t, "purging", false);
            if ((*t)["type"] == "continuousEventTime")
                duration(*t, "interval");
        }
        duration(n, "allowedLateness", "0ms");
        fallback(n, "lateOutput", false);
        fallback(n, "stateKind", "reducing");
        fallback(n, "lateFiring", "perElement");
        if (n["lateFiring"].is_object())
            duration(n["lateFiring"], "every");
        ttl(n);
    }

    void sink(J& n)
    {
        fallback(n, "type", "collect");
        if (n["type"] == "file") {
            fallback(n, "format", "jsonl");
        } else if (n["type"] == "warehouse") {
            fallback(n, "outages", J::array());
            if (n["outages"].is_array())
                for (auto& o : n["outages"])
                    if (o.is_object()) {
                        duration(o, "at");
                        duration(o, "duration");
                    }
        }
    }

    // Every object with its keys sorted, except the field order of a source's schema (the column
    // order of its records) and of a map's set (the order in which fields are added).
    J sorted(const J& v, bool isNode = false)
    {
        if (v.is_array()) {
            J out = J::array();
            for (const auto& x : v)
                out.push_back(sorted(x));
            return out;
        }
        if (!v.is_object())
            return v;
        std::vector<std::string> keys;
        for (auto it = v.begin(); it != v.end(); ++it)
            keys.push_back(it.key());
        std::sort(keys.begin(), keys.end());
        J out = J::object();
        for (const auto& k : keys)
            out[k] = isNode && (k == "schema" || k == "set") ? v[k] : sorted(v[k]);
        return out;
    }

    std::string text(const J& obj, const char* key)
    {
        return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>()
                                                                            : std::string();
    }

} // namespace

std::string exportCanonicalJson(const model::Job& job)
{
    J root = job.toJson();
    config(root);

    std::vector<J> nodes;
    for (auto& n : root["nodes"]) {
        if (n.is_object()) {
            std::string kind = text(n, "kind");
            if (kind == "source")
                source(n);
            else if (kind == "keyBy" && n.contains("key") && n["key"].is_string())
                n["key"] = J::array({ n["key"] });
            else if (kind == "window")
                window(n);
            else if (kind == "aggregate")
                ttl(n);
            else if (kind == "sink")
                sink(n);
        }
        nodes.push_back(n);
    }
    std::stable_sort(
        nodes.begin(), nodes.end(), [](const J& a, const J& b) { return text(a, "id") < text(b, "id"); });
    J sortedNodes = J::array();
    for (const auto& n : nodes)
        sortedNodes.push_back(sorted(n, true));

    std::vector<J> edges(root["edges"].begin(), root["edges"].end());
    std::stable_sort(edges.begin(), edges.end(), [](const J& a, const J& b) {
        return std::make_pair(text(a, "from"), text(a, "to"))
            < std::make_pair(text(b, "from"), text(b, "to"));
    });
    root["edges"] = edges;
    root["nodes"] = J::array();
    J out = sorted(root);
    out["nodes"] = std::move(sortedNodes);
    return out.dump(2) + "\n";
}

} // namespace streamlab::exporter
