// Java hash codes: every expected value below is what a JVM (OpenJDK 17) returns for the same input,
// e.g. new String(bytes, UTF_8).hashCode() for the byte rows.
#include "core/java_hash.h"

#include <QtTest>
#include <bit>
#include <cstdint>
#include <limits>

using namespace streamlab;

Q_DECLARE_METATYPE(streamlab::Value)
Q_DECLARE_METATYPE(streamlab::FieldType)

class TestJavaHash : public QObject {
    Q_OBJECT

private slots:
    void stringHash_data();
    void stringHash();
    void longHash_data();
    void longHash();
    void intAndBooleanHash();
    void doubleHash_data();
    void doubleHash();
    void valueHash_data();
    void valueHash();
};

void TestJavaHash::stringHash_data()
{
    QTest::addColumn<QByteArray>("utf8");
    QTest::addColumn<int>("expected");

    QTest::newRow("empty string") << QByteArray() << 0;
    QTest::newRow("Aa collides with BB") << QByteArray("Aa") << 2112;
    QTest::newRow("BB collides with Aa") << QByteArray("BB") << 2112;
    QTest::newRow("flink") << QByteArray("flink") << 97520992;
    QTest::newRow("hello") << QByteArray("hello") << 99162322;
    QTest::newRow("wraps around to Integer.MIN_VALUE") << QByteArray("polygenelubricants") << -2147483647 - 1;
    QTest::newRow("two-byte character e-acute") << QByteArray::fromHex("c3a9") << 233;
    QTest::newRow("three-byte character euro sign") << QByteArray::fromHex("e282ac") << 8364;
    QTest::newRow("emoji outside the BMP is a surrogate pair") << QByteArray::fromHex("f09f9880") << 1772899;
    QTest::newRow("U+D7FF, the last character before the surrogates")
        << QByteArray::fromHex("ed9fbf") << 55295;
    QTest::newRow("invalid: lone 0xFF byte") << QByteArray::fromHex("ff") << 65533;
    QTest::newRow("invalid: 0xFF between letters") << QByteArray::fromHex("61ff62") << 2124838;
    QTest::newRow("invalid: lone continuation byte") << QByteArray::fromHex("80") << 65533;
    QTest::newRow("invalid: sequence cut short before a letter is one U+FFFD")
        << QByteArray::fromHex("e28241") << 2031588;
    QTest::newRow("invalid: sequence cut short at the end is one U+FFFD")
        << QByteArray::fromHex("e282") << 65533;
    QTest::newRow("invalid: four-byte sequence cut short before a letter")
        << QByteArray::fromHex("f09f9841") << 2031588;
    QTest::newRow("invalid: two-byte lead before a letter") << QByteArray::fromHex("c241") << 2031588;
    QTest::newRow("invalid: encoded surrogate is one U+FFFD") << QByteArray::fromHex("eda080") << 65533;
    QTest::newRow("invalid: overlong two-byte form, one U+FFFD per byte")
        << QByteArray::fromHex("c0af") << 2097056;
    QTest::newRow("invalid: overlong three-byte form, one U+FFFD per byte")
        << QByteArray::fromHex("e080af") << 65074269;
    QTest::newRow("invalid: above U+10FFFF, one U+FFFD per byte")
        << QByteArray::fromHex("f4908080") << 2017367872;
    QTest::newRow("invalid: five-byte form, one U+FFFD per byte")
        << QByteArray::fromHex("f888808080") << -1886039875;
}

void TestJavaHash::stringHash()
{
    QFETCH(QByteArray, utf8);
    QFETCH(int, expected);
    QCOMPARE(javaStringHash(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size()))), expected);
}

void TestJavaHash::longHash_data()
{
    QTest::addColumn<qint64>("value");
    QTest::addColumn<int>("expected");

    QTest::newRow("zero") << qint64(0) << 0;
    QTest::newRow("small positive is itself") << qint64(42) << 42;
    QTest::newRow("-1: high and low words cancel") << qint64(-1) << 0;
    QTest::newRow("-2") << qint64(-2) << 1;
    QTest::newRow("2^32: only the high word") << (qint64(1) << 32) << 1;
    QTest::newRow("-2^32") << -(qint64(1) << 32) << -1;
    QTest::newRow("2^32 + 5 differs from (int) cast") << ((qint64(1) << 32) + 5) << 4;
    QTest::newRow("epoch milliseconds") << qint64(1700000000000) << -807048821;
    QTest::newRow("Long.MIN_VALUE") << std::numeric_limits<qint64>::min() << -2147483647 - 1;
    QTest::newRow("Long.MAX_VALUE") << std::numeric_limits<qint64>::max() << -2147483647 - 1;
}

