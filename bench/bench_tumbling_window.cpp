// Issue 3 (and 4): a keyed 1-minute tumbling count+sum over a generated 10-million-event CSV
// (10,000 keys, 2 s out of order), heap state, against a hand-written single-pass scan that
// computes the same windows with the same watermark rule and cadence, in the same run.
// Run: build/bench/bench_tumbling_window  (STREAMLAB_BENCH_EVENTS=N for a smaller file)
#include "bench_data.h"

#include "model/job.h"
#include "model/spec.h"
#include "runtime/simulation.h"

#include <absl/container/flat_hash_map.h>
#include <benchmark/benchmark.h>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace streamlab;

namespace {

constexpr int64_t kWindow = 60'000;
constexpr int64_t kDelay = 2'000;

// The baseline: parse each line, add to count and sum of (key, window), and fire every window
// whose end - 1 the watermark (max ts - delay - 1) has passed. Counts what it fires. Numbers
// with std::from_chars (the goals' baseline since the first version) or with the digit loop
// the CSV reader itself uses since session 5 (the stricter baseline).
template <int64_t (*number)(const char*, const char*)>
void scan(benchmark::State& state)
{
    auto path = bench::eventsCsv(bench::eventCount(), 10000, 2000);
    int64_t events = 0, fired = 0;
    for (auto _ : state) {
        struct Acc {
            int64_t count = 0, sum = 0;
        };
        std::map<int64_t, absl::flat_hash_map<std::string, Acc>> windows;
        int64_t maxTs = INT64_MIN + kDelay + 1;
        events = fired = 0;
        int fd = ::open(path.c_str(), O_RDONLY);
        std::vector<char> buf(1 << 21);
        size_t have = 0;
        bool header = true;
        int64_t checksum = 0;
        auto fireUpTo = [&](int64_t wm) {
            while (!windows.empty() && windows.begin()->first + kWindow - 1 <= wm) {
                for (auto& [k, a] : windows.begin()->second) {
                    checksum += a.count + a.sum;
                    ++fired;
                }
                windows.erase(windows.begin());
            }
        };
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
                    int64_t start = ts - ((ts % kWindow) + kWindow) % kWindow;
                    if (start + kWindow - 1 > maxTs - kDelay - 1) { // not late
                        Acc& a = windows[start][std::string(key)];
                        ++a.count;
                        a.sum += v;
                    }
                    maxTs = std::max(maxTs, ts);
                    // Watermark per 200 events, like a periodic emission.
                    if (++events % 200 == 0)
                        fireUpTo(maxTs - kDelay - 1);
                }
                p = nl + 1;
            }
            have = static_cast<size_t>(end - p);
            std::memmove(buf.data(), p, have);
        }
        ::close(fd);
        fireUpTo(INT64_MAX);
        benchmark::DoNotOptimize(checksum);
    }
    state.SetItemsProcessed(state.iterations() * events);
    state.counters["windows"] = static_cast<double>(fired);
}

// Cache-line aligned: in a pipelined run the downstream thread counts here, while the object
// lives on the stack of the thread that drives the run.
class alignas(64) CountingSink final : public runtime::ResultListener {
public:
    int64_t records = 0;
    void onRecord(const std::string&, int, const Schema&, const Record&) override { ++records; }
};

