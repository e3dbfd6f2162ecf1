#include "runtime/key_groups.h"

#include <algorithm>
#include <climits>

namespace streamlab::runtime {

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

int32_t murmurHash(int32_t code)
{
    uint32_t k = static_cast<uint32_t>(code);
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    k *= 0x1b873593u;
    uint32_t h = k; // seed 0
    h = rotl32(h, 13);
    h = h * 5u + 0xe6546b64u;
    h ^= 4u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    int32_t s = static_cast<int32_t>(h);
    if (s >= 0)
        return s;
    if (s == INT32_MIN)
        return 0;
    return -s;
}

int32_t roundUpToPowerOfTwo(int32_t x)
{
    uint32_t v = static_cast<uint32_t>(x) - 1u;
    v |= v >> 1;
    v |= v >> 2;
    v |= v >> 4;
    v |= v >> 8;
    v |= v >> 16;
    return static_cast<int32_t>(v + 1u);
}

int defaultMaxParallelism(int p)
{
    int x = p + p / 2;
    return std::min(std::max(roundUpToPowerOfTwo(x), 128), kUpperBoundMaxParallelism);
}

KeyGroupRange keyGroupRange(int maxParallelism, int parallelism, int index)
{
    int64_t m = maxParallelism, p = parallelism, i = index;
    KeyGroupRange r;
    r.first = static_cast<int>((i * m + p - 1) / p);
    r.last = static_cast<int>(((i + 1) * m - 1) / p);
    return r;
}

} // namespace streamlab::runtime
