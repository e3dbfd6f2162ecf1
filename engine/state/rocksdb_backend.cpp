#include "core/value_codec.h"
#include "state/keyed_state.h"
#include "state/ttl.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_set.h>
#include <deque>
#include <functional>
#include <map>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

namespace streamlab::state {

namespace {

    // Big-endian with the sign bit flipped, so that byte order is numeric order.
    void putOrdered(std::string& out, int64_t v)
    {
        uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t(1) << 63);
        for (int i = 7; i >= 0; --i)
            out += static_cast<char>((u >> (i * 8)) & 0xff);
    }
    int64_t readOrdered(std::string_view b)
    {
        uint64_t u = 0;
        for (int i = 0; i < 8; ++i)
            u = (u << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
        return static_cast<int64_t>(u ^ (uint64_t(1) << 63));
    }
    void putNamespace(std::string& out, const Namespace& ns)
    {
        putOrdered(out, ns.start);
        putOrdered(out, ns.end);
    }

    template <class T>
    void putRaw(std::string& out, T v)
    {
        char buf[sizeof(T)];
        __builtin_memcpy(buf, &v, sizeof(T));
        out.append(buf, sizeof(T));
    }

    void encodeAccumulator(std::string& out, const window::Accumulator& a)
    {
        putRaw(out, a.count);
        putRaw(out, a.longSum);
        putRaw(out, a.doubleSum);
        out += static_cast<char>(a.extra ? 1 : 0);
        if (a.extra) {
            encodeValue(out, a.extra->extreme);
            putVarint(out, a.extra->values.size());
            for (const auto& v : a.extra->values)
                encodeValue(out, v);
        }
    }
    bool decodeAccumulator(ByteReader& r, window::Accumulator& a)
    {
        a.count = r.fixed<int64_t>();
        a.longSum = r.fixed<int64_t>();
        a.doubleSum = r.fixed<double>();
        if (r.fixed<uint8_t>()) {
            auto& e = a.more();
            e.extreme = r.value();
            uint64_t n = r.varint();
            for (uint64_t i = 0; i < n && r.ok; ++i)
                e.values.push_back(r.value());
        }
        return r.ok;
    }

    // List state appends without reading: each operand is one or more length-prefixed elements.
    class ListAppend final : public rocksdb::AssociativeMergeOperator {
    public:
        bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
            std::string* newValue, rocksdb::Logger*) const override
        {
            newValue->clear();
            if (existing)
                newValue->assign(existing->data(), existing->size());
            newValue->append(value.data(), value.size());
            return true;
        }
        const char* Name() const override { return "streamlab.ListAppend"; }
    };

    // Flink's cleanupInRocksdbCompactFilter: drops expired entries while RocksDB compacts,
    // re-reading the clock every `queryEvery` entries. Values start with the last access time.
    class TtlCompactionFilter final : public rocksdb::CompactionFilter {
    public:
        TtlCompactionFilter(model::TtlSpec ttl, const Clock* clock)
            : m_ttl(std::move(ttl))
            , m_clock(clock)
        {
        }
        bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*, bool*) const override
        {
            if (m_seen++ % static_cast<uint64_t>(std::max(1, m_ttl.compactionQueryEvery)) == 0)
                m_now = m_clock->now();
            if (value.size() < 8)
                return false;
            int64_t last;
            __builtin_memcpy(&last, value.data(), 8);
            return expired(last, m_ttl, m_now);
        }
        const char* Name() const override { return "streamlab.TtlCompactionFilter"; }

