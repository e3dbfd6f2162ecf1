// Watermark generation of one source subtask, exactly as Flink's FLIP-27 SourceOperator does it:
// one generator per split (partition) — BoundedOutOfOrdernessWatermarks (maxTs - d - 1),
// AscendingTimestampsWatermarks, punctuated (watermark lines), none — each optionally wrapped
// in WatermarksWithIdleness; split watermarks combined by CombinedWatermarkStatus (minimum over
// non-idle splits); the subtask's output guarded by WatermarkToDataOutput (strictly increasing,
// idle/active statuses). Time is the virtual processing-time clock, injected by the caller.
// Not thread-safe; owned by one source subtask.
#pragma once

#include "core/cache_line.h"
#include "core/value_codec.h"
#include "model/spec.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace streamlab::time {

// Cache-line aligned, with its splits too: it is written for every record on the engine's
// thread, while a pipelined run's other thread works beside it (see core/cache_line.h).
class alignas(64) SourceWatermarks {
public:
    // What the subtask's output does after a call: at most one status change and one watermark.
    struct Emission {
        std::optional<bool> status;      // true: became IDLE; false: became ACTIVE (sent before the watermark)
        std::optional<int64_t> watermark;
    };

    SourceWatermarks(const model::WatermarkSpec& spec, int splits);

    // A record of `split` with event time `ts` (kMinTimestamp: none). Punctuated and
    // periodic generators emit nothing here; activity resets the idleness countdown.
    void onRecord(int split, int64_t ts);
    // A watermark line for `split` (punctuated strategy): emitted at once (Flink's onEvent).
    Emission onWatermarkLine(int split, int64_t watermark);
    // A periodic tick at processing time `now` (every autoWatermarkInterval).
    Emission onPeriodicEmit(int64_t now);
    // REQUIRES: called right after onPeriodicEmit. The earliest processing time at which another
    // periodic emit could change anything if no record or watermark line comes first: when an
    // active split's idle timeout runs out; INT64_MAX when no tick before the next input can.
    int64_t quietUntil() const;
    // End of input (after one last onPeriodicEmit): the MAX watermark.
    Emission emitMaxWatermark();
    // No split assigned: the subtask is idle from the start.
    Emission markIdleWithoutSplits();

    int64_t currentWatermark() const { return m_maxEmitted; }
    bool idle() const { return m_outputIdle; }
    int64_t splitWatermark(int split) const { return m_splits[static_cast<size_t>(split)].wm; }
    bool splitIdle(int split) const { return m_splits[static_cast<size_t>(split)].idle; }
    int splits() const { return static_cast<int>(m_splits.size()); }
    // Change of the out-of-orderness bound while running (GUI): affects future emissions only;
    // the output never goes backwards.
    void setMaxOutOfOrderness(int64_t d);
    // Checkpoint: the generators' and the output's state.
    void save(std::string& out) const;
    bool load(ByteReader& in);

private:
    struct Split {
        int64_t maxTs;               // bounded generator state
        int64_t wm = INT64_MIN;      // partial watermark (CombinedWatermarkStatus)
        bool idle = false;           // partial idle flag
        int64_t activity = 0;        // IdlenessTimer
        int64_t lastActivity = 0;
        std::optional<int64_t> inactiveSince;
    };
    void emitSplit(Split& s, int64_t w);
    void periodicSplit(Split& s, int64_t now);
    Emission updateCombined();
    void emitOutput(int64_t w, Emission& e);

    model::WatermarkSpec m_spec;
    CacheLineVector<Split> m_splits;
    int64_t m_combined = INT64_MIN;
    int64_t m_maxEmitted = INT64_MIN;
    bool m_outputIdle = false;
};

} // namespace streamlab::time
