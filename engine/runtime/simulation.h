// The simulation (runtime::Simulation): a deterministic discrete-event replay of a job over a
// virtual processing-time clock. Sources read their event files, generate watermarks per
// partition, and every operator runs as `parallelism` subtasks connected by exchanges that
// partition as Flink does. Same job and files give the same results and counters.
// Not thread-safe: drive it from one thread; take snapshots from that thread. (run() may use a
// second thread of its own inside, see RunOptions::pipeline.)
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "metrics/metrics.h"
#include "model/spec.h"
#include "runtime/operator.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace streamlab::runtime {

// Receives what reaches the sinks, in emission order.
class ResultListener {
public:
    virtual ~ResultListener() = default;
    virtual void onRecord(const std::string& sink, int subtask, const Schema& schema, const Record& r) = 0;
    // The sink subtask's input watermark advanced (the last one is MAX at the end of input).
    virtual void onSinkWatermark(const std::string& sink, int subtask, int64_t watermark)
    {
        (void)sink;
        (void)subtask;
        (void)watermark;
    }
};

struct RunOptions {
    // Event file per source node id, replacing the job's `path`.
    std::map<std::string, std::filesystem::path> events;
    // A metrics snapshot every `seriesInterval` ms of processing time (and one at the end),
    // handed to `onSeries` on the simulation's thread. 0: none.
    int64_t seriesInterval = 0;
    // Where RocksDB state lives (one instance per keyed subtask); kept after the run when set.
    // Default: a temporary directory removed at the end.
    std::filesystem::path stateDir;
    // Checkpoints every config.checkpoints.interval of processing time go to `checkpointDir`
    // (chk-N folders; the two latest kept). `resumeDir`: continue from its latest complete one.
    std::filesystem::path checkpointDir;
    std::filesystem::path resumeDir;
    int retainedCheckpoints = 2; // Flink's state.checkpoints.num-retained
    // Fine-grained events for live views (may be null; must outlive the simulation).
    Observer* observer = nullptr;
    std::function<void(const metrics::MetricsSnapshot&)> onSeries;
    // Asked by run() every few thousand records (from the simulation's thread); once it says
    // true, run() stops and fails with an Aborted status. For replays a person can cancel.
    std::function<bool()> stopRequested;
    // run() may run the subtasks downstream of the sources' exchanges on a second thread, as
    // Flink runs tasks in threads of their own: the same results in the same order and the same
    // counters, sooner on two cores. Only when nothing else needs the replay's one clock: no
    // observer, metrics series, checkpoints, sink chained to a source, or processing-time timers.
    bool pipeline = true;
    // advance() may run those subtasks on a second thread too, with an observer and a listener
    // (for a live replay at full speed): their calls for the subtasks downstream of the sources'
    // exchanges then come on that thread, in the order of a one-thread replay. step(),
    // snapshot() and setAllowedLateness() first settle() (back to one thread);
    // snapshotLater() does not wait. Default: false.
    bool pipelineReplay = false;
};

class Simulation {
public:
    ~Simulation();
    // Opens the sources, settles schemas, compiles expressions and wires the subtasks.
    // Errors name the node (and file, line) concerned.
    static Result<std::unique_ptr<Simulation>> create(
        const model::JobSpec& spec, const RunOptions& options, ResultListener* listener);

    // Runs to the end of every source.
    Status run();
    // One step: the next record or the next due timer. False once the replay is complete.
    Result<bool> step();
    // Like up to `maxRecords` calls of step() (the same results in the same order), cheaper:
    // for a loop that needs no control after every event. With RunOptions::pipelineReplay the
    // subtasks downstream of the sources may go on running on a second thread after it returns.
    Result<bool> advance(int64_t maxRecords);
    // Waits until a pipelined advance()'s second thread has delivered everything and runs every
    // subtask on this thread again: the observer and listener have heard everything read so far.
    // A failure there is returned by the next step. No-op when not pipelined.
    void settle();
    bool finished() const;
    // Whether the last run() ran the subtasks downstream of the sources on a second thread
    // (RunOptions::pipeline).
    bool pipelined() const;
    // 2 while a pipelined advance()'s second thread runs (until settle() or the end), else 1.
    int threads() const;

    int64_t processingTime() const;
    // The processing time of the next step (the next record's arrival or the next timer), for
    // pacing a replay to wall time; nullopt before the first step and once complete.
    std::optional<int64_t> nextTime() const;
    int64_t eventsReplayed() const;
    // Bytes of the event files read so far and in all.
    std::pair<int64_t, int64_t> progress() const;
    // `refreshState` false keeps each subtask's state entries and bytes at their last measure:
    // measuring walks the heap state (or asks RocksDB and writes back its cache), too much for a
    // GUI that publishes 30 times a second.
    // Settles a pipelined advance() first (see settle()).
    metrics::MetricsSnapshot snapshot(bool refreshState = true) const;
    // The same snapshot without waiting: every subtask as at this point of the replay. Handed
    // to `done` at once when on one thread; in a pipelined advance(), once the second thread
    // has got there, on that thread (or on this one when it settles first). Every request is
    // answered, in order.
    void snapshotLater(bool refreshState, std::function<void(metrics::MetricsSnapshot)> done);
    // The schema flowing out of a node (after its map, window, ...).
    SchemaPtr outputSchema(const std::string& nodeId) const;

    // Live changes while replaying (the GUI's sliders). Watermarks never go backwards: a larger
    // delay only holds the next ones back. False when the node is not a source / window.
    bool setMaxOutOfOrderness(const std::string& source, int64_t ms);
    bool setAllowedLateness(const std::string& window, int64_t ms);

private:
    Simulation();
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace streamlab::runtime
