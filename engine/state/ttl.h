// TTL checks shared by the backends (Flink's TtlUtils): a value expires once
// lastAccess + ttl <= now, the addition saturating at MAX.
#pragma once

#include "model/spec.h"
#include "time/duration.h"

namespace streamlab::state {

inline bool expired(int64_t lastAccess, const model::TtlSpec& ttl, int64_t now)
{
    return time::saturatingAdd(lastAccess, ttl.ttl) <= now;
}

inline bool hasCleanup(const model::TtlSpec& ttl, const char* strategy)
{
    for (const auto& c : ttl.cleanup)
        if (c == strategy)
            return true;
    return false;
}

// Background cleanup is on by default (Flink >= 1.10) unless strategies are listed: then only those.
inline bool incrementalCleanup(const model::TtlSpec& ttl) { return ttl.cleanup.empty() || hasCleanup(ttl, "incremental"); }
inline bool compactionCleanup(const model::TtlSpec& ttl)
{
    return ttl.cleanup.empty() || hasCleanup(ttl, "rocksdbCompactionFilter");
}

} // namespace streamlab::state