void TestJavaHash::longHash()
{
    QFETCH(qint64, value);
    QFETCH(int, expected);
    QCOMPARE(javaLongHash(value), expected);
}

void TestJavaHash::intAndBooleanHash()
{
    QCOMPARE(javaIntHash(-1), -1);
    QCOMPARE(javaIntHash(0), 0);
    QCOMPARE(javaIntHash(123456), 123456);
    QCOMPARE(javaBooleanHash(true), 1231);
    QCOMPARE(javaBooleanHash(false), 1237);
}

void TestJavaHash::doubleHash_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("expected");

    QTest::newRow("0.0") << 0.0 << 0;
    QTest::newRow("-0.0 differs from 0.0") << -0.0 << -2147483647 - 1;
    QTest::newRow("1.0") << 1.0 << 1072693248;
    QTest::newRow("2.5") << 2.5 << 1074003968;
    QTest::newRow("0.1 + 0.2") << 0.1 + 0.2 << 216006663;
    QTest::newRow("NaN is canonical") << std::numeric_limits<double>::quiet_NaN() << 2146959360;
    QTest::newRow("NaN with another payload hashes the same")
        << std::bit_cast<double>(uint64_t { 0x7ff0000000000001 }) << 2146959360;
    QTest::newRow("Infinity") << std::numeric_limits<double>::infinity() << 2146435072;
    QTest::newRow("-Infinity") << -std::numeric_limits<double>::infinity() << -1048576;
    QTest::newRow("Double.MAX_VALUE") << std::numeric_limits<double>::max() << -2146435072;
    QTest::newRow("Double.MIN_VALUE") << std::numeric_limits<double>::denorm_min() << 1;
}

void TestJavaHash::doubleHash()
{
    QFETCH(double, value);
    QFETCH(int, expected);
    QCOMPARE(javaDoubleHash(value), expected);
}

void TestJavaHash::valueHash_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<FieldType>("type");
    QTest::addColumn<int>("expected");

    QTest::newRow("null is 0") << Value {} << FieldType::String << 0;
    QTest::newRow("null in an Any field is 0") << Value {} << FieldType::Any << 0;
    QTest::newRow("string") << Value { std::string("flink") } << FieldType::String << 97520992;
    QTest::newRow("Int field hashes as Integer") << Value { int64_t { -1 } } << FieldType::Int << -1;
    QTest::newRow("Int field takes the low 32 bits")
        << Value { (int64_t { 1 } << 32) + 5 } << FieldType::Int << 5;
    QTest::newRow("Long field hashes as Long") << Value { int64_t { -1 } } << FieldType::Long << 0;
    QTest::newRow("Timestamp field hashes as Long")
        << Value { int64_t { 1700000000000 } } << FieldType::Timestamp << -807048821;
    QTest::newRow("integer in an Any field hashes as Long")
        << Value { int64_t { -1 } } << FieldType::Any << 0;
    QTest::newRow("boolean true") << Value { true } << FieldType::Boolean << 1231;
    QTest::newRow("boolean false in an Any field") << Value { false } << FieldType::Any << 1237;
    QTest::newRow("double") << Value { 2.5 } << FieldType::Double << 1074003968;
    QTest::newRow("integer in a Double field hashes as that double")
        << Value { int64_t { 3 } } << FieldType::Double << 1074266112;
    QTest::newRow("string in an Int field: the runtime value decides")
        << Value { std::string("flink") } << FieldType::Int << 97520992;
    QTest::newRow("list hashes like java.util.List")
        << makeList({ Value { int64_t { 1 } }, Value { std::string("a") } }) << FieldType::Any << 1089;
    QTest::newRow("empty list is 1") << makeList({}) << FieldType::Any << 1;
}

void TestJavaHash::valueHash()
{
    QFETCH(Value, value);
    QFETCH(FieldType, type);
    QFETCH(int, expected);
    QCOMPARE(javaValueHash(value, type), expected);
}

QTEST_APPLESS_MAIN(TestJavaHash)
#include "tst_java_hash.moc"
