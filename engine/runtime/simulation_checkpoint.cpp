#include "runtime/simulation_engine.h"

#include "core/value_codec.h"

#include <chrono>
#include <cstdlib>
#include <fstream>

namespace streamlab::runtime::sim {

namespace {


struct CkOut {
    std::string b;
    void i(int64_t v) { encodeValue(b, Value { v }); }
    void str(const std::string& v) { encodeValue(b, Value { v }); }
    void bytes(const std::string& v)
    {
        putVarint(b, v.size());
        b += v;
    }
};
struct CkIn {
    ByteReader r;
    int64_t i() { return r.int64(); }
    std::string str()
    {
        Value v = r.value();
        if (auto* x = std::get_if<std::string>(&v))
            return *x;
        r.ok = false;
        return {};
    }
    std::string_view bytes() { return r.bytes(r.varint()); }
};

void saveMetrics(CkOut& o, const metrics::SubtaskMetrics& m)
{
    for (int64_t v : { m.recordsIn, m.recordsOut, m.lateDropped, m.lateSideOutput, m.firings.onTime, m.firings.late,
             m.firings.early, m.stateEntries, m.stateBytes, m.watermark, int64_t(m.idle), m.bytesSerialized, m.busyNs })
        o.i(v);
}
void loadMetrics(CkIn& in, metrics::SubtaskMetrics& m)
{
    for (int64_t* v : { &m.recordsIn, &m.recordsOut, &m.lateDropped, &m.lateSideOutput, &m.firings.onTime,
             &m.firings.late, &m.firings.early, &m.stateEntries, &m.stateBytes, &m.watermark })
        *v = in.i();
    m.idle = in.i() != 0;
    m.bytesSerialized = in.i();
    m.busyNs = in.i();
}

std::string jobSignature(const Engine& E)
{
    std::string sig = "streamlab-checkpoint-1";
    for (const auto& t : E.tasks)
        sig += "|" + t->node->id + "#" + std::to_string(t->subtask);
    return sig;
}

} // namespace

Status Engine::checkpoint()
{
    auto t0 = std::chrono::steady_clock::now();
    int64_t id = ++checkpointId;
    std::filesystem::path dir = checkpointDir / ("chk-" + std::to_string(id));
    std::filesystem::path tmp = dir;
    tmp += ".inprogress";
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
    std::filesystem::create_directories(tmp, ec);
    if (ec)
        return Status::ioError(tmp.string() + ": cannot create (" + ec.message() + ")");
    CkOut o;
    o.str(jobSignature(*this));
    o.i(id);
    o.i(now);
    o.i(events);
    o.i(static_cast<int64_t>(seq));
    o.i(clockStart);
    // The timer queue: periodic watermark ticks, processing-time timers, checkpoints.
    auto copy = timers;
    std::map<const Task*, int64_t> index;
    for (size_t i = 0; i < tasks.size(); ++i)
        index[tasks[i].get()] = static_cast<int64_t>(i);
    std::vector<Timer> live;
    for (; !copy.empty(); copy.pop())
        if (copy.top().sourceIndex < 0 || !copy.top().task || copy.top().time == copy.top().task->nextTick)
            live.push_back(copy.top()); // stale ticks are left out
    o.i(static_cast<int64_t>(live.size()));
    for (const Timer& tm : live) {
        o.i(tm.time);
        o.i(static_cast<int64_t>(tm.seq));
        o.i(tm.task ? index[tm.task] : -1);
        o.i(tm.sourceIndex);
    }
    for (const auto& src : sources) {
        o.i(src.records);
        o.i(src.watermarkLines);
        o.i(src.lastArrival);
        o.i(src.done);
        // Restart at the peeked event: bad lines before it are counted already.
        o.i(src.hasNext ? src.reader->eventOffset() : src.reader->bytesRead());
        o.i(src.hasNext ? src.reader->eventLine() : src.reader->lineNumber());
        o.i(src.reader->badLines().count);
        const auto& reasons = src.reader->badLines().firstReasons;
        o.i(static_cast<int64_t>(reasons.size()));
        for (const auto& r : reasons)
            o.str(r);
    }
    for (size_t i = 0; i < tasks.size(); ++i) {
        Task& t = *tasks[i];
        saveMetrics(o, t.metrics);
        std::string v;
        t.valve.save(v);
        o.bytes(v);
        o.i(static_cast<int64_t>(t.pendingTimers.size()));
        for (int64_t p : t.pendingTimers)
            o.i(p);
        for (auto* gates : { &t.main, &t.late })
            for (const Gate& g : *gates)
                o.i(static_cast<int64_t>(g.next));
        std::string w;
        if (t.watermarks)
            t.watermarks->save(w);
        o.bytes(w);
        std::string ops;
        if (t.op)
            t.op->snapshotState(ops);
        o.bytes(ops);
        std::string st;
        if (t.backend) {
            auto sub = tmp / ("task-" + std::to_string(i));
            std::filesystem::create_directories(sub, ec);
            STREAMLAB_RETURN_IF_ERROR(t.backend->snapshot(st, sub));
        }
        o.bytes(st);
    }
    for (const auto& x : exchanges) {
        o.i(x.records);
        o.i(x.bytes);
        o.i(x.serializeNs);
    }
    for (const auto& [op, counts] : keyGroupRecords) {
        o.str(op);
        o.i(static_cast<int64_t>(counts.size()));
        for (int64_t c : counts)
            o.i(c);
    }
    // File sinks: stage what is pending before the checkpoint is complete.
    for (const auto& sinkId : fileSinkOrder) {
        int64_t before = 0, after = 0;
        STREAMLAB_RETURN_IF_ERROR(fileSinks[sinkId]->stage(id, before, after));
        o.str(sinkId);
        o.i(before);
        o.i(after);
    }
    STREAMLAB_RETURN_IF_ERROR(model::writeFileAtomically(tmp / "state.bin", o.b));
    nlohmann::ordered_json meta = { { "format", "streamlab-checkpoint" }, { "version", 1 }, { "id", id },
        { "processingTime", now }, { "eventsReplayed", events } };
    STREAMLAB_RETURN_IF_ERROR(model::writeFileAtomically(tmp / "_metadata", meta.dump(2) + "\n"));
    // Complete: the folder gets its final name in one rename.
    std::filesystem::remove_all(dir, ec);
    std::filesystem::rename(tmp, dir, ec);
    if (ec)
        return Status::ioError(dir.string() + ": cannot complete the checkpoint (" + ec.message() + ")");
    for (const auto& sinkId : fileSinkOrder)
        STREAMLAB_RETURN_IF_ERROR(fileSinks[sinkId]->commit(id).withPrefix("file sink '" + sinkId + "': "));
    // Keep the latest complete checkpoints.
    if (id > retainedCheckpoints)
        std::filesystem::remove_all(checkpointDir / ("chk-" + std::to_string(id - retainedCheckpoints)), ec);
    int64_t size = 0;
    for (auto& f : std::filesystem::recursive_directory_iterator(dir, ec))
        if (f.is_regular_file(ec))
            size += static_cast<int64_t>(f.file_size(ec));
    auto& m = checkpointMetrics;
    ++m.completed;
    m.lastId = id;
    m.lastBytes = size;
    m.lastDurationNs = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    m.totalDurationNs += m.lastDurationNs;
    return {};
}

// The latest complete checkpoint (chk-N with a _metadata file) in `dir`.
static std::optional<std::pair<int64_t, std::filesystem::path>> latestCheckpoint(const std::filesystem::path& dir)
{
    std::optional<std::pair<int64_t, std::filesystem::path>> best;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("chk-", 0) != 0 || !std::filesystem::exists(e.path() / "_metadata", ec))
            continue;
        char* end = nullptr;
        long long id = std::strtoll(name.c_str() + 4, &end, 10);
        if (*end != '\0')
            continue;
        if (!best || id > best->first)
            best = std::make_pair(static_cast<int64_t>(id), e.path());
    }
    return best;
}

