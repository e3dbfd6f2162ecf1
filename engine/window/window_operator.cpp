#include "window/window_operator.h"

#include "core/cache_line.h"
#include "time/duration.h"
#include "window/accumulator.h"
#include "state/keyed_state.h"
#include "runtime/key_groups.h"

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

int64_t slidingWindowsPerElement(int64_t size, int64_t slide)
{
    if (size <= 0 || slide <= 0)
        return 0;
    return size / slide + (size % slide != 0 ? 1 : 0);
}

int64_t windowStart(int64_t ts, int64_t offset, int64_t size)
{
    int64_t rem = jsub(ts, offset) % size;
    return rem < 0 ? jsub(ts, jadd(rem, size)) : jsub(ts, rem);
}

namespace {

    using Win = state::Namespace;
    // An element's windows: one, or size / slide. A vector kept across elements: its push_back
    // stays inline, where absl::InlinedVector's was a call per element. Reserved when the
    // operator is made, on the engine's thread, and written for every element on the window's:
    // on cache lines of its own.
    using Windows = CacheLineVector<Win>;
    using state::kVoidNamespace;

    enum class Fire { Continue, Fire };

    // The state of the i-th aggregate of a list: the first keeps the name it has with one
    // aggregate (so that checkpoints of one-aggregate jobs stay as they were).
    std::string partStateName(const char* base, size_t i)
    {
        std::string name = base;
        if (i > 0) {
            name += "-";
            name += std::to_string(i);
        }
        return name;
    }

    Value winValue(const Win& w) { return makeList({ Value { w.start }, Value { w.end } }); }
    Win valueWin(const Value& v)
    {
        const auto& items = std::get<ListPtr>(v)->items;
        return { std::get<int64_t>(items[0]), std::get<int64_t>(items[1]) };
    }
    std::optional<int64_t> asLong(const std::optional<Value>& v)
    {
        if (!v)
            return std::nullopt;
        if (auto* i = std::get_if<int64_t>(&*v))
            return *i;
        return std::nullopt;
    }

    // Flink's WindowOperator. All its state — window contents, trigger state, the merging
    // window set, timers — lives in the subtask's keyed state backend, scoped by the current
    // key and the window as namespace, so that the heap or RocksDB choice is real.
    class WindowOperator final : public runtime::Operator {
    public:
        WindowOperator(const model::WindowSpec& spec, KeySelector key, std::vector<Aggregator> aggs)
            : m_spec(spec)
            , m_key(std::move(key))
            , m_aggs(std::move(aggs))
        {
            m_eventTime = spec.assigner.type != AssignerType::Global;
            if (spec.assigner.type == AssignerType::Sliding)
                m_windowsPerElement = slidingWindowsPerElement(spec.assigner.size, spec.assigner.slide);
            m_merging = spec.assigner.type == AssignerType::Session;
            m_lateness = spec.allowedLateness;
            m_windows.reserve(4);
            // An element that finds its window's contents already there registers no timers under
            // the event-time trigger: the element that created them registered the same ones
            // (the trigger's at maxTimestamp, the cleanup at maxTimestamp + lateness), and they
            // stay until the window's state is cleared with its contents. Flink registers them
            // again and its timer service drops the duplicates; the firings are the same, this
            // only saves a look-up per element. Off for merging windows, other triggers and after
            // a live change of the lateness.
            m_timersFollowContents = m_eventTime && !m_merging && spec.trigger.type == TriggerType::EventTime;
            // With no lateness that trigger fires each window once, when its state goes: the pane
            // counter is never kept, so it is neither read nor cleared (on RocksDB a clear is a
            // tombstone write).
            m_panesUnused = m_timersFollowContents && m_lateness == 0;
        }

