// Event files: CSV (header, declared or inferred types, quoting), JSON Lines (watermark lines),
// timestamps, and bad lines under onError fail and skip.
#include "io/event_reader.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace streamlab;

class TestEventReader : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::filesystem::path write(const std::string& name, const std::string& text)
    {
        std::filesystem::path p = m_dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(p) << text;
        return p;
    }

    static model::SourceSpec spec(const std::filesystem::path& p, const std::string& ts = "ts")
    {
        model::SourceSpec s;
        s.path = p;
        s.format = p.extension() == ".jsonl" ? model::EventFormat::JsonLines : model::EventFormat::Csv;
        s.timestampField = ts;
        return s;
    }

    static std::vector<io::Event> readAll(io::EventReader& r, Status* err = nullptr)
    {
        std::vector<io::Event> out;
        for (;;) {
            io::Event e;
            auto n = r.next(e);
            if (!n.ok()) {
                if (err)
                    *err = n.status();
                break;
            }
            if (!*n)
                break;
            out.push_back(e);
        }
        return out;
    }

private slots:
    void timestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("ms");
        QTest::newRow("epoch ms") << "1663927200000" << 1663927200000LL;
        QTest::newRow("negative epoch") << "-6000" << -6000LL;
        QTest::newRow("iso Z") << "2022-09-23T10:00:00Z" << 1663927200000LL;
        QTest::newRow("iso millis") << "2022-09-23T10:00:00.123Z" << 1663927200123LL;
        QTest::newRow("iso offset") << "2022-09-23T12:00:00+02:00" << 1663927200000LL;
        QTest::newRow("iso no zone is UTC") << "2022-09-23T10:00:00" << 1663927200000LL;
        QTest::newRow("space separator") << "2022-09-23 10:00:00.5" << 1663927200500LL;
    }
    void timestamps()
    {
        QFETCH(QString, text);
        QFETCH(qlonglong, ms);
        auto t = io::parseTimestamp(text.toStdString());
        QVERIFY(t.has_value());
        QCOMPARE(*t, ms);
    }

    void csvDeclaredSchemaAndQuoting()
    {
        auto p = write("a.csv", "user,ts,amount,note\nalice,1000,2.5,\"hi, \"\"you\"\"\"\r\nbob,2022-09-23T10:00:00Z,,plain\n");
        auto s = spec(p);
        s.schema.declared = true;
        s.schema.fields = { { "ts", FieldType::Timestamp }, { "user", FieldType::String }, { "amount", FieldType::Double },
            { "note", FieldType::String } };
        auto r = io::EventReader::open(s, "src");
        QVERIFY2(r.ok(), r.status().message().c_str());
        auto events = readAll(**r);
        QCOMPARE(events.size(), size_t(2));
        QCOMPARE(events[0].record.timestamp, 1000);
        QCOMPARE(std::get<std::string>(events[0].record.fields[1]), std::string("alice"));
        QCOMPARE(std::get<double>(events[0].record.fields[2]), 2.5);
        QCOMPARE(std::get<std::string>(events[0].record.fields[3]), std::string("hi, \"you\""));
        QCOMPARE(events[1].record.timestamp, 1663927200000);
        QVERIFY(isNull(events[1].record.fields[2]));
    }

    // Integer fields take exactly what std::from_chars takes, whole: the reader's digit loop
    // for up to 18 digits gives the same values and the same refusals.
    void integers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("value");
        QTest::newRow("zero") << "0" << true << qint64(0);
        QTest::newRow("minus zero") << "-0" << true << qint64(0);
        QTest::newRow("leading zeros") << "007" << true << qint64(7);
        QTest::newRow("negative") << "-123" << true << qint64(-123);
        QTest::newRow("18 digits") << "999999999999999999" << true << qint64(999999999999999999);
        QTest::newRow("max") << "9223372036854775807" << true << std::numeric_limits<qint64>::max();
        QTest::newRow("min") << "-9223372036854775808" << true << std::numeric_limits<qint64>::min();
        QTest::newRow("overflow") << "9223372036854775808" << false << qint64(0);
        QTest::newRow("20 digits") << "10000000000000000000" << false << qint64(0);
        QTest::newRow("plus sign") << "+5" << false << qint64(0);
        QTest::newRow("minus alone") << "-" << false << qint64(0);
        QTest::newRow("trailing letter") << "12a" << false << qint64(0);
        QTest::newRow("hex") << "0x10" << false << qint64(0);
        QTest::newRow("exponent") << "1e3" << false << qint64(0);
        QTest::newRow("space") << " 5" << false << qint64(0);
        QTest::newRow("decimal") << "2.0" << false << qint64(0);
    }
    void integers()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, value);
        for (FieldType type : { FieldType::Long, FieldType::Timestamp }) {
            auto p = write("n.csv", "ts,n\n1," + text.toStdString() + "\n");
            auto s = spec(p);
            s.schema.declared = true;
            s.schema.fields = { { "ts", FieldType::Timestamp }, { "n", type } };
            auto r = io::EventReader::open(s, "src");
            QVERIFY2(r.ok(), r.status().message().c_str());
            Status err;
            auto events = readAll(**r, &err);
            // Neither a number nor an ISO-8601 time; or Long.MIN_VALUE, which means "no timestamp".
            if (type == FieldType::Timestamp && (!ok || value == std::numeric_limits<qint64>::min())) {
                QVERIFY(events.empty());
                continue;
            }
            QCOMPARE(events.size(), size_t(ok ? 1 : 0));
            if (ok)
                QCOMPARE(std::get<int64_t>(events[0].record.fields[1]), value);
            else
                QVERIFY2(err.message().find("n.csv:2:3:") != std::string::npos, err.message().c_str());
        }
    }

    void csvInfersTypes()
    {
        auto p = write("b.csv", "ts,key,value,flag,name\n1,7,1.5,true,x\n2,8,2,false,y\n");
        auto r = io::EventReader::open(spec(p), "src");
        QVERIFY(r.ok());
        const auto& f = (*r)->schema()->fields;
        QCOMPARE(f.size(), size_t(5));
        QCOMPARE(f[0].type, FieldType::Timestamp);
        QCOMPARE(f[1].type, FieldType::Long);
        QCOMPARE(f[2].type, FieldType::Double);
        QCOMPARE(f[3].type, FieldType::Boolean);
        QCOMPARE(f[4].type, FieldType::String);
        QVERIFY(!(*r)->schema()->declared);
    }

    void badTimestampFailsWithFileLineColumn()
    {
        auto p = write("c.csv", "user,ts\nalice,1000\nbob,yesterday\n");
        auto r = io::EventReader::open(spec(p), "src");
        QVERIFY(r.ok());
        Status err;
        auto events = readAll(**r, &err);
        QCOMPARE(events.size(), size_t(1));
        QVERIFY(!err.ok());
        std::string expected = p.string() + ":3:5: field 'ts': 'yesterday' is not a timestamp";
        QVERIFY2(err.message().find(expected) == 0, err.message().c_str());
    }

    void skipCountsAndKeepsReasons()
    {
        auto p = write("d.csv", "user,ts\nalice,1000\nbob,yesterday\ncarol\ndave,3000\n");
        auto s = spec(p);
        s.onError = model::OnError::Skip;
        auto r = io::EventReader::open(s, "src");
        QVERIFY(r.ok());
        Status err;
        auto events = readAll(**r, &err);
        QVERIFY(err.ok());
        QCOMPARE(events.size(), size_t(2));
        QCOMPARE((*r)->badLines().count, 2);
        QCOMPARE((*r)->badLines().firstReasons.size(), size_t(2));
        QVERIFY((*r)->badLines().firstReasons[1].find(":4:1: expected 2 fields") != std::string::npos);
    }

    void missingFile()
    {
        auto r = io::EventReader::open(spec("/nonexistent/x.csv"), "src");
        QVERIFY(!r.ok());
        QVERIFY(r.status().message().find("/nonexistent/x.csv: no such event file") != std::string::npos);
    }

    void jsonLinesWithWatermarks()
    {
        auto p = write("e.jsonl", "{\"key\":\"a\",\"ts\":1000,\"v\":1}\n{\"@watermark\":1500}\n\n"
                                  "{\"ts\":\"2022-09-23T10:00:00Z\",\"key\":\"b\",\"v\":2.5,\"extra\":{\"x\":1}}\n");
        auto r = io::EventReader::open(spec(p), "src");
        QVERIFY2(r.ok(), r.status().message().c_str());
        auto events = readAll(**r);
        QCOMPARE(events.size(), size_t(3));
        QVERIFY(!events[0].isWatermark);
        QCOMPARE(events[0].record.timestamp, 1000);
        QVERIFY(events[1].isWatermark);
        QCOMPARE(events[1].watermark, 1500);
        QCOMPARE(events[2].record.timestamp, 1663927200000);
        int v = (*r)->schema()->indexOf("v");
        QCOMPARE((*r)->schema()->fields[static_cast<size_t>(v)].type, FieldType::Double);
        QCOMPARE(std::get<double>(events[2].record.fields[static_cast<size_t>(v)]), 2.5);
    }

    void jsonLinesBadLine()
    {
        auto p = write("f.jsonl", "{\"key\":\"a\",\"ts\":1000}\n{\"key\":\"b\",\"ts\":}\n");
        auto s = spec(p);
        s.schema.declared = true;
        s.schema.fields = { { "key", FieldType::String }, { "ts", FieldType::Timestamp } };
        auto r = io::EventReader::open(s, "src");
        QVERIFY(r.ok());
        Status err;
        auto events = readAll(**r, &err);
        QCOMPARE(events.size(), size_t(1));
        QVERIFY2(err.message().find(p.string() + ":2:") == 0, err.message().c_str());
    }

    void arrivalField()
    {
        auto p = write("g.csv", "ts,at,k\n100,5000,a\n50,5200,b\n");
        auto s = spec(p);
        s.arrivalField = "at";
        auto r = io::EventReader::open(s, "src");
        QVERIFY(r.ok());
        auto events = readAll(**r);
        QCOMPARE(events.size(), size_t(2));
        QCOMPARE(*events[1].arrival, 5200);
    }

    // A watermark line may carry the source's arrival field (when it arrives, in processing time)
    // and "partition" (the partition it is for), each before or after "@watermark" (issue 22, 3).
    void watermarkLinesWithArrivalAndPartition()
    {
        auto p = write("wa.jsonl",
            "{\"k\":\"a\",\"ts\":1000,\"at\":5000}\n"
            "{\"@watermark\":1500,\"at\":9000}\n"
            "{\"at\":9100,\"partition\":1,\"@watermark\":1600}\n"
            "{\"@watermark\":1700,\"partition\":0}\n"
            "{\"@watermark\":1800}\n");
        auto s = spec(p);
        s.arrivalField = "at";
        auto r = io::EventReader::open(s, "src");
        QVERIFY2(r.ok(), r.status().message().c_str());
        auto events = readAll(**r);
        QCOMPARE(events.size(), size_t(5));
        QVERIFY(events[1].isWatermark);
        QCOMPARE(*events[1].arrival, 9000);
        QCOMPARE(events[1].partition, -1); // every partition
        QVERIFY(events[2].isWatermark);
        QCOMPARE(events[2].watermark, 1600);
        QCOMPARE(*events[2].arrival, 9100);
        QCOMPARE(events[2].partition, 1); // "partition" before "@watermark" counts too
        QCOMPARE(events[3].partition, 0);
        QVERIFY(!events[3].arrival); // without one, it arrives with the line before it
        QCOMPARE(events[4].partition, -1);

        // A partition that is no partition number is an error naming line and column.
        auto bad = write("wb.jsonl", "{\"@watermark\":1500,\"partition\":\"one\"}\n");
        auto rb = io::EventReader::open(spec(bad), "src");
        QVERIFY(rb.ok());
        Status err;
        readAll(**rb, &err);
        QVERIFY2(err.message().find("wb.jsonl:1:") != std::string::npos
                && err.message().find("\"partition\" of a watermark line must be a partition number") != std::string::npos,
            err.message().c_str());
    }

    void largeFileStreamsInChunks()
    {
        // More than two read chunks: lines that straddle chunk borders are read whole.
        std::string text = "ts,k\n";
        for (int i = 0; i < 300000; ++i)
            text += std::to_string(i) + ",key" + std::to_string(i % 97) + "\n";
        auto p = write("h.csv", text);
        auto r = io::EventReader::open(spec(p), "src");
        QVERIFY(r.ok());
        int64_t n = 0, sum = 0;
        io::Event e;
        while (*(*r)->next(e)) {
            ++n;
            sum += e.record.timestamp;
        }
        QCOMPARE(n, 300000);
        QCOMPARE(sum, int64_t(300000) * 299999 / 2);
    }
};

QTEST_APPLESS_MAIN(TestEventReader)
#include "tst_event_reader.moc"