Status Engine::restore(const std::filesystem::path& resumeDir)
{
    auto t0 = std::chrono::steady_clock::now();
    auto latest = latestCheckpoint(resumeDir);
    if (!latest)
        return Status::notFound(resumeDir.string() + ": no complete checkpoint to resume from");
    // Named, not a structured binding: the lambdas below capture them (clang 14 refuses that).
    const auto id = latest->first;
    const std::filesystem::path dir = latest->second;
    std::string bytes;
    {
        std::ifstream f(dir / "state.bin", std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        bytes = ss.str();
    }
    auto corrupt = [&](const std::string& what) {
        return Status::invalid(dir.string() + ": " + what);
    };
    CkIn in { ByteReader { bytes } };
    if (in.str() != jobSignature(*this))
        return corrupt("the checkpoint belongs to another job (or other parallelism); it cannot be resumed here");
    checkpointId = in.i();
    now = in.i();
    events = in.i();
    seq = static_cast<uint64_t>(in.i());
    clockStart = in.i();
    timers = {};
    int64_t nTimers = in.i();
    for (int64_t k = 0; k < nTimers && in.r.ok; ++k) {
        Timer tm;
        tm.time = in.i();
        tm.seq = static_cast<uint64_t>(in.i());
        int64_t ti = in.i();
        tm.task = ti >= 0 && ti < static_cast<int64_t>(tasks.size()) ? tasks[static_cast<size_t>(ti)].get() : nullptr;
        tm.sourceIndex = static_cast<int>(in.i());
        if (tm.sourceIndex >= 0 && tm.task)
            tm.task->nextTick = tm.time;
        timers.push(tm);
    }
    for (auto& src : sources) {
        src.records = in.i();
        src.nextRoundRobin = static_cast<int>(src.records % src.spec.partitionCount);
        src.watermarkLines = in.i();
        src.lastArrival = in.i();
        src.done = in.i() != 0;
        int64_t offset = in.i();
        int64_t line = in.i();
        io::BadLines bad;
        bad.count = in.i();
        int64_t nReasons = in.i();
        for (int64_t k = 0; k < nReasons && in.r.ok; ++k)
            bad.firstReasons.push_back(in.str());
        if (!in.r.ok)
            return corrupt("state.bin is corrupt");
        STREAMLAB_RETURN_IF_ERROR(src.reader->restorePosition(offset, line, bad));
        if (src.done) {
            src.hasNext = false;
        } else {
            STREAMLAB_RETURN_IF_ERROR(fetch(src));
        }
    }
    for (size_t i = 0; i < tasks.size() && in.r.ok; ++i) {
        Task& t = *tasks[i];
        loadMetrics(in, t.metrics);
        {
            ByteReader vr { in.bytes() };
            if (!t.valve.load(vr))
                return corrupt("task " + std::to_string(i) + ": the valve state does not match");
        }
        t.pendingTimers.clear();
        int64_t np = in.i();
        for (int64_t k = 0; k < np; ++k)
            t.pendingTimers.insert(in.i());
        for (auto* gates : { &t.main, &t.late })
            for (Gate& g : *gates)
                g.next = static_cast<size_t>(in.i());
        {
            ByteReader wr { in.bytes() };
            if (t.watermarks && !t.watermarks->load(wr))
                return corrupt("task " + std::to_string(i) + ": the watermark state does not match");
        }
        {
            ByteReader orr { in.bytes() };
            if (t.op && !t.op->restoreState(orr))
                return corrupt("task " + std::to_string(i) + ": the operator state does not match");
        }
        {
            ByteReader sr { in.bytes() };
            if (t.backend)
                STREAMLAB_RETURN_IF_ERROR(t.backend->restore(sr, dir / ("task-" + std::to_string(i))));
        }
    }
    for (auto& x : exchanges) {
        x.records = in.i();
        x.bytes = in.i();
        x.serializeNs = in.i();
    }
    for (size_t k = 0; k < keyGroupRecords.size() && in.r.ok; ++k) {
        std::string op = in.str();
        int64_t n = in.i();
        auto& counts = keyGroupRecords[op];
        counts.assign(static_cast<size_t>(std::max<int64_t>(n, 0)), 0);
        for (auto& c : counts)
            c = in.i();
    }
    for (size_t k = 0; k < fileSinkOrder.size() && in.r.ok; ++k) {
        std::string sinkId = in.str();
        int64_t before = in.i(), after = in.i();
        auto it = fileSinks.find(sinkId);
        if (it == fileSinks.end())
            return corrupt("file sink '" + sinkId + "' is not in this job");
        STREAMLAB_RETURN_IF_ERROR(it->second->restore(id, before, after));
    }
    if (!in.r.ok)
        return corrupt("state.bin is corrupt");
    started = true;
    resumed = true;
    checkpointMetrics.restoredFrom = id;
    checkpointMetrics.lastId = id;
    checkpointMetrics.recoveryNs
        = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    return {};
}

} // namespace streamlab::runtime::sim
