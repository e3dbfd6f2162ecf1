// Issue 2: replaying a generated 10-million-event CSV (ts, key, value) through
// source -> sink, next to a bare parse of the same file in the same run.
// Run: build/bench/bench_csv_replay  (STREAMLAB_BENCH_EVENTS=N for a smaller file)
#include "bench_data.h"

#include "model/job.h"
#include "model/spec.h"
#include "runtime/simulation.h"

#include <benchmark/benchmark.h>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

using namespace streamlab;

namespace {

// The baseline: read the file in 1 MiB chunks, split lines and fields, convert the numbers,
// with std::from_chars (the goal's baseline since the first version) or with the digit loop
// the reader itself uses since session 5 (the stricter baseline).
template <int64_t (*number)(const char*, const char*)>
void bareParse(benchmark::State& state)
{
    auto path = bench::eventsCsv(bench::eventCount(), 10000, 2000);
    int64_t lines = 0;
    for (auto _ : state) {
        int fd = ::open(path.c_str(), O_RDONLY);
        std::vector<char> buf(1 << 21);
        size_t have = 0;
        int64_t sum = 0;
        lines = 0;
        bool header = true;
        for (;;) {
            ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
            if (n <= 0)
                break;
            have += static_cast<size_t>(n);
            char* p = buf.data();
            char* end = buf.data() + have;
            for (;;) {
                char* nl = static_cast<char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
                if (!nl)
                    break;
                if (header) {
                    header = false;
                } else {
                    char* c1 = static_cast<char*>(std::memchr(p, ',', static_cast<size_t>(nl - p)));
                    char* c2 = static_cast<char*>(std::memchr(c1 + 1, ',', static_cast<size_t>(nl - c1 - 1)));
                    const int64_t ts = number(p, c1), v = number(c2 + 1, nl);
                    std::string_view key(c1 + 1, static_cast<size_t>(c2 - c1 - 1));
                    sum += ts + v + static_cast<int64_t>(key.size());
                    ++lines;
                }
                p = nl + 1;
            }
            have = static_cast<size_t>(end - p);
            std::memmove(buf.data(), p, have);
        }
        ::close(fd);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * lines);
}

class CountingSink final : public runtime::ResultListener {
public:
    int64_t records = 0;
    void onRecord(const std::string&, int, const Schema&, const Record&) override { ++records; }
};

void BM_ReplaySourceToSink(benchmark::State& state)
{
    auto path = bench::eventsCsv(bench::eventCount(), 10000, 2000);
    auto job = model::Job::parse(R"({"format":"streamlab-job","version":1,"nodes":[
        {"id":"src","kind":"source","path":")" + path.string() + R"(","timestamp":"ts",
         "schema":{"ts":"timestamp","key":"string","value":"long"},
         "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"2s"}},
        {"id":"out","kind":"sink"}],"edges":[{"from":"src","to":"out"}]})",
        "bench");
    auto compiled = model::compile(*job);
    int64_t records = 0;
    for (auto _ : state) {
        CountingSink sink;
        auto sim = runtime::Simulation::create(compiled.spec, {}, &sink);
        if (!sim.ok() || !(*sim)->run().ok()) {
            state.SkipWithError("replay failed");
            return;
        }
        records = sink.records;
    }
    state.SetItemsProcessed(state.iterations() * records);
}

void BM_BareParse(benchmark::State& state) { bareParse<bench::fromChars>(state); }
void BM_BareParseDigitLoop(benchmark::State& state) { bareParse<bench::digitLoop>(state); }

} // namespace

BENCHMARK(BM_BareParse)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_BareParseDigitLoop)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ReplaySourceToSink)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_MAIN();
