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
    };

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

    private:
        const Clock* m_clock;
        Keys m_keys;
        std::vector<const Accounted*> m_accounted; // owned by the operator, which outlives size() calls
        std::vector<const HeapTimers*> m_timers;
        Status m_status;
    };

} // namespace

std::unique_ptr<KeyedStateBackend> makeHeapBackend(int maxParallelism, const Clock* clock)
{
    return std::make_unique<HeapBackend>(maxParallelism, clock);
}

} // namespace streamlab::state
