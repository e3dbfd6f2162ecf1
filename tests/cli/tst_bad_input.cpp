// Bad input through the CLI, where a person meets it (issue 19): every reproducer of the bad-input
// probe ends within seconds with a clear message, or with the right results. A run that does not
// end is killed after 60 s and fails its test (a guard, not a timing). No raw strings: Qt 6.4's
// moc loses its way in one with unbalanced braces.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "streamlab_process.h"

class TestBadInput : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static StreamlabRun streamlab(const QStringList& args) { return runStreamlab(args, 60000); }

    QString write(const QString& name, const QByteArray& text)
    {
        QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(text);
        return path;
    }

    // A job: source `events` (CSV unless it ends in .jsonl) with timestamp ts -> keyBy user ->
    // `window` (a window node's parameters) -> sink out. `source` and `config` add keys.
    QString job(const QString& name, const QString& events, const QString& window = {}, const QString& source = {},
        const QString& config = {})
    {
        const QString format = events.endsWith(".jsonl") ? "jsonl" : "csv";
        QString w = window.isEmpty() ? "\"assigner\":{\"type\":\"tumbling\",\"size\":\"1m\"},\"aggregate\":{\"fn\":\"count\"}" : window;
        QString text = "{\"format\":\"streamlab-job\",\"version\":1,\"config\":{\"parallelism\":2" + config + "},\"nodes\":["
            "{\"id\":\"src\",\"kind\":\"source\",\"path\":\"" + events + "\",\"format\":\"" + format
            + "\",\"timestamp\":\"ts\"" + source + "},{\"id\":\"byUser\",\"kind\":\"keyBy\",\"key\":[\"user\"]},"
              "{\"id\":\"w\",\"kind\":\"window\"," + w + "},{\"id\":\"out\",\"kind\":\"sink\"}],\"edges\":["
              "{\"from\":\"src\",\"to\":\"byUser\"},{\"from\":\"byUser\",\"to\":\"w\"},{\"from\":\"w\",\"to\":\"out\"}]}";
        return write(name, text.toUtf8());
    }

    QString twentyEvents()
    {
        QByteArray csv = "user,ts,amount\n";
        for (int i = 0; i < 20; ++i)
            csv += "u" + QByteArray::number(i % 3) + "," + QByteArray::number(1663927200000LL + i * 1000) + ","
                + QByteArray::number(i) + ".5\n";
        return write("twenty.csv", csv);
    }

