#include "core/value_codec.h"
#include "state/keyed_state.h"
#include "state/ttl.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/inlined_vector.h>
#include <map>
#include <absl/hash/hash.h>
#include <algorithm>
#include <array>
#include <bit>
#include <utility>
#include <memory>
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
            case 4: { // absl's own string hash: a std::string_view goes through std::hash here
                const auto& str = std::get<std::string>(v);
                return absl::HashOf(4, absl::string_view(str.data(), str.size()));
            }
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

    // The entries of one state, row by key id: each key's (sub-key, entry) pairs sorted by sub-key
    // (the namespace, or the time and namespace of a timer). A key has only a few windows at a
    // time, so an access costs one cache miss for the key's row and a short search, where a hash
    // map over every (key, namespace) pair costs two probes. Rows iterate in key-id order, so
    // snapshots and incremental TTL sweeps are deterministic. Rows are cache-line aligned, with
    // room for `N` pairs inline: the row's size and its first pair share one line.
    template <typename Sub, typename E, size_t N = 1>
    class SlotTable {
    public:
        struct alignas(64) Row : absl::InlinedVector<std::pair<Sub, E>, N> { };

        E* find(uint32_t key, const Sub& sub)
        {
            if (key >= m_rows.size())
                return nullptr;
            Row& r = m_rows[key];
            auto it = upper(r, sub);
            return it != r.begin() && (it - 1)->first == sub ? &(it - 1)->second : nullptr;
        }
        // The entry, default-constructed when absent; `inserted` tells which.
        E& at(uint32_t key, const Sub& sub, bool* inserted = nullptr)
        {
            if (key >= m_rows.size())
                m_rows.resize(std::max<size_t>(key + 1, m_rows.size() * 3 / 2));
            Row& r = m_rows[key];
            auto it = upper(r, sub);
            bool fresh = it == r.begin() || !((it - 1)->first == sub);
            if (fresh) {
                it = r.emplace(it, sub, E {});
                ++m_size;
            } else {
                --it;
            }
            if (inserted)
                *inserted = fresh;
            return it->second;
        }
        // Removes the entry, returning it (nullopt when absent).
        std::optional<E> take(uint32_t key, const Sub& sub)
        {
            if (key >= m_rows.size())
                return std::nullopt;
            Row& r = m_rows[key];
            auto it = upper(r, sub);
            if (it == r.begin() || !((--it)->first == sub))
                return std::nullopt;
            std::optional<E> e(std::move(it->second));
            r.erase(it);
            --m_size;
            return e;
        }
        bool erase(uint32_t key, const Sub& sub) { return take(key, sub).has_value(); }
        void clear()
        {
            m_rows.clear();
            m_size = 0;
            m_hintRow = nullptr;
        }
        int64_t size() const { return m_size; }
        uint32_t keyCount() const { return static_cast<uint32_t>(m_rows.size()); }
        Row& row(uint32_t key) { return m_rows[key]; }
        // f(keyId, sub, entry) in key-id order, then sub-key order.
        template <typename F>
        void forEach(F&& f) const
        {
            for (uint32_t k = 0; k < m_rows.size(); ++k)
                for (const auto& [sub, e] : m_rows[k])
                    f(k, sub, e);
        }

    private:
        // The first pair after `sub`: linear from the back in a short row, where most elements
        // go to a key's newest window, which sorts last. In a long one (a sliding window of an
        // hour by the minute keeps 60 windows a key, each element updating them all, one after
        // the other) next to the pair found last when it is there, else a binary search.
        typename Row::iterator upper(Row& r, const Sub& sub)
        {
            if (r.size() <= kLinear) {
                auto it = r.end();
                while (it != r.begin() && sub < (it - 1)->first)
                    --it;
                return it;
            }
            if (&r == m_hintRow) {
                for (size_t i : { m_hint - 1, m_hint + 1, m_hint }) { // unsigned: -1 wraps past the end
                    if (i < r.size() && r[i].first == sub) {
                        m_hint = i;
                        return r.begin() + static_cast<std::ptrdiff_t>(i) + 1;
                    }
                }
            }
            auto it = std::upper_bound(r.begin(), r.end(), sub, [](const Sub& a, const auto& p) { return a < p.first; });
            m_hintRow = &r;
            m_hint = static_cast<size_t>(it - r.begin()) - 1; // the match, when there is one
            return it;
        }
        static constexpr size_t kLinear = 16;
        std::vector<Row> m_rows;
        int64_t m_size = 0;
        // The long row searched last and the index of its pair found then: only a guess, checked
        // before use (rows move when m_rows grows, pairs when one is inserted or erased).
        const Row* m_hintRow = nullptr;
        size_t m_hint = 0;
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

    // The checkpoint form of a heap state: the number of entries, then per entry the key's value,
    // the namespace and what `payload(entry)` writes. `keep(entry)` leaves entries out.
    template <typename E, size_t N, typename Keep, typename Payload>
    void saveEntries(std::string& out, const Keys& keys, const SlotTable<Namespace, E, N>& table, Keep&& keep,
        Payload&& payload)
    {
        uint64_t n = 0;
        table.forEach([&](uint32_t, const Namespace&, const E& e) { n += keep(e) ? 1 : 0; });
        putVarint(out, n);
        table.forEach([&](uint32_t key, const Namespace& ns, const E& e) {
            if (!keep(e))
                return;
            encodeValue(out, keys.values[key]);
            putNs(out, ns);
            payload(e);
        });
    }
    template <typename E, size_t N, typename Payload>
    void saveEntries(std::string& out, const Keys& keys, const SlotTable<Namespace, E, N>& table, Payload&& payload)
    {
        saveEntries(out, keys, table, [](const E&) { return true; }, payload);
    }
    // The reverse: the table emptied, then `read(keyId, namespace)` reads each entry's payload.
    template <typename E, size_t N, typename Read>
    void loadEntries(ByteReader& in, Keys& keys, SlotTable<Namespace, E, N>& table, Read&& read)
    {
        table.clear();
        const uint64_t n = in.varint();
        for (uint64_t i = 0; i < n && in.ok; ++i) {
            const uint32_t key = keys.idOf(in.value());
            const Namespace ns = getNs(in);
            read(key, ns);
        }
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
        bool add(const Namespace& ns, const Value& element) override
        {
            cleanupIncrementally();
            bool created = false;
            Entry& e = m_map.at(m_keys.current, ns, &created);
            if (!created && m_ttl && expired(e.lastAccess, *m_ttl, m_clock->now())) {
                e = Entry {}; // an expired accumulator restarts from scratch
                created = true;
            }
            m_agg.addValue(e.acc, element);
            if (m_ttl)
                e.lastAccess = m_clock->now();
            return created;
        }
        std::optional<window::Accumulator> get(const Namespace& ns) override
        {
            cleanupIncrementally();
            Entry* e = m_map.find(m_keys.current, ns);
            if (!e)
                return std::nullopt;
            if (m_ttl) {
                if (expired(e->lastAccess, *m_ttl, m_clock->now())) {
                    window::Accumulator acc = std::move(e->acc);
                    m_map.erase(m_keys.current, ns); // an expired value is removed when read
                    if (m_ttl->visibility == model::TtlVisibility::ReturnExpiredIfNotCleanedUp)
                        return acc;
                    return std::nullopt;
                }
                if (m_ttl->update == model::TtlUpdate::OnReadAndWrite)
                    e->lastAccess = m_clock->now();
            }
            return e->acc;
        }
        void clear(const Namespace& ns) override { m_map.erase(m_keys.current, ns); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                auto from = m_map.take(m_keys.current, s);
                if (!from)
                    continue;
                Entry& into = m_map.at(m_keys.current, target);
                m_agg.merge(into.acc, from->acc);
                into.lastAccess = std::max(into.lastAccess, from->lastAccess);
            }
        }
        void account(StateSize& s, const Keys& keys) const override
        {
            m_map.forEach([&](uint32_t key, const Namespace&, const Entry& e) {
                ++s.entries;
                s.bytes += keys.bytes[key] + 16 + m_agg.accountedBytes(e.acc) + (m_ttl ? 8 : 0);
            });
        }
        void save(std::string& out, const Keys& keys) const override
        {
            // cleanupFullSnapshot: expired entries stay out of the snapshot (local state keeps them).
            bool dropExpired = m_ttl && hasCleanup(*m_ttl, "fullSnapshot");
            int64_t now = m_clock->now();
            auto live = [&](const Entry& e) { return !(dropExpired && expired(e.lastAccess, *m_ttl, now)); };
            saveEntries(out, keys, m_map, live, [&](const Entry& e) {
                putAcc(out, e.acc);
                encodeValue(out, Value { e.lastAccess });
            });
        }
        void load(ByteReader& in, Keys& keys) override
        {
            loadEntries(in, keys, m_map, [&](uint32_t key, const Namespace& ns) {
                Entry e;
                e.acc = getAcc(in);
                e.lastAccess = getI64(in);
                m_map.at(key, ns) = std::move(e);
            });
        }

    private:
        struct Entry {
            window::Accumulator acc;
            int64_t lastAccess = 0;
        };

        // cleanupIncrementally(n, perRecord=false): each access checks up to n more entries, in
        // key order, starting over after the last key.
        void cleanupIncrementally()
        {
            if (!m_ttl || !incrementalCleanup(*m_ttl))
                return;
            int64_t now = m_clock->now();
            for (int i = 0; i < m_ttl->incrementalSize;) {
                if (m_sweepKey >= m_map.keyCount()) {
                    m_sweepKey = 0;
                    m_sweepIndex = 0;
                    if (m_map.size() == 0)
                        return;
                }
                auto& row = m_map.row(m_sweepKey);
                if (m_sweepIndex >= row.size()) {
                    ++m_sweepKey;
                    m_sweepIndex = 0;
                    continue;
                }
                ++i;
                const Entry& e = row[m_sweepIndex].second;
                if (expired(e.lastAccess, *m_ttl, now))
                    m_map.erase(m_sweepKey, Namespace(row[m_sweepIndex].first));
                else
                    ++m_sweepIndex;
            }
        }

        Keys& m_keys;
        window::Aggregator m_agg;
        std::optional<model::TtlSpec> m_ttl;
        const Clock* m_clock;
        SlotTable<Namespace, Entry, 2> m_map; // two windows of a key at once are common
        uint32_t m_sweepKey = 0;
        size_t m_sweepIndex = 0;
    };

    // Aggregating states without TTL that one owner uses together (aggregatingStates): one
    // table whose entry holds all N accumulators, with a bit per state for whether it is set.
    // Each state stays what HeapAggregating is (its own entries, size and checkpoint form); an
    // element costs one row lookup instead of N, and a window's accumulators share cache lines.
    template <size_t N>
    struct Fused {
        uint32_t present = 0; // bit i: state i has an accumulator
        std::array<window::Accumulator, N> accs;
    };
    // Made on the engine's thread when the window opens, written for every window on the
    // window's thread in a pipelined run: cache-line aligned, so that it shares no line.
    template <size_t N>
    struct alignas(64) FusedTable : SlotTable<Namespace, Fused<N>, 2> { };

    template <size_t N>
    class FusedAggregating final : public AggregatingState, public Accounted {
    public:
        FusedAggregating(Keys& keys, window::Aggregator agg, std::shared_ptr<FusedTable<N>> table, size_t index)
            : m_keys(keys)
            , m_agg(agg)
            , m_table(std::move(table))
            , m_index(index)
            , m_bit(1u << index)
        {
        }
        bool add(const Namespace& ns, const Value& element) override
        {
            auto& f = m_table->at(m_keys.current, ns);
            const bool created = !(f.present & m_bit);
            m_agg.addValue(own(f), element);
            return created;
        }
        std::optional<window::Accumulator> get(const Namespace& ns) override
        {
            const auto* f = m_table->find(m_keys.current, ns);
            if (!f || !(f->present & m_bit))
                return std::nullopt;
            return f->accs[m_index];
        }
        void clear(const Namespace& ns) override { take(m_keys.current, ns); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                auto from = take(m_keys.current, s);
                if (!from)
                    continue;
                m_agg.merge(own(m_table->at(m_keys.current, target)), *from);
            }
        }
        void account(StateSize& s, const Keys& keys) const override
        {
            m_table->forEach([&](uint32_t key, const Namespace&, const Fused<N>& f) {
                if (!(f.present & m_bit))
                    return;
                ++s.entries;
                s.bytes += keys.bytes[key] + 16 + m_agg.accountedBytes(f.accs[m_index]);
            });
        }
        // HeapAggregating's form (its last access is 0 without TTL): either restores the other's.
        void save(std::string& out, const Keys& keys) const override
        {
            saveEntries(out, keys, *m_table, [&](const Fused<N>& f) { return (f.present & m_bit) != 0; },
                [&](const Fused<N>& f) {
                    putAcc(out, f.accs[m_index]);
                    encodeValue(out, Value { int64_t(0) });
                });
        }
        void load(ByteReader& in, Keys& keys) override
        {
            std::vector<std::pair<uint32_t, Namespace>> mine;
            m_table->forEach([&](uint32_t key, const Namespace& ns, const Fused<N>& f) {
                if (f.present & m_bit)
                    mine.emplace_back(key, ns);
            });
            for (const auto& [key, ns] : mine)
                take(key, ns);
            const uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                const uint32_t key = keys.idOf(in.value());
                const Namespace ns = getNs(in);
                own(m_table->at(key, ns)) = getAcc(in);
                getI64(in); // last access
            }
        }

    private:
        // This state's accumulator in the entry, set (empty) when it was not.
        window::Accumulator& own(Fused<N>& f)
        {
            if (!(f.present & m_bit)) {
                f.accs[m_index] = window::Accumulator {};
                f.present |= m_bit;
            }
            return f.accs[m_index];
        }
        // This state's accumulator out of the entry (nullopt when unset); the entry goes with the last.
        std::optional<window::Accumulator> take(uint32_t key, const Namespace& ns)
        {
            auto* f = m_table->find(key, ns);
            if (!f || !(f->present & m_bit))
                return std::nullopt;
            std::optional<window::Accumulator> acc(std::move(f->accs[m_index]));
            f->accs[m_index] = window::Accumulator {};
            f->present &= ~m_bit;
            if (f->present == 0)
                m_table->erase(key, ns);
            return acc;
        }

        Keys& m_keys;
        window::Aggregator m_agg;
        std::shared_ptr<FusedTable<N>> m_table;
        size_t m_index;
        uint32_t m_bit;
    };

    class HeapList final : public ListState, public Accounted {
    public:
        explicit HeapList(Keys& keys)
            : m_keys(keys)
        {
        }
        bool add(const Namespace& ns, const Value& element) override
        {
            auto& list = m_map.at(m_keys.current, ns);
            list.push_back(element);
            return list.size() == 1;
        }
        std::optional<std::vector<Value>> get(const Namespace& ns) override
        {
            auto* l = m_map.find(m_keys.current, ns);
            if (!l || l->empty())
                return std::nullopt;
            return *l;
        }
        void clear(const Namespace& ns) override { m_map.erase(m_keys.current, ns); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                auto from = m_map.take(m_keys.current, s);
                if (!from)
                    continue;
                auto& into = m_map.at(m_keys.current, target);
                into.insert(into.end(), from->begin(), from->end());
            }
        }
        void account(StateSize& s, const Keys& keys) const override
        {
            m_map.forEach([&](uint32_t key, const Namespace&, const std::vector<Value>& list) {
                ++s.entries;
                s.bytes += keys.bytes[key] + 16;
                for (const auto& v : list)
                    s.bytes += valueBytes(v);
            });
        }
        void save(std::string& out, const Keys& keys) const override
        {
            saveEntries(out, keys, m_map, [&](const std::vector<Value>& list) { encodeValue(out, makeList(list)); });
        }
        void load(ByteReader& in, Keys& keys) override
        {
            loadEntries(in, keys, m_map, [&](uint32_t key, const Namespace& ns) {
                Value l = in.value();
                if (auto* lp = std::get_if<ListPtr>(&l))
                    m_map.at(key, ns) = (*lp)->items;
            });
        }

    private:
        Keys& m_keys;
        SlotTable<Namespace, std::vector<Value>> m_map;
    };

    class HeapValue final : public ValueState, public Accounted {
    public:
        explicit HeapValue(Keys& keys)
            : m_keys(keys)
        {
        }
        std::optional<Value> get(const Namespace& ns) override
        {
            const Value* v = m_map.find(m_keys.current, ns);
            if (!v)
                return std::nullopt;
            return *v;
        }
        void put(const Namespace& ns, const Value& v) override { m_map.at(m_keys.current, ns) = v; }
        void clear(const Namespace& ns) override { m_map.erase(m_keys.current, ns); }
        void account(StateSize& s, const Keys& keys) const override
        {
            m_map.forEach([&](uint32_t key, const Namespace&, const Value& v) {
                ++s.entries;
                s.bytes += keys.bytes[key] + 16 + valueBytes(v);
            });
        }
        void save(std::string& out, const Keys& keys) const override
        {
            saveEntries(out, keys, m_map, [&](const Value& v) { encodeValue(out, v); });
        }
        void load(ByteReader& in, Keys& keys) override
        {
            loadEntries(in, keys, m_map, [&](uint32_t key, const Namespace& ns) { m_map.at(key, ns) = in.value(); });
        }

    private:
        Keys& m_keys;
        SlotTable<Namespace, Value> m_map;
    };

    class HeapMap final : public MapState, public Accounted {
    public:
        explicit HeapMap(Keys& keys)
            : m_keys(keys)
        {
        }
        std::optional<Value> get(const Namespace& ns, const Value& userKey) override
        {
            auto* m = m_map.find(m_keys.current, ns);
            if (!m)
                return std::nullopt;
            auto e = m->find(bytesOf(userKey));
            if (e == m->end())
                return std::nullopt;
            return e->second.second;
        }
        void put(const Namespace& ns, const Value& userKey, const Value& v) override
        {
            m_map.at(m_keys.current, ns)[bytesOf(userKey)] = { userKey, v };
        }
        void remove(const Namespace& ns, const Value& userKey) override
        {
            auto* m = m_map.find(m_keys.current, ns);
            if (!m)
                return;
            m->erase(bytesOf(userKey));
            if (m->empty())
                m_map.erase(m_keys.current, ns);
        }
        std::vector<std::pair<Value, Value>> entries(const Namespace& ns) override
        {
            std::vector<std::pair<Value, Value>> r;
            if (auto* m = m_map.find(m_keys.current, ns))
                for (const auto& [k, e] : *m)
                    r.push_back(e);
            return r;
        }
        void clear(const Namespace& ns) override { m_map.erase(m_keys.current, ns); }
        void account(StateSize& s, const Keys& keys) const override
        {
            m_map.forEach([&](uint32_t key, const Namespace&, const UserMap& m) {
                for (const auto& [k, e] : m) {
                    ++s.entries;
                    s.bytes += keys.bytes[key] + 16 + static_cast<int64_t>(k.size()) + valueBytes(e.second);
                }
            });
        }
        void save(std::string& out, const Keys& keys) const override
        {
            saveEntries(out, keys, m_map, [&](const UserMap& m) {
                putVarint(out, m.size());
                for (const auto& [k, e] : m) {
                    encodeValue(out, e.first);
                    encodeValue(out, e.second);
                }
            });
        }
        void load(ByteReader& in, Keys& keys) override
        {
            loadEntries(in, keys, m_map, [&](uint32_t key, const Namespace& ns) {
                const uint64_t m = in.varint();
                auto& entries = m_map.at(key, ns);
                for (uint64_t j = 0; j < m && in.ok; ++j) {
                    Value k = in.value();
                    Value v = in.value();
                    entries[bytesOf(k)] = { k, v };
                }
            });
        }

    private:
        // Ordered by the user key's bytes, as RocksDB iterates them.
        using UserMap = std::map<std::string, std::pair<Value, Value>>;
        static std::string bytesOf(const Value& v)
        {
            std::string b;
            encodeValue(b, v);
            return b;
        }
        Keys& m_keys;
        SlotTable<Namespace, UserMap> m_map;
    };

    // Flink's HeapPriorityQueueSet in another shape: uniqueness from each key's row of
    // registered (time, namespace) pairs, order from buckets of equal times, each sorted by
    // (key id, namespace) when it is first polled. Window timers share a few distinct times
    // (window ends), so registering costs a look at the key's row and an append, and firing a
    // bucket costs one sort instead of a heap operation per timer. Deletion is lazy: a bucket
    // counts its live timers, and a removed timer is skipped when it surfaces.
    class HeapTimers final : public TimerQueue {
    public:
        explicit HeapTimers(Keys& keys)
            : m_keys(keys)
        {
        }
        void add(const Namespace& ns, int64_t time) override { insert(m_keys.current, ns, time); }
        void remove(const Namespace& ns, int64_t time) override
        {
            if (!m_registered.erase(m_keys.current, Sub { time, ns }))
                return;
            auto it = m_buckets.find(time);
            if (it != m_buckets.end() && --it->second.live == 0)
                m_buckets.erase(it);
        }
        std::optional<std::pair<Namespace, int64_t>> pollDue(int64_t limit) override
        {
            while (!m_buckets.empty()) {
                auto it = m_buckets.begin();
                if (it->first > limit)
                    return std::nullopt;
                Bucket& b = it->second;
                if (!b.sorted) {
                    sortItems(b.items, b.next);
                    b.sorted = true;
                }
                while (b.next < b.items.size()) {
                    auto [key, ns] = b.items[b.next++];
                    if (!m_registered.erase(key, Sub { it->first, ns }))
                        continue; // removed, or a second copy of a timer removed and registered again
                    int64_t time = it->first;
                    if (--b.live == 0)
                        m_buckets.erase(it);
                    m_keys.current = key;
                    return std::make_pair(ns, time);
                }
                m_buckets.erase(it); // only dead timers were left
            }
            return std::nullopt;
        }
        std::optional<int64_t> peekTime() override
        {
            if (m_buckets.empty())
                return std::nullopt;
            return m_buckets.begin()->first;
        }
        int64_t size() const override { return m_registered.size(); }
        void save(std::string& out, const Keys& keys) const
        {
            struct Timer {
                int64_t time;
                uint32_t key;
                Namespace ns;
                bool operator<(const Timer& o) const
                {
                    if (time != o.time)
                        return time < o.time;
                    if (key != o.key)
                        return key < o.key;
                    return ns < o.ns;
                }
            };
            std::vector<Timer> all;
            all.reserve(static_cast<size_t>(m_registered.size()));
            m_registered.forEach([&](uint32_t key, const Sub& s, const char&) { all.push_back({ s.time, key, s.ns }); });
            std::sort(all.begin(), all.end());
            putVarint(out, all.size());
            for (const auto& t : all) {
                encodeValue(out, keys.values[t.key]);
                putNs(out, t.ns);
                encodeValue(out, Value { t.time });
            }
        }
        void load(ByteReader& in, Keys& keys)
        {
            m_registered.clear();
            m_buckets.clear();
            uint64_t n = in.varint();
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                uint32_t key = keys.idOf(in.value());
                Namespace ns = getNs(in);
                insert(key, ns, getI64(in));
            }
        }

    private:
        struct Sub {
            int64_t time;
            Namespace ns;
            bool operator==(const Sub& o) const { return time == o.time && ns == o.ns; }
            bool operator<(const Sub& o) const { return time != o.time ? time < o.time : ns < o.ns; }
        };
        using Item = std::pair<uint32_t, Namespace>; // key id, namespace
        struct Bucket {
            std::vector<Item> items;
            size_t next = 0; // items before it were polled
            int64_t live = 0; // registered timers among items[next..]
            bool sorted = true; // items[next..] are in order
        };
        // items[from..] by (key id, namespace), as std::sort would put them. A window end's
        // bucket holds a timer for every key with that window (10,000 at the end of a minute):
        // those are sorted by key id in linear time, a least-significant-digit radix sort of up
        // to 11 bits a pass, then each run of one key by namespace (mostly a run of one). It
        // was a sixth of the firing's time with std::sort.
        void sortItems(std::vector<Item>& items, size_t from)
        {
            const size_t n = items.size() - from;
            Item* data = items.data() + from;
            if (n < kRadixFrom) {
                std::sort(data, data + n);
                return;
            }
            uint32_t maxKey = 0;
            for (size_t i = 0; i < n; ++i)
                maxKey = std::max(maxKey, data[i].first);
            const int bits = std::bit_width(maxKey);
            const int passes = std::max(1, (bits + kRadixBits - 1) / kRadixBits);
            const int width = (bits + passes - 1) / passes;
            m_scratch.resize(n);
            Item* src = data;
            Item* dst = m_scratch.data();
            std::array<uint32_t, (1u << kRadixBits)> at {};
            for (int pass = 0, shift = 0; pass < passes; ++pass, shift += width) {
                const uint32_t mask = (1u << width) - 1;
                std::fill_n(at.begin(), mask + 1, 0u);
                for (size_t i = 0; i < n; ++i)
                    ++at[(src[i].first >> shift) & mask];
                uint32_t sum = 0;
                for (uint32_t d = 0; d <= mask; ++d)
                    sum += std::exchange(at[d], sum);
                for (size_t i = 0; i < n; ++i)
                    dst[at[(src[i].first >> shift) & mask]++] = src[i];
                std::swap(src, dst);
            }
            if (src != data)
                std::copy(src, src + n, data);
            for (size_t i = 0; i < n;) {
                size_t j = i + 1;
                while (j < n && data[j].first == data[i].first)
                    ++j;
                if (j - i > 1)
                    std::sort(data + i, data + j);
                i = j;
            }
        }
        static constexpr size_t kRadixFrom = 256;
        static constexpr int kRadixBits = 11;

        void insert(uint32_t key, const Namespace& ns, int64_t time)
        {
            bool fresh = false;
            m_registered.at(key, Sub { time, ns }, &fresh);
            if (!fresh)
                return;
            Bucket& b = m_buckets[time];
            if (b.next == b.items.size()) {
                b.items.clear();
                b.next = 0;
                b.sorted = true;
            } else if (b.sorted && Item { key, ns } < b.items.back()) {
                b.sorted = false;
            }
            b.items.emplace_back(key, ns);
            ++b.live;
        }
        Keys& m_keys;
        SlotTable<Sub, char> m_registered;
        std::map<int64_t, Bucket> m_buckets;
        std::vector<Item> m_scratch; // sortItems' other buffer
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
        std::vector<std::unique_ptr<AggregatingState>> aggregatingStates(const std::vector<std::string>& names,
            const std::vector<window::Aggregator>& aggs, const std::optional<model::TtlSpec>& ttl) override
        {
            switch (ttl ? 0 : aggs.size()) { // TTL's access times stay per state
            case 2:
                return fused<2>(aggs);
            case 3:
                return fused<3>(aggs);
            case 4:
                return fused<4>(aggs);
            default:
                return KeyedStateBackend::aggregatingStates(names, aggs, ttl);
            }
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
        template <size_t N>
        std::vector<std::unique_ptr<AggregatingState>> fused(const std::vector<window::Aggregator>& aggs)
        {
            auto table = std::make_shared<FusedTable<N>>();
            std::vector<std::unique_ptr<AggregatingState>> out;
            for (size_t i = 0; i < N; ++i) {
                auto s = std::make_unique<FusedAggregating<N>>(m_keys, aggs[i], table, i);
                m_accounted.push_back(s.get());
                out.push_back(std::move(s));
            }
            return out;
        }

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