    private:
        model::TtlSpec m_ttl;
        const Clock* m_clock;
        mutable uint64_t m_seen = 0;
        mutable int64_t m_now = 0;
    };

    class RocksBackend;

    // Common plumbing of a state: its column family and the key of (current key, namespace).
    class RocksState {
    public:
        RocksState(RocksBackend& b, rocksdb::ColumnFamilyHandle* cf)
            : m_b(b)
            , m_cf(cf)
        {
        }

    protected:
        const std::string& keyOf(const Namespace& ns);
        bool get(const Namespace& ns, std::string& value);
        void put(const Namespace& ns, std::string_view value);
        void del(const Namespace& ns);
        void check(const rocksdb::Status& s);

        RocksBackend& m_b;
        rocksdb::ColumnFamilyHandle* m_cf;
        std::string m_key;
        std::string m_value;
    };

    class RocksBackend final : public KeyedStateBackend {
    public:
        RocksBackend(std::filesystem::path dir, const Clock* clock, bool keep, int64_t cacheEntries)
            : m_dir(std::move(dir))
            , m_clock(clock)
            , m_keep(keep)
            , m_cacheEntries(cacheEntries)
        {
        }
        int64_t cacheEntries() const { return m_cacheEntries; }
        // Write-back caches register here; everything that reads RocksDB as a whole flushes them.
        void addFlusher(std::function<void()> f) { m_flushers.push_back(std::move(f)); }
        // Called after restore() rewrote the column families, for states that cache what is stored.
        void addRestoreListener(std::function<void()> f) { m_restoreListeners.push_back(std::move(f)); }
        void flushCaches()
        {
            for (auto& f : m_flushers)
                f();
        }
        ~RocksBackend() override
        {
            for (auto* h : m_handles)
                m_db->DestroyColumnFamilyHandle(h);
            m_db.reset();
            if (!m_keep) {
                std::error_code ec;
                std::filesystem::remove_all(m_dir, ec);
            }
        }

        Status open()
        {
            std::error_code ec;
            std::filesystem::create_directories(m_dir, ec);
            if (ec)
                return Status::ioError(m_dir.string() + ": cannot create the RocksDB directory (" + ec.message() + ")");
            rocksdb::Options options;
            options.create_if_missing = true;
            rocksdb::DB* db = nullptr;
            auto s = rocksdb::DB::Open(options, m_dir.string(), &db);
            if (!s.ok())
                return Status::internal(m_dir.string() + ": RocksDB: " + s.ToString());
            m_db.reset(db);
            // Flink's RocksDB backend writes without a WAL: checkpoints give durability.
            m_write.disableWAL = true;
            return {};
        }

        std::string_view name() const override { return "rocksdb"; }
        bool usesKeyGroups() const override { return true; }
        void setCurrentKey(const Value& key, int keyGroup) override
        {
            m_current = key;
            m_prefix.clear();
            m_prefix += static_cast<char>((keyGroup >> 8) & 0xff);
            m_prefix += static_cast<char>(keyGroup & 0xff);
            encodeValue(m_prefix, key);
        }
        const Value& currentKey() const override { return m_current; }
        const std::string& prefix() const { return m_prefix; }
        // Sets the current key from a stored key prefix (key group + encoded key).
        void setCurrentPrefix(std::string_view prefix)
        {
            m_prefix.assign(prefix.data(), prefix.size());
            ByteReader r { prefix.substr(2) };
            m_current = r.value();
        }

        rocksdb::ColumnFamilyHandle* family(const std::string& name, rocksdb::ColumnFamilyOptions opts)
        {
            // Bloom filters in the SST files: most reads of window state are for a window not
            // stored yet (its first element), answered then without a block search. (A memtable
            // bloom filter was measured too: it costs every write more than it saves a miss.)
            rocksdb::BlockBasedTableOptions table;
            table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
            opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
            rocksdb::ColumnFamilyHandle* h = nullptr;
            auto s = m_db->CreateColumnFamily(opts, name + "-" + std::to_string(m_handles.size()), &h);
            if (!s.ok()) {
                fail(s);
                return m_db->DefaultColumnFamily();
            }
            m_handles.push_back(h);
            return h;
        }

        std::unique_ptr<AggregatingState> aggregatingState(
            const std::string& name, const window::Aggregator& agg, const std::optional<model::TtlSpec>& ttl) override;
        std::unique_ptr<ListState> listState(const std::string& name) override;
        std::unique_ptr<ValueState> valueState(const std::string& name) override;
        std::unique_ptr<MapState> mapState(const std::string& name) override;
        std::unique_ptr<TimerQueue> timerQueue(const std::string& name) override;

        StateSize size() override
        {
            flushCaches();
            StateSize s;
            for (auto* h : m_handles) {
                uint64_t v = 0;
                if (m_db->GetIntProperty(h, "rocksdb.estimate-num-keys", &v))
                    s.entries += static_cast<int64_t>(v);
                if (m_db->GetIntProperty(h, "rocksdb.estimate-live-data-size", &v))
                    s.liveDataBytes += static_cast<int64_t>(v);
                if (m_db->GetIntProperty(h, "rocksdb.cur-size-all-mem-tables", &v))
                    s.memtableBytes += static_cast<int64_t>(v);
                if (m_db->GetIntProperty(h, "rocksdb.total-sst-files-size", &v))
                    s.sstBytes += static_cast<int64_t>(v);
            }
            s.bytes = s.liveDataBytes + s.memtableBytes;
            return s;
        }
        const Status& status() const override { return m_status; }

        void compact() override
        {
            flushCaches();
            rocksdb::FlushOptions fo;
            for (auto* h : m_handles) {
                auto s = m_db->Flush(fo, h);
                if (!s.ok())
                    fail(s);
                rocksdb::CompactRangeOptions co;
                s = m_db->CompactRange(co, h, nullptr, nullptr);
                if (!s.ok())
                    fail(s);
            }
        }

        // A RocksDB checkpoint: memtables flushed, SST files hard-linked into `dir`/rocksdb.
        Status snapshot(std::string& out, const std::filesystem::path& dir) override
        {
            flushCaches();
            putVarint(out, m_handles.size());
            for (auto* h : m_handles)
                encodeValue(out, Value { h->GetName() });
            rocksdb::Checkpoint* raw = nullptr;
            auto s = rocksdb::Checkpoint::Create(m_db.get(), &raw);
            if (!s.ok())
                return Status::internal("RocksDB checkpoint: " + s.ToString());
            std::unique_ptr<rocksdb::Checkpoint> cp(raw);
            for (auto* h : m_handles) {
                s = m_db->Flush(rocksdb::FlushOptions(), h);
                if (!s.ok())
                    return Status::internal("RocksDB flush: " + s.ToString());
            }
            s = cp->CreateCheckpoint((dir / "rocksdb").string());
            if (!s.ok())
                return Status::internal("RocksDB checkpoint: " + s.ToString());
            return {};
        }

        // Restores by reading the checkpoint's RocksDB and writing its entries into this one's
        // column families (the same states, registered in the same order).
        Status restore(ByteReader& in, const std::filesystem::path& dir) override
        {
            uint64_t n = in.varint();
            std::vector<std::string> names;
            for (uint64_t i = 0; i < n && in.ok; ++i) {
                Value v = in.value();
                names.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "");
            }
            if (!in.ok || names.size() != m_handles.size())
                return Status::invalid("the checkpoint's RocksDB state does not match this job's states");
            std::string path = (dir / "rocksdb").string();
            std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
            cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
            for (const auto& name : names) {
                rocksdb::ColumnFamilyOptions opts;
                opts.merge_operator = std::make_shared<ListAppend>();
                cfs.emplace_back(name, opts);
            }
            std::vector<rocksdb::ColumnFamilyHandle*> handles;
            rocksdb::DB* raw = nullptr;
            auto s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(), path, cfs, &handles, &raw);
            if (!s.ok())
                return Status::internal(path + ": RocksDB: " + s.ToString());
            std::unique_ptr<rocksdb::DB> from(raw);
            Status result;
            for (size_t i = 0; i < names.size() && result.ok(); ++i) {
                std::unique_ptr<rocksdb::Iterator> it(from->NewIterator(rocksdb::ReadOptions(), handles[i + 1]));
                rocksdb::WriteBatch batch;
                for (it->SeekToFirst(); it->Valid(); it->Next()) {
                    batch.Put(m_handles[i], it->key(), it->value());
                    if (batch.Count() >= 10000) {
                        s = m_db->Write(m_write, &batch);
                        batch.Clear();
                        if (!s.ok())
                            break;
                    }
                }
                if (s.ok())
                    s = m_db->Write(m_write, &batch);
                if (!s.ok() || !it->status().ok())
                    result = Status::internal("RocksDB restore: " + (s.ok() ? it->status() : s).ToString());
            }
            for (auto* h : handles)
                from->DestroyColumnFamilyHandle(h);
            for (auto& f : m_restoreListeners)
                f();
            return result;
        }

        void fail(const rocksdb::Status& s)
        {
            if (m_status.ok())
                m_status = Status::internal("RocksDB (" + m_dir.string() + "): " + s.ToString());
        }

        rocksdb::DB* db() { return m_db.get(); }
        const rocksdb::WriteOptions& writeOptions() const { return m_write; }
        const Clock* clock() const { return m_clock; }
        const std::filesystem::path& dir() const { return m_dir; }

    private:
        std::filesystem::path m_dir;
        const Clock* m_clock;
        bool m_keep;
        std::unique_ptr<rocksdb::DB> m_db;
        std::vector<rocksdb::ColumnFamilyHandle*> m_handles;
        rocksdb::WriteOptions m_write;
        std::string m_prefix;
        Value m_current;
        Status m_status;
        std::vector<std::unique_ptr<rocksdb::CompactionFilter>> m_filters;
        int64_t m_cacheEntries = 0;
        std::vector<std::function<void()>> m_flushers;
        std::vector<std::function<void()>> m_restoreListeners;

    public:
        rocksdb::CompactionFilter* keepFilter(std::unique_ptr<rocksdb::CompactionFilter> f)
        {
            m_filters.push_back(std::move(f));
            return m_filters.back().get();
        }
    };

    const std::string& RocksState::keyOf(const Namespace& ns)
    {
        m_key = m_b.prefix();
        putNamespace(m_key, ns);
        return m_key;
    }
    void RocksState::check(const rocksdb::Status& s)
    {
        if (!s.ok() && !s.IsNotFound())
            m_b.fail(s);
    }
    bool RocksState::get(const Namespace& ns, std::string& value)
    {
        auto s = m_b.db()->Get(rocksdb::ReadOptions(), m_cf, keyOf(ns), &value);
        check(s);
        return s.ok();
    }
    void RocksState::put(const Namespace& ns, std::string_view value)
    {
        check(m_b.db()->Put(m_b.writeOptions(), m_cf, keyOf(ns), rocksdb::Slice(value.data(), value.size())));
    }
    void RocksState::del(const Namespace& ns) { check(m_b.db()->Delete(m_b.writeOptions(), m_cf, keyOf(ns))); }

    // Reducing state on RocksDB: get, deserialize, reduce, serialize, put — per element.
    class RocksAggregating final : public AggregatingState, RocksState {
    public:
        RocksAggregating(RocksBackend& b, rocksdb::ColumnFamilyHandle* cf, window::Aggregator agg,
            std::optional<model::TtlSpec> ttl)
            : RocksState(b, cf)
            , m_agg(agg)
            , m_ttl(std::move(ttl))
        {
            if (b.cacheEntries() > 0)
                b.addFlusher([this] { flush(); });
        }
        bool add(const Namespace& ns, const Value& element) override
        {
            window::Accumulator acc;
            int64_t last = 0;
            bool created = !read(ns, acc, last);
            if (!created && m_ttl && expired(last, *m_ttl, m_b.clock()->now())) {
                acc = window::Accumulator {}; // an expired accumulator restarts from scratch
                created = true;
            }
            m_agg.addValue(acc, element);
            write(ns, acc, m_b.clock()->now());
            return created;
        }
        using AggregatingState::get;
        std::optional<window::Accumulator> get(const Namespace& ns) override
        {
            window::Accumulator acc;
            int64_t last = 0;
            if (!read(ns, acc, last))
                return std::nullopt;
            if (m_ttl) {
                int64_t now = m_b.clock()->now();
                if (expired(last, *m_ttl, now)) {
                    clear(ns);
                    if (m_ttl->visibility == model::TtlVisibility::ReturnExpiredIfNotCleanedUp)
                        return acc;
                    return std::nullopt;
                }
                if (m_ttl->update == model::TtlUpdate::OnReadAndWrite)
                    write(ns, acc, now);
            }
            return acc;
        }
        void clear(const Namespace& ns) override
        {
            if (m_b.cacheEntries() > 0) {
                Cached& c = m_cache[keyOf(ns)];
                bool inDb = c.inDb;
                c = Cached {};
                c.inDb = inDb;
                c.dirty = inDb; // a cached tombstone, unless RocksDB never had the entry
                maybeFlush();
                return;
            }
            del(ns);
        }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            std::optional<window::Accumulator> merged;
            int64_t lastAll = 0;
            for (const auto& s : sources) {
                window::Accumulator acc;
                int64_t last = 0;
                if (!read(s, acc, last))
                    continue;
                clear(s);
                lastAll = std::max(lastAll, last);
                if (!merged)
                    merged = std::move(acc);
                else
                    m_agg.merge(*merged, acc);
            }
            if (!merged)
                return;
            window::Accumulator into;
            int64_t last = 0;
            if (read(target, into, last))
                m_agg.merge(into, *merged);
            else
                into = std::move(*merged);
            write(target, into, std::max(last, lastAll));
        }

    private:
        struct Cached {
            window::Accumulator acc;
            int64_t last = 0;
            bool present = false;
            bool dirty = false;
            bool inDb = true; // RocksDB may hold the entry (false: read and found absent, not written since)
        };

        bool readDb(const Namespace& ns, window::Accumulator& acc, int64_t& last)
        {
            if (!RocksState::get(ns, m_value))
                return false;
            ByteReader r { m_value };
            if (m_ttl)
                last = r.fixed<int64_t>();
            return decodeAccumulator(r, acc);
        }
        std::string encode(const window::Accumulator& acc, int64_t now)
        {
            std::string v;
            if (m_ttl)
                putRaw(v, now);
            encodeAccumulator(v, acc);
            return v;
        }
        bool read(const Namespace& ns, window::Accumulator& acc, int64_t& last)
        {
            if (m_b.cacheEntries() <= 0)
                return readDb(ns, acc, last);
            auto it = m_cache.find(keyOf(ns));
            if (it == m_cache.end()) {
                Cached c;
                c.present = readDb(ns, c.acc, c.last);
                c.inDb = c.present;
                it = m_cache.emplace(keyOf(ns), std::move(c)).first;
            }
            if (!it->second.present)
                return false;
            acc = it->second.acc;
            last = it->second.last;
            return true;
        }
        void write(const Namespace& ns, const window::Accumulator& acc, int64_t now)
        {
            if (m_b.cacheEntries() > 0) {
                Cached& c = m_cache[keyOf(ns)];
                c.acc = acc;
                c.last = now;
                c.present = true;
                c.dirty = true;
                maybeFlush();
                return;
            }
            put(ns, encode(acc, now));
        }
        void maybeFlush()
        {
            if (static_cast<int64_t>(m_cache.size()) >= m_b.cacheEntries())
                flush();
        }
        // Writes the dirty entries back in one batch and empties the cache (a mini-batch).
        void flush()
        {
            if (m_cache.empty())
                return;
            rocksdb::WriteBatch batch;
            for (const auto& [key, c] : m_cache) {
                if (!c.dirty)
                    continue;
                if (c.present)
                    batch.Put(m_cf, key, encode(c.acc, c.last));
                else
                    batch.Delete(m_cf, key);
            }
            m_cache.clear();
            check(m_b.db()->Write(m_b.writeOptions(), &batch));
        }

        absl::flat_hash_map<std::string, Cached> m_cache;
        window::Aggregator m_agg;
        std::optional<model::TtlSpec> m_ttl;
    };

    // List state on RocksDB: an add is one Merge operand, never a read.
    class RocksList final : public ListState, RocksState {
    public:
        using RocksState::RocksState;
        bool add(const Namespace& ns, const Value& element) override
        {
            m_value.clear();
            std::string e;
            encodeValue(e, element);
            putVarint(m_value, e.size());
            m_value += e;
            check(m_b.db()->Merge(m_b.writeOptions(), m_cf, keyOf(ns), m_value));
            return true;
        }
        std::optional<std::vector<Value>> get(const Namespace& ns) override
        {
            if (!RocksState::get(ns, m_value))
                return std::nullopt;
            std::vector<Value> out;
            ByteReader r { m_value };
            while (r.ok && !r.atEnd()) {
                auto n = r.varint();
                ByteReader er { r.bytes(n) };
                out.push_back(er.value());
            }
            if (out.empty())
                return std::nullopt;
            return out;
        }
        void clear(const Namespace& ns) override { del(ns); }
        void mergeNamespaces(const Namespace& target, const std::vector<Namespace>& sources) override
        {
            for (const auto& s : sources) {
                std::string bytes;
                if (!RocksState::get(s, bytes))
                    continue;
                del(s);
                check(m_b.db()->Merge(m_b.writeOptions(), m_cf, keyOf(target), bytes));
            }
        }
    };

    class RocksValue final : public ValueState, RocksState {
    public:
        using RocksState::RocksState;
        std::optional<Value> get(const Namespace& ns) override
        {
            if (!RocksState::get(ns, m_value))
                return std::nullopt;
            ByteReader r { m_value };
            return r.value();
        }
        void put(const Namespace& ns, const Value& v) override
        {
            m_value.clear();
            encodeValue(m_value, v);
            RocksState::put(ns, m_value);
        }
        void clear(const Namespace& ns) override { del(ns); }
    };

    class RocksMap final : public MapState, RocksState {
    public:
        using RocksState::RocksState;
        std::optional<Value> get(const Namespace& ns, const Value& userKey) override
        {
            auto s = m_b.db()->Get(rocksdb::ReadOptions(), m_cf, entryKey(ns, userKey), &m_value);
            check(s);
            if (!s.ok())
                return std::nullopt;
            ByteReader r { m_value };
            return r.value();
        }
        void put(const Namespace& ns, const Value& userKey, const Value& v) override
        {
            m_value.clear();
            encodeValue(m_value, v);
            check(m_b.db()->Put(m_b.writeOptions(), m_cf, entryKey(ns, userKey), m_value));
        }
        void remove(const Namespace& ns, const Value& userKey) override
        {
            check(m_b.db()->Delete(m_b.writeOptions(), m_cf, entryKey(ns, userKey)));
        }
        std::vector<std::pair<Value, Value>> entries(const Namespace& ns) override
        {
            std::vector<std::pair<Value, Value>> out;
            std::string prefix = keyOf(ns);
            std::unique_ptr<rocksdb::Iterator> it(m_b.db()->NewIterator(rocksdb::ReadOptions(), m_cf));
            for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
                auto k = it->key();
                ByteReader kr { std::string_view(k.data() + prefix.size(), k.size() - prefix.size()) };
                ByteReader vr { std::string_view(it->value().data(), it->value().size()) };
                Value key = kr.value();
                out.emplace_back(std::move(key), vr.value());
            }
            check(it->status());
            return out;
        }
        void clear(const Namespace& ns) override
        {
            for (const auto& [k, v] : entries(ns))
                remove(ns, k);
        }

    private:
        const std::string& entryKey(const Namespace& ns, const Value& userKey)
        {
            keyOf(ns);
            encodeValue(m_key, userKey);
            return m_key;
        }
    };

    // Timers in RocksDB, as Flink's RocksDB timer service keeps them: keys ordered by time
    // (then key group, key, namespace), so that the earliest timer is the first key. Adding an
    // existing timer rewrites the same key: timers are unique by construction.
    // Timers on RocksDB, keyed by time + key + namespace, so that key order is firing order.
    // Like Flink's RocksDBCachingPriorityQueueSet, the smallest stored timers are also kept in
    // memory (up to kHeadCache of them): firing a timer reads no iterator, and a new timer goes
    // into that cache only when it sorts before its last entry. With the write-back cache on,
    // new timers wait in memory (`m_pending`) and go to RocksDB in one batch when that many are
    // waiting or before a checkpoint; a timer fired or removed before then never touches RocksDB.
    class RocksTimers final : public TimerQueue, RocksState {
    public:
        RocksTimers(RocksBackend& b, rocksdb::ColumnFamilyHandle* cf)
            : RocksState(b, cf)
        {
            b.addRestoreListener([this] {
                m_head.clear();
                m_headAll = false;
                m_floor.clear();
                m_known.clear();
                m_knownAll = false; // RocksDB now holds timers m_known does not list
                m_pending.clear();
            });
            if (b.cacheEntries() > 0)
                b.addFlusher([this] { flush(); });
        }
        void add(const Namespace& ns, int64_t time) override
        {
            timerKey(ns, time);
            if (m_b.cacheEntries() > 0) {
                // Like Flink's caching timer queue: a timer known to be there is not written again.
                if (m_known.contains(m_key))
                    return;
                if (static_cast<int64_t>(m_known.size()) >= m_b.cacheEntries()) {
                    m_known.clear();
                    m_knownAll = false;
                }
                m_known.insert(m_key);
                // Unless m_known lists every stored timer, RocksDB may hold this one already.
                m_pending.emplace(m_key, !m_knownAll);
            } else {
                check(m_b.db()->Put(m_b.writeOptions(), m_cf, m_key, rocksdb::Slice()));
            }
            if (m_headAll || (!m_head.empty() && m_key < m_head.back())) {
                auto it = std::lower_bound(m_head.begin(), m_head.end(), m_key);
                if (it == m_head.end() || *it != m_key)
                    m_head.insert(it, m_key);
            }
            if (m_key < m_floor) // an empty floor (unknown) stays unknown
                m_floor = m_key;
            if (static_cast<int64_t>(m_pending.size()) >= m_b.cacheEntries() && m_b.cacheEntries() > 0)
                flush();
        }
        void remove(const Namespace& ns, int64_t time) override
        {
            timerKey(ns, time);
            m_known.erase(m_key);
            auto it = std::lower_bound(m_head.begin(), m_head.end(), m_key);
            if (it != m_head.end() && *it == m_key)
                m_head.erase(it);
            erase(m_key);
        }
        std::optional<std::pair<Namespace, int64_t>> pollDue(int64_t limit) override
        {
            if (!fillHead())
                return std::nullopt;
            auto first = decode(m_head.front());
            if (first.second > limit)
                return std::nullopt;
            m_headKey = std::move(m_head.front());
            m_head.pop_front();
            erase(m_headKey);
            m_known.erase(m_headKey);
            m_floor = m_headKey; // no live timer sorts before the one just polled
            std::string_view kv(m_headKey);
            m_b.setCurrentPrefix(kv.substr(8, kv.size() - 8 - 16));
            return first;
        }
        std::optional<int64_t> peekTime() override
        {
            if (!fillHead())
                return std::nullopt;
            return decode(m_head.front()).second;
        }
        int64_t size() const override
        {
            uint64_t v = 0;
            const_cast<RocksBackend&>(m_b).db()->GetIntProperty(m_cf, "rocksdb.estimate-num-keys", &v);
            return static_cast<int64_t>(v);
        }

    private:
        static constexpr size_t kHeadCache = 128;

        const std::string& timerKey(const Namespace& ns, int64_t time)
        {
            m_key.clear();
            putOrdered(m_key, time);
            m_key += m_b.prefix();
            putNamespace(m_key, ns);
            return m_key;
        }
        static std::pair<Namespace, int64_t> decode(std::string_view kv)
        {
            int64_t time = readOrdered(kv.substr(0, 8));
            Namespace ns { readOrdered(kv.substr(kv.size() - 16, 8)), readOrdered(kv.substr(kv.size() - 8, 8)) };
            return { ns, time };
        }
        // Reads the next stored timers into the head cache when it is empty; false when there are
        // none. Polled timers leave tombstones at the head of the key space, so the scan starts at
        // the floor, the smallest key that can still be live (without it a burst of equal times
        // costs a quadratic tombstone walk).
        bool fillHead()
        {
            if (!m_head.empty())
                return true;
            if (m_headAll)
                return false;
            rocksdb::Slice lowerSlice(m_floor);
            rocksdb::ReadOptions ro;
            if (!m_floor.empty())
                ro.iterate_lower_bound = &lowerSlice;
            std::unique_ptr<rocksdb::Iterator> it(m_b.db()->NewIterator(ro, m_cf));
            if (m_floor.empty())
                it->SeekToFirst();
            else
                it->Seek(lowerSlice);
            std::vector<std::string> stored;
            for (; it->Valid() && stored.size() < kHeadCache; it->Next())
                stored.emplace_back(it->key().data(), it->key().size());
            check(it->status());
            bool storedAll = !it->Valid() && it->status().ok();
            // The smallest kHeadCache of RocksDB's and the waiting timers: every stored timer up
            // to the last one taken is then in the cache.
            auto p = m_pending.lower_bound(m_floor);
            bool pendingAll = true;
            for (size_t i = 0; p != m_pending.end(); ++p, ++i) {
                if (i == kHeadCache) {
                    pendingAll = false;
                    break;
                }
                stored.push_back(p->first);
            }
            std::sort(stored.begin(), stored.end());
            m_headAll = storedAll && pendingAll && stored.size() <= kHeadCache;
            if (stored.size() > kHeadCache)
                stored.resize(kHeadCache);
            m_head.assign(std::make_move_iterator(stored.begin()), std::make_move_iterator(stored.end()));
            return !m_head.empty();
        }
        // A timer leaves: from memory when it never reached RocksDB, else as a tombstone.
        void erase(const std::string& key)
        {
            auto p = m_pending.find(key);
            bool inDb = p == m_pending.end() || p->second;
            if (p != m_pending.end())
                m_pending.erase(p);
            if (inDb)
                check(m_b.db()->Delete(m_b.writeOptions(), m_cf, key));
        }
        void flush()
        {
            if (m_pending.empty())
                return;
            rocksdb::WriteBatch batch;
            for (const auto& [k, inDb] : m_pending)
                batch.Put(m_cf, k, rocksdb::Slice());
            m_pending.clear();
            check(m_b.db()->Write(m_b.writeOptions(), &batch));
        }
        std::string m_floor; // no live timer sorts before it; empty: unknown
        std::deque<std::string> m_head; // the smallest stored timers, in order
        bool m_headAll = false; // m_head holds every stored timer
        absl::flat_hash_set<std::string> m_known; // timers known to be stored (write-back cache on)
        bool m_knownAll = true; // m_known lists every stored timer
        // Timers stored in memory only, not yet written; true: RocksDB may hold an older copy.
        absl::btree_map<std::string, bool> m_pending;
        std::string m_headKey;
    };

    std::unique_ptr<AggregatingState> RocksBackend::aggregatingState(
        const std::string& name, const window::Aggregator& agg, const std::optional<model::TtlSpec>& ttl)
    {
        rocksdb::ColumnFamilyOptions opts;
        if (ttl && compactionCleanup(*ttl))
            opts.compaction_filter = keepFilter(std::make_unique<TtlCompactionFilter>(*ttl, m_clock));
        return std::make_unique<RocksAggregating>(*this, family(name, opts), agg, ttl);
    }
    std::unique_ptr<ListState> RocksBackend::listState(const std::string& name)
    {
        rocksdb::ColumnFamilyOptions opts;
        opts.merge_operator = std::make_shared<ListAppend>();
        return std::make_unique<RocksList>(*this, family(name, opts));
    }
    std::unique_ptr<ValueState> RocksBackend::valueState(const std::string& name)
    {
        return std::make_unique<RocksValue>(*this, family(name, {}));
    }
    std::unique_ptr<MapState> RocksBackend::mapState(const std::string& name)
    {
        return std::make_unique<RocksMap>(*this, family(name, {}));
    }
    std::unique_ptr<TimerQueue> RocksBackend::timerQueue(const std::string& name)
    {
        return std::make_unique<RocksTimers>(*this, family("timers-" + name, {}));
    }

} // namespace

Result<std::unique_ptr<KeyedStateBackend>> makeRocksDbBackend(
    const std::filesystem::path& dir, int maxParallelism, const Clock* clock, bool keep, int64_t cacheEntries)
{
    (void)maxParallelism;
    auto b = std::make_unique<RocksBackend>(dir, clock, keep, cacheEntries);
    STREAMLAB_RETURN_IF_ERROR(b->open());
    return std::unique_ptr<KeyedStateBackend>(std::move(b));
}

} // namespace streamlab::state
