#include "core/value_codec.h"
#include "state/keyed_state.h"
#include "state/ttl.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <map>
#include <absl/hash/hash.h>
#include <algorithm>
#include <cstring>

namespace streamlab::state {

namespace {

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

    struct Slot {
        uint32_t key;
        Namespace ns;
        bool operator==(const Slot& o) const { return key == o.key && ns == o.ns; }
        template <typename H>
        friend H AbslHashValue(H h, const Slot& s)
        {
            return H::combine(std::move(h), s.key, s.ns.start, s.ns.end);
        }
    };

    int64_t valueBytes(const Value& v) { return window::Aggregator::valueBytes(v); }

    // The key table shared by a backend's states: dense ids for keys, the current key.
    struct Keys {
        absl::flat_hash_map<Value, uint32_t, ValueHash, ValueEq> ids;
        std::vector<Value> values;
        std::vector<int64_t> bytes;
        uint32_t current = 0;

        uint32_t idOf(const Value& key)
        {
            auto it = ids.find(key);
            if (it != ids.end())
                return it->second;
            uint32_t id = static_cast<uint32_t>(values.size());
            ids.emplace(key, id);
            values.push_back(key);
            std::string b;
            encodeValue(b, key);
            bytes.push_back(static_cast<int64_t>(b.size()));
            return id;
        }
    };

    struct Accounted {
        virtual ~Accounted() = default;
        virtual void account(StateSize& s, const Keys& keys) const = 0;
        // Checkpoint: entries with their keys (not key ids), so that a restore rebuilds the ids.
        virtual void save(std::string& out, const Keys& keys) const = 0;
        virtual void load(ByteReader& in, Keys& keys) = 0;
    };

    void putNs(std::string& out, const Namespace& ns)
    {
        encodeValue(out, Value { ns.start });
        encodeValue(out, Value { ns.end });
    }
    int64_t getI64(ByteReader& in) { return in.int64(); }
    Namespace getNs(ByteReader& in)
    {
        int64_t a = getI64(in);
        return { a, getI64(in) };
    }
    void putAcc(std::string& out, const window::Accumulator& a)
    {
        encodeValue(out, Value { a.count });
        encodeValue(out, Value { a.longSum });
        encodeValue(out, Value { a.doubleSum });
        encodeValue(out, a.extra ? a.extra->extreme : Value {});
        std::vector<Value> vals = a.extra ? a.extra->values : std::vector<Value> {};
        encodeValue(out, makeList(vals));
        encodeValue(out, Value { a.extra != nullptr });
    }
    window::Accumulator getAcc(ByteReader& in)
    {
        window::Accumulator a;
        a.count = getI64(in);
        a.longSum = getI64(in);
        Value d = in.value();
        a.doubleSum = std::holds_alternative<double>(d) ? std::get<double>(d) : 0;
        Value extreme = in.value();
        Value vals = in.value();
        Value hasExtra = in.value();
        if (std::holds_alternative<bool>(hasExtra) && std::get<bool>(hasExtra)) {
            a.more().extreme = extreme;
            if (auto* l = std::get_if<ListPtr>(&vals))
                a.more().values = (*l)->items;
        }
        return a;
    }

