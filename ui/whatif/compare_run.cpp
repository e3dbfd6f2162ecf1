#include "whatif/compare_run.h"

#include "model/params.h"
#include "time/duration.h"

#include <algorithm>

namespace streamlab::ui {

namespace {

    using model::Json;

    std::string valueText(const std::string& kind, const std::string& path, const Json& v)
    {
        if (const auto* p = model::findParam(kind, path); p && p->type == model::ParamType::Duration) {
            if (v.is_number_integer())
                return time::formatDuration(v.get<int64_t>());
            if (v.is_string())
                if (auto ms = time::parseDuration(v.get<std::string>()); ms.ok())
                    return time::formatDuration(*ms);
        }
        return v.is_string() ? v.get<std::string>() : v.dump();
    }

    void flatten(const std::string& kind, const std::string& prefix, const std::string& path, const Json& v,
        RunSettings& out)
    {
        if (v.is_object() && !v.empty()) {
            for (const auto& [k, child] : v.items())
                flatten(kind, prefix, path.empty() ? k : path + "." + k, child, out);
            return;
        }
        if (v.is_null())
            return;
        std::string key = prefix;
        key += '.';
        key += path;
        out[key] = valueText(kind, path, v);
    }

} // namespace

RunSettings runSettingsOf(model::Job job, const std::map<std::string, int64_t>& watermarkDelays,
    const std::map<std::string, int64_t>& allowedLateness,
    const std::map<std::string, std::string>& eventFiles)
{
    for (auto& n : job.nodes) {
        const std::string id = n.id(), kind = n.kind();
        if (kind == "source") {
            if (auto it = watermarkDelays.find(id); it != watermarkDelays.end())
                n.doc["watermark"]["maxOutOfOrderness"] = time::formatDuration(it->second);
            if (auto it = eventFiles.find(id); it != eventFiles.end() && !it->second.empty())
                n.doc["path"] = it->second;
        } else if (kind == "window") {
            if (auto it = allowedLateness.find(id); it != allowedLateness.end())
                n.doc["allowedLateness"] = time::formatDuration(it->second);
        }
    }
    RunSettings out;
    if (job.root.contains("config"))
        flatten("config", "config", "", job.root["config"], out);
    for (const auto& n : job.nodes) {
        Json doc = n.doc;
        for (const char* designerOnly : { "id", "kind", "ui" })
            doc.erase(designerOnly);
        flatten(n.kind(), n.id(), "", doc, out);
    }
    return out;
}

std::vector<std::string> settingsDifference(const RunSettings& run, const RunSettings& other)
{
    std::vector<std::string> out;
    for (const auto& [k, v] : run)
        if (auto it = other.find(k); it == other.end() || it->second != v) {
            std::string s = k;
            s += '=';
            s += v;
            out.push_back(std::move(s));
        }
    for (const auto& [k, v] : other)
        if (!run.count(k)) {
            std::string s = k;
            s += " unset";
            out.push_back(std::move(s));
        }
    return out;
}

std::string settingsLabel(
    const std::vector<std::string>& difference, size_t maxChars, const std::string& whenSame)
{
    if (difference.empty())
        return whenSame;
    std::string s;
    size_t shown = 0;
    for (const auto& d : difference) {
        if (shown > 0 && s.size() + 2 + d.size() > maxChars)
            break;
        if (shown > 0)
            s += ", ";
        s += d;
        ++shown;
    }
    if (shown < difference.size()) {
        s += " … +";
        s += std::to_string(difference.size() - shown);
        s += " more";
    }
    return s;
}

PinnedRun pinRun(const runtime::ReplaySnapshot& snap, RunSettings settings, size_t maxFirings)
{
    PinnedRun p;
    p.generation = snap.generation;
    p.state = snap.state;
    p.eventsReplayed = snap.eventsReplayed;
    p.processingTime = snap.processingTime;
    p.settings = std::move(settings);
    const size_t firings = runtime::chunkedSize(snap.firings);
    if (maxFirings == 0) {
        p.results = resultsOf(snap);
        p.firings.reserve(firings);
        for (const auto& chunk : snap.firings)
            p.firings.insert(p.firings.end(), chunk->begin(), chunk->end());
    } else {
        const size_t stride = std::max<size_t>(1, firings / maxFirings);
        size_t index = 0;
        for (const auto& chunk : snap.firings) {
            for (size_t i = (stride - index % stride) % stride; i < chunk->size(); i += stride)
                p.firings.push_back((*chunk)[i]);
            index += chunk->size();
        }
    }
    if (snap.history)
        p.history = *snap.history;
    int64_t fired = 0;
    for (const auto& o : snap.metrics.operators) {
        if (o.kind != "window")
            continue;
        for (const auto& s : o.subtasks) {
            p.onTimeFirings += s.firings.onTime;
            p.lateFirings += s.firings.late;
            p.lateDropped += s.lateDropped;
            p.sideOutput += s.lateSideOutput;
            fired += s.firings.onTime + s.firings.late + s.firings.early;
        }
    }
    if (maxFirings == 0 && fired > static_cast<int64_t>(p.firings.size()))
        p.firingsDropped = static_cast<size_t>(fired) - p.firings.size();
    return p;
}

} // namespace streamlab::ui
