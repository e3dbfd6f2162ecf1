#include "whatif/outcome_observer.h"

#include "core/value_codec.h"
#include "runtime/simulation.h"
#include "window/window_operator.h"

#include <algorithm>

namespace streamlab::whatif {

using model::NodeKind;

Status OutcomeObserver::prepare(const model::JobSpec& spec, const runtime::Simulation& sim)
{
    for (const auto& w : spec.nodes) {
        if (w.kind != NodeKind::Window)
            continue;
        // Walk back: window <- keyBy <- (filter | map)* <- source.
        auto ins = spec.inputsOf(w.id);
        if (ins.size() != 1 || !ins.front()->fromPort.empty())
            continue;
        const model::NodeSpec* keyBy = spec.node(ins.front()->from);
        if (!keyBy || keyBy->kind != NodeKind::KeyBy)
            continue;
        std::vector<const model::NodeSpec*> path;
        const model::NodeSpec* n = keyBy;
        bool ok = true;
        while (true) {
            auto up = spec.inputsOf(n->id);
            if (up.size() != 1 || !up.front()->fromPort.empty()) {
                ok = false;
                break;
            }
            n = spec.node(up.front()->from);
            if (!n || n->kind == NodeKind::Source)
                break;
            if (n->kind != NodeKind::Filter && n->kind != NodeKind::Map) {
                ok = false;
                break;
            }
            path.push_back(n);
        }
        if (!ok || !n)
            continue;
        std::reverse(path.begin(), path.end());
        Tap tap;
        tap.source = n->id;
        tap.window = w.id;
        tap.assigner = w.as<model::WindowSpec>().assigner;
        SchemaPtr in = sim.outputSchema(n->id);
        for (const auto* s : path) {
            if (!in) {
                ok = false;
                break;
            }
            Step step;
            step.kind = s->kind;
            if (s->kind == NodeKind::Filter) {
                auto e = expr::Expression::compile(s->as<model::FilterSpec>().where, *in);
                if (!e.ok())
                    return e.status();
                step.where = *e;
            } else {
                SchemaPtr out = sim.outputSchema(s->id);
                if (!out) {
                    ok = false;
                    break;
                }
                for (const auto& [field, text] : s->as<model::MapSpec>().set) {
                    auto e = expr::Expression::compile(text, *in);
                    if (!e.ok())
                        return e.status();
                    step.set.emplace_back(out->indexOf(field), *e);
                }
                step.outFields = out->fields.size();
            }
            tap.steps.push_back(std::move(step));
            if (s->kind == NodeKind::Map)
                in = sim.outputSchema(s->id);
        }
        if (!ok || !in)
            continue;
        for (const auto& k : keyBy->as<model::KeyBySpec>().key) {
            int i = in->indexOf(k);
            if (i < 0) {
                ok = false;
                break;
            }
            tap.keyFields.push_back(i);
        }
        if (!ok)
            continue;
        m_supported.push_back(w.id);
        m_taps.push_back(std::move(tap));
    }
    return {};
}

void OutcomeObserver::onSourceRecord(
    const std::string& source, int partition, int subtask, int64_t now, const Schema& schema, const Record& r)
{
    (void)partition, (void)subtask, (void)schema;
    for (auto& tap : m_taps) {
        if (tap.source != source)
            continue;
        m_work = r;
        bool pass = true;
        for (const auto& step : tap.steps) {
            if (step.kind == NodeKind::Filter) {
                if (!step.where->test(m_work)) {
                    pass = false;
                    break;
                }
                continue;
            }
            // A map evaluates every expression on its input, then sets the fields (as MapOperator does).
            std::vector<Value> values;
            for (const auto& [index, e] : step.set)
                values.push_back(e.evaluate(m_work));
            m_work.fields.resize(std::max(m_work.fields.size(), step.outFields));
            for (size_t i = 0; i < values.size(); ++i)
                m_work.fields[static_cast<size_t>(step.set[i].first)] = std::move(values[i]);
        }
        if (!pass)
            continue;
        Value key;
        if (tap.keyFields.size() == 1) {
            key = m_work.fields[static_cast<size_t>(tap.keyFields[0])];
        } else {
            std::vector<Value> parts;
            for (int i : tap.keyFields)
                parts.push_back(m_work.fields[static_cast<size_t>(i)]);
            key = makeList(std::move(parts));
        }
        m_bytes.clear();
        encodeValue(m_bytes, key);
        Element e;
        e.arrival = now;
        const auto& a = tap.assigner;
        if (a.type == model::AssignerType::Sliding && a.slide > 0) {
            int n = 0;
            int64_t last = window::windowStart(r.timestamp, a.offset, a.slide);
            for (int64_t st = last; st > r.timestamp - a.size; st -= a.slide)
                ++n;
            e.windows = std::max(1, n);
        }
        m_assignments += e.windows;
        tap.pending[m_bytes].emplace(r.timestamp, e);
    }
}

void OutcomeObserver::onFiring(const std::string& window, int subtask, int64_t now, const Record& result)
{
    (void)subtask;
    if (result.fields.size() < 5)
        return;
    // The firing kind is the last field but one (after one aggregate or a list of them).
    const auto* kind = std::get_if<std::string>(&result.fields[result.fields.size() - 2]);
    if (!kind || *kind != "on_time")
        return;
    for (auto& tap : m_taps) {
        if (tap.window != window)
            continue;
        m_bytes.clear();
        encodeValue(m_bytes, result.fields[0]);
        auto it = tap.pending.find(m_bytes);
        if (it == tap.pending.end())
            return;
        auto& elements = it->second;
        auto first = elements.begin(), last = elements.end();
        const auto* start = std::get_if<int64_t>(&result.fields[1]);
        const auto* end = std::get_if<int64_t>(&result.fields[2]);
        if (start && end) {
            first = elements.lower_bound(*start);
            last = elements.lower_bound(*end);
        }
        int64_t lastArrival = INT64_MIN;
        for (auto e = first; e != last;) {
            ++m_onTime;
            lastArrival = std::max(lastArrival, e->second.arrival);
            if (++e->second.counted >= e->second.windows)
                e = elements.erase(e);
            else
                ++e;
        }
        if (lastArrival != INT64_MIN)
            m_latencies.push_back(now - lastArrival);
        return;
    }
}

} // namespace streamlab::whatif