        void open(const runtime::OperatorContext& ctx) override
        {
            Operator::open(ctx);
            auto& b = *ctx.state;
            std::vector<std::string> names;
            for (size_t i = 0; i < m_aggs.size(); ++i)
                names.push_back(partStateName("window-contents", i));
            if (m_spec.stateKind == model::StateKind::List) {
                for (const auto& name : names)
                    m_lists.push_back(b.listState(name));
            } else {
                m_contents = b.aggregatingStates(names, m_aggs, m_spec.ttl);
            }
            // Only the states this window's trigger and policies use: on RocksDB each is a column
            // family, and creating one costs a manifest write.
            const auto trigger = m_spec.trigger.type;
            if (trigger == TriggerType::Count)
                m_count = b.valueState("trigger-count");
            if (trigger == TriggerType::ContinuousEventTime)
                m_fireTime = b.valueState("trigger-fire-time");
            m_panes = b.valueState("window-panes");
            if (m_spec.lateFiringEvery)
                m_lateFlush = b.valueState("late-flush");
            if (m_merging)
                m_mergingSet = b.mapState("merging-window-set");
            m_eventTimers = b.timerQueue("event");
            if (trigger == TriggerType::ProcessingTime || !m_eventTime)
                m_procTimers = b.timerQueue("processing");
            if (m_spec.lateFiringEvery)
                m_flushTimers = b.timerQueue("late-flush");
        }

        void setAllowedLateness(int64_t ms) override
        {
            m_lateness = std::max<int64_t>(0, ms);
            m_timersFollowContents = false; // cleanup timers of existing windows are at the old time
            m_panesUnused = false;
        }

        void snapshotState(std::string& out) const override
        {
            encodeValue(out, Value { m_watermark });
            encodeValue(out, Value { m_lateness });
        }
        bool restoreState(ByteReader& in) override
        {
            Value w = in.value(), l = in.value();
            if (!in.ok || !std::holds_alternative<int64_t>(w) || !std::holds_alternative<int64_t>(l))
                return false;
            m_watermark = std::get<int64_t>(w);
            m_lateness = std::get<int64_t>(l);
            if (m_lateness != m_spec.allowedLateness)
                m_timersFollowContents = false;
            m_panesUnused = false; // the checkpointed run may have changed its lateness live
            return true;
        }

        void processElement(const Record& r) override
        {
            auto& b = *m_ctx.state;
            const Value& key = keyOf(r);
            b.setCurrentKey(key, b.usesKeyGroups() ? runtime::keyGroupForHash(m_key.hashCode(r), m_ctx.maxParallelism) : 0);
            m_windows.clear();
            if (!assign(r.timestamp, m_windows))
                return;
            bool skipped = true;
            bool lateForSome = false; // for the observer: one of its windows already complete
            for (const Win& w : m_windows) {
                if (m_ctx.observer && m_eventTime && maxTimestamp(w) <= m_watermark)
                    lateForSome = true;
                Win actual = w, stateWindow = w;
                if (m_merging) {
                    actual = addWindow(w);
                    if (m_failed)
                        return;
                    if (isWindowLate(actual)) {
                        m_mergingSet->remove(kVoidNamespace, winValue(actual));
                        continue;
                    }
                    stateWindow = *stateWindowOf(actual);
                } else if (isWindowLate(w)) {
                    continue;
                }
                skipped = false;
                onElementInWindow(actual, stateWindow, r);
            }
            if (skipped && isElementLate(r.timestamp)) {
                if (m_spec.lateOutput)
                    m_ctx.out->collectLate(r);
                else
                    ++m_ctx.metrics->lateDropped;
                if (m_ctx.observer)
                    m_ctx.observer->onLate(m_ctx.nodeId, m_ctx.subtask, m_ctx.host->currentProcessingTime(),
                        m_ctx.host->currentEvent(), r, m_spec.lateOutput);
            } else if (lateForSome) {
                m_ctx.observer->onLateCounted(
                    m_ctx.nodeId, m_ctx.subtask, m_ctx.host->currentProcessingTime(), m_ctx.host->currentEvent());
            }
            checkBackend();
        }

        void processWatermark(int64_t w) override
        {
            m_watermark = w;
            // Fire every timer due, in timestamp order, including those registered meanwhile.
            while (!m_failed) {
                auto t = m_eventTimers->pollDue(w);
                if (!t)
                    break;
                onEventTime(t->first, t->second);
            }
            checkBackend();
        }