    class HeapAggregating final : public AggregatingState, public Accounted {
    public:
        HeapAggregating(Keys& keys, window::Aggregator agg, std::optional<model::TtlSpec> ttl, const Clock* clock)
            : m_keys(keys)
            , m_agg(agg)
            , m_ttl(std::move(ttl))
            , m_clock(clock)
        {
        }
        void add(const Namespace& ns, const Value& element) override
        {
            cleanupIncrementally();
            Entry& e = m_map[Slot { m_keys.current, ns }];
            if (m_ttl && e.present && expired(e.lastAccess, *m_ttl, m_clock->now()))
                e = Entry {}; // an expired accumulator restarts from scratch
            e.present = true;
            m_agg.addValue(e.acc, element);
            if (m_ttl)
                e.lastAccess = m_clock->now();
        }
        std::optional<window::Accumulator> get(const Namespace& ns) override
        {
            cleanupIncrementally();
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it == m_map.end() || !it->second.present)
                return std::nullopt;
            if (m_ttl) {
                if (expired(it->second.lastAccess, *m_ttl, m_clock->now())) {
                    window::Accumulator acc = std::move(it->second.acc);
                    m_map.erase(it); // an expired value is removed when read
                    if (m_ttl->visibility == model::TtlVisibility::ReturnExpiredIfNotCleanedUp)
                        return acc;
                    return std::nullopt;
                }
                if (m_ttl->update == model::TtlUpdate::OnReadAndWrite)
                    it->second.lastAccess = m_clock->now();
            }
            return it->second.acc;
        }
        void clear(const Namespace& ns) override { m_map.erase(Slot { m_keys.current, ns }); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                auto it = m_map.find(Slot { m_keys.current, s });
                if (it == m_map.end())
                    continue;
                Entry from = std::move(it->second);
                m_map.erase(it);
                if (!from.present)
                    continue;
                Entry& into = m_map[Slot { m_keys.current, target }];
                into.present = true;
                m_agg.merge(into.acc, from.acc);
                into.lastAccess = std::max(into.lastAccess, from.lastAccess);
            }
        }
        void account(StateSize& s, const Keys& keys) const override
        {
            for (const auto& [slot, e] : m_map) {
                if (!e.present)
                    continue;
                ++s.entries;
                s.bytes += keys.bytes[slot.key] + 16 + m_agg.accountedBytes(e.acc) + (m_ttl ? 8 : 0);
            }
        }
        void save(std::string& out, const Keys& keys) const override
        {
            // cleanupFullSnapshot: expired entries stay out of the snapshot (local state keeps them).
            bool dropExpired = m_ttl && hasCleanup(*m_ttl, "fullSnapshot");
            int64_t now = m_clock->now();
            std::vector<const std::pair<const Slot, Entry>*> live;
            for (const auto& kv : m_map)
                if (kv.second.present && !(dropExpired && expired(kv.second.lastAccess, *m_ttl, now)))
                    live.push_back(&kv);
            putVarint(out, live.size());
            for (const auto* kv : live) {
                encodeValue(out, keys.values[kv->first.key]);
                putNs(out, kv->first.ns);
                putAcc(out, kv->second.acc);
                encodeValue(out, Value { kv->second.lastAccess });
            }
        }
        void load(ByteReader& in, Keys& keys) override
        {
            m_map.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                Entry e;
                e.acc = getAcc(in);
                e.lastAccess = getI64(in);
                e.present = true;
                m_map[Slot { key, ns }] = std::move(e);
            }
        }

    private:
        struct Entry {
            window::Accumulator acc;
            int64_t lastAccess = 0;
            bool present = false;
        };

        // cleanupIncrementally(n, perRecord=false): each access checks up to n more entries.
        void cleanupIncrementally()
        {
            if (!m_ttl || !incrementalCleanup(*m_ttl))
                return;
            int64_t now = m_clock->now();
            for (int i = 0; i < m_ttl->incrementalSize; ++i) {
                if (m_sweepPos >= m_sweep.size()) {
                    m_sweep.clear();
                    m_sweepPos = 0;
                    for (const auto& [slot, e] : m_map)
                        m_sweep.push_back(slot);
                    if (m_sweep.empty())
                        return;
                }
                auto it = m_map.find(m_sweep[m_sweepPos++]);
                if (it != m_map.end() && it->second.present && expired(it->second.lastAccess, *m_ttl, now))
                    m_map.erase(it);
            }
        }

        Keys& m_keys;
        window::Aggregator m_agg;
        std::optional<model::TtlSpec> m_ttl;
        const Clock* m_clock;
        absl::flat_hash_map<Slot, Entry> m_map;
        std::vector<Slot> m_sweep;
        size_t m_sweepPos = 0;
    };

    class HeapList final : public ListState, public Accounted {
    public:
        explicit HeapList(Keys& keys)
            : m_keys(keys)
        {
        }
        void add(const Namespace& ns, const Value& element) override { m_map[Slot { m_keys.current, ns }].push_back(element); }
        std::optional<std::vector<Value>> get(const Namespace& ns) override
        {
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it == m_map.end() || it->second.empty())
                return std::nullopt;
            return it->second;
        }
        void clear(const Namespace& ns) override { m_map.erase(Slot { m_keys.current, ns }); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                auto it = m_map.find(Slot { m_keys.current, s });
                if (it == m_map.end())
                    continue;
                std::vector<Value> from = std::move(it->second);
                m_map.erase(it);
                auto& into = m_map[Slot { m_keys.current, target }];
                into.insert(into.end(), from.begin(), from.end());
            }
        }
        void account(StateSize& s, const Keys& keys) const override
        {
            for (const auto& [slot, list] : m_map) {
                ++s.entries;
                s.bytes += keys.bytes[slot.key] + 16;
                for (const auto& v : list)
                    s.bytes += valueBytes(v);
            }
        }
        void save(std::string& out, const Keys& keys) const override
        {
            putVarint(out, m_map.size());
            for (const auto& [slot, list] : m_map) {
                encodeValue(out, keys.values[slot.key]);
                putNs(out, slot.ns);
                encodeValue(out, makeList(list));
            }
        }
        void load(ByteReader& in, Keys& keys) override
        {
            m_map.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                Value l = in.value();
                if (auto* lp = std::get_if<ListPtr>(&l))
                    m_map[Slot { key, ns }] = (*lp)->items;
            }
        }

    private:
        Keys& m_keys;
        absl::flat_hash_map<Slot, std::vector<Value>> m_map;
    };

    class HeapValue final : public ValueState, public Accounted {
    public:
        explicit HeapValue(Keys& keys)
            : m_keys(keys)
        {
        }
        std::optional<Value> get(const Namespace& ns) override
        {
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it == m_map.end())
                return std::nullopt;
            return it->second;
        }
        void put(const Namespace& ns, const Value& v) override { m_map[Slot { m_keys.current, ns }] = v; }
        void clear(const Namespace& ns) override { m_map.erase(Slot { m_keys.current, ns }); }
        void account(StateSize& s, const Keys& keys) const override
        {
            for (const auto& [slot, v] : m_map) {
                ++s.entries;
                s.bytes += keys.bytes[slot.key] + 16 + valueBytes(v);
            }
        }
        void save(std::string& out, const Keys& keys) const override
        {
            putVarint(out, m_map.size());
            for (const auto& [slot, v] : m_map) {
                encodeValue(out, keys.values[slot.key]);
                putNs(out, slot.ns);
                encodeValue(out, v);
            }
        }
        void load(ByteReader& in, Keys& keys) override
        {
            m_map.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                m_map[Slot { key, ns }] = in.value();
            }
        }

    private:
        Keys& m_keys;
        absl::flat_hash_map<Slot, Value> m_map;
    };

    class HeapMap final : public MapState, public Accounted {
    public:
        explicit HeapMap(Keys& keys)
            : m_keys(keys)
        {
        }
        std::optional<Value> get(const Namespace& ns, const Value& userKey) override
        {
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it == m_map.end())
                return std::nullopt;
            auto e = it->second.find(bytesOf(userKey));
            if (e == it->second.end())
                return std::nullopt;
            return e->second.second;
        }
        void put(const Namespace& ns, const Value& userKey, const Value& v) override
        {
            m_map[Slot { m_keys.current, ns }][bytesOf(userKey)] = { userKey, v };
        }
        void remove(const Namespace& ns, const Value& userKey) override
        {
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it == m_map.end())
                return;
            it->second.erase(bytesOf(userKey));
            if (it->second.empty())
                m_map.erase(it);
        }
        std::vector<std::pair<Value, Value>> entries(const Namespace& ns) override
        {
            std::vector<std::pair<Value, Value>> r;
            auto it = m_map.find(Slot { m_keys.current, ns });
            if (it != m_map.end())
                for (const auto& [k, e] : it->second)
                    r.push_back(e);
            return r;
        }
        void clear(const Namespace& ns) override { m_map.erase(Slot { m_keys.current, ns }); }
        void account(StateSize& s, const Keys& keys) const override
        {
            for (const auto& [slot, m] : m_map) {
                for (const auto& [k, e] : m) {
                    ++s.entries;
                    s.bytes += keys.bytes[slot.key] + 16 + static_cast<int64_t>(k.size()) + valueBytes(e.second);
                }
            }
        }
        void save(std::string& out, const Keys& keys) const override
        {
            putVarint(out, m_map.size());
            for (const auto& [slot, m] : m_map) {
                encodeValue(out, keys.values[slot.key]);
                putNs(out, slot.ns);
                putVarint(out, m.size());
                for (const auto& [k, e] : m) {
                    encodeValue(out, e.first);
                    encodeValue(out, e.second);
                }
            }
        }
        void load(ByteReader& in, Keys& keys) override
        {
            m_map.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                uint64_t m = in.varint();
                auto& entries = m_map[Slot { key, ns }];
                for (uint64_t j = 0; j < m && in.ok; ++j) {
                    Value k = in.value();
                    Value v = in.value();
                    entries[bytesOf(k)] = { k, v };
                }
            }
        }

    private:
        static std::string bytesOf(const Value& v)
        {
            std::string b;
            encodeValue(b, v);
            return b;
        }
        Keys& m_keys;
        // Ordered by the user key's bytes, as RocksDB iterates them.
        absl::flat_hash_map<Slot, std::map<std::string, std::pair<Value, Value>>> m_map;
    };

    // Flink's HeapPriorityQueueSet: a binary heap for the order, a hash set for uniqueness.
    // Deletion is lazy: a removed timer is skipped when it surfaces.
    class HeapTimers final : public TimerQueue {
    public:
        explicit HeapTimers(Keys& keys)
            : m_keys(keys)
        {
        }
        void add(const Namespace& ns, int64_t time) override
        {
            Timer t { time, m_keys.current, ns };
            if (m_set.insert(t).second) {
                m_heap.push_back(t);
                std::push_heap(m_heap.begin(), m_heap.end(), Later {});
            }
        }
        void remove(const Namespace& ns, int64_t time) override { m_set.erase(Timer { time, m_keys.current, ns }); }
        std::optional<std::pair<Namespace, int64_t>> pollDue(int64_t limit) override
        {
            settle();
            if (m_heap.empty() || m_heap.front().time > limit)
                return std::nullopt;
            Timer t = m_heap.front();
            std::pop_heap(m_heap.begin(), m_heap.end(), Later {});
            m_heap.pop_back();
            m_set.erase(t);
            m_keys.current = t.key;
            return std::make_pair(t.ns, t.time);
        }
        std::optional<int64_t> peekTime() override
        {
            settle();
            if (m_heap.empty())
                return std::nullopt;
            return m_heap.front().time;
        }
        int64_t size() const override { return static_cast<int64_t>(m_set.size()); }
        void save(std::string& out, const Keys& keys) const
        {
            putVarint(out, m_set.size());
            std::vector<Timer> all(m_set.begin(), m_set.end());
            std::sort(all.begin(), all.end());
            for (const auto& t : all) {
                encodeValue(out, keys.values[t.key]);
                putNs(out, t.ns);
                encodeValue(out, Value { t.time });
            }
        }
        void load(ByteReader& in, Keys& keys)
        {
            m_set.clear();
            m_heap.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                int64_t time = getI64(in);
                Timer t { time, key, ns };
                if (m_set.insert(t).second) {
                    m_heap.push_back(t);
                    std::push_heap(m_heap.begin(), m_heap.end(), Later {});
                }
            }
        }

    private:
        struct Timer {
            int64_t time;
            uint32_t key;
            Namespace ns;
            bool operator==(const Timer& o) const { return time == o.time && key == o.key && ns == o.ns; }
            bool operator<(const Timer& o) const
            {
                if (time != o.time)
                    return time < o.time;
                if (key != o.key)
                    return key < o.key;
                return ns < o.ns;
            }
            template <typename H>
            friend H AbslHashValue(H h, const Timer& t)
            {
                return H::combine(std::move(h), t.time, t.key, t.ns.start, t.ns.end);
            }
        };
        struct Later {
            bool operator()(const Timer& a, const Timer& b) const { return b < a; }
        };
        void settle()
        {
            while (!m_heap.empty() && !m_set.contains(m_heap.front())) {
                std::pop_heap(m_heap.begin(), m_heap.end(), Later {});
                m_heap.pop_back();
            }
        }
        Keys& m_keys;
        std::vector<Timer> m_heap;
        absl::flat_hash_set<Timer> m_set;
    };

    class HeapBackend final : public KeyedStateBackend {
    public:
        HeapBackend(int maxParallelism, const Clock* clock)
            : m_clock(clock)
        {
            (void)maxParallelism;
        }
        std::string_view name() const override { return "heap"; }
        bool usesKeyGroups() const override { return false; }
        void setCurrentKey(const Value& key, int) override { m_keys.current = m_keys.idOf(key); }
        const Value& currentKey() const override { return m_keys.values[m_keys.current]; }

        std::unique_ptr<AggregatingState> aggregatingState(
            const std::string&, const window::Aggregator& agg, const std::optional<model::TtlSpec>& ttl) override
        {
            auto s = std::make_unique<HeapAggregating>(m_keys, agg, ttl, m_clock);
            m_accounted.push_back(s.get());
            return s;
        }
        std::unique_ptr<ListState> listState(const std::string&) override
        {
            auto s = std::make_unique<HeapList>(m_keys);
            m_accounted.push_back(s.get());
            return s;
        }
        std::unique_ptr<ValueState> valueState(const std::string&) override
        {
            auto s = std::make_unique<HeapValue>(m_keys);
            m_accounted.push_back(s.get());
            return s;
        }
        std::unique_ptr<MapState> mapState(const std::string&) override
        {
            auto s = std::make_unique<HeapMap>(m_keys);
            m_accounted.push_back(s.get());
            return s;
        }
        std::unique_ptr<TimerQueue> timerQueue(const std::string&) override
        {
            auto t = std::make_unique<HeapTimers>(m_keys);
            m_timers.push_back(t.get());
            return t;
        }
        StateSize size() override
        {
            StateSize s;
            for (const auto* a : m_accounted)
                a->account(s, m_keys);
            for (const auto* t : m_timers) {
                s.entries += t->size();
                s.bytes += t->size() * 32;
            }
            return s;
        }
        const Status& status() const override { return m_status; }

        Status snapshot(std::string& out, const std::filesystem::path&) override
        {
            // The key table in id order, so that a restore gives every key its id again: timers
            // with equal times fire in key-id order, and the output order must not change.
            putVarint(out, m_keys.values.size());
            for (const auto& k : m_keys.values)
                encodeValue(out, k);
            putVarint(out, m_accounted.size());
            for (const auto* a : m_accounted)
                a->save(out, m_keys);
            putVarint(out, m_timers.size());
            for (const auto* t : m_timers)
                t->save(out, m_keys);
            return {};
        }
        Status restore(ByteReader& in, const std::filesystem::path&) override
        {
            m_keys = Keys {};
            uint64_t nKeys = in.varint();
            for (uint64_t k = 0; k < nKeys && in.ok; ++k)
                m_keys.idOf(in.value());
            if (in.varint() != m_accounted.size())
                return Status::invalid("the checkpoint's heap state does not match this job's states");
            for (auto* a : m_accounted)
                a->load(in, m_keys);
            if (in.varint() != m_timers.size())
                return Status::invalid("the checkpoint's timers do not match this job's timers");
            for (auto* t : m_timers)
                t->load(in, m_keys);
            return in.ok ? Status {} : Status::invalid("the checkpoint's heap state is corrupt");
        }

    private:
        const Clock* m_clock;
        Keys m_keys;
        std::vector<Accounted*> m_accounted; // owned by the operator, which outlives size() calls
        std::vector<HeapTimers*> m_timers;
        Status m_status;
    };

} // namespace

std::unique_ptr<KeyedStateBackend> makeHeapBackend(int maxParallelism, const Clock* clock)
{
    return std::make_unique<HeapBackend>(maxParallelism, clock);
}

} // namespace streamlab::state