double cpuSeconds(int who)
{
    rusage u {};
    ::getrusage(who, &u);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

// What the job runs: the whole pipeline, or its first stages only (where the time goes).
enum class Stages { SourceOnly, ThroughKeyBy, Full };

void replay(benchmark::State& state, int parallelism, Stages stages = Stages::Full, bool pipeline = true)
{
    auto path = bench::eventsCsv(bench::eventCount(), 10000, 2000);
    // One window computes count and sum (a list of aggregates: one Flink AggregateFunction, or
    // SQL's COUNT(*), SUM(value) in one GROUP BY). The source replays the file at its own pace,
    // 1 event per ms of event time, so the periodic watermark (200 ms) comes every 200 events,
    // exactly as the scan fires its windows.
    auto job = model::Job::parse(R"({"format":"streamlab-job","version":1,
        "config":{"parallelism":)" + std::to_string(parallelism) + R"(,"autoWatermarkInterval":"200ms"},"nodes":[
        {"id":"src","kind":"source","path":)" + nlohmann::json(path.string()).dump() + R"(,"timestamp":"ts","rate":1000,
         "schema":{"ts":"timestamp","key":"string","value":"long"},
         "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"2s"}},
        {"id":"k","kind":"keyBy","key":["key"]},
        {"id":"perMinute","kind":"window","assigner":{"type":"tumbling","size":"1m"},
         "aggregate":[{"fn":"count"},{"fn":"sum","field":"value"}]},
        {"id":"out","kind":"sink","type":"discard"}],
        "edges":)" + std::string(stages == Stages::SourceOnly ? R"([{"from":"src","to":"out"}])"
            : stages == Stages::ThroughKeyBy ? R"([{"from":"src","to":"k"},{"from":"k","to":"out"}])"
            : R"([{"from":"src","to":"k"},{"from":"k","to":"perMinute"},{"from":"perMinute","to":"out"}])") + "}",
        "bench");
    if (stages != Stages::Full) // the unused nodes out, so that the job has no dangling node
        std::erase_if(job->nodes, [&](const model::Node& n) {
            return n.id() == "perMinute" || (stages == Stages::SourceOnly && n.id() == "k");
        });
    auto compiled = model::compile(*job);
    if (compiled.hasErrors()) {
        state.SkipWithError(model::describeErrors(compiled.problems, "").c_str());
        return;
    }
    const double cores = bench::coreRoundTripNs(); // how far apart the run's two threads may be
    int64_t records = 0;
    double otherCpu = 0; // seconds of CPU of the run's other threads (the window's, when pipelined)
    for (auto _ : state) {
        const double before = cpuSeconds(RUSAGE_SELF) - cpuSeconds(RUSAGE_THREAD);
        CountingSink sink;
        runtime::RunOptions options;
        options.pipeline = pipeline;
        auto sim = runtime::Simulation::create(compiled.spec, options, &sink);
        if (!sim.ok()) {
            state.SkipWithError(sim.status().message().c_str());
            return;
        }
        if (auto st = (*sim)->run(); !st.ok()) {
            state.SkipWithError(st.message().c_str());
            return;
        }
        records = sink.records;
        otherCpu += cpuSeconds(RUSAGE_SELF) - cpuSeconds(RUSAGE_THREAD) - before;
    }
    state.SetItemsProcessed(state.iterations() * bench::eventCount());
    state.counters["other_cpu_ms"] = 1000 * otherCpu / static_cast<double>(state.iterations());
    state.counters["cores_rt_ns"] = cores;
    if (stages == Stages::Full)
        state.counters["windows"] = static_cast<double>(records);
}

void BM_HandWrittenScan(benchmark::State& state) { scan<bench::fromChars>(state); }
void BM_HandWrittenScanDigitLoop(benchmark::State& state) { scan<bench::digitLoop>(state); }

void BM_StreamlabTumbling_p1(benchmark::State& state) { replay(state, 1); }
// Issue 4: the same at parallelism 4, with the keyBy exchanges serializing every record.
void BM_StreamlabTumbling_p4(benchmark::State& state) { replay(state, 4); }

} // namespace

BENCHMARK(BM_HandWrittenScan)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_HandWrittenScanDigitLoop)->Unit(benchmark::kMillisecond)->Iterations(2);
// The same file through the first stages only: the source alone, then with the keyBy exchange.
void BM_Stages_SourceOnly(benchmark::State& state) { replay(state, 1, Stages::SourceOnly); }
void BM_Stages_ThroughKeyBy(benchmark::State& state) { replay(state, 1, Stages::ThroughKeyBy); }
void BM_Stages_ThroughKeyBy_OneThread(benchmark::State& state) { replay(state, 1, Stages::ThroughKeyBy, false); }
void BM_StreamlabTumbling_p1_OneThread(benchmark::State& state) { replay(state, 1, Stages::Full, false); }
BENCHMARK(BM_Stages_SourceOnly)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Stages_ThroughKeyBy)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Stages_ThroughKeyBy_OneThread)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_StreamlabTumbling_p1_OneThread)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_StreamlabTumbling_p1)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_StreamlabTumbling_p4)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_MAIN();
