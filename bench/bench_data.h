// Generated event files for the benchmarks, cached under $TMPDIR/streamlab-bench so that a
// second run does not pay for generation. Deterministic content.
#pragma once

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace streamlab::bench {

// A CSV "ts,key,value" of `events` lines: ts about one event per millisecond, up to
// `disorderMs` out of order; `keys` distinct string keys; integer values.
inline std::filesystem::path eventsCsv(int64_t events, int keys, int disorderMs)
{
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path dir = std::filesystem::path(tmp ? tmp : "/tmp") / "streamlab-bench";
    std::filesystem::create_directories(dir);
    auto path = dir / ("events-" + std::to_string(events) + "-" + std::to_string(keys) + "-" + std::to_string(disorderMs) + ".csv");
    if (std::filesystem::exists(path))
        return path;
    auto partial = path;
    partial += ".partial";
    std::FILE* f = std::fopen(partial.c_str(), "wb");
    std::fputs("ts,key,value\n", f);
    std::mt19937_64 rng(42);
    const int64_t base = 1663927200000;
    char line[64];
    for (int64_t i = 0; i < events; ++i) {
        int64_t ts = base + i - static_cast<int64_t>(rng() % static_cast<uint64_t>(disorderMs + 1));
        int n = std::snprintf(line, sizeof line, "%lld,k%llu,%llu\n", static_cast<long long>(ts),
            static_cast<unsigned long long>(rng() % static_cast<uint64_t>(keys)), static_cast<unsigned long long>(rng() % 1000));
        std::fwrite(line, 1, static_cast<size_t>(n), f);
    }
    std::fclose(f);
    std::filesystem::rename(partial, path);
    return path;
}

// The two number parsers of the hand-written baselines, for the generated files' numbers
// (digits only): std::from_chars (the goals' baseline since the first version) and the digit
// loop the CSV reader itself uses (the stricter baseline).
inline int64_t fromChars(const char* p, const char* end)
{
    int64_t v = 0;
    std::from_chars(p, end, v);
    return v;
}
inline int64_t digitLoop(const char* p, const char* end)
{
    int64_t v = 0;
    for (; p != end; ++p)
        v = v * 10 + (*p - '0');
    return v;
}

// How far apart the first two CPUs are right now: nanoseconds for a cache line to go from one
// to the other and back (two threads pinned to CPUs 0 and 1 take turns writing it). On this
// machine's virtual CPUs it is 50-70 ns at times and 330-370 ns at others (the host runs them
// on near or far physical cores), and a pipelined run, whose two threads hand records over
// through memory, feels the difference (bench/README.md). 0 when CPUs 0 and 1 are not both ours.
inline double coreRoundTripNs()
{
    cpu_set_t saved;
    if (pthread_getaffinity_np(pthread_self(), sizeof saved, &saved) != 0 || !CPU_ISSET(0, &saved)
        || !CPU_ISSET(1, &saved))
        return 0; // both threads on one CPU would take turns by time slices
    constexpr long kTrips = 200'000;
    alignas(64) std::atomic<long> turn { 0 };
    auto pin = [](int cpu) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
    };
    std::thread other([&] {
        pin(1);
        for (long i = 0; i < kTrips; ++i) {
            while (turn.load(std::memory_order_acquire) != 2 * i + 1)
                ;
            turn.store(2 * i + 2, std::memory_order_release);
        }
    });
    pin(0);
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < kTrips; ++i) {
        while (turn.load(std::memory_order_acquire) != 2 * i)
            ;
        turn.store(2 * i + 1, std::memory_order_release);
    }
    other.join();
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
    return ns / kTrips;
}

inline int64_t eventCount()
{
    const char* n = std::getenv("STREAMLAB_BENCH_EVENTS");
    return n ? std::atoll(n) : 10'000'000;
}

} // namespace streamlab::bench
