// The operator interface of the simulation: one instance per subtask, driven by its task with
// records, combined input watermarks and processing-time callbacks. Operators emit through
// Output and fail the run through OperatorContext::fail (no exceptions, no Status per record).
// Not thread-safe: a simulation runs on one thread.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "metrics/metrics.h"

namespace streamlab::state {
class KeyedStateBackend;
}

#include <string>

namespace streamlab::runtime {

class Output {
public:
    virtual ~Output() = default;
    virtual void collect(const Record& r) = 0;     // main output (not `emit`: Qt defines that as a macro)
    virtual void collectLate(const Record& r) = 0; // a window's late side output (port "late")
};

// What the GUI's live views watch, beyond sink records. Called on the simulation's thread, or,
// in a replay pipelined on two threads (RunOptions::pipelineReplay), for the subtasks downstream
// of the sources' exchanges on the second thread, in the order of a one-thread replay; every
// call is optional (an Observer may ignore any of them). See Simulation's RunOptions.
class Observer {
public:
    virtual ~Observer() = default;
    // A record read from a source partition, at processing time `now`, before any operator.
    virtual void onSourceRecord(const std::string& source, int partition, int subtask, int64_t now,
        const Schema& schema, const Record& r)
    {
        (void)source, (void)partition, (void)subtask, (void)now, (void)schema, (void)r;
    }
    // A source split's or subtask's output watermark, or an operator subtask's input watermark,
    // advanced (split = -1 for the subtask itself).
    virtual void onWatermark(const std::string& node, int subtask, int split, int64_t now, int64_t watermark)
    {
        (void)node, (void)subtask, (void)split, (void)now, (void)watermark;
    }
    // A source split or subtask output (split = -1), or an operator's input, became idle or active.
    virtual void onIdle(const std::string& node, int subtask, int split, int64_t now, bool idle)
    {
        (void)node, (void)subtask, (void)split, (void)now, (void)idle;
    }
    // A window dropped (sideOutput false) or side-output a late element. `event`: the 0-based
    // index of the source record it came from, among all records the replay read (-1: unknown).
    virtual void onLate(const std::string& window, int subtask, int64_t now, int64_t event, const Record& r,
        bool sideOutput)
    {
        (void)window, (void)subtask, (void)now, (void)event, (void)r, (void)sideOutput;
    }
    // A window took an element that was late for some of its windows (one of them already
    // complete at the window's input watermark) but within the allowed lateness of another, or
    // of that one: it was counted, and a perElement late firing may follow.
    virtual void onLateCounted(const std::string& window, int subtask, int64_t now, int64_t event)
    {
        (void)window, (void)subtask, (void)now, (void)event;
    }
    // A window fired: `result` is the result record: key, window_start, window_end, the value (or,
    // for a list of aggregates, one field per aggregate), firing, pane; firing and pane are last.
    virtual void onFiring(const std::string& window, int subtask, int64_t now, const Record& result)
    {
        (void)window, (void)subtask, (void)now, (void)result;
    }
};

class TimerHost {
public:
    virtual ~TimerHost() = default;
    virtual int64_t currentProcessingTime() const = 0;
    // Calls the operator's onProcessingTime(t) once the virtual clock reaches t (duplicates merge).
    virtual void requestProcessingTime(int64_t t) = 0;
    // Stops the run with `s` (the message names the node).
    virtual void fail(Status s) = 0;
    // The 0-based index, among all records the replay read, of the source record being
    // processed (for the observer; -1 when unknown).
    virtual int64_t currentEvent() const { return -1; }
};

struct OperatorContext {
    std::string nodeId;
    int subtask = 0;
    int parallelism = 1;
    int maxParallelism = 128;
    SchemaPtr inSchema;
    SchemaPtr outSchema;
    Output* out = nullptr;
    TimerHost* host = nullptr;
    metrics::SubtaskMetrics* metrics = nullptr;
    Observer* observer = nullptr; // may be null
    // Keyed operators: the subtask's state backend (heap or RocksDB), owned by the task.
    state::KeyedStateBackend* state = nullptr;
    std::string stateBackendName;
};

// Cache-line aligned: in a pipelined run, subtasks live on two threads, and an operator is
// written for every record it processes.
class alignas(64) Operator {
public:
    virtual ~Operator() = default;
    virtual void open(const OperatorContext& ctx) { m_ctx = ctx; }
    virtual void processElement(const Record& r) = 0;
    // The combined input watermark advanced to `w`: fire what is due. The task forwards `w`
    // downstream after this returns.
    virtual void processWatermark(int64_t w) { (void)w; }
    virtual void onProcessingTime(int64_t t) { (void)t; }
    // Refreshes stateEntries / stateBytes in the metrics.
    virtual void updateStateMetrics() { }
    // Live change of allowed lateness (GUI); operators without lateness ignore it.
    virtual void setAllowedLateness(int64_t ms) { (void)ms; }
    // Checkpoint: the operator's own fields (keyed state is in the backend, snapshotted apart).
    virtual void snapshotState(std::string& out) const { (void)out; }
    virtual bool restoreState(ByteReader& in)
    {
        (void)in;
        return true;
    }

protected:
    OperatorContext m_ctx;
};

} // namespace streamlab::runtime
