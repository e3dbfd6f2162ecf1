// Generated event files for the benchmarks, cached under $TMPDIR/streamlab-bench so that a
// second run does not pay for generation. Deterministic content.
#pragma once

#include <charconv>
#include <cstdint>
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

inline int64_t eventCount()
{
    const char* n = std::getenv("STREAMLAB_BENCH_EVENTS");
    return n ? std::atoll(n) : 10'000'000;
}

} // namespace streamlab::bench
