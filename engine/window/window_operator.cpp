#include "window/window_operator.h"

#include "time/duration.h"
#include "window/accumulator.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace streamlab::window {

using model::AssignerType;
using model::NodeKind;
using model::TriggerType;
using runtime::KeySelector;

// Java long arithmetic: wraps on overflow.
static inline int64_t jadd(int64_t a, int64_t b)
{
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
static inline int64_t jsub(int64_t a, int64_t b)
{
    return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

int64_t windowStart(int64_t ts, int64_t offset, int64_t size)
{
    int64_t rem = jsub(ts, offset) % size;
    return rem < 0 ? jsub(ts, jadd(rem, size)) : jsub(ts, rem);
}

namespace {

    // Appends a type-tagged encoding of `v`, so that equal keys give equal bytes.
    void appendKeyBytes(std::string& out, const Value& v)
    {
        out += static_cast<char>('0' + v.index());
        switch (v.index()) {
        case 1:
            out += std::get<bool>(v) ? '1' : '0';
            break;
        case 2: {
            int64_t x = std::get<int64_t>(v);
            out.append(reinterpret_cast<const char*>(&x), 8);
            break;
        }
        case 3: {
            double x = std::get<double>(v);
            out.append(reinterpret_cast<const char*>(&x), 8);
            break;
        }
        case 4: {
            const auto& s = std::get<std::string>(v);
            uint32_t n = static_cast<uint32_t>(s.size());
            out.append(reinterpret_cast<const char*>(&n), 4);
            out += s;
            break;
        }
        case 5: {
            const auto& items = std::get<ListPtr>(v)->items;
            uint32_t n = static_cast<uint32_t>(items.size());
            out.append(reinterpret_cast<const char*>(&n), 4);
            for (const auto& x : items)
                appendKeyBytes(out, x);
            break;
        }
        default:
            break;
        }
    }

    struct ValueHash {
        size_t operator()(const Value& v) const
        {
            switch (v.index()) {
            case 1:
                return absl::HashOf(1, std::get<bool>(v));
            case 2:
                return absl::HashOf(2, std::get<int64_t>(v));
            case 3:
                return absl::HashOf(3, std::get<double>(v));
            case 4:
                return absl::HashOf(4, std::string_view(std::get<std::string>(v)));
            case 5: {
                size_t h = 5;
                for (const auto& x : std::get<ListPtr>(v)->items)
                    h = absl::HashOf(h, (*this)(x));
                return h;
            }
            default:
                return 0;
            }
        }
    };
    struct ValueEq {
        bool operator()(const Value& a, const Value& b) const
        {
            if (a.index() != b.index())
                return false;
            if (a.index() == 5) {
                const auto& x = std::get<ListPtr>(a)->items;
                const auto& y = std::get<ListPtr>(b)->items;
                if (x.size() != y.size())
                    return false;
                for (size_t i = 0; i < x.size(); ++i)
                    if (!(*this)(x[i], y[i]))
                        return false;
                return true;
            }
            if (a.index() == 3) // bitwise, so that NaN keys group together
                return std::memcmp(&std::get<double>(a), &std::get<double>(b), sizeof(double)) == 0;
            return a == b;
        }
    };

    // Dense ids for the keys a subtask has seen.
    class KeyTable {
    public:
        uint32_t idOf(const Value& key)
        {
            auto it = m_ids.find(key);
            if (it != m_ids.end())
                return it->second;
            uint32_t id = static_cast<uint32_t>(m_keys.size());
            m_ids.emplace(key, id);
            m_keys.push_back(key);
            m_keyBytes.push_back(keyBytes(key));
            return id;
        }
        const Value& key(uint32_t id) const { return m_keys[id]; }
        int64_t keyBytes(uint32_t id) const { return m_keyBytes[id]; }

    private:
        static int64_t keyBytes(const Value& v)
        {
            std::string bytes;
            appendKeyBytes(bytes, v);
            return static_cast<int64_t>(bytes.size());
        }
        absl::flat_hash_map<Value, uint32_t, ValueHash, ValueEq> m_ids;
        std::vector<Value> m_keys;
        std::vector<int64_t> m_keyBytes;
    };

    struct Win {
        int64_t start = 0;
        int64_t end = 0;
        bool operator==(const Win& o) const { return start == o.start && end == o.end; }
        bool operator<(const Win& o) const { return start != o.start ? start < o.start : end < o.end; }
    };

    struct Slot {
        uint32_t key;
        Win w;
        bool operator==(const Slot& o) const { return key == o.key && w == o.w; }
        template <typename H>
        friend H AbslHashValue(H h, const Slot& s)
        {
            return H::combine(std::move(h), s.key, s.w.start, s.w.end);
        }
    };

    struct Timer {
        int64_t t;
        uint32_t key;
        Win w;
        bool operator<(const Timer& o) const
        {
            if (t != o.t)
                return t < o.t;
            if (key != o.key)
                return key < o.key;
            return w < o.w;
        }
    };

    // Timers unique per (time, key, window), popped in (time, key, window) order, as Flink's
    // HeapPriorityQueueSet: a binary heap for the order and a hash set for uniqueness, so that
    // registering a timer that exists (every element does so) costs one hash lookup.
    // Deletion is lazy: the set forgets the timer, the heap entry is skipped when it surfaces.
    class TimerQueue {
    public:
        void insert(const Timer& t)
        {
            if (m_set.insert(t).second) {
                m_heap.push_back(t);
                std::push_heap(m_heap.begin(), m_heap.end(), Later {});
            }
        }
        void erase(const Timer& t) { m_set.erase(t); }
        bool empty()
        {
            settle();
            return m_heap.empty();
        }
        // REQUIRES: !empty()
        const Timer& top()
        {
            settle();
            return m_heap.front();
        }
        Timer pop()
        {
            settle();
            Timer t = m_heap.front();
            std::pop_heap(m_heap.begin(), m_heap.end(), Later {});
            m_heap.pop_back();
            m_set.erase(t);
            return t;
        }
        size_t size() const { return m_set.size(); }

    private:
        struct Later {
            bool operator()(const Timer& a, const Timer& b) const { return b < a; }
        };
        struct Hash {
            size_t operator()(const Timer& t) const { return absl::HashOf(t.t, t.key, t.w.start, t.w.end); }
        };
        struct Eq {
            bool operator()(const Timer& a, const Timer& b) const
            {
                return a.t == b.t && a.key == b.key && a.w == b.w;
            }
        };
        void settle()
        {
            while (!m_heap.empty() && !m_set.contains(m_heap.front())) {
                std::pop_heap(m_heap.begin(), m_heap.end(), Later {});
                m_heap.pop_back();
            }
        }
        std::vector<Timer> m_heap;
        absl::flat_hash_set<Timer, Hash, Eq> m_set;
    };

    // Trigger state of a window (the actual window's namespace).
    struct TriggerState {
        int64_t count = 0;                // CountTrigger
        std::optional<int64_t> fireTime;  // ContinuousEventTimeTrigger
        int64_t panes = 0;                // firings so far (the `pane` of the next one)
        bool lateFlushPending = false;    // lateFiring every: a flush timer is registered
    };

    // Contents of a window (the state window's namespace).
    struct Contents {
        Accumulator acc;           // reducing state
        std::vector<Value> list;   // list state: one value per element
        bool present = false;      // false: the state is null (never added, or purged)
    };

    enum class Fire { Continue, Fire };

    class WindowOperator final : public runtime::Operator {
    public:
        WindowOperator(const model::WindowSpec& spec, KeySelector key, Aggregator agg)
            : m_spec(spec)
            , m_key(std::move(key))
            , m_agg(agg)
        {
            m_eventTime = spec.assigner.type != AssignerType::Global;
            m_merging = spec.assigner.type == AssignerType::Session;
            m_lateness = spec.allowedLateness;
        }

        void setAllowedLateness(int64_t ms) override { m_lateness = std::max<int64_t>(0, ms); }

        void processElement(const Record& r) override
        {
            if (!m_ctx.host)
                return;
            uint32_t key = m_keys.idOf(keyOf(r));
            m_windows.clear();
            if (!assign(r.timestamp, m_windows))
                return;
            bool skipped = true;
            if (m_merging) {
                auto& mapping = m_mergingSets[key];
                for (const Win& w : m_windows) {
                    Win actual = addWindow(key, mapping, w);
                    if (!m_ctx.host || m_failed)
                        return;
                    if (isWindowLate(actual)) {
                        mapping.erase(actual);
                        continue;
                    }
                    skipped = false;
                    Win stateWindow = mapping.at(actual);
                    onElementInWindow(key, actual, stateWindow, r);
                }
            } else {
                for (const Win& w : m_windows) {
                    if (isWindowLate(w))
                        continue;
                    skipped = false;
                    onElementInWindow(key, w, w, r);
                }
            }
            if (skipped && isElementLate(r.timestamp)) {
                if (m_spec.lateOutput) {
                    m_ctx.out->emitLate(r);
                } else {
                    ++m_ctx.metrics->lateDropped;
                }
            }
        }

        void processWatermark(int64_t w) override
        {
            m_watermark = w;
            // Fire every timer due, in timestamp order, including those registered meanwhile.
            while (!m_failed && !m_eventTimers.empty() && m_eventTimers.top().t <= w)
                onEventTime(m_eventTimers.pop());
        }

        void onProcessingTime(int64_t now) override
        {
            while (!m_failed && !m_procTimers.empty() && m_procTimers.top().t <= now)
                onProcessingTimer(m_procTimers.pop());
            while (!m_failed && !m_flushTimers.empty() && m_flushTimers.top().t <= now) {
                Timer t = m_flushTimers.pop();
                flushLate(t.key, t.w);
            }
        }

        void updateStateMetrics() override
        {
            int64_t entries = 0, bytes = 0;
            for (const auto& [slot, c] : m_contents) {
                if (!c.present)
                    continue;
                ++entries;
                bytes += m_keys.keyBytes(slot.key) + 16;
                if (m_spec.stateKind == model::StateKind::List) {
                    for (const auto& v : c.list)
                        bytes += Aggregator::valueBytes(v);
                } else {
                    bytes += m_agg.accountedBytes(c.acc);
                }
            }
            for (const auto& [slot, ts] : m_triggers) {
                (void)ts;
                ++entries;
                bytes += m_keys.keyBytes(slot.key) + 16 + 24;
            }
            int64_t timers = static_cast<int64_t>(m_eventTimers.size() + m_procTimers.size() + m_flushTimers.size());
            entries += timers;
            bytes += timers * 32;
            for (const auto& [k, mapping] : m_mergingSets) {
                entries += static_cast<int64_t>(mapping.size());
                bytes += static_cast<int64_t>(mapping.size()) * 32;
            }
            m_ctx.metrics->stateEntries = entries;
            m_ctx.metrics->stateBytes = bytes;
        }

    private:
        const Value& keyOf(const Record& r)
        {
            if (m_key.fields.size() == 1)
                return r.fields[static_cast<size_t>(m_key.fields[0])];
            m_compositeKey = m_key.key(r);
            return m_compositeKey;
        }

        int64_t maxTimestamp(const Win& w) const { return m_eventTime ? w.end - 1 : INT64_MAX; }

        int64_t cleanupTime(const Win& w) const
        {
            if (!m_eventTime)
                return maxTimestamp(w);
            int64_t c = jadd(maxTimestamp(w), m_lateness);
            return c >= maxTimestamp(w) ? c : INT64_MAX;
        }
        bool isWindowLate(const Win& w) const { return m_eventTime && cleanupTime(w) <= m_watermark; }
        bool isElementLate(int64_t ts) const { return m_eventTime && jadd(ts, m_lateness) <= m_watermark; }

        bool assign(int64_t ts, std::vector<Win>& out)
        {
            const auto& a = m_spec.assigner;
            if (a.type == AssignerType::Global) {
                out.push_back({ INT64_MIN, INT64_MAX });
                return true;
            }
            if (ts == INT64_MIN) {
                fail("a record has no timestamp (Long.MIN_VALUE); an event-time window needs the source's timestamp field");
                return false;
            }
            switch (a.type) {
            case AssignerType::Tumbling: {
                int64_t s = windowStart(ts, a.offset % a.size, a.size);
                out.push_back({ s, jadd(s, a.size) });
                break;
            }
            case AssignerType::Sliding: {
                int64_t last = windowStart(ts, a.offset, a.slide);
                for (int64_t s = last; s > jsub(ts, a.size); s = jsub(s, a.slide))
                    out.push_back({ s, jadd(s, a.size) });
                break;
            }
            case AssignerType::Session:
                out.push_back({ ts, jadd(ts, a.gap) });
                break;
            case AssignerType::Global:
                break;
            }
            return true;
        }

        void fail(const std::string& msg)
        {
            m_failed = true;
            m_ctx.host->fail(Status::unsupported(msg));
        }

        // --- contents (window state) ---

        void addToContents(uint32_t key, const Win& stateWindow, const Record& r)
        {
            Contents& c = m_contents[Slot { key, stateWindow }];
            c.present = true;
            if (m_spec.stateKind == model::StateKind::List)
                c.list.push_back(m_agg.elementValue(r));
            else
                m_agg.add(c.acc, r);
        }

        std::optional<Value> contentsResult(uint32_t key, const Win& stateWindow)
        {
            auto it = m_contents.find(Slot { key, stateWindow });
            if (it == m_contents.end() || !it->second.present)
                return std::nullopt;
            if (m_spec.stateKind == model::StateKind::List) {
                Accumulator acc;
                for (const auto& v : it->second.list)
                    m_agg.addValue(acc, v);
                return m_agg.result(acc);
            }
            return m_agg.result(it->second.acc);
        }

        void clearContents(uint32_t key, const Win& stateWindow) { m_contents.erase(Slot { key, stateWindow }); }

        void mergeContents(uint32_t key, const Win& target, const std::vector<Win>& sources)
        {
            for (const Win& s : sources) {
                auto it = m_contents.find(Slot { key, s });
                if (it == m_contents.end())
                    continue;
                Contents from = std::move(it->second);
                m_contents.erase(it);
                if (!from.present)
                    continue;
                Contents& into = m_contents[Slot { key, target }];
                into.present = true;
                if (m_spec.stateKind == model::StateKind::List)
                    into.list.insert(into.list.end(), from.list.begin(), from.list.end());
                else
                    m_agg.merge(into.acc, from.acc);
            }
        }

        // --- timers (unique per key, window and time) ---

        void registerEventTimer(uint32_t key, const Win& w, int64_t t) { m_eventTimers.insert({ t, key, w }); }
        void deleteEventTimer(uint32_t key, const Win& w, int64_t t) { m_eventTimers.erase({ t, key, w }); }
        void registerProcTimer(uint32_t key, const Win& w, int64_t t)
        {
            m_procTimers.insert({ t, key, w });
            m_ctx.host->requestProcessingTime(t);
        }
        void deleteProcTimer(uint32_t key, const Win& w, int64_t t) { m_procTimers.erase({ t, key, w }); }

        void registerCleanupTimer(uint32_t key, const Win& w)
        {
            int64_t c = cleanupTime(w);
            if (c == INT64_MAX)
                return;
            if (m_eventTime)
                registerEventTimer(key, w, c);
            else
                registerProcTimer(key, w, c);
        }
        void deleteCleanupTimer(uint32_t key, const Win& w)
        {
            int64_t c = cleanupTime(w);
            if (c == INT64_MAX)
                return;
            if (m_eventTime)
                deleteEventTimer(key, w, c);
            else
                deleteProcTimer(key, w, c);
        }

        // --- triggers ---

        TriggerState& triggerState(uint32_t key, const Win& w) { return m_triggers[Slot { key, w }]; }

        Fire triggerOnElement(uint32_t key, const Win& w, int64_t ts)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(w);
            switch (t.type) {
            case TriggerType::EventTime:
                if (maxTs <= m_watermark)
                    return Fire::Fire;
                // With no lateness the cleanup timer registered next is this very timer.
                if (!m_eventTime || cleanupTime(w) != maxTs)
                    registerEventTimer(key, w, maxTs);
                return Fire::Continue;
            case TriggerType::ProcessingTime:
                registerProcTimer(key, w, maxTs);
                return Fire::Continue;
            case TriggerType::Count: {
                TriggerState& s = triggerState(key, w);
                s.count += 1;
                if (s.count >= t.count) {
                    s.count = 0;
                    return Fire::Fire;
                }
                return Fire::Continue;
            }
            case TriggerType::ContinuousEventTime: {
                if (maxTs <= m_watermark)
                    return Fire::Fire;
                registerEventTimer(key, w, maxTs);
                TriggerState& s = triggerState(key, w);
                if (!s.fireTime) {
                    // ts - ts % interval (Java remainder), then + interval.
                    int64_t next = jadd(jsub(ts, ts % t.interval), t.interval);
                    s.fireTime = next;
                    registerEventTimer(key, w, next);
                }
                return Fire::Continue;
            }
            case TriggerType::EndOfStream:
                registerEventTimer(key, w, INT64_MAX);
                return Fire::Continue;
            case TriggerType::Never:
                return Fire::Continue;
            }
            return Fire::Continue;
        }

        Fire triggerOnEventTime(uint32_t key, const Win& w, int64_t time)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(w);
            switch (t.type) {
            case TriggerType::EventTime:
                return time == maxTs ? Fire::Fire : Fire::Continue;
            case TriggerType::ContinuousEventTime: {
                if (time == maxTs)
                    return Fire::Fire;
                auto it = m_triggers.find(Slot { key, w });
                if (it != m_triggers.end() && it->second.fireTime && *it->second.fireTime == time) {
                    int64_t next = jadd(time, t.interval);
                    it->second.fireTime = next;
                    registerEventTimer(key, w, next);
                    return Fire::Fire;
                }
                return Fire::Continue;
            }
            case TriggerType::EndOfStream:
                return time == INT64_MAX ? Fire::Fire : Fire::Continue;
            default:
                return Fire::Continue;
            }
        }

        Fire triggerOnProcessingTime(const Win&, int64_t)
        {
            return m_spec.trigger.type == TriggerType::ProcessingTime ? Fire::Fire : Fire::Continue;
        }

        void triggerOnMerge(uint32_t key, const Win& merged, const std::vector<Win>& absorbed)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(merged);
            switch (t.type) {
            case TriggerType::EventTime:
                if (maxTs > m_watermark)
                    registerEventTimer(key, merged, maxTs);
                break;
            case TriggerType::ProcessingTime:
                if (maxTs > m_ctx.host->currentProcessingTime())
                    registerProcTimer(key, merged, maxTs);
                break;
            case TriggerType::Count: {
                int64_t sum = 0;
                for (const Win& a : absorbed) {
                    auto it = m_triggers.find(Slot { key, a });
                    if (it != m_triggers.end())
                        sum += it->second.count;
                }
                triggerState(key, merged).count += sum;
                break;
            }
            case TriggerType::ContinuousEventTime: {
                std::optional<int64_t> min;
                for (const Win& a : absorbed) {
                    auto it = m_triggers.find(Slot { key, a });
                    if (it != m_triggers.end() && it->second.fireTime)
                        min = min ? std::min(*min, *it->second.fireTime) : *it->second.fireTime;
                }
                if (min) {
                    TriggerState& s = triggerState(key, merged);
                    s.fireTime = s.fireTime ? std::min(*s.fireTime, *min) : *min;
                    registerEventTimer(key, merged, *s.fireTime);
                }
                break;
            }
            case TriggerType::EndOfStream:
                registerEventTimer(key, merged, INT64_MAX);
                break;
            case TriggerType::Never:
                break;
            }
            // Panes continue across a merge: the merged window has fired as often as its parts.
            int64_t panes = 0;
            for (const Win& a : absorbed) {
                auto it = m_triggers.find(Slot { key, a });
                if (it != m_triggers.end())
                    panes = std::max(panes, it->second.panes);
            }
            if (panes > 0)
                triggerState(key, merged).panes = std::max(triggerState(key, merged).panes, panes);
        }

        void triggerClear(uint32_t key, const Win& w)
        {
            int64_t maxTs = maxTimestamp(w);
            switch (m_spec.trigger.type) {
            case TriggerType::EventTime:
                deleteEventTimer(key, w, maxTs);
                break;
            case TriggerType::ProcessingTime:
                deleteProcTimer(key, w, maxTs);
                break;
            case TriggerType::ContinuousEventTime: {
                auto it = m_triggers.find(Slot { key, w });
                if (it != m_triggers.end() && it->second.fireTime)
                    deleteEventTimer(key, w, *it->second.fireTime);
                break;
            }
            case TriggerType::EndOfStream:
                deleteEventTimer(key, w, INT64_MAX);
                break;
            default:
                break;
            }
            auto it = m_triggers.find(Slot { key, w });
            if (it != m_triggers.end()) {
                if (it->second.lateFlushPending)
                    m_flushTimers.erase(Timer { m_flushAt.count(Slot { key, w }) ? m_flushAt[Slot { key, w }] : 0, key, w });
                m_flushAt.erase(Slot { key, w });
                m_triggers.erase(it);
            }
        }

        // --- firing ---

        enum class Cause { Element, EventTimer, ProcTimer, LateFlush };

        const char* firingKind(const Win& w, Cause cause, int64_t time) const
        {
            int64_t maxTs = maxTimestamp(w);
            if (cause == Cause::LateFlush)
                return "late";
            if (cause == Cause::EventTimer) {
                if (m_spec.trigger.type == TriggerType::EndOfStream)
                    return "on_time";
                if (time < maxTs)
                    return "early";
                return time == maxTs ? "on_time" : "late";
            }
            if (cause == Cause::ProcTimer && time == maxTs)
                return "on_time";
            return maxTs <= m_watermark ? "late" : "early";
        }

        void emitWindow(uint32_t key, const Win& w, const Value& value, const char* kind)
        {
            TriggerState& s = triggerState(key, w);
            m_out.fields.resize(6);
            m_out.fields[0] = m_keys.key(key);
            if (m_eventTime) {
                m_out.fields[1] = w.start;
                m_out.fields[2] = w.end;
            } else {
                m_out.fields[1] = Value {};
                m_out.fields[2] = Value {};
            }
            m_out.fields[3] = value;
            m_out.fields[4] = std::string(kind);
            m_out.fields[5] = s.panes++;
            m_out.timestamp = maxTimestamp(w);
            auto& f = m_ctx.metrics->firings;
            if (kind[0] == 'o')
                ++f.onTime;
            else if (kind[0] == 'l')
                ++f.late;
            else
                ++f.early;
            m_ctx.out->emit(m_out);
        }

        // Fires the window `w` (state in `stateWindow`); with purging, clears the contents.
        void fire(uint32_t key, const Win& w, const Win& stateWindow, Cause cause, int64_t time)
        {
            auto value = contentsResult(key, stateWindow);
            if (value)
                emitWindow(key, w, *value, firingKind(w, cause, time));
            if (m_spec.trigger.purging)
                clearContents(key, stateWindow);
        }

        void onElementInWindow(uint32_t key, const Win& actual, const Win& stateWindow, const Record& r)
        {
            addToContents(key, stateWindow, r);
            Fire f = triggerOnElement(key, actual, r.timestamp);
            if (f == Fire::Fire) {
                bool lateFire = m_eventTime && maxTimestamp(actual) <= m_watermark;
                if (lateFire && m_spec.lateFiringEvery) {
                    // Beyond Flink: coalesce late firings, at most one per interval of processing time.
                    TriggerState& s = triggerState(key, actual);
                    if (!s.lateFlushPending) {
                        s.lateFlushPending = true;
                        int64_t at = m_ctx.host->currentProcessingTime() + *m_spec.lateFiringEvery;
                        m_flushAt[Slot { key, actual }] = at;
                        m_flushTimers.insert({ at, key, actual });
                        m_ctx.host->requestProcessingTime(at);
                    }
                } else {
                    fire(key, actual, stateWindow, Cause::Element, r.timestamp);
                }
            }
            registerCleanupTimer(key, actual);
        }

        void flushLate(uint32_t key, const Win& w)
        {
            auto it = m_triggers.find(Slot { key, w });
            if (it == m_triggers.end() || !it->second.lateFlushPending)
                return;
            it->second.lateFlushPending = false;
            m_flushAt.erase(Slot { key, w });
            Win stateWindow = w;
            if (m_merging) {
                auto ms = m_mergingSets.find(key);
                if (ms == m_mergingSets.end() || !ms->second.count(w))
                    return;
                stateWindow = ms->second.at(w);
            }
            fire(key, w, stateWindow, Cause::LateFlush, 0);
        }

        std::optional<Win> stateWindowOf(uint32_t key, const Win& w)
        {
            if (!m_merging)
                return w;
            auto ms = m_mergingSets.find(key);
            if (ms == m_mergingSets.end())
                return std::nullopt;
            auto it = ms->second.find(w);
            if (it == ms->second.end())
                return std::nullopt;
            return it->second;
        }

        void onEventTime(const Timer& t)
        {
            auto stateWindow = stateWindowOf(t.key, t.w);
            if (!stateWindow)
                return; // a timer for a window that no longer exists
            bool cleanup = m_eventTime && t.t == cleanupTime(t.w);
            if (cleanup && m_spec.lateFiringEvery)
                flushLate(t.key, t.w); // pending late elements fire before the state goes
            if (triggerOnEventTime(t.key, t.w, t.t) == Fire::Fire)
                fire(t.key, t.w, *stateWindow, Cause::EventTimer, t.t);
            if (cleanup)
                clearAllState(t.key, t.w, *stateWindow);
        }

        void onProcessingTimer(const Timer& t)
        {
            auto stateWindow = stateWindowOf(t.key, t.w);
            if (!stateWindow)
                return;
            if (triggerOnProcessingTime(t.w, t.t) == Fire::Fire)
                fire(t.key, t.w, *stateWindow, Cause::ProcTimer, t.t);
            if (!m_eventTime && t.t == cleanupTime(t.w))
                clearAllState(t.key, t.w, *stateWindow);
        }

        void clearAllState(uint32_t key, const Win& w, const Win& stateWindow)
        {
            clearContents(key, stateWindow);
            triggerClear(key, w);
            if (m_merging) {
                auto ms = m_mergingSets.find(key);
                if (ms != m_mergingSets.end()) {
                    ms->second.erase(w);
                    if (ms->second.empty())
                        m_mergingSets.erase(ms);
                }
            }
        }

        // MergingWindowSet.addWindow with TimeWindow.mergeWindows.
        Win addWindow(uint32_t key, std::map<Win, Win>& mapping, const Win& newWindow)
        {
            std::vector<Win> windows;
            windows.reserve(mapping.size() + 1);
            for (const auto& [w, s] : mapping)
                windows.push_back(w);
            if (!mapping.count(newWindow))
                windows.push_back(newWindow);
            std::sort(windows.begin(), windows.end(), [](const Win& a, const Win& b) { return a.start < b.start; });
            // Sweep: grow a cover while the next window intersects it (touching counts).
            std::vector<std::pair<Win, std::vector<Win>>> groups;
            for (const Win& c : windows) {
                if (!groups.empty() && groups.back().first.start <= c.end && groups.back().first.end >= c.start) {
                    auto& g = groups.back();
                    g.first = { std::min(g.first.start, c.start), std::max(g.first.end, c.end) };
                    g.second.push_back(c);
                } else {
                    groups.push_back({ c, { c } });
                }
            }
            Win result = newWindow;
            bool mergedNewWindow = false;
            bool anyMerge = false;
            for (auto& [mergeResult, merged] : groups) {
                if (merged.size() < 2)
                    continue;
                anyMerge = true;
                auto itNew = std::find(merged.begin(), merged.end(), newWindow);
                if (itNew != merged.end()) {
                    merged.erase(itNew);
                    mergedNewWindow = true;
                    result = mergeResult;
                }
                Win mergedStateWindow = mapping.at(merged.front());
                std::vector<Win> mergedStateWindows;
                for (const Win& m : merged) {
                    auto it = mapping.find(m);
                    if (it != mapping.end()) {
                        mergedStateWindows.push_back(it->second);
                        mapping.erase(it);
                    }
                }
                mapping[mergeResult] = mergedStateWindow;
                mergedStateWindows.erase(
                    std::remove(mergedStateWindows.begin(), mergedStateWindows.end(), mergedStateWindow),
                    mergedStateWindows.end());
                bool onlyItself = merged.size() == 1 && merged.front() == mergeResult;
                if (!onlyItself) {
                    if (m_eventTime && jadd(maxTimestamp(mergeResult), m_lateness) <= m_watermark) {
                        fail("The end timestamp of an event-time window cannot become earlier than the current "
                             "watermark by merging. Current watermark: "
                            + std::to_string(m_watermark) + " window: TimeWindow{start=" + std::to_string(mergeResult.start)
                            + ", end=" + std::to_string(mergeResult.end) + "}");
                        return result;
                    }
                    triggerOnMerge(key, mergeResult, merged);
                    for (const Win& m : merged) {
                        triggerClear(key, m);
                        deleteCleanupTimer(key, m);
                    }
                    mergeContents(key, mergedStateWindow, mergedStateWindows);
                }
            }
            if (!anyMerge || (result == newWindow && !mergedNewWindow))
                mapping[result] = result;
            return result;
        }

        model::WindowSpec m_spec;
        KeySelector m_key;
        Aggregator m_agg;
        bool m_eventTime = true;
        bool m_merging = false;
        bool m_failed = false;
        int64_t m_lateness = 0;
        int64_t m_watermark = INT64_MIN;
        KeyTable m_keys;
        absl::flat_hash_map<Slot, Contents> m_contents;
        absl::flat_hash_map<Slot, TriggerState> m_triggers;
        absl::flat_hash_map<Slot, int64_t> m_flushAt;
        std::map<uint32_t, std::map<Win, Win>> m_mergingSets;
        TimerQueue m_eventTimers;
        TimerQueue m_procTimers;
        TimerQueue m_flushTimers;
        std::vector<Win> m_windows;
        Value m_compositeKey;
        Record m_out;
    };

    // A keyed running aggregate (GROUP BY without a window): an updated result per record.
    class RunningAggregateOperator final : public runtime::Operator {
    public:
        RunningAggregateOperator(KeySelector key, Aggregator agg)
            : m_key(std::move(key))
            , m_agg(agg)
        {
        }
        void processElement(const Record& r) override
        {
            uint32_t key = m_keys.idOf(m_key.key(r));
            if (key >= m_accs.size())
                m_accs.resize(key + 1);
            m_agg.add(m_accs[key], r);
            m_out.fields.resize(2);
            m_out.fields[0] = m_keys.key(key);
            m_out.fields[1] = m_agg.result(m_accs[key]);
            m_out.timestamp = r.timestamp;
            m_ctx.out->emit(m_out);
        }
        void updateStateMetrics() override
        {
            int64_t bytes = 0;
            for (uint32_t k = 0; k < m_accs.size(); ++k)
                bytes += m_keys.keyBytes(k) + m_agg.accountedBytes(m_accs[k]);
            m_ctx.metrics->stateEntries = static_cast<int64_t>(m_accs.size());
            m_ctx.metrics->stateBytes = bytes;
        }

    private:
        KeySelector m_key;
        Aggregator m_agg;
        KeyTable m_keys;
        std::vector<Accumulator> m_accs;
        Record m_out;
    };

    Result<Aggregator> makeAggregator(const model::NodeSpec& node, const model::AggregateSpec& a, const Schema& in)
    {
        if (a.field.empty())
            return Aggregator(a.fn, -1, FieldType::Any);
        int i = in.indexOf(a.field);
        if (i < 0)
            return Status::invalid("node '" + node.id + "', field 'aggregate.field': '" + a.field
                + "' is not in the stream (fields: " + in.names() + ")");
        FieldType t = in.fields[static_cast<size_t>(i)].type;
        bool numeric = t == FieldType::Int || t == FieldType::Long || t == FieldType::Double || t == FieldType::Timestamp
            || t == FieldType::Any;
        if ((a.fn == model::AggregateFn::Sum || a.fn == model::AggregateFn::Avg) && !numeric)
            return Status::invalid("node '" + node.id + "', field 'aggregate.field': '" + a.field + "' is a "
                + std::string(fieldTypeName(t)) + "; sum and avg need a number");
        return Aggregator(a.fn, i, t);
    }

} // namespace

