// Streaming readers of event files (CSV with a header, JSON Lines) for one source node.
// A file of any size is read in fixed-size chunks and never held whole. Each call to next()
// yields one record (typed by the source's schema, declared or inferred from the first lines)
// or one punctuated watermark line ({"@watermark": N}). Bad lines either stop the read with
// "file:line:column: reason" (onError fail) or are counted and skipped (onError skip).
// Not thread-safe; owned by the source that reads it.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "io/line_source.h"
#include "model/spec.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace streamlab::io {

struct Event {
    bool isWatermark = false;
    int64_t watermark = kMinTimestamp;   // for a watermark line
    int partition = -1;                  // for a watermark line: -1 means every partition
    std::optional<int64_t> arrival;      // from the arrival field, when the source has one
    Record record;                       // fields in schema order; record.timestamp set
};

struct BadLines {
    int64_t count = 0;
    std::vector<std::string> firstReasons; // "file:line:column: reason", at most kKeep
    static constexpr size_t kKeep = 10;
};

// Parses epoch milliseconds ("1663927200000") or ISO-8601 ("2022-09-23T10:00:00Z",
// "2022-09-23T10:00:00.123+02:00", "2022-09-23 10:00:00" as UTC).
std::optional<int64_t> parseTimestamp(std::string_view text);

// Cache-line aligned: a reader is written for every record on the engine's thread, while a
// pipelined run's other thread works beside it (see core/cache_line.h).
class alignas(64) EventReader {
public:
    virtual ~EventReader() = default;

    // Opens the source's file and settles its schema (declared, or inferred from the header and
    // the first lines). `nodeId` names the source in messages.
    static Result<std::unique_ptr<EventReader>> open(const model::SourceSpec& spec, const std::string& nodeId);

    const SchemaPtr& schema() const { return m_schema; }
    // Next event; false at the end of the file. A non-ok status is a bad line under onError
    // fail, or an I/O error.
    virtual Result<bool> next(Event& out) = 0;
    const BadLines& badLines() const { return m_bad; }
    // Continues at byte `offset` (a line start, as bytesRead() reported it) with line numbers and
    // bad-line counts as they were there: a checkpoint's source position.
    Status restorePosition(int64_t offset, int64_t line, const BadLines& bad);
    int64_t lineNumber() const { return m_line; }
    int64_t bytesRead() const { return m_bytesRead; }
    // Where the event last returned by next() starts (byte offset, and the line before it):
    // the position to restart at to read that event again.
    int64_t eventOffset() const { return m_eventOffset; }
    int64_t eventLine() const { return m_eventLine; }
    int64_t fileSize() const { return m_fileSize; }

protected:
    EventReader() = default;
    // Records a bad line; returns the status to give back under onError fail, or ok to skip.
    Status badLine(int64_t line, int64_t column, const std::string& reason);

    LineSource m_lines; // the file, read in chunks
    model::SourceSpec m_spec;
    std::string m_nodeId;
    SchemaPtr m_schema;
    int m_tsIndex = -1;      // timestamp field in the schema, or -1
    int m_arrivalIndex = -1; // arrival field in the schema, or -1 (may also be outside it)
    BadLines m_bad;
    int64_t m_line = 0;
    int64_t m_bytesRead = 0;
    int64_t m_fileSize = 0;
    int64_t m_eventOffset = 0;
    int64_t m_eventLine = 0;
};

} // namespace streamlab::io