        void onProcessingTime(int64_t now) override
        {
            while (!m_failed) {
                auto t = m_procTimers ? m_procTimers->pollDue(now) : std::nullopt;
                if (!t)
                    break;
                onProcessingTimer(t->first, t->second);
            }
            while (!m_failed) {
                auto t = m_flushTimers ? m_flushTimers->pollDue(now) : std::nullopt;
                if (!t)
                    break;
                if (asLong(m_lateFlush->get(t->first)) == t->second)
                    flushLate(t->first);
            }
            checkBackend();
        }

        void updateStateMetrics() override
        {
            auto size = m_ctx.state->size();
            m_ctx.metrics->stateEntries = size.entries;
            m_ctx.metrics->stateBytes = size.bytes;
        }

    private:
        const Value& keyOf(const Record& r)
        {
            if (m_key.fields.size() == 1)
                return r.fields[static_cast<size_t>(m_key.fields[0])];
            m_compositeKey = m_key.key(r);
            return m_compositeKey;
        }

        void checkBackend()
        {
            if (!m_failed && !m_ctx.state->status().ok()) {
                m_failed = true;
                m_ctx.host->fail(m_ctx.state->status());
            }
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

        bool assign(int64_t ts, Windows& out)
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
                // Elements come mostly in order: the last window, without two 64-bit divisions,
                // whenever it holds the element (a wrapped end holds none).
                if (!(m_lastTumbling.start <= ts && ts < m_lastTumbling.end)) {
                    int64_t s = windowStart(ts, a.offset % a.size, a.size);
                    m_lastTumbling = { s, jadd(s, a.size) };
                }
                out.push_back(m_lastTumbling);
                break;
            }
            case AssignerType::Sliding: {
                if (m_windowsPerElement > kMaxWindowsPerElement) {
                    fail("sliding windows of " + time::formatDuration(a.size) + " every " + time::formatDuration(a.slide)
                        + " put each element into " + std::to_string(m_windowsPerElement) + " windows, more than the "
                        + std::to_string(kMaxWindowsPerElement) + " a replay allows (Flink copies the element into each one's "
                        + "state); use a slide of at least "
                        + time::formatDuration(a.size / kMaxWindowsPerElement + (a.size % kMaxWindowsPerElement != 0)));
                    return false;
                }
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

        // True when the window's contents may have been empty before (the first aggregate's
        // state tells: every aggregate's state gets every element).
        bool addToContents(const Win& stateWindow, const Record& r)
        {
            bool wasEmpty = false;
            for (size_t i = 0; i < m_aggs.size(); ++i) {
                bool e = m_lists.empty() ? m_contents[i]->add(stateWindow, m_aggs[i].elementValue(r))
                                         : m_lists[i]->add(stateWindow, m_aggs[i].elementValue(r));
                if (i == 0)
                    wasEmpty = e;
            }
            return wasEmpty;
        }

        // The aggregates' results into m_values; false when the window has no contents.
        bool contentsResult(const Win& stateWindow)
        {
            m_values.resize(m_aggs.size());
            for (size_t i = 0; i < m_aggs.size(); ++i) {
                if (!m_lists.empty()) {
                    auto elements = m_lists[i]->get(stateWindow);
                    if (!elements)
                        return false;
                    Accumulator acc;
                    for (const auto& v : *elements)
                        m_aggs[i].addValue(acc, v);
                    m_values[i] = m_aggs[i].result(acc);
                    continue;
                }
                auto acc = m_contents[i]->get(stateWindow);
                if (!acc)
                    return false;
                m_values[i] = m_aggs[i].result(*acc);
            }
            return true;
        }

        void clearContents(const Win& stateWindow)
        {
            for (auto& l : m_lists)
                l->clear(stateWindow);
            for (auto& c : m_contents)
                c->clear(stateWindow);
        }

        void mergeContents(const Win& target, const std::vector<Win>& sources)
        {
            for (auto& l : m_lists)
                l->mergeNamespaces(target, sources);
            for (auto& c : m_contents)
                c->mergeNamespaces(target, sources);
        }

        // --- timers (unique per key, window and time) ---

        void registerCleanupTimer(const Win& w)
        {
            int64_t c = cleanupTime(w);
            if (c == INT64_MAX)
                return;
            if (m_eventTime)
                m_eventTimers->add(w, c);
            else
                registerProcTimer(w, c);
        }
        void deleteCleanupTimer(const Win& w)
        {
            int64_t c = cleanupTime(w);
            if (c == INT64_MAX)
                return;
            (m_eventTime ? m_eventTimers : m_procTimers)->remove(w, c);
        }
        void registerProcTimer(const Win& w, int64_t t)
        {
            m_procTimers->add(w, t);
            m_ctx.host->requestProcessingTime(t);
        }

        // --- triggers ---

        Fire triggerOnElement(const Win& w, int64_t ts)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(w);
            switch (t.type) {
            case TriggerType::EventTime:
                if (maxTs <= m_watermark)
                    return Fire::Fire;
                // With no lateness the cleanup timer registered next is this very timer.
                if (!m_eventTime || cleanupTime(w) != maxTs)
                    m_eventTimers->add(w, maxTs);
                return Fire::Continue;
            case TriggerType::ProcessingTime:
                registerProcTimer(w, maxTs);
                return Fire::Continue;
            case TriggerType::Count: {
                int64_t c = asLong(m_count->get(w)).value_or(0) + 1;
                if (c >= t.count) {
                    m_count->clear(w);
                    return Fire::Fire;
                }
                m_count->put(w, c);
                return Fire::Continue;
            }
            case TriggerType::ContinuousEventTime: {
                if (maxTs <= m_watermark)
                    return Fire::Fire;
                m_eventTimers->add(w, maxTs);
                if (!m_fireTime->get(w)) {
                    // ts - ts % interval (Java remainder), then + interval.
                    int64_t next = jadd(jsub(ts, ts % t.interval), t.interval);
                    m_fireTime->put(w, next);
                    m_eventTimers->add(w, next);
                }
                return Fire::Continue;
            }
            case TriggerType::EndOfStream:
                m_eventTimers->add(w, INT64_MAX);
                return Fire::Continue;
            case TriggerType::Never:
                return Fire::Continue;
            }
            return Fire::Continue;
        }

