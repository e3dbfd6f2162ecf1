// Flink's key-group assignment (KeyGroupRangeAssignment, MathUtils.murmurHash): which key
// group a key's hash falls in and which subtask owns it. Pure functions; thread-safe.
#pragma once

#include <cstdint>

namespace streamlab::runtime {

inline constexpr int kUpperBoundMaxParallelism = 1 << 15; // 32768

// MathUtils.murmurHash(int): one Murmur3 block, seed 0, then a non-negative result.
int32_t murmurHash(int32_t code);
// roundUpToPowerOfTwo with 32-bit bit smearing (x = 1 gives 1).
int32_t roundUpToPowerOfTwo(int32_t x);
// The default max parallelism for operator parallelism p: min(max(roundUp(p + p/2), 128), 32768).
int defaultMaxParallelism(int parallelism);
// murmurHash(hashCode) % maxParallelism; a mask when maxParallelism is a power of two, as by
// default (the hash is non-negative): no integer division for every record.
inline int keyGroupForHash(int32_t hashCode, int maxParallelism)
{
    const int32_t h = murmurHash(hashCode);
    return (maxParallelism & (maxParallelism - 1)) == 0 ? h & (maxParallelism - 1) : h % maxParallelism;
}
// keyGroup * parallelism / maxParallelism in 32-bit arithmetic.
inline int subtaskForKeyGroup(int keyGroup, int parallelism, int maxParallelism)
{
    return keyGroup * parallelism / maxParallelism;
}

struct KeyGroupRange {
    int first = 0;
    int last = -1; // inclusive; empty when last < first
    int size() const { return last >= first ? last - first + 1 : 0; }
};
// The key groups owned by subtask `index`: ceil(i*M/p) .. floor(((i+1)*M - 1)/p).
KeyGroupRange keyGroupRange(int maxParallelism, int parallelism, int index);

} // namespace streamlab::runtime
