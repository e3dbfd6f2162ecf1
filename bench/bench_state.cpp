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

void endToEnd(benchmark::State& state, const char* backend, const char* kind)
{
    const char* n = std::getenv("STREAMLAB_BENCH_EVENTS");
    int64_t events = n ? std::atoll(n) : 1'000'000;
    auto path = bench::eventsCsv(events, 10000, 2000);
    auto job = model::Job::parse(std::string(R"({"format":"streamlab-job","version":1,
        "config":{"parallelism":1,"stateBackend":")") + backend + R"("},"nodes":[
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

} // namespace

BENCHMARK(BM_UpdateHeapReducing)->Iterations(1'000'000);
BENCHMARK(BM_UpdateHandWrittenRocksGetPut)->Iterations(300'000);
BENCHMARK(BM_UpdateRocksReducing)->Iterations(300'000);
BENCHMARK(BM_UpdateRocksList)->Iterations(300'000);
BENCHMARK(BM_EndToEndHeapReducing)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_EndToEndHeapList)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_EndToEndRocksReducing)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_EndToEndRocksList)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_MAIN();