        Fire triggerOnEventTime(const Win& w, int64_t time)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(w);
            switch (t.type) {
            case TriggerType::EventTime:
                return time == maxTs ? Fire::Fire : Fire::Continue;
            case TriggerType::ContinuousEventTime: {
                if (time == maxTs)
                    return Fire::Fire;
                if (asLong(m_fireTime->get(w)) == time) {
                    int64_t next = jadd(time, t.interval);
                    if (next <= m_watermark && runaway(w, time, t.interval))
                        return Fire::Continue;
                    m_fireTime->put(w, next);
                    m_eventTimers->add(w, next);
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

        // True (and the run failed) when the continuous trigger's next timer, already due, starts a
        // catch-up of more firings of `w` at this watermark than a run allows (see
        // kMaxFiringsOfAWindowAtOnce); a timer that overflows Long would never stop either.
        bool runaway(const Win& w, int64_t time, int64_t interval)
        {
            const int64_t upTo = std::min(m_watermark, cleanupTime(w));
            const bool wraps = jadd(time, interval) < time;
            const uint64_t due = upTo > time ? (static_cast<uint64_t>(upTo) - static_cast<uint64_t>(time)) / static_cast<uint64_t>(interval) : 0;
            if (!wraps && due <= static_cast<uint64_t>(kMaxFiringsOfAWindowAtOnce))
                return false;
            const std::string window = m_eventTime
                ? "[" + std::to_string(w.start) + ", " + std::to_string(w.end) + ")"
                : std::string("(global)");
            const std::string watermark = m_watermark == INT64_MAX ? "Long.MAX_VALUE (the end of input)" : std::to_string(m_watermark);
            fail("the continuousEventTime trigger (every " + time::formatDuration(interval) + ") would fire window " + window
                + " of key '" + valueToText(m_ctx.state->currentKey()) + "' " + (wraps ? "without end" : std::to_string(due) + " more times")
                + " at watermark " + watermark + ", more than the " + std::to_string(kMaxFiringsOfAWindowAtOnce)
                + " firings of one window at one watermark that a run allows (Flink would spin through them); "
                + (m_eventTime ? "use a longer interval" : "give the window an end (a tumbling assigner) or fire once with an eventTime trigger"));
            return true;
        }

        void triggerOnMerge(const Win& merged, const std::vector<Win>& absorbed)
        {
            const auto& t = m_spec.trigger;
            int64_t maxTs = maxTimestamp(merged);
            int64_t count = 0, panes = 0;
            std::optional<int64_t> fire;
            for (const Win& a : absorbed) {
                if (m_count)
                    count += asLong(m_count->get(a)).value_or(0);
                panes = std::max(panes, asLong(m_panes->get(a)).value_or(0));
                if (auto f = m_fireTime ? asLong(m_fireTime->get(a)) : std::nullopt)
                    fire = fire ? std::min(*fire, *f) : *f;
            }
            switch (t.type) {
            case TriggerType::EventTime:
                if (maxTs > m_watermark)
                    m_eventTimers->add(merged, maxTs);
                break;
            case TriggerType::ProcessingTime:
                if (maxTs > m_ctx.host->currentProcessingTime())
                    registerProcTimer(merged, maxTs);
                break;
            case TriggerType::Count:
                if (count > 0)
                    m_count->put(merged, asLong(m_count->get(merged)).value_or(0) + count);
                break;
            case TriggerType::ContinuousEventTime:
                if (fire) {
                    auto mine = asLong(m_fireTime->get(merged));
                    int64_t next = mine ? std::min(*mine, *fire) : *fire;
                    m_fireTime->put(merged, next);
                    m_eventTimers->add(merged, next);
                }
                break;
            case TriggerType::EndOfStream:
                m_eventTimers->add(merged, INT64_MAX);
                break;
            case TriggerType::Never:
                break;
            }
            // Panes continue across a merge: the merged window has fired as often as its parts.
            if (panes > asLong(m_panes->get(merged)).value_or(0))
                m_panes->put(merged, panes);
        }

        // `firedAt`: the time of the timer being fired, already out of its queue.
        void triggerClear(const Win& w, std::optional<int64_t> firedAt = std::nullopt)
        {
            int64_t maxTs = maxTimestamp(w);
            switch (m_spec.trigger.type) {
            case TriggerType::EventTime:
                if (firedAt != maxTs)
                    m_eventTimers->remove(w, maxTs);
                break;
            case TriggerType::ProcessingTime:
                m_procTimers->remove(w, maxTs);
                break;
            case TriggerType::ContinuousEventTime:
                if (auto f = asLong(m_fireTime->get(w)))
                    m_eventTimers->remove(w, *f);
                break;
            case TriggerType::EndOfStream:
                m_eventTimers->remove(w, INT64_MAX);
                break;
            default:
                break;
            }
            // Only the state this trigger uses: on RocksDB a blind clear is a tombstone write.
            if (m_spec.trigger.type == TriggerType::Count)
                m_count->clear(w);
            if (m_spec.trigger.type == TriggerType::ContinuousEventTime)
                m_fireTime->clear(w);
            if (!m_panesUnused)
                m_panes->clear(w);
            if (m_spec.lateFiringEvery) {
                if (auto at = asLong(m_lateFlush->get(w))) {
                    m_flushTimers->remove(w, *at);
                    m_lateFlush->clear(w);
                }
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

        // The result record: key, window_start, window_end, the aggregates' values (m_values),
        // firing, pane.
        void emitWindow(const Win& w, const char* kind)
        {
            int64_t pane = m_panesUnused ? 0 : asLong(m_panes->get(w)).value_or(0);
            if (!m_panesUnused && !m_finalFiring)
                m_panes->put(w, pane + 1);
            const size_t n = m_values.size();
            m_out.fields.resize(5 + n);
            m_out.fields[0] = m_ctx.state->currentKey();
            if (m_eventTime) {
                m_out.fields[1] = w.start;
                m_out.fields[2] = w.end;
            } else {
                m_out.fields[1] = Value {};
                m_out.fields[2] = Value {};
            }
            for (size_t i = 0; i < n; ++i)
                m_out.fields[3 + i] = m_values[i];
            m_out.fields[3 + n] = std::string(kind);
            m_out.fields[4 + n] = pane;
            m_out.timestamp = maxTimestamp(w);
            auto& f = m_ctx.metrics->firings;
            if (kind[0] == 'o')
                ++f.onTime;
            else if (kind[0] == 'l')
                ++f.late;
            else
                ++f.early;
            if (m_ctx.observer)
                m_ctx.observer->onFiring(m_ctx.nodeId, m_ctx.subtask, m_ctx.host->currentProcessingTime(), m_out);
            m_ctx.out->collect(m_out);
        }

        // Fires the window `w` (state in `stateWindow`); with purging, clears the contents.
        void fire(const Win& w, const Win& stateWindow, Cause cause, int64_t time)
        {
            if (contentsResult(stateWindow))
                emitWindow(w, firingKind(w, cause, time));
            if (m_spec.trigger.purging)
                clearContents(stateWindow);
        }

        void onElementInWindow(const Win& actual, const Win& stateWindow, const Record& r)
        {
            bool timersKnown = !addToContents(stateWindow, r) && m_timersFollowContents;
            Fire f = timersKnown ? (maxTimestamp(actual) <= m_watermark ? Fire::Fire : Fire::Continue)
                                 : triggerOnElement(actual, r.timestamp);
            if (f == Fire::Fire) {
                bool lateFire = m_eventTime && maxTimestamp(actual) <= m_watermark;
                if (lateFire && m_spec.lateFiringEvery) {
                    // Beyond Flink: coalesce late firings, at most one per interval of processing time.
                    if (!m_lateFlush->get(actual)) {
                        int64_t at = m_ctx.host->currentProcessingTime() + *m_spec.lateFiringEvery;
                        m_lateFlush->put(actual, at);
                        m_flushTimers->add(actual, at);
                        m_ctx.host->requestProcessingTime(at);
                    }
                } else {
                    fire(actual, stateWindow, Cause::Element, r.timestamp);
                }
            }
            if (!timersKnown)
                registerCleanupTimer(actual);
        }

        void flushLate(const Win& w)
        {
            auto at = asLong(m_lateFlush->get(w));
            if (!at)
                return;
            m_lateFlush->clear(w);
            m_flushTimers->remove(w, *at);
            if (auto stateWindow = stateWindowOf(w))
                fire(w, *stateWindow, Cause::LateFlush, 0);
        }

        std::optional<Win> stateWindowOf(const Win& w)
        {
            if (!m_merging)
                return w;
            auto v = m_mergingSet->get(kVoidNamespace, winValue(w));
            if (!v)
                return std::nullopt;
            return valueWin(*v);
        }

        void onEventTime(const Win& w, int64_t t)
        {
            auto stateWindow = stateWindowOf(w);
            if (!stateWindow)
                return; // a timer for a window that no longer exists
            bool cleanup = m_eventTime && t == cleanupTime(w);
            if (cleanup && m_spec.lateFiringEvery)
                flushLate(w); // pending late elements fire before the state goes
            m_finalFiring = cleanup; // the state goes right after: no pane counter to keep
            if (triggerOnEventTime(w, t) == Fire::Fire)
                fire(w, *stateWindow, Cause::EventTimer, t);
            m_finalFiring = false;
            if (cleanup)
                clearAllState(w, *stateWindow, t);
        }

        void onProcessingTimer(const Win& w, int64_t t)
        {
            auto stateWindow = stateWindowOf(w);
            if (!stateWindow)
                return;
            if (m_spec.trigger.type == TriggerType::ProcessingTime)
                fire(w, *stateWindow, Cause::ProcTimer, t);
            if (!m_eventTime && t == cleanupTime(w))
                clearAllState(w, *stateWindow);
        }

        void clearAllState(const Win& w, const Win& stateWindow, std::optional<int64_t> firedAt = std::nullopt)
        {
            clearContents(stateWindow);
            triggerClear(w, firedAt);
            if (m_merging)
                m_mergingSet->remove(kVoidNamespace, winValue(w));
        }

        // MergingWindowSet.addWindow with TimeWindow.mergeWindows, over the key's map state.
        Win addWindow(const Win& newWindow)
        {
            std::map<Win, Win> mapping;
            for (const auto& [k, v] : m_mergingSet->entries(kVoidNamespace))
                mapping[valueWin(k)] = valueWin(v);
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
                        m_mergingSet->remove(kVoidNamespace, winValue(m));
                    }
                }
                mapping[mergeResult] = mergedStateWindow;
                m_mergingSet->put(kVoidNamespace, winValue(mergeResult), winValue(mergedStateWindow));
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
                    triggerOnMerge(mergeResult, merged);
                    for (const Win& m : merged) {
                        triggerClear(m);
                        deleteCleanupTimer(m);
                    }
                    mergeContents(mergedStateWindow, mergedStateWindows);
                }
            }
            if (!anyMerge || (result == newWindow && !mergedNewWindow))
                m_mergingSet->put(kVoidNamespace, winValue(result), winValue(result));
            return result;
        }

        model::WindowSpec m_spec;
        KeySelector m_key;
        std::vector<Aggregator> m_aggs; // one or more, each with its own contents state
        bool m_eventTime = true;
        bool m_merging = false;
        int64_t m_windowsPerElement = 1; // sliding: ceil(size / slide), once, not per element
        bool m_timersFollowContents = false;
        bool m_panesUnused = false;
        bool m_finalFiring = false;
        bool m_failed = false;
        int64_t m_lateness = 0;
        int64_t m_watermark = INT64_MIN;
        std::vector<std::unique_ptr<state::AggregatingState>> m_contents; // stateKind reducing
        std::vector<std::unique_ptr<state::ListState>> m_lists;           // stateKind list
        std::vector<Value> m_values;
        std::unique_ptr<state::ValueState> m_count;
        std::unique_ptr<state::ValueState> m_fireTime;
        std::unique_ptr<state::ValueState> m_panes;
        std::unique_ptr<state::ValueState> m_lateFlush;
        std::unique_ptr<state::MapState> m_mergingSet;
        std::unique_ptr<state::TimerQueue> m_eventTimers;
        std::unique_ptr<state::TimerQueue> m_procTimers;
        std::unique_ptr<state::TimerQueue> m_flushTimers;
        Windows m_windows; // of the element in hand
        Win m_lastTumbling { 0, 0 }; // the last tumbling window assigned (empty at first)
        Value m_compositeKey;
        Record m_out;
    };

