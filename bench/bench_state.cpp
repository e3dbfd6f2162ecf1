// Issue 5: state backends. Per update: RocksDB reducing state (get, deserialize, reduce,
// serialize, put) against a hand-written program doing the same RocksDB get/put pattern, and
// RocksDB list state (one merge operand, no read); heap for scale. End to end: the keyed
// 1-minute tumbling sum on heap, RocksDB reducing and RocksDB list state, firing included.
// Run: build/bench/bench_state   (STREAMLAB_BENCH_EVENTS=N to size the end-to-end file)
#include "bench_data.h"

#include "core/value_codec.h"
#include "model/job.h"
#include "model/spec.h"
#include "runtime/simulation.h"
#include "state/keyed_state.h"

#include <benchmark/benchmark.h>
#include <filesystem>
#include <random>
#include <rocksdb/db.h>

using namespace streamlab;

namespace {

struct ZeroClock final : state::Clock {
    int64_t now() const override { return 0; }
};
ZeroClock gClock;

constexpr int kKeys = 10000;
constexpr int kWindows = 4;

std::filesystem::path freshDir(const char* name)
{
    std::string leaf = "streamlab-bench-";
    leaf += name;
    leaf += '-';
    leaf += std::to_string(::getpid());
    auto dir = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::remove_all(dir);
    return dir;
}

// The access pattern of a window operator: a random key, one of a few windows, add one value.
template <class Update>
void updates(benchmark::State& state, Update&& update)
{
    std::mt19937 rng(7);
    int64_t n = 0;
    for (auto _ : state) {
        int key = static_cast<int>(rng() % kKeys);
        int win = static_cast<int>(rng() % kWindows);
        update(key, win);
        ++n;
    }
    state.SetItemsProcessed(n);
}

std::vector<Value> keyValues()
{
    std::vector<Value> keys;
    for (int k = 0; k < kKeys; ++k) {
        std::string name = "k";
        name += std::to_string(k);
        keys.push_back(name);
    }
    return keys;
}

void BM_UpdateHeapReducing(benchmark::State& state)
{
    auto b = state::makeHeapBackend(128, &gClock);
    auto s = b->aggregatingState("sum", window::Aggregator(model::AggregateFn::Sum, 0, FieldType::Long), std::nullopt);
    auto keys = keyValues();
    updates(state, [&](int k, int w) {
        b->setCurrentKey(keys[static_cast<size_t>(k)], k % 128);
        s->add({ w * 60000, (w + 1) * 60000 }, int64_t(1));
    });
}

void BM_UpdateRocksReducing(benchmark::State& state)
{
    auto dir = freshDir("reducing");
    auto b = std::move(state::makeRocksDbBackend(dir, 128, &gClock)).value();
    auto s = b->aggregatingState("sum", window::Aggregator(model::AggregateFn::Sum, 0, FieldType::Long), std::nullopt);
    auto keys = keyValues();
    updates(state, [&](int k, int w) {
        b->setCurrentKey(keys[static_cast<size_t>(k)], k % 128);
        s->add({ w * 60000, (w + 1) * 60000 }, int64_t(1));
    });
}

void BM_UpdateRocksList(benchmark::State& state)
{
    auto dir = freshDir("list");
    auto b = std::move(state::makeRocksDbBackend(dir, 128, &gClock)).value();
    auto s = b->listState("elements");
    auto keys = keyValues();
    updates(state, [&](int k, int w) {
        b->setCurrentKey(keys[static_cast<size_t>(k)], k % 128);
        s->add({ w * 60000, (w + 1) * 60000 }, int64_t(1));
    });
}

// The baseline: the same key layout and the same get / decode / add / encode / put, written
// directly against RocksDB with no state abstraction.
void BM_UpdateHandWrittenRocksGetPut(benchmark::State& state)
{
    auto dir = freshDir("handwritten");
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) {
        state.SkipWithError("cannot open RocksDB");
        return;
    }
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* cf = nullptr;
    db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "sum", &cf);
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;
    std::vector<std::string> prefixes;
    for (int k = 0; k < kKeys; ++k) {
        std::string p;
        p += static_cast<char>(0);
        p += static_cast<char>(k % 128);
        std::string name = "k";
        name += std::to_string(k);
        encodeValue(p, Value { name });
        prefixes.push_back(p);
    }
    std::string key, value;
    updates(state, [&](int k, int w) {
        key = prefixes[static_cast<size_t>(k)];
        int64_t ns[2] = { w * 60000, (w + 1) * 60000 };
        key.append(reinterpret_cast<const char*>(ns), sizeof ns);
        int64_t acc[3] = { 0, 0, 0 };
        if (db->Get(rocksdb::ReadOptions(), cf, key, &value).ok() && value.size() >= sizeof acc)
            std::memcpy(acc, value.data(), sizeof acc);
        acc[0] += 1;
        acc[1] += 1;
        value.assign(reinterpret_cast<const char*>(acc), sizeof acc);
        value += '\0';
        db->Put(wo, cf, key, value);
    });
    db->DestroyColumnFamilyHandle(cf);
    db.reset();
    std::filesystem::remove_all(dir);
}