Result<Schema> outputSchema(const model::NodeSpec& node, const Schema& in, const KeySelector& key)
{
    const model::AggregateSpec& a = node.kind == NodeKind::Window ? node.as<model::WindowSpec>().aggregate
                                                                  : node.as<model::RunningAggregateSpec>().aggregate;
    auto agg = makeAggregator(node, a, in);
    if (!agg.ok())
        return agg.status();
    Schema s;
    s.declared = true;
    s.fields.push_back({ "key", key.keyType() });
    if (node.kind == NodeKind::Window) {
        s.fields.push_back({ "window_start", FieldType::Long });
        s.fields.push_back({ "window_end", FieldType::Long });
    }
    s.fields.push_back({ "value", agg->resultType() });
    if (node.kind == NodeKind::Window) {
        s.fields.push_back({ "firing", FieldType::String });
        s.fields.push_back({ "pane", FieldType::Long });
    }
    return s;
}

Result<std::unique_ptr<runtime::Operator>> createKeyedOperator(
    const model::NodeSpec& node, const Schema& in, const KeySelector& key)
{
    if (node.kind == NodeKind::Window) {
        const auto& w = node.as<model::WindowSpec>();
        auto agg = makeAggregator(node, w.aggregate, in);
        if (!agg.ok())
            return agg.status();
        return std::unique_ptr<runtime::Operator>(std::make_unique<WindowOperator>(w, key, *agg));
    }
    const auto& a = node.as<model::RunningAggregateSpec>();
    auto agg = makeAggregator(node, a.aggregate, in);
    if (!agg.ok())
        return agg.status();
    return std::unique_ptr<runtime::Operator>(std::make_unique<RunningAggregateOperator>(key, *agg));
}

} // namespace streamlab::window