    // A keyed running aggregate (GROUP BY without a window): an updated result per record.
    // Its accumulators live in the state backend, with the node's TTL or the job's idle state
    // retention (OnCreateAndWrite, NeverReturnExpired, as Flink SQL maps it).
    class RunningAggregateOperator final : public runtime::Operator {
    public:
        RunningAggregateOperator(KeySelector key, std::vector<Aggregator> aggs, std::optional<model::TtlSpec> ttl)
            : m_key(std::move(key))
            , m_aggs(std::move(aggs))
            , m_ttl(std::move(ttl))
        {
        }
        void open(const runtime::OperatorContext& ctx) override
        {
            Operator::open(ctx);
            std::vector<std::string> names;
            for (size_t i = 0; i < m_aggs.size(); ++i)
                names.push_back(partStateName("aggregate", i));
            m_states = ctx.state->aggregatingStates(names, m_aggs, m_ttl);
        }
        void processElement(const Record& r) override
        {
            auto& b = *m_ctx.state;
            Value key = m_key.key(r);
            b.setCurrentKey(key, b.usesKeyGroups() ? runtime::keyGroupForHash(m_key.hashCode(r), m_ctx.maxParallelism) : 0);
            m_out.fields.resize(1 + m_aggs.size());
            m_out.fields[0] = std::move(key);
            for (size_t i = 0; i < m_aggs.size(); ++i) {
                m_states[i]->add(kVoidNamespace, m_aggs[i].elementValue(r));
                auto acc = m_states[i]->get(kVoidNamespace);
                m_out.fields[1 + i] = acc ? m_aggs[i].result(*acc) : Value {};
            }
            m_out.timestamp = r.timestamp;
            m_ctx.out->collect(m_out);
            if (!b.status().ok())
                m_ctx.host->fail(b.status());
        }
        void updateStateMetrics() override
        {
            auto size = m_ctx.state->size();
            m_ctx.metrics->stateEntries = size.entries;
            m_ctx.metrics->stateBytes = size.bytes;
        }