private slots:
    // 1. Quote-all CSV, as every such exporter writes: the same results as without quotes.
    void quotedShortFieldsReadAsUnquoted()
    {
        QByteArray plain = "user,ts,amount\n", quoted = "\"user\",\"ts\",\"amount\"\n";
        for (int i = 0; i < 50; ++i) {
            const QByteArray u = "u" + QByteArray::number(i % 4), ts = QByteArray::number(1663927200000LL + i * 1500);
            plain += u + "," + ts + ",1.5\n";
            quoted += "\"" + u + "\",\"" + ts + "\",\"1.5\"\n";
        }
        auto a = streamlab({ "run", job("plain.json", write("plain.csv", plain)) });
        auto b = streamlab({ "run", job("quoted.json", write("quoted.csv", quoted)) });
        QCOMPARE(a.code, 0);
        QCOMPARE(b.code, 0);
        QVERIFY(a.out.count('\n') >= 4);
        QCOMPARE(b.out, a.out);
        auto skip = streamlab({ "run", m_dir.filePath("quoted.json"), "--set", "src.onError=skip" });
        QCOMPARE(skip.out, a.out); // no line dropped
        QVERIFY2(!skip.err.contains("bad line"), skip.err.constData());
    }

    // 2. A number too large for a double, in the job file or in --set: a message for every sub-command.
    void numberTooLargeForADouble()
    {
        QString events = twentyEvents();
        QString path = job("huge.json", events, {}, ",\"rate\":1e400");
        for (const QStringList& args : { QStringList { "run", path }, { "plan", path }, { "lint", path },
                 { "export", path, "--to", "json" }, { "export", path, "--to", "flink-sql" },
                 { "sweep", path, "--vary", "src.watermark.maxOutOfOrderness=0s..1s/1s" } }) {
            auto r = streamlab(args);
            QVERIFY2(r.code == 1, qPrintable(args.join(' ')));
            QVERIFY2(r.err.contains(path.toUtf8() + ":1:") && r.err.contains("nodes[0].rate")
                    && r.err.contains("1e400 in field") && r.err.contains("too large"),
                r.err.constData());
        }
        auto set = streamlab({ "run", job("ok.json", events), "--set", "src.rate=1e400" });
        QCOMPARE(set.code, 1);
        QVERIFY2(set.err.contains("--set 'src.rate=1e400'") && set.err.contains("too large"), set.err.constData());
    }

    // 3. Deep nesting in unknown keys or `ui`: refused with the limit, not a stack overflow.
    void deepNestingIsRefused()
    {
        QString events = twentyEvents();
        for (int depth : { 45000, 200000 }) {
            QByteArray text = "{\"format\":\"streamlab-job\",\"version\":1,\"ui\":" + QByteArray(depth, '[')
                + QByteArray(depth, ']') + ",\"nodes\":[]}";
            QString path = write("deep.json", text);
            for (const QStringList& args : { QStringList { "export", path, "--to", "json" }, { "run", path } }) {
                auto r = streamlab(args);
                QCOMPARE(r.code, 1);
                QVERIFY2(r.err.contains(path.toUtf8() + ":1:") && r.err.contains("deeper than 256 levels")
                        && r.err.contains("'ui"),
                    r.err.constData());
            }
        }
        // A few levels in `ui` are the designer's business, and survive.
        QFile sample(STREAMLAB_SAMPLES "/clickstream/job.json");
        QVERIFY(sample.open(QIODevice::ReadOnly));
        QByteArray text = sample.readAll();
        text.replace("\"name\": \"clicks per user\",", "\"name\": \"clicks per user\", \"ui\": {\"a\": [[[{\"b\": 1}]]]},");
        QVERIFY(text.contains("[[[{"));
        QString fine = write("shallow.json", text.replace("clicks.csv", STREAMLAB_SAMPLES "/clickstream/clicks.csv"));
        auto r = streamlab({ "export", fine, "--to", "json" });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("\"b\": 1"), r.out.constData());
    }

    // 4. Timestamps outside Long, and Long.MIN_VALUE ("no timestamp"): bad lines at file:line:column.
    void timestampsOutsideLong_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("where");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("json 1e20") << "big.jsonl" << QByteArray("{\"user\":\"a\",\"ts\":1000}\n{\"user\":\"b\",\"ts\":1e20}\n")
                                   << QByteArray(":2:13:") << QByteArray("'1e20' is outside the range of a timestamp");
        QTest::newRow("json 2^64") << "wrap.jsonl" << QByteArray("{\"user\":\"a\",\"ts\":18446744073709551616}\n")
                                   << QByteArray(":1:13:") << QByteArray("'18446744073709551616' is outside");
        QTest::newRow("csv Long.MIN_VALUE") << "min.csv" << QByteArray("user,ts\na,1000\nb,-9223372036854775808\n")
                                            << QByteArray(":3:3:") << QByteArray("Long.MIN_VALUE stands for 'no timestamp'");
    }
    void timestampsOutsideLong()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, where);
        QFETCH(QByteArray, value);
        QString events = write(name, text);
        auto r = streamlab({ "run", job("ts.json", events) });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(events.toUtf8() + where) && r.err.contains(value), r.err.constData());
    }

    // 5. Firings and windows past what a run can bear: exit 1 with the node and the figure, the
    // results so far written; the doctor warns statically with a fix.
    void runawayFiringsStop_data()
    {
        QTest::addColumn<QString>("window");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("rule");
        QTest::newRow("continuous trigger on a global window")
            << "\"assigner\":{\"type\":\"global\"},\"trigger\":{\"type\":\"continuousEventTime\",\"interval\":\"1s\"},\"aggregate\":{\"fn\":\"count\"}"
            << QByteArray("would fire window (global) of key") << "endless-firings";
        QTest::newRow("1-day window, 1 ms continuous trigger")
            << "\"assigner\":{\"type\":\"tumbling\",\"size\":\"1d\"},\"trigger\":{\"type\":\"continuousEventTime\",\"interval\":\"1ms\"},\"aggregate\":{\"fn\":\"count\"}"
            << QByteArray("more times at watermark Long.MAX_VALUE") << "endless-firings";
        QTest::newRow("1-day sliding window, 1 ms slide")
            << "\"assigner\":{\"type\":\"sliding\",\"size\":\"1d\",\"slide\":\"1ms\"},\"aggregate\":{\"fn\":\"count\"}"
            << QByteArray("put each element into 86400000 windows, more than the 10000") << "sliding-window-fanout";
    }
    void runawayFiringsStop()
    {
        QFETCH(QString, window);
        QFETCH(QByteArray, message);
        QFETCH(QString, rule);
        QString path = job("runaway.json", twentyEvents(), window);
        QString out = m_dir.filePath("runaway-out.jsonl");
        auto r = streamlab({ "run", path, "--out", out });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(path.toUtf8() + ": node 'w'") && r.err.contains(message), r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray written = f.readAll();
        QVERIFY(written.size() < 50000000);
        if (rule == "endless-firings") // the firings before the end of input are there
            QVERIFY(written.count('\n') > 0);
        auto lint = streamlab({ "lint", path, "--json" });
        QCOMPARE(lint.code, 1);
        const auto findings = QJsonDocument::fromJson(lint.out).object()["findings"].toArray();
        bool found = false;
        for (const auto& v : findings) {
            auto o = v.toObject();
            if (o["rule"].toString() == rule && o["node"].toString() == "w") {
                found = true;
                QCOMPARE(o["severity"].toString(), QString("error"));
                QVERIFY(o.contains("fix"));
            }
        }
        QVERIFY2(found, lint.out.constData());
    }

    // The doctor's fix of a continuous trigger on a global window makes a job that ends.
    void endlessFiringsFixEnds()
    {
        QString path = job("global.json", twentyEvents(),
            "\"assigner\":{\"type\":\"global\"},\"trigger\":{\"type\":\"continuousEventTime\",\"interval\":\"1s\"},\"aggregate\":{\"fn\":\"count\"}");
        auto r = streamlab({ "run", path, "--set", "w.trigger.type=eventTime" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.count('\n'), 3); // one result per key at the end of input
    }

    // 6. A gap of billions of milliseconds in the arrival column, or a crawling rate.
    void processingTimeGapsAreJumped()
    {
        QString events = write("gap.csv", "user,ts,arr\nu1,1000,0\nu2,2000,1663927200000\nu1,3000,1663927200100\n");
        auto r = streamlab({ "run", job("gap.json", events, {}, ",\"arrival\":\"arr\""), "--watermarks" });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("\"key\":\"u1\",\"window_start\":0,\"window_end\":60000,\"value\":2"), r.out.constData());
        QVERIFY(r.out.contains("\"key\":\"u2\",\"window_start\":0,\"window_end\":60000,\"value\":1"));

        auto slow = streamlab({ "run", job("slow.json", twentyEvents(), {}, ",\"rate\":1e-9") });
        QCOMPARE(slow.code, 1);
        QVERIFY2(slow.err.contains("node 'src', field 'rate': must be at least 0.001 events per second"), slow.err.constData());
    }

    // 7. Parallelism past what one machine replays: refused with the limit; 1024 runs.
    void parallelismLimit()
    {
        QString events = twentyEvents();
        auto r = streamlab({ "run", job("wide.json", events), "--set", "config.parallelism=4096" });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("4096 subtasks are more than a replay on one machine runs (at most 1024"), r.err.constData());
        // Flink runs it on a cluster: validation and export keep it.
        QFile wide(m_dir.filePath("wide.json"));
        QVERIFY(wide.open(QIODevice::ReadOnly));
        QString wide4096 = write("wide4096.json", wide.readAll().replace("\"parallelism\":2", "\"parallelism\":4096"));
        auto exported = streamlab({ "export", wide4096, "--to", "flink-sql" });
        QCOMPARE(exported.code, 0);
        QVERIFY2(exported.out.contains("4096"), exported.out.constData());
        auto ok = streamlab({ "run", job("wide1024.json", events), "--set", "config.parallelism=1024" });
        QCOMPARE(ok.code, 0);
        QCOMPARE(ok.out.count('\n'), 3);
    }

    // 8. Under onError fail, the bad line is the error, said once.
    void failingOnABadLineSaysOnlyThat()
    {
        QString events = write("bad.csv", "user,ts\na,1000\nb,not-a-time\n");
        auto r = streamlab({ "run", job("bad.json", events) });
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains(events.toUtf8() + ":3:3: field 'ts'") && !r.err.contains("skipped"), r.err.constData());
    }

    // 9. Nothing lost silently: a second JSON object on a line, a filter that is not a condition.
    void twoObjectsOnALine()
    {
        QString events = write("two.jsonl", "{\"user\":\"a\",\"ts\":1000}{\"user\":\"b\",\"ts\":2000}\n");
        auto r = streamlab({ "run", job("two.json", events) });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(events.toUtf8() + ":1:23: more than one JSON value on the line"), r.err.constData());
    }
    void filterThatIsNotACondition()
    {
        QString path = write("filter.json",
            QByteArray("{\"format\":\"streamlab-job\",\"version\":1,\"nodes\":[{\"id\":\"src\",\"kind\":\"source\",\"path\":\"")
                + twentyEvents().toUtf8()
                + "\",\"timestamp\":\"ts\"},{\"id\":\"f\",\"kind\":\"filter\",\"where\":\"amount + 1\"},{\"id\":\"out\",\"kind\":\"sink\"}],"
                  "\"edges\":[{\"from\":\"src\",\"to\":\"f\"},{\"from\":\"f\",\"to\":\"out\"}]}");
        auto r = streamlab({ "run", path });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(path.toUtf8() + ": node 'f', field 'where': 'amount + 1' is double, not a condition"),
            r.err.constData());
        auto lint = streamlab({ "lint", path });
        QCOMPARE(lint.code, 1);
        QVERIFY2(lint.out.contains("error job-does-not-run [f]") && lint.out.contains("not a condition"), lint.out.constData());
    }

    // 10. lint finds what run refuses, and both name the job file.
    void lintFindsWhatRunRefuses()
    {
        QString path = job("agg.json", twentyEvents(), "\"assigner\":{\"type\":\"tumbling\",\"size\":\"1m\"},\"aggregate\":{\"fn\":\"sum\",\"field\":\"price\"}");
        auto r = streamlab({ "run", path });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(path.toUtf8() + ": node 'w'") && r.err.contains("price"), r.err.constData());
        auto lint = streamlab({ "lint", path });
        QCOMPARE(lint.code, 1);
        QVERIFY2(lint.out.contains("error job-does-not-run [w]") && lint.out.contains(path.toUtf8() + ": node 'w'")
                && !lint.out.contains("0 error(s)"),
            lint.out.constData());
    }

    // 11. A sink path that is a folder, a BOM in JSON Lines, a checkpoint folder that is a file.
    void fileSinkIntoAFolder()
    {
        QDir(m_dir.path()).mkpath("results");
        QString path = write("sink.json",
            QByteArray("{\"format\":\"streamlab-job\",\"version\":1,\"nodes\":[{\"id\":\"src\",\"kind\":\"source\",\"path\":\"")
                + twentyEvents().toUtf8() + "\",\"timestamp\":\"ts\"},{\"id\":\"out\",\"kind\":\"sink\",\"type\":\"file\",\"path\":\""
                + m_dir.filePath("results").toUtf8() + "\"}],\"edges\":[{\"from\":\"src\",\"to\":\"out\"}]}");
        auto r = streamlab({ "run", path });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("node 'out', field 'path': ") && r.err.contains("results is a folder; a file sink writes one file"),
            r.err.constData());
    }
    void byteOrderMarkInJsonLines()
    {
        QString events = write("bom.jsonl", "\xEF\xBB\xBF{\"user\":\"a\",\"ts\":1000}\n{\"user\":\"a\",\"ts\":2000}\n");
        auto r = streamlab({ "run", job("bom.json", events) });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("\"key\":\"a\",\"window_start\":0,\"window_end\":60000,\"value\":2"), r.out.constData());
    }
    void checkpointFolderThatIsAFile()
    {
        QString file = write("not-a-folder", "x");
        auto r = streamlab({ "run", job("ck.json", twentyEvents(), {}, {}, ",\"checkpoints\":{\"interval\":\"1h\"}"),
            "--checkpoint-dir", file });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not-a-folder: the checkpoint folder is a file"), r.err.constData());
        QCOMPARE(r.out.size(), 0); // refused at the start, not when the first checkpoint falls due
    }
};

QTEST_APPLESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
