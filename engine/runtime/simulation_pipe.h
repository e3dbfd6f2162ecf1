// The pipelined run's hand-over (see Pipe): what one thread of the replay works with (Lane),
// the chunks of messages the engine's thread fills and the downstream thread reads. Part of the
// simulation's inside (simulation_engine.h); the delivery of the messages is in simulation.cpp,
// on the record path.
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "metrics/metrics.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace streamlab::runtime::sim {

struct Task;
struct Gate;
class Engine;

// Sampled timing: one source record in 64 is timed through the whole pipeline, one in 1024
// after the first 65,536 (a clock read costs about 25 ns here, a timed record several, and
// a long run has samples enough).
constexpr int kSample = 64;
constexpr int kSampleLater = 1024;
constexpr int64_t kSampleLaterFrom = 65536;
// The sampling period of the `events`-th source record, a power of two; 0: not timed.
inline int64_t samplePeriod(int64_t events)
{
    const int64_t period = events < kSampleLaterFrom ? kSample : kSampleLater;
    return (events & (period - 1)) == 0 ? period : 0;
}

// What one thread of the replay works with: the timing of the record in flight, the
// processing time, the exchange buffers and where a failure goes. The engine's thread has

struct Lane {
    Lane() = default;
    Lane(const int64_t* clock, Status* failed)
        : now(clock)
        , failure(failed)
    {
    }
    bool timing = false;
    int64_t scale = kSample;
    int64_t childNs = 0; // time of downstream work inside the timed section
    const int64_t* now = nullptr;
    Status* failure = nullptr;
    int64_t event = -1; // the source record being processed (Observer; TimerHost::currentEvent)
    std::string wire;  // bytes of the record crossing an exchange
    Record received;   // what the receiving side deserializes into
};

// A pipelined run (Simulation::run, when the job allows it): the subtasks downstream of the
// sources' network exchanges run on a second thread, as Flink runs each task in a thread of
// its own. The engine's thread appends what crosses those exchanges (serialized records,
// watermarks, idleness), each with the processing time it was sent at, to chunks, in the
// order in which the single-threaded replay delivers it; the downstream thread delivers the
// messages in that order. Nothing else reaches the downstream subtasks while it runs (no
// processing-time timers, observer, metrics series or checkpoints), so the results, their
// order and every counter are the same as on one thread.
struct Chunk {
    // Messages, one after the other (see Pipe), written straight into the buffer: a string
    // append per field cost the engine's thread a third of its time per record.
    std::unique_ptr<char[]> data;
    size_t size = 0;
    size_t capacity = 0;

    std::string_view view() const { return { data.get(), size }; }
    // Where `n` more bytes go at the end.
    char* room(size_t n)
    {
        if (size + n > capacity) {
            const size_t grown = std::max(size + n, capacity * 2);
            auto bigger = std::make_unique_for_overwrite<char[]>(grown);
            if (size > 0)
                std::memcpy(bigger.get(), data.get(), size);
            data = std::move(bigger);
            capacity = grown;
        }
        return data.get() + size;
    }
};

