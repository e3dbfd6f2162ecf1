#include "whatif/compare_diff.h"

#include "window/window_operator.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace streamlab::ui {

namespace {

    struct Identity {
        std::string sink;
        bool windowed = true;
        std::string key; // the key's JSON: 1 and "1" are different keys
        int64_t start = kMinTimestamp;
        int64_t end = kMinTimestamp;
        std::string record;

        bool operator<(const Identity& o) const
        {
            return std::tie(sink, windowed, key, start, end, record)
                < std::tie(o.sink, o.windowed, o.key, o.start, o.end, o.record);
        }
    };

    struct Entry {
        Value key;
        DiffSide side;
    };

    // Field indexes of a window result schema, or windowed == false.
    struct Layout {
        bool windowed = false;
        int key = -1, start = -1, end = -1, value = -1, firing = -1, pane = -1;
        int valueEnd = -1; // one past the last aggregate field (several for a list of aggregates)
    };

    Layout layoutOf(const Schema& s)
    {
        Layout l;
        l.key = s.indexOf("key");
        l.start = s.indexOf("window_start");
        l.end = s.indexOf("window_end");
        l.firing = s.indexOf("firing");
        std::tie(l.value, l.valueEnd) = window::valueFields(s);
        l.pane = s.indexOf("pane");
        l.windowed = l.key >= 0 && l.start >= 0 && l.end >= 0 && l.value >= 0 && l.firing >= 0;
        return l;
    }

    const Value& fieldAt(const Record& r, int i)
    {
        static const Value kNull;
        return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)] : kNull;
    }

    int64_t timeAt(const Record& r, int i)
    {
        const auto* v = std::get_if<int64_t>(&fieldAt(r, i));
        return v ? *v : kMinTimestamp;
    }

    std::map<Identity, Entry> index(const RunResults& run)
    {
        std::vector<Layout> layouts;
        for (const auto& s : run.schemas)
            layouts.push_back(s ? layoutOf(*s) : Layout {});
        std::map<Identity, Entry> out;
        for (const auto& row : run.rows) {
            const auto sink = static_cast<size_t>(row.sink);
            if (sink >= run.sinks.size() || sink >= layouts.size() || !run.schemas[sink])
                continue;
            const Layout& l = layouts[sink];
            Identity id;
            id.sink = run.sinks[sink];
            id.windowed = l.windowed;
            if (l.windowed) {
                appendJson(id.key, fieldAt(row.record, l.key));
                id.start = timeAt(row.record, l.start);
                id.end = timeAt(row.record, l.end);
            } else {
                appendRecordJson(id.record, *run.schemas[sink], row.record);
            }
            Entry& e = out[id];
            e.side.present = true;
            ++e.side.firings;
            if (!l.windowed)
                continue;
            // Emission order: the last record of a window is its last firing.
            e.key = fieldAt(row.record, l.key);
            if (l.valueEnd - l.value == 1) {
                e.side.value = fieldAt(row.record, l.value);
            } else {
                std::vector<Value> values;
                for (int i = l.value; i < l.valueEnd; ++i)
                    values.push_back(fieldAt(row.record, i));
                e.side.value = makeList(std::move(values));
            }
            const auto* firing = std::get_if<std::string>(&fieldAt(row.record, l.firing));
            e.side.firing = firing ? *firing : std::string();
            if (e.side.firing == "late")
                ++e.side.lateFirings;
            const auto* pane = std::get_if<int64_t>(&fieldAt(row.record, l.pane));
            e.side.pane = pane ? *pane : -1;
        }
        return out;
    }

} // namespace

RunResults resultsOf(const runtime::ReplaySnapshot& snap)
{
    RunResults r;
    r.sinks = snap.sinks;
    r.schemas = snap.sinkSchemas;
    r.truncated = snap.resultsTruncated;
    r.rows.reserve(runtime::chunkedSize(snap.results));
    for (const auto& chunk : snap.results)
        for (const auto& row : *chunk)
            r.rows.push_back({ row.sink, row.subtask, row.record() });
    return r;
}

ResultDiff diffResults(const RunResults& a, const RunResults& b)
{
    const auto ia = index(a);
    const auto ib = index(b);
    ResultDiff d;
    auto add = [&d](const Identity& id, const Entry* ea, const Entry* eb) {
        ResultDiffRow row;
        row.sink = id.sink;
        row.windowed = id.windowed;
        row.windowStart = id.start;
        row.windowEnd = id.end;
        row.record = id.record;
        row.key = (ea ? ea : eb)->key;
        if (ea)
            row.a = ea->side;
        if (eb)
            row.b = eb->side;
        if (!eb) {
            row.kind = DiffKind::OnlyInA;
            ++d.onlyInA;
        } else if (!ea) {
            row.kind = DiffKind::OnlyInB;
            ++d.onlyInB;
        } else {
            const bool differ = id.windowed ? compareValues(ea->side.value, eb->side.value) != 0
                                            : ea->side.firings != eb->side.firings;
            if (!differ) {
                ++d.same;
                return;
            }
            row.kind = DiffKind::Differ;
            ++d.differ;
        }
        if (!row.windowed)
            ++d.records;
        d.rows.push_back(std::move(row));
    };
    for (const auto& [id, e] : ia) {
        auto it = ib.find(id);
        add(id, &e, it == ib.end() ? nullptr : &it->second);
    }
    for (const auto& [id, e] : ib)
        if (!ia.count(id))
            add(id, nullptr, &e);
    std::stable_sort(d.rows.begin(), d.rows.end(), [](const ResultDiffRow& x, const ResultDiffRow& y) {
        if (x.windowed != y.windowed)
            return x.windowed;
        if (x.kind != y.kind)
            return static_cast<int>(x.kind) < static_cast<int>(y.kind);
        if (x.sink != y.sink)
            return x.sink < y.sink;
        if (x.windowStart != y.windowStart)
            return x.windowStart < y.windowStart;
        if (x.windowEnd != y.windowEnd)
            return x.windowEnd < y.windowEnd;
        if (int c = compareValues(x.key, y.key))
            return c < 0;
        return x.record < y.record;
    });
    return d;
}

std::string diffSummary(const ResultDiff& diff)
{
    std::string s = std::to_string(diff.onlyInA);
    s += " only in A, ";
    s += std::to_string(diff.onlyInB);
    s += " only in B, ";
    s += std::to_string(diff.differ);
    s += diff.differ == 1 ? " differs" : " differ";
    return s;
}

} // namespace streamlab::ui