    private:
        KeySelector m_key;
        std::vector<Aggregator> m_aggs;
        std::optional<model::TtlSpec> m_ttl;
        std::vector<std::unique_ptr<state::AggregatingState>> m_states;
        Record m_out;
    };

    Result<Aggregator> makeAggregator(const model::NodeSpec& node, const model::AggregateSpec& a, const Schema& in,
        const std::string& where)
    {
        if (a.field.empty())
            return Aggregator(a.fn, -1, FieldType::Any);
        int i = in.indexOf(a.field);
        if (i < 0)
            return Status::invalid("node '" + node.id + "', field '" + where + ".field': '" + a.field
                + "' is not in the stream (fields: " + in.names() + ")");
        FieldType t = in.fields[static_cast<size_t>(i)].type;
        bool numeric = t == FieldType::Int || t == FieldType::Long || t == FieldType::Double || t == FieldType::Timestamp
            || t == FieldType::Any;
        if ((a.fn == model::AggregateFn::Sum || a.fn == model::AggregateFn::Avg) && !numeric)
            return Status::invalid("node '" + node.id + "', field '" + where + ".field': '" + a.field + "' is a "
                + std::string(fieldTypeName(t)) + "; sum and avg need a number");
        return Aggregator(a.fn, i, t);
    }

