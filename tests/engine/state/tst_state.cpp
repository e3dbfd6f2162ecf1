// Keyed state on both backends: every state kind behaves the same on the heap and on RocksDB;
// TTL expiry, visibility and cleanup as EVENT-TIME.md section 4 specifies.
#include "core/value_codec.h"
#include "state/keyed_state.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace streamlab;
using state::Namespace;

namespace {
struct FakeClock final : state::Clock {
    int64_t t = 0;
    int64_t now() const override { return t; }
};

const Namespace kW1 { 0, 1000 };
const Namespace kW2 { 1000, 2000 };

window::Aggregator sumOf() { return window::Aggregator(model::AggregateFn::Sum, 0, FieldType::Long); }
} // namespace

class TestState : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;
    FakeClock m_clock;

    std::unique_ptr<state::KeyedStateBackend> backend(const QString& kind)
    {
        if (kind == "heap")
            return state::makeHeapBackend(128, &m_clock);
        auto b = state::makeRocksDbBackend(m_dir.filePath(QString("db%1").arg(++m_n)).toStdString(), 128, &m_clock,
            false, kind == "rocksdb-cache" ? 3 : 0);
        if (!b.ok())
            qFatal("%s", b.status().message().c_str());
        return std::move(b).value();
    }

private slots:
    void init() { m_clock.t = 0; }

    void kinds_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("heap") << "heap";
        QTest::newRow("rocksdb") << "rocksdb";
        QTest::newRow("rocksdb with write-back cache") << "rocksdb-cache";
    }

    void aggregatingScopedByKeyAndNamespace_data() { kinds_data(); }
    void aggregatingScopedByKeyAndNamespace()
    {
        QFETCH(QString, backend);
        auto b = this->backend(backend);
        auto s = b->aggregatingState("sum", sumOf(), std::nullopt);
        b->setCurrentKey(std::string("a"), 10);
        s->add(kW1, int64_t(5));
        s->add(kW1, int64_t(7));
        s->add(kW2, int64_t(1));
        b->setCurrentKey(std::string("b"), 20);
        QVERIFY(!s->get(kW1));
        s->add(kW1, int64_t(100));
        b->setCurrentKey(std::string("a"), 10);
        QCOMPARE(s->get(kW1)->longSum, 12);
        QCOMPARE(s->get(kW2)->longSum, 1);
        s->mergeNamespaces(kW2, { kW1 });
        QVERIFY(!s->get(kW1));
        QCOMPARE(s->get(kW2)->longSum, 13);
        s->clear(kW2);
        QVERIFY(!s->get(kW2));
        b->setCurrentKey(std::string("b"), 20);
        QCOMPARE(s->get(kW1)->longSum, 100);
        QVERIFY(b->status().ok());
    }

    // A key with many windows at once (a sliding window of an hour by the minute keeps 60): each
    // window's accumulator found, added to and cleared in any order.
    void manyWindowsOfOneKey_data() { kinds_data(); }
    void manyWindowsOfOneKey()
    {
        QFETCH(QString, backend);
        auto b = this->backend(backend);
        auto s = b->aggregatingState("sum", sumOf(), std::nullopt);
        auto timers = b->timerQueue("event");
        b->setCurrentKey(std::string("k"), 1);
        const int n = 60;
        auto ns = [](int i) { return Namespace { i * 60000, i * 60000 + 3600000 }; };
        for (int round = 0; round < 3; ++round)
            for (int j = 0; j < n; ++j) {
                const int i = (j * 37 + round) % n; // every window, out of order
                QCOMPARE(s->add(ns(i), int64_t(i)), round == 0);
                timers->add(ns(i), ns(i).end - 1);
            }
        for (int i = n - 1; i >= 0; --i) // as a sliding window's element: each window in turn
            QVERIFY(!s->add(ns(i), int64_t(1)));
        for (int i = 0; i < n; ++i)
            QCOMPARE(s->get(ns(i))->longSum, 3 * i + 1);
        QVERIFY(!s->get(Namespace { 1, 2 }));
        for (int i = 0; i < n; i += 2)
            s->clear(ns(i));
        for (int i = 0; i < n; ++i)
            QCOMPARE(s->get(ns(i)).has_value(), i % 2 == 1);
        for (int i = 0; i < n; ++i) { // each timer once, in time order
            auto t = timers->pollDue(INT64_MAX);
            QVERIFY(t);
            QCOMPARE(t->first, ns(i));
        }
        QVERIFY(!timers->pollDue(INT64_MAX));
        QVERIFY(b->status().ok());
    }

    // aggregatingStates: each state of a group behaves as one of its own (the heap keeps a
    // group's accumulators side by side; RocksDB makes separate states).
    void aggregatingGroupStatesAreIndependent_data() { kinds_data(); }
    void aggregatingGroupStatesAreIndependent()
    {
        QFETCH(QString, backend);
        auto b = this->backend(backend);
        auto count = window::Aggregator(model::AggregateFn::Count, -1, FieldType::Any);
        auto group = b->aggregatingStates({ "count", "sum", "max" },
            { count, sumOf(), window::Aggregator(model::AggregateFn::Max, 0, FieldType::Long) }, std::nullopt);
        QCOMPARE(group.size(), size_t(3));
        auto* c = group[0].get();
        auto* s = group[1].get();
        auto* m = group[2].get();
        b->setCurrentKey(std::string("a"), 10);
        QVERIFY(c->add(kW1, Value {}));
        QVERIFY(!c->add(kW1, Value {}));
        QVERIFY(!s->get(kW1)); // only the count has an accumulator yet
        QVERIFY(s->add(kW1, int64_t(5)));
        QVERIFY(m->add(kW2, int64_t(7)));
        QCOMPARE(c->get(kW1)->count, 2);
        QCOMPARE(s->get(kW1)->longSum, 5);
        QVERIFY(!m->get(kW1));
        QVERIFY(!c->get(kW2));
        const bool exact = backend == "heap"; // RocksDB's count of keys is an estimate
        if (exact)
            QCOMPARE(b->size().entries, 3);

        s->clear(kW1); // the count's accumulator stays
        QVERIFY(!s->get(kW1));
        QCOMPARE(c->get(kW1)->count, 2);
        QVERIFY(s->add(kW1, int64_t(1))); // and the sum starts again from nothing
        QCOMPARE(s->get(kW1)->longSum, 1);

        m->mergeNamespaces(kW1, { kW2 }); // only the max moves
        QCOMPARE(valueToText(m->get(kW1)->extreme()), std::string("7"));
        QVERIFY(!m->get(kW2));
        c->mergeNamespaces(kW2, { kW1 });
        QCOMPARE(c->get(kW2)->count, 2);
        QVERIFY(!c->get(kW1));
        QCOMPARE(s->get(kW1)->longSum, 1);

        b->setCurrentKey(std::string("b"), 20);
        QVERIFY(!c->get(kW2) && !s->get(kW1) && !m->get(kW1));
        c->add(kW1, Value {});
        if (exact)
            QCOMPARE(b->size().entries, 4); // a: count kW2, sum kW1, max kW1; b: count kW1
        for (auto& st : group) {
            st->clear(kW1);
            st->clear(kW2);
        }
        b->setCurrentKey(std::string("a"), 10);
        for (auto& st : group) {
            st->clear(kW1);
            st->clear(kW2);
        }
        if (exact)
            QCOMPARE(b->size().entries, 0);
        QVERIFY(b->status().ok());
    }

    // A checkpoint of grouped heap states restores into separate ones and back: the same form.
    void aggregatingGroupCheckpointsAsSeparateStates()
    {
        auto count = window::Aggregator(model::AggregateFn::Count, -1, FieldType::Any);
        auto grouped = backend("heap");
        auto g = grouped->aggregatingStates({ "count", "sum" }, { count, sumOf() }, std::nullopt);
        for (int k = 0; k < 3; ++k) {
            grouped->setCurrentKey(int64_t(k), 0);
            for (int i = 0; i <= k; ++i)
                g[0]->add(kW1, Value {});
            if (k != 1)
                g[1]->add(kW2, int64_t(10 * k));
        }
        std::string bytes;
        QVERIFY(grouped->snapshot(bytes, {}).ok());

        auto separate = backend("heap");
        std::vector<std::unique_ptr<state::AggregatingState>> s;
        s.push_back(separate->aggregatingState("count", count, std::nullopt));
        s.push_back(separate->aggregatingState("sum", sumOf(), std::nullopt));
        ByteReader in { bytes };
        QVERIFY(separate->restore(in, {}).ok());
        QCOMPARE(separate->size().entries, grouped->size().entries);
        QCOMPARE(separate->size().bytes, grouped->size().bytes);
        std::string again;
        QVERIFY(separate->snapshot(again, {}).ok());
        QCOMPARE(again, bytes);

        auto regrouped = backend("heap");
        auto r = regrouped->aggregatingStates({ "count", "sum" }, { count, sumOf() }, std::nullopt);
        r[0]->add(kW2, Value {}); // replaced by the restore
        ByteReader in2 { again };
        QVERIFY(regrouped->restore(in2, {}).ok());
        for (int k = 0; k < 3; ++k) {
            regrouped->setCurrentKey(int64_t(k), 0);
            QCOMPARE(r[0]->get(kW1)->count, k + 1);
            QVERIFY(!r[0]->get(kW2));
            QCOMPARE(r[1]->get(kW2).has_value(), k != 1);
            if (k != 1)
                QCOMPARE(r[1]->get(kW2)->longSum, 10 * k);
        }
    }

    void listValueAndMap_data() { kinds_data(); }
    void listValueAndMap()
    {
        QFETCH(QString, backend);
        auto b = this->backend(backend);
        auto list = b->listState("list");
        auto value = b->valueState("value");
        auto map = b->mapState("map");
        b->setCurrentKey(int64_t(42), 3);
        QVERIFY(!list->get(kW1));
        list->add(kW1, std::string("x"));
        list->add(kW1, int64_t(2));
        list->add(kW2, 3.5);
        list->mergeNamespaces(kW1, { kW2 });
        auto l = list->get(kW1);
        QVERIFY(l);
        QCOMPARE(l->size(), size_t(3));
        QCOMPARE(valueToText((*l)[0]), std::string("x"));
        QCOMPARE(valueToText((*l)[2]), std::string("3.5"));
        QVERIFY(!list->get(kW2));

        value->put(kW1, int64_t(9));
        QCOMPARE(std::get<int64_t>(*value->get(kW1)), 9);
        value->clear(kW1);
        QVERIFY(!value->get(kW1));

        map->put(state::kVoidNamespace, std::string("k2"), int64_t(2));
        map->put(state::kVoidNamespace, std::string("k1"), int64_t(1));
        QCOMPARE(std::get<int64_t>(*map->get(state::kVoidNamespace, std::string("k1"))), 1);
        QCOMPARE(map->entries(state::kVoidNamespace).size(), size_t(2));
        map->remove(state::kVoidNamespace, std::string("k1"));
        QVERIFY(!map->get(state::kVoidNamespace, std::string("k1")));
        b->setCurrentKey(int64_t(43), 4);
        QVERIFY(map->entries(state::kVoidNamespace).empty());
        QVERIFY(b->status().ok());
    }

    void timersInTimeOrderWithKeys_data() { kinds_data(); }
    void timersInTimeOrderWithKeys()
    {
        QFETCH(QString, backend);
        auto b = this->backend(backend);
        auto t = b->timerQueue("event");
        b->setCurrentKey(std::string("b"), 5);
        t->add(kW1, 999);
        t->add(kW1, 999); // unique per (key, namespace, time)
        t->add(kW2, 1999);
        b->setCurrentKey(std::string("a"), 7);
        t->add(kW1, 500);
        t->add(kW2, 1999);
        t->remove(kW2, 1999);
        QCOMPARE(*t->peekTime(), 500);
        QVERIFY(!t->pollDue(499));
        auto first = t->pollDue(1000);
        QCOMPARE(first->second, 500);
        QCOMPARE(valueToText(b->currentKey()), std::string("a"));
        auto second = t->pollDue(1000);
        QCOMPARE(second->second, 999);
        QCOMPARE(valueToText(b->currentKey()), std::string("b"));
        QVERIFY(!t->pollDue(1000)); // the duplicate was one timer
        auto third = t->pollDue(5000);
        QCOMPARE(third->second, 1999);
        QVERIFY(third->first == kW2);
        QVERIFY(!t->pollDue(INT64_MAX)); // a's 1999 was removed
    }

    // The end of a minute: thousands of keys' timers at one time, registered in no order,
    // come out by key (ids in first-seen order on the heap), each key's windows in order.
    void manyTimersAtOneTime()
    {
        auto b = backend("heap");
        auto t = b->timerQueue("event");
        const int keys = 5000;
        auto key = [](int i) {
            std::string k = "k";
            k += std::to_string(i);
            return k;
        };
        for (int i = 0; i < keys; ++i) // ids 0, 1, 2, ...
            b->setCurrentKey(key(i), 0);
        for (int j = 0; j < keys; ++j) {
            const int i = (j * 7919) % keys; // every key once, scrambled
            b->setCurrentKey(key(i), 0);
            if (i % 3 == 0)
                t->add(kW2, 1999); // a second window of the key first
            t->add(kW1, 1999);
        }
        for (int i = 0; i < keys; ++i) {
            for (const Namespace& ns : i % 3 == 0 ? std::vector { kW1, kW2 } : std::vector { kW1 }) {
                auto due = t->pollDue(1999);
                QVERIFY(due);
                QCOMPARE(valueToText(b->currentKey()), key(i));
                QVERIFY(due->first == ns);
            }
        }
        QVERIFY(!t->pollDue(INT64_MAX));
    }

    void ttlExpiry_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("update");
        QTest::addColumn<QString>("visibility");
        QTest::addColumn<bool>("readAt900Refreshes");
        QTest::addColumn<bool>("expiredVisibleOnce");
        for (const char* be : { "heap", "rocksdb", "rocksdb-cache" }) {
            QTest::addRow("%s onCreateAndWrite neverReturnExpired", be) << be << "write" << "never" << false << false;
            QTest::addRow("%s onReadAndWrite neverReturnExpired", be) << be << "read" << "never" << true << false;
            QTest::addRow("%s onCreateAndWrite returnExpiredIfNotCleanedUp", be) << be << "write" << "return" << false << true;
        }
    }
    void ttlExpiry()
    {
        QFETCH(QString, backend);
        QFETCH(QString, update);
        QFETCH(QString, visibility);
        QFETCH(bool, readAt900Refreshes);
        QFETCH(bool, expiredVisibleOnce);
        model::TtlSpec ttl;
        ttl.ttl = 1000;
        ttl.update = update == "read" ? model::TtlUpdate::OnReadAndWrite : model::TtlUpdate::OnCreateAndWrite;
        ttl.visibility = visibility == "return" ? model::TtlVisibility::ReturnExpiredIfNotCleanedUp
                                                : model::TtlVisibility::NeverReturnExpired;
        ttl.cleanup = { "fullSnapshot" }; // no background cleanup: only reads clean up
        auto b = this->backend(backend);
        auto s = b->aggregatingState("sum", sumOf(), ttl);
        b->setCurrentKey(std::string("k"), 1);
        m_clock.t = 0;
        s->add(state::kVoidNamespace, int64_t(5)); // last access 0: expires at 0 + 1000 <= now
        m_clock.t = 900;
        QCOMPARE(s->get(state::kVoidNamespace)->longSum, 5); // 0 + 1000 > 900: alive
        m_clock.t = 1000;
        auto at1000 = s->get(state::kVoidNamespace);
        if (readAt900Refreshes) {
            QVERIFY(at1000); // the read at 900 moved the expiry to 1900
            QCOMPARE(at1000->longSum, 5);
            m_clock.t = 2900;
            QVERIFY(!s->get(state::kVoidNamespace));
        } else if (expiredVisibleOnce) {
            QVERIFY(at1000); // expired but not cleaned up: returned, and removed by this read
            QVERIFY(!s->get(state::kVoidNamespace));
        } else {
            QVERIFY(!at1000); // 0 + 1000 <= 1000: expired
        }
        // A write to an expired key starts from scratch.
        m_clock.t = 10000;
        s->add(state::kVoidNamespace, int64_t(1));
        QCOMPARE(s->get(state::kVoidNamespace)->longSum, 1);
    }

    void ttlSaturatesAtMax()
    {
        model::TtlSpec ttl;
        ttl.ttl = INT64_MAX; // lastAccess + ttl overflows: saturates, never expires
        auto b = backend("heap");
        auto s = b->aggregatingState("sum", sumOf(), ttl);
        b->setCurrentKey(std::string("k"), 1);
        m_clock.t = 5;
        s->add(state::kVoidNamespace, int64_t(1));
        m_clock.t = INT64_MAX - 1;
        QVERIFY(s->get(state::kVoidNamespace));
    }

    void heapIncrementalCleanup()
    {
        // cleanupIncrementally(5, false): every access checks up to 5 more entries and drops
        // the expired ones, so idle keys go away without being read.
        model::TtlSpec ttl;
        ttl.ttl = 100;
        ttl.cleanup = { "incremental" };
        auto b = backend("heap");
        auto s = b->aggregatingState("sum", sumOf(), ttl);
        for (int k = 0; k < 20; ++k) {
            b->setCurrentKey(int64_t(k), 0);
            s->add(state::kVoidNamespace, int64_t(1));
        }
        QCOMPARE(b->size().entries, 20);
        m_clock.t = 1000;
        b->setCurrentKey(int64_t(1000), 0);
        for (int i = 0; i < 10; ++i)
            s->add(state::kVoidNamespace, int64_t(1)); // 10 accesses x 5 entries checked
        QCOMPARE(b->size().entries, 1);
    }

    void rocksDbCompactionFilterDropsExpired()
    {
        model::TtlSpec ttl;
        ttl.ttl = 100;
        ttl.cleanup = { "rocksdbCompactionFilter" };
        ttl.compactionQueryEvery = 1;
        auto b = backend("rocksdb");
        auto s = b->aggregatingState("sum", sumOf(), ttl);
        for (int k = 0; k < 50; ++k) {
            b->setCurrentKey(int64_t(k), k % 128);
            s->add(state::kVoidNamespace, int64_t(1));
        }
        m_clock.t = 50; // nothing expired yet
        b->compact();
        QCOMPARE(b->size().entries, 50);
        m_clock.t = 1000; // all expired; compaction drops them without a read
        b->compact();
        QCOMPARE(b->size().entries, 0);
        QVERIFY(b->status().ok());
    }

    void fullSnapshotCleanupLeavesLocalState()
    {
        model::TtlSpec ttl;
        ttl.ttl = 100;
        ttl.cleanup = { "fullSnapshot" };
        auto b = backend("heap");
        auto s = b->aggregatingState("sum", sumOf(), ttl);
        for (int k = 0; k < 5; ++k) {
            b->setCurrentKey(int64_t(k), 0);
            s->add(state::kVoidNamespace, int64_t(1));
        }
        m_clock.t = 1000;
        b->setCurrentKey(int64_t(99), 0);
        for (int i = 0; i < 10; ++i)
            s->add(state::kVoidNamespace, int64_t(1));
        QCOMPARE(b->size().entries, 6); // expired entries stay until read or snapshotted
    }
};

QTEST_APPLESS_MAIN(TestState)
#include "tst_state.moc"
