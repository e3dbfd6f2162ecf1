// Keyed operators over windows and running aggregates, exactly as Flink's WindowOperator:
// assigners (tumbling, sliding, session with MergingWindowSet, global), triggers (eventTime,
// processingTime, count, continuousEventTime, endOfStream, never; optionally purging),
// allowed lateness, the late side output, numLateRecordsDropped, cleanup timers, and the
// `lateFiring: {"every": d}` policy beyond Flink. One instance per subtask; not thread-safe.
#pragma once

#include "core/status.h"
#include "model/spec.h"
#include "runtime/key_selector.h"
#include "runtime/operator.h"

#include <memory>
#include <utility>

namespace streamlab::window {

// The schema of a window's results (key, window_start, window_end, value, firing, pane) or of a
// running aggregate's (key, value); a list of aggregates has a field per aggregate in place of
// value. Fails when the aggregated field is missing or not numeric.
Result<Schema> outputSchema(const model::NodeSpec& node, const Schema& in, const runtime::KeySelector& key);

// The fields of a window result's schema that hold the aggregates' values, [first, last):
// `value`, or the fields of a list between window_end and firing. {-1, -1} for another schema.
std::pair<int, int> valueFields(const Schema& result);

// A window or running-aggregate operator for one subtask; its state goes to the backend of its
// OperatorContext. `idleStateRetention` (the job's) is the TTL of a running aggregate without one.
Result<std::unique_ptr<runtime::Operator>> createKeyedOperator(const model::NodeSpec& node, const Schema& in,
    const runtime::KeySelector& key, std::optional<int64_t> idleStateRetention = std::nullopt);

// Bounds that no sensible job reaches, past which a replay would not end or would fill the disk;
// a run that reaches one stops with a message naming the node and the figure (and the doctor warns
// of it statically, lint rule "endless-firings" / "sliding-window-fanout").
// - A continuousEventTime trigger fires a window once per interval that the watermark passes; at
//   the end of input the watermark jumps to Long.MAX_VALUE, and on a global window (or a 1-day
//   window with a 1 ms interval) that is billions of firings for each key, which Flink spins
//   through. A day of 1-second intervals is 86,400.
inline constexpr int64_t kMaxFiringsOfAWindowAtOnce = 100'000;
// - A sliding window puts each element into size / slide windows (Flink copies it into each one's
//   state); a day with a 1 ms slide is 86.4 million. A day with a 10 s slide is 8,640.
inline constexpr int64_t kMaxWindowsPerElement = 10'000;

// How many windows of a sliding assigner hold each element (at most; ceil(size / slide)).
int64_t slidingWindowsPerElement(int64_t size, int64_t slide);

// Flink's TimeWindow.getWindowStartWithOffset (FLINK-26334 floor alignment), Java arithmetic.
int64_t windowStart(int64_t ts, int64_t offset, int64_t size);

} // namespace streamlab::window
