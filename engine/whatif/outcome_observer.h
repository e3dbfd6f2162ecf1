// whatif::OutcomeObserver: watches one replay and works out, per window operator, which events
// were counted in on-time results and how long each window's on-time result came after its last
// on-time element. It replays the path from the source to the window (filters, maps, the keyBy's
// key, the assigner) on each source record, and matches on-time firings by key and window.
// Supported: a window fed by one source through filters, maps and one keyBy; tumbling, sliding,
// session and global assigners. One per replay; not thread-safe (the simulation's thread).
#pragma once

#include "core/status.h"
#include "expr/expression.h"
#include "model/spec.h"
#include "runtime/operator.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace streamlab::runtime {
class Simulation;
}

namespace streamlab::whatif {

class OutcomeObserver final : public runtime::Observer {
public:
    // Prepares the taps of every supported window of `spec`, with the schemas of `sim`
    // (created, not yet run). Windows it cannot follow are left out (see supportedWindows()).
    Status prepare(const model::JobSpec& spec, const runtime::Simulation& sim);

    void onSourceRecord(const std::string& source, int partition, int subtask, int64_t now,
        const Schema& schema, const Record& r) override;
    void onFiring(const std::string& window, int subtask, int64_t now, const Record& result) override;

    const std::vector<std::string>& supportedWindows() const { return m_supported; }
    // (element, window) assignments seen, and those counted in an on-time result.
    int64_t assignments() const { return m_assignments; }
    int64_t onTimeAssignments() const { return m_onTime; }
    // Per window with an on-time result: its firing's processing time minus the arrival of its last
    // on-time element, ms.
    const std::vector<int64_t>& latencies() const { return m_latencies; }

private:
    struct Step {
        model::NodeKind kind;
        std::optional<expr::Expression> where; // filter
        std::vector<std::pair<int, expr::Expression>> set; // map: target index, expression
        size_t outFields = 0; // map: fields after it
    };
    struct Element {
        int64_t arrival = 0;
        int windows = 1;
        int counted = 0;
    };
    struct Tap {
        std::string source;
        std::string window;
        std::vector<Step> steps;
        std::vector<int> keyFields; // in the record after the steps
        model::AssignerSpec assigner;
        // Per encoded key: elements by timestamp.
        std::unordered_map<std::string, std::multimap<int64_t, Element>> pending;
    };

    std::vector<Tap> m_taps;
    std::vector<std::string> m_supported;
    int64_t m_assignments = 0;
    int64_t m_onTime = 0;
    std::vector<int64_t> m_latencies;
    std::string m_bytes;
    Record m_work;
};

} // namespace streamlab::whatif
