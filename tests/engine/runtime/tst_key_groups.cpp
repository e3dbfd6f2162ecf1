// Key groups exactly as Flink's KeyGroupRangeAssignment (EVENT-TIME.md section 5). The
// expected values were computed by hand from the algorithm and checked against a JVM running
// the same steps with Java's own String/Integer/Long hashCode.
#include "core/java_hash.h"
#include "runtime/key_groups.h"
#include "runtime/key_selector.h"

#include <QtTest>

using namespace streamlab;
using namespace streamlab::runtime;

class TestKeyGroups : public QObject {
    Q_OBJECT
private slots:
    void strings_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("hash");
        QTest::addColumn<int>("keyGroup"); // maxParallelism 128
        QTest::addColumn<int>("subtask");  // parallelism 4
        QTest::newRow("empty") << "" << 0 << 94 << 2;
        QTest::newRow("flink (EVENT-TIME.md)") << "flink" << 97520992 << 98 << 3;
        QTest::newRow("Aa collides with BB") << "Aa" << 2112 << 108 << 3;
        QTest::newRow("BB") << "BB" << 2112 << 108 << 3;
        QTest::newRow("negative hash") << "user-42" << -147182656 << 20 << 0;
        QTest::newRow("non-ASCII") << QString::fromUtf8("zażółć") << -701064989 << 87 << 2;
        QTest::newRow("emoji: two UTF-16 units") << QString::fromUtf8("😀") << 1772899 << 54 << 1;
        QTest::newRow("CJK") << QString::fromUtf8("日本") << 835047 << 95 << 2;
    }
    void strings()
    {
        QFETCH(QString, key);
        QFETCH(int, hash);
        QFETCH(int, keyGroup);
        QFETCH(int, subtask);
        int32_t h = javaStringHash(key.toStdString());
        QCOMPARE(h, hash);
        int kg = keyGroupForHash(h, 128);
        QCOMPARE(kg, keyGroup);
        QCOMPARE(subtaskForKeyGroup(kg, 4, 128), subtask);
    }

    void ints_data()
    {
        QTest::addColumn<int>("key");
        QTest::addColumn<int>("keyGroup"); // maxParallelism 256
        QTest::addColumn<int>("subtask");  // parallelism 100
        QTest::newRow("0") << 0 << 222 << 86;
        QTest::newRow("1") << 1 << 214 << 83;
        QTest::newRow("7") << 7 << 241 << 94;
        QTest::newRow("-1") << -1 << 80 << 31;
        QTest::newRow("-123456") << -123456 << 245 << 95;
        QTest::newRow("MAX") << INT32_MAX << 190 << 74;
        QTest::newRow("MIN") << INT32_MIN << 108 << 42;
    }
    void ints()
    {
        QFETCH(int, key);
        QFETCH(int, keyGroup);
        QFETCH(int, subtask);
        int kg = keyGroupForHash(javaIntHash(key), 256);
        QCOMPARE(kg, keyGroup);
        QCOMPARE(subtaskForKeyGroup(kg, 100, 256), subtask);
    }

    void longs_data()
    {
        QTest::addColumn<qlonglong>("key");
        QTest::addColumn<int>("keyGroup"); // maxParallelism 128
        QTest::addColumn<int>("subtask");  // parallelism 3
        QTest::newRow("0") << 0LL << 94 << 2;
        QTest::newRow("-1 hashes to 0") << -1LL << 94 << 2;
        QTest::newRow("2^32 hashes to 1") << 4294967296LL << 86 << 2;
        QTest::newRow("MIN") << static_cast<qlonglong>(INT64_MIN) << 108 << 2;
        QTest::newRow("large") << 123456789012345LL << 61 << 1;
    }
    void longs()
    {
        QFETCH(qlonglong, key);
        QFETCH(int, keyGroup);
        QFETCH(int, subtask);
        int kg = keyGroupForHash(javaLongHash(key), 128);
        QCOMPARE(kg, keyGroup);
        QCOMPARE(subtaskForKeyGroup(kg, 3, 128), subtask);
    }

    void compositeKeyFoldsAsTuple()
    {
        // Tuple2("a", 1): 31 * "a".hashCode() + 1 = 3008, key group 29 at 128.
        Record r;
        r.fields = { std::string("a"), int64_t(1) };
        KeySelector k;
        k.fields = { 0, 1 };
        k.types = { FieldType::String, FieldType::Int };
        QCOMPARE(k.hashCode(r), 3008);
        QCOMPARE(keyGroupForHash(k.hashCode(r), 128), 29);
    }

    // KeyGroupRangeAssignment: murmurHash(hashCode) % maxParallelism, for any maxParallelism
    // (a power of two takes a mask, the others the remainder).
    void keyGroupIsTheRemainderForEveryMaxParallelism()
    {
        for (int m : { 1, 2, 100, 127, 128, 129, 1000, 4096, 32767, 32768 })
            for (int32_t h : { 0, 1, -1, 7, 2112, 97520992, -147182656, INT32_MAX, INT32_MIN })
                QCOMPARE(keyGroupForHash(h, m), murmurHash(h) % m);
    }

    void defaultMaxParallelism_data()
    {
        QTest::addColumn<int>("parallelism");
        QTest::addColumn<int>("maxParallelism");
        QTest::newRow("1") << 1 << 128;
        QTest::newRow("2") << 2 << 128;
        QTest::newRow("85") << 85 << 128;
        QTest::newRow("86") << 86 << 256;
        QTest::newRow("170") << 170 << 256;
        QTest::newRow("171") << 171 << 256;
        QTest::newRow("999") << 999 << 2048;
        QTest::newRow("1000") << 1000 << 2048;
        QTest::newRow("21845") << 21845 << 32768;
        QTest::newRow("21846") << 21846 << 32768;
        QTest::newRow("32768") << 32768 << 32768;
    }
    void defaultMaxParallelism()
    {
        QFETCH(int, parallelism);
        QFETCH(int, maxParallelism);
        QCOMPARE(runtime::defaultMaxParallelism(parallelism), maxParallelism);
    }

    void rangesCoverEveryKeyGroupOnce()
    {
        // maxParallelism 128 over parallelism 3: 0..42, 43..85, 86..127 — consistent with the
        // subtask formula for every key group.
        for (int p : { 1, 3, 7, 8, 100, 128 }) {
            int next = 0;
            for (int i = 0; i < p; ++i) {
                auto r = keyGroupRange(128, p, i);
                QCOMPARE(r.first, next);
                for (int kg = r.first; kg <= r.last; ++kg)
                    QCOMPARE(subtaskForKeyGroup(kg, p, 128), i);
                next = r.last + 1;
            }
            QCOMPARE(next, 128);
        }
        QCOMPARE(keyGroupRange(128, 3, 0).last, 42);
        QCOMPARE(keyGroupRange(128, 3, 2).first, 86);
    }
};

QTEST_APPLESS_MAIN(TestKeyGroups)
#include "tst_key_groups.moc"