void endToEnd(benchmark::State& state, const char* backend, const char* kind, int cache = 0)
{
    const char* n = std::getenv("STREAMLAB_BENCH_EVENTS");
    int64_t events = n ? std::atoll(n) : 1'000'000;
    auto path = bench::eventsCsv(events, 10000, 2000);
    auto job = model::Job::parse(std::string(R"({"format":"streamlab-job","version":1,
        "config":{"parallelism":1,"stateCache":)") + std::to_string(cache) + R"(,"stateBackend":")" + backend + R"("},"nodes":[
        {"id":"src","kind":"source","path":)" + nlohmann::json(path.string()).dump() + R"(,"timestamp":"ts","rate":1000000,
         "schema":{"ts":"timestamp","key":"string","value":"long"},
         "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"2s"}},
        {"id":"k","kind":"keyBy","key":["key"]},
        {"id":"sum","kind":"window","assigner":{"type":"tumbling","size":"1m"},"stateKind":")" + kind + R"(",
         "aggregate":{"fn":"sum","field":"value"}},
        {"id":"out","kind":"sink","type":"discard"}],
        "edges":[{"from":"src","to":"k"},{"from":"k","to":"sum"},{"from":"sum","to":"out"}]})",
        "bench");
    auto compiled = model::compile(*job);
    for (auto _ : state) {
        auto sim = runtime::Simulation::create(compiled.spec, {}, nullptr);
        if (!sim.ok() || !(*sim)->run().ok()) {
            state.SkipWithError("replay failed");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * events);
}

void BM_EndToEndHeapReducing(benchmark::State& s) { endToEnd(s, "heap", "reducing"); }
void BM_EndToEndHeapList(benchmark::State& s) { endToEnd(s, "heap", "list"); }
void BM_EndToEndRocksReducing(benchmark::State& s) { endToEnd(s, "rocksdb", "reducing"); }
void BM_EndToEndRocksList(benchmark::State& s) { endToEnd(s, "rocksdb", "list"); }
// The named write-back cache (config.stateCache, like SQL mini-batch): 100,000 entries.
void BM_EndToEndRocksReducingCached(benchmark::State& s) { endToEnd(s, "rocksdb", "reducing", 100000); }

// Checkpoint and recovery time against state size: a running count over `keys` distinct keys
// (one state entry each), one checkpoint taken near the end of the input, then a fresh
// simulation restored from it. Reports checkpoint bytes, checkpoint ms and recovery ms.
void checkpointRecovery(benchmark::State& state, const char* backend)
{
    int64_t keys = state.range(0);
    auto dir = freshDir("ckpt-events");
    std::filesystem::create_directories(dir);
    auto csv = dir / "unique.csv";
    {
        std::FILE* f = std::fopen(csv.c_str(), "wb");
        std::fputs("ts,key,value\n", f);
        for (int64_t i = 0; i < keys; ++i)
            std::fprintf(f, "%lld,key-%lld,1\n", static_cast<long long>(1663927200000 + i), static_cast<long long>(i));
        std::fclose(f);
    }
    // keys events at 10,000/s: event i arrives at i/10 ms; one checkpoint just before the end.
    int64_t interval = std::max<int64_t>(1, (keys - 1) / 10 - 1);
    auto job = model::Job::parse(std::string(R"({"format":"streamlab-job","version":1,
        "config":{"parallelism":1,"stateBackend":")") + backend + R"(","checkpoints":{"interval":)" + std::to_string(interval) + R"(}},
        "nodes":[{"id":"src","kind":"source","path":)" + nlohmann::json(csv.string()).dump() + R"(,"timestamp":"ts","rate":10000,
         "schema":{"ts":"timestamp","key":"string","value":"long"}},
        {"id":"k","kind":"keyBy","key":["key"]},
        {"id":"count","kind":"aggregate","aggregate":{"fn":"count"}},
        {"id":"out","kind":"sink","type":"discard"}],
        "edges":[{"from":"src","to":"k"},{"from":"k","to":"count"},{"from":"count","to":"out"}]})",
        "bench");
    auto compiled = model::compile(*job);
    double ckptMs = 0, recoveryMs = 0, bytes = 0;
    for (auto _ : state) {
        auto ckDir = dir / "checkpoints";
        std::filesystem::remove_all(ckDir);
        runtime::RunOptions opt;
        opt.checkpointDir = ckDir;
        auto sim = runtime::Simulation::create(compiled.spec, opt, nullptr);
        if (!sim.ok() || !(*sim)->run().ok()) {
            state.SkipWithError("replay failed");
            return;
        }
        auto m = (*sim)->snapshot().checkpoints;
        ckptMs = static_cast<double>(m.lastDurationNs) / 1e6;
        bytes = static_cast<double>(m.lastBytes);
        runtime::RunOptions resume;
        resume.resumeDir = ckDir;
        auto again = runtime::Simulation::create(compiled.spec, resume, nullptr);
        if (!again.ok()) {
            state.SkipWithError(again.status().message().c_str());
            return;
        }
        recoveryMs = static_cast<double>((*again)->snapshot().checkpoints.recoveryNs) / 1e6;
    }
    state.counters["checkpoint_MB"] = bytes / 1e6;
    state.counters["checkpoint_ms"] = ckptMs;
    state.counters["recovery_ms"] = recoveryMs;
    std::filesystem::remove_all(dir);
}
void BM_CheckpointHeap(benchmark::State& s) { checkpointRecovery(s, "heap"); }
void BM_CheckpointRocksDb(benchmark::State& s) { checkpointRecovery(s, "rocksdb"); }

} // namespace

BENCHMARK(BM_UpdateHeapReducing)->Iterations(1'000'000);
BENCHMARK(BM_UpdateHandWrittenRocksGetPut)->Iterations(300'000);
BENCHMARK(BM_UpdateRocksReducing)->Iterations(300'000);
BENCHMARK(BM_UpdateRocksList)->Iterations(300'000);
BENCHMARK(BM_EndToEndHeapReducing)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_EndToEndHeapList)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_EndToEndRocksReducing)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_EndToEndRocksList)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_EndToEndRocksReducingCached)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_CheckpointHeap)->Unit(benchmark::kMillisecond)->Iterations(1)->Arg(10000)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_CheckpointRocksDb)->Unit(benchmark::kMillisecond)->Iterations(1)->Arg(10000)->Arg(100000)->Arg(1000000);
BENCHMARK_MAIN();
