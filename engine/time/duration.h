// Durations of the job file: integer milliseconds or text like "250ms", "5s", "1m", "2h", "1d".
// Pure functions; thread-safe.
#pragma once

#include "core/status.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace streamlab::time {

// Parses "250ms", "5s", "1m", "2h", "1d", "1.5s" or a plain integer count of milliseconds
// ("1000"). A leading '-' is accepted so that validation can name a negative value.
// Sub-millisecond parts are dropped, as Duration.toMillis() drops them.
Result<int64_t> parseDuration(std::string_view text);

// The shortest exact text: 60000 -> "1m", 1500 -> "1500ms", 0 -> "0ms".
std::string formatDuration(int64_t ms);

// Saturating addition on the event-time axis (Flink's cleanup time saturates at MAX).
inline int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

} // namespace streamlab::time
