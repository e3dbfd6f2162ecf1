// Buffered, chunked reading of a file line by line with line numbers. Lines are views into
// an internal buffer, valid until the next call, followed by at least kPadding readable bytes
// (simdjson's requirement). Memory stays bounded by the longest line. Not thread-safe.
#pragma once

#include "core/cache_line.h"
#include "core/status.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::io {

class LineSource {
public:
    static constexpr size_t kPadding = 64;
    // Read 128 KB at a time: the bytes read stay in the core's L2 cache while they are parsed
    // (1 MB pieces were evicted to memory by a pipelined run's other thread, and parsing took
    // twice as long).
    static constexpr size_t kChunk = 1 << 17;

    LineSource() = default;
    ~LineSource();
    LineSource(const LineSource&) = delete;
    LineSource& operator=(const LineSource&) = delete;

    Status open(const std::filesystem::path& file);
    // The next line without its "\n" or "\r\n"; false at the end of the file.
    Result<bool> next(std::string_view& line);
    int64_t lineNumber() const { return m_line; } // of the line last returned, 1-based
    int64_t bytesConsumed() const { return m_consumed; }
    int64_t lastLineStart() const { return m_lastStart; } // byte offset of the line last returned
    int64_t fileSize() const { return m_size; }
    const std::string& path() const { return m_path; }
    // The bytes currently buffered after the last returned line (for sampling at open).
    std::string_view buffered() const { return { m_buf.data() + m_begin, m_end - m_begin }; }
    // Reads ahead until at least `bytes` are buffered or the file ends.
    Status fill(size_t bytes);
    // Continues reading at byte `offset`, which starts line `lineNumber` + 1 (checkpoint restore).
    Status seek(int64_t offset, int64_t lineNumber);

private:
    Status readMore();

    int m_fd = -1;
    std::string m_path;
    CacheLineVector<char> m_buf; // written for every chunk read (see core/cache_line.h)
    size_t m_begin = 0, m_end = 0;
    bool m_eof = false;
    int64_t m_line = 0;
    int64_t m_consumed = 0;
    int64_t m_lastStart = 0;
    int64_t m_size = 0;
};

} // namespace streamlab::io