// Copies a chunk's bytes to where the other core will read them, with streaming stores:
// they reach memory without first taking the lines from the core that read them last. On
// this machine's virtual CPUs a line moves between the two cores in 25-30 ns at times and in
// 170-180 ns at others (whichever physical cores the host runs them on); with ordinary stores
// the engine's thread then waited for every line it wrote (a pipelined run 1.4-1.5x slower).
inline void streamCopy(char* to, const char* from, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const size_t head = std::min(n, (16 - reinterpret_cast<uintptr_t>(to) % 16) % 16); // aligned stores
    std::memcpy(to, from, head);
    for (i = head; i + 16 <= n; i += 16)
        _mm_stream_si128(reinterpret_cast<__m128i*>(to + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
    _mm_sfence(); // the streaming stores are visible before the chunk is handed over
#endif
    std::memcpy(to + i, from + i, n - i);
}

class Pipe {
public:
    // A message: a byte of kind (and for a timed record, a flag and its sampling period's
    // logarithm, see begin()), the target subtask's index, the processing time as a zig-zag
    // varint difference from the previous message's, then per kind: a record's gate index,
    // (when the run has an observer, the index of the source record it came from,) its
    // length (4 bytes) and bytes; a watermark's channel and value; an idleness change's
    // channel; a mark nothing (it answers the oldest of `marks`). About 30 bytes for a
    // record of three fields: the two threads share few cache lines per record.
    enum Kind : uint8_t { Record, Watermark, Idle, Active, Mark };
    static constexpr size_t kBytes = 8 * 1024; // per chunk
    // Chunks waiting at most: 1 MB, a few milliseconds of the engine's thread. When a
    // watermark passes the end of a tumbling window, the downstream thread fires every key's
    // window at once (10,000 firings, about 10 ms); with 16 chunks the engine's thread waited
    // through each burst and the downstream one then waited for it (a thousand times in 10
    // million events), where 128 let both keep going: 1.35-1.47 s against 1.49-2.00 s.
    static constexpr size_t kDepth = 128;
    static constexpr size_t kWake = kDepth / 2;

    Pipe(int64_t start, size_t exchanges)
        : now(start)
        , deserializeNs(exchanges, 0)
        , m_sentNow(start)
    {
        lane.now = &now;
        lane.failure = &failure;
    }
    ~Pipe() { finish(); }

    // Numbers for the subtasks and gates that messages name, before start().
    std::vector<Task*> targets;
    std::vector<const Gate*> gates;

    // The engine's thread: begin() starts a message in the stage (m_stage), with room
    // for `body` more bytes, and returns where they go; end() takes where they ended and
    // hands the chunk over once it is full. `timedScale`: the sampling period (a power of
    // two) of a timed record, else 0.
    char* begin(Kind kind, int64_t timedScale, int target, int64_t at, size_t body)
    {
        assert(timedScale == 0 || std::has_single_bit(static_cast<uint64_t>(timedScale)));
        char* p = m_stage->room(1 + 2 * kMaxVarint + body);
        *p++ = static_cast<char>(kind | (timedScale > 0 ? 8 | std::countr_zero(static_cast<uint64_t>(timedScale)) << 4 : 0));
        p = putVarint(p, static_cast<uint64_t>(target));
        p = putVarint(p, zigzag(at - m_sentNow));
        m_sentNow = at;
        return p;
    }
    void end(const char* p)
    {
        m_stage->size = static_cast<size_t>(p - m_stage->data.get());
        if (m_stage->size >= kBytes)
            send();
    }
    static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
    static int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

    void send()
    {
        if (m_stage->size == 0)
            return;
        std::unique_lock lock(m_mutex);
        if (m_full.size() == kDepth) {
            m_senderWaits = true;
            m_sender.wait(lock, [&] { return m_full.size() <= kWake; });
            m_senderWaits = false;
        }
        std::unique_ptr<Chunk> out;
        if (m_spare.empty()) {
            out = newChunk();
        } else {
            out = std::move(m_spare.back());
            m_spare.pop_back();
        }
        lock.unlock();
        out->size = 0;
        streamCopy(out->room(m_stage->size), m_stage->data.get(), m_stage->size);
        out->size = m_stage->size;
        m_stage->size = 0;
        lock.lock();
        m_full.push_back(std::move(out));
        const bool wake = m_receiverWaits && m_full.size() >= kWake;
        lock.unlock();
        if (wake)
            m_receiver.notify_one();
    }
    // Hands over the rest and waits until the downstream thread has delivered everything.
    void finish()
    {
        if (!m_thread.joinable())
            return;
        send();
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_receiver.notify_one();
        m_thread.join();
    }
    void start()
    {
        m_thread = std::thread([this] { deliverAll(); });
    }

    // Snapshots asked for while the pipe runs (Simulation::snapshotLater): the engine's
    // thread fills in its subtasks and sends a mark; the downstream thread, reaching the
    // mark, fills in its own and answers. Under m_mutex.
    struct MarkRequest {
        metrics::MetricsSnapshot snap;
        bool refreshState = false;
        std::function<void(metrics::MetricsSnapshot)> done;
    };
    void sendMark(MarkRequest request)
    {
        {
            std::lock_guard lock(m_mutex);
            m_marks.push_back(std::move(request));
        }
        char* p = begin(Mark, 0, 0, m_sentNow, 0);
        end(p);
    }
    // After the downstream thread has stopped: the marks it did not reach (after a failure).
    std::deque<MarkRequest> unansweredMarks()
    {
        std::lock_guard lock(m_mutex);
        return std::move(m_marks);
    }
    Engine* engine = nullptr;
    bool carryEvents = false; // record messages carry their source record's index (observer)
    std::vector<char> downstreamExchange; // per exchange: its senders run downstream

    // The downstream thread's, on cache lines of their own: the engine's thread writes next
    // to them on every record.
    alignas(64) std::atomic<bool> failed { false };
    alignas(64) Lane lane;
    int64_t now;
    Status failure;
    std::vector<int64_t> deserializeNs; // per exchange, timed on the downstream thread

private:
    void deliverAll();
    void deliver(const Chunk& c);
    void answerMark();
    std::deque<MarkRequest> m_marks;
    static std::unique_ptr<Chunk> newChunk()
    {
        auto c = std::make_unique<Chunk>();
        c->room(kBytes + 4096); // a message or two beyond kBytes
        return c;
    }
    // Messages are written here, on the engine's thread only, and copied to a chunk of the
    // pipe when it is full (see streamCopy): its lines stay in this core's cache.
    alignas(64) std::unique_ptr<Chunk> m_stage = newChunk();
    int64_t m_sentNow; // the processing time of the last message begun
    // Each side sleeps only when it must (the sender on a full pipe, the receiver on an
    // empty one) and is woken only once half the pipe is there again: a wake-up crosses
    // cores, and on a virtual machine costs tens of microseconds.
    alignas(64) std::mutex m_mutex;
    std::condition_variable m_sender, m_receiver;
    bool m_senderWaits = false, m_receiverWaits = false;
    std::deque<std::unique_ptr<Chunk>> m_full;
    std::vector<std::unique_ptr<Chunk>> m_spare;
    bool m_closed = false;
    std::thread m_thread;
};


} // namespace streamlab::runtime::sim
