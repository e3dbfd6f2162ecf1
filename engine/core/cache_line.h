// Memory that shares no cache line with anything else: for data that one thread of a pipelined
// run writes for every record, while the other thread works on whatever the allocator placed
// beside it (a line written on one core and read on the other moves between them each time).
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace streamlab {

inline constexpr std::size_t kCacheLine = 64;

// An allocator of whole, aligned cache lines.
template <class T>
struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U>&) noexcept
    {
    }
    T* allocate(std::size_t n)
    {
        const std::size_t bytes = (n * sizeof(T) + kCacheLine - 1) / kCacheLine * kCacheLine;
        return static_cast<T*>(::operator new(bytes, std::align_val_t(kCacheLine)));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(kCacheLine)); }
    template <class U>
    bool operator==(const CacheLineAllocator<U>&) const noexcept
    {
        return true;
    }
};

template <class T>
using CacheLineVector = std::vector<T, CacheLineAllocator<T>>;

} // namespace streamlab
