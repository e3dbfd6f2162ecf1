// The results diff of two replays, run A and run B (issue 10): the window results only one run
// produced, and those both produced with a different value. Qt-free and pure, so that it can be
// unit-tested and reused headless. Thread-safe: no shared state.
//
// What identifies a result:
// - A window result (a record of a sink whose schema has the window operator's fields key,
//   window_start, window_end, value and firing) is identified by (sink, key, window_start,
//   window_end); window_start and window_end are null for a global window (kMinTimestamp here).
//   A window that fired several times (late or early firings) has one entry: its value is that of
//   its last firing in emission order, and the number of firings of each run is listed. Two runs
//   "differ" on a window when both have it and the last values differ (compareValues != 0); the
//   same last value reached through a different number of firings is not a difference.
// - Any other sink record (a window's late side output, a running aggregate, a filter's output)
//   is identified by (sink, the record's JSON). Such records are compared as multisets: a record
//   only one run emitted is "only in A" / "only in B"; one both emitted a different number of
//   times "differs" (the counts are the firings columns).
// Session windows whose boundaries moved are different windows: each shows as only in its run.
#pragma once

#include "core/value.h"
#include "runtime/replay.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamlab::ui {

// The sink records of one replay in emission order, as a ReplaySnapshot holds them.
// A record that reached a sink, decoded.
struct ResultRow {
    int sink = 0; // index into RunResults::sinks
    int subtask = 0;
    Record record;
};

struct RunResults {
    std::vector<std::string> sinks;
    std::vector<SchemaPtr> schemas; // per sink
    std::vector<ResultRow> rows;
    bool truncated = false; // the replay kept only the first records
};

// The results of a snapshot, decoded (the chunks are flattened).
RunResults resultsOf(const runtime::ReplaySnapshot& snap);

enum class DiffKind { OnlyInA, OnlyInB, Differ };

struct DiffSide {
    bool present = false;
    Value value; // window results: the last firing's value; other records: null
    std::string firing; // the last firing: "on_time", "late", "early"; empty for other records
    int64_t pane = -1; // the last firing's pane, -1 for other records
    int64_t firings = 0; // window results: results of this window; other records: occurrences
    int64_t lateFirings = 0;
};

struct ResultDiffRow {
    DiffKind kind = DiffKind::Differ;
    std::string sink;
    bool windowed = true; // a window result; false: another record (see `record`)
    Value key; // windowed only
    int64_t windowStart = kMinTimestamp; // windowed only; kMinTimestamp: a global window
    int64_t windowEnd = kMinTimestamp;
    std::string record; // not windowed: the record's JSON, its identity
    DiffSide a;
    DiffSide b;
};

struct ResultDiff {
    // Window results first, then other records; each only in A, then only in B, then differing,
    // by sink, window start, window end and key (records by their JSON).
    std::vector<ResultDiffRow> rows;
    int onlyInA = 0;
    int onlyInB = 0;
    int differ = 0;
    int same = 0; // results both runs have with the same value
    int records = 0; // rows that are not window results (late side output, ...)
};

ResultDiff diffResults(const RunResults& a, const RunResults& b);

// "3 only in A, 0 only in B, 5 differ".
std::string diffSummary(const ResultDiff& diff);

} // namespace streamlab::ui