    const model::Aggregates& aggregatesOf(const model::NodeSpec& node)
    {
        return node.kind == NodeKind::Window ? node.as<model::WindowSpec>().aggregate
                                             : node.as<model::RunningAggregateSpec>().aggregate;
    }

    Result<std::vector<Aggregator>> makeAggregators(const model::NodeSpec& node, const Schema& in)
    {
        const model::Aggregates& a = aggregatesOf(node);
        std::vector<Aggregator> out;
        for (size_t i = 0; i < a.parts.size(); ++i) {
            std::string where = "aggregate";
            if (a.named) {
                where += "[";
                where += std::to_string(i);
                where += "]";
            }
            auto agg = makeAggregator(node, a.parts[i], in, where);
            if (!agg.ok())
                return agg.status();
            out.push_back(*agg);
        }
        return out;
    }

} // namespace

Result<Schema> outputSchema(const model::NodeSpec& node, const Schema& in, const KeySelector& key)
{
    auto aggs = makeAggregators(node, in);
    if (!aggs.ok())
        return aggs.status();
    const model::Aggregates& a = aggregatesOf(node);
    Schema s;
    s.declared = true;
    s.fields.push_back({ "key", key.keyType() });
    if (node.kind == NodeKind::Window) {
        s.fields.push_back({ "window_start", FieldType::Long });
        s.fields.push_back({ "window_end", FieldType::Long });
    }
    // One aggregate: its result is `value`; a list: one field per `as` name.
    for (size_t i = 0; i < aggs->size(); ++i)
        s.fields.push_back({ a.named ? a.parts[i].as : "value", (*aggs)[i].resultType() });
    if (node.kind == NodeKind::Window) {
        s.fields.push_back({ "firing", FieldType::String });
        s.fields.push_back({ "pane", FieldType::Long });
    }
    return s;
}

std::pair<int, int> valueFields(const Schema& result)
{
    if (const int v = result.indexOf("value"); v >= 0)
        return { v, v + 1 };
    const int end = result.indexOf("window_end"), firing = result.indexOf("firing");
    if (end >= 0 && firing > end + 1)
        return { end + 1, firing };
    return { -1, -1 };
}

Result<std::unique_ptr<runtime::Operator>> createKeyedOperator(const model::NodeSpec& node, const Schema& in,
    const KeySelector& key, std::optional<int64_t> idleStateRetention)
{
    auto aggs = makeAggregators(node, in);
    if (!aggs.ok())
        return aggs.status();
    if (node.kind == NodeKind::Window)
        return std::unique_ptr<runtime::Operator>(
            std::make_unique<WindowOperator>(node.as<model::WindowSpec>(), key, std::move(*aggs)));
    const auto& a = node.as<model::RunningAggregateSpec>();
    std::optional<model::TtlSpec> ttl = a.ttl;
    if (!ttl && idleStateRetention) {
        ttl = model::TtlSpec {};
        ttl->ttl = *idleStateRetention;
    }
    return std::unique_ptr<runtime::Operator>(std::make_unique<RunningAggregateOperator>(key, std::move(*aggs), ttl));
}

} // namespace streamlab::window
