// The headless contract of DESIGN.md: `streamlab run` output, metrics, watermarks, and one
// clear message with exit status 1 for each kind of bad input.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

// A source reading `csv` into one sink, plus `extraNode`.
static QByteArray tinyJobText(const QString& csv, const QString& extraNode)
{
    return "{\"format\":\"streamlab-job\",\"version\":1,\"nodes\":["
           "{\"id\":\"src\",\"kind\":\"source\",\"path\":\"" + csv.toUtf8() + "\",\"timestamp\":\"ts\"},"
           "{\"id\":\"out\",\"kind\":\"sink\"}" + extraNode.toUtf8() + "],\"edges\":[{\"from\":\"src\",\"to\":\"out\"}]}";
}

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    struct Run {
        int code = -1;
        QByteArray out, err;
    };

    static Run streamlab(const QStringList& args)
    {
        QProcess p;
        p.start(STREAMLAB_BINARY, args);
        if (!p.waitForFinished(120000))
            qFatal("streamlab did not finish");
        return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
    }

    QString write(const QString& name, const QByteArray& text)
    {
        QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write");
        f.write(text);
        return path;
    }

    QString tinyJob(const QString& csv, const QString& extraNode = {})
    {
        return write("tiny.json", tinyJobText(csv, extraNode));
    }

    const QString kSample = QStringLiteral(STREAMLAB_SAMPLES "/clickstream/job.json");

private slots:
    void runSamplePrintsRecords()
    {
        auto r = streamlab({ "run", kSample, "--out", "-" });
        QCOMPARE(r.code, 0);
        auto lines = r.out.trimmed().split('\n');
        QVERIFY(lines.size() > 100);
        int late = 0, onTime = 0, side = 0;
        for (const auto& l : lines) {
            auto o = QJsonDocument::fromJson(l).object();
            QVERIFY(o.contains("sink") && o.contains("subtask") && o.contains("record"));
            auto rec = o["record"].toObject();
            if (o["sink"].toString() == "late")
                ++side;
            else if (rec["firing"].toString() == "late")
                ++late;
            else if (rec["firing"].toString() == "on_time")
                ++onTime;
        }
        // The sample has out-of-order and late clicks: on-time and late firings and side output.
        QVERIFY(onTime > 0);
        QVERIFY(late > 0);
        QVERIFY(side > 0);
    }

    void metricsAndWatermarks()
    {
        QString metrics = m_dir.filePath("m.json");
        auto r = streamlab({ "run", kSample, "--metrics", metrics, "--watermarks" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.trimmed().endsWith("\"watermark\":9223372036854775807}"));
        QFile f(metrics);
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto m = QJsonDocument::fromJson(f.readAll()).object();
        auto win = m["operators"].toObject()["perMinute"].toObject();
        QCOMPARE(win["subtasks"].toArray().size(), 2);
        QCOMPARE(win["total"].toObject()["recordsIn"].toInt(), 5000);
        QVERIFY(m["totals"].toObject()["firings"].toObject()["late"].toInt() > 0);
    }

    void brokenJobFile()
    {
        QString job = write("broken.json", "{\n  \"format\": \"streamlab-job\",\n  \"nodes\": [,]\n}\n");
        auto r = streamlab({ "run", job });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(job.toUtf8() + ":3:"), r.err.constData());
        QCOMPARE(r.err.trimmed().count('\n'), 0); // one message
    }

    void invalidJobNamesNodeAndField()
    {
        QString csv = write("ok.csv", "ts,k\n1,a\n");
        QString job = tinyJob(csv, R"(,{"id":"w","kind":"window","assigner":{"type":"tumbling","size":"-1s"},"aggregate":{"fn":"count"}})");
        auto r = streamlab({ "run", job });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("node 'w', field 'assigner.size': must be positive"), r.err.constData());
    }

    void badTimestampLine()
    {
        QString csv = write("bad.csv", "ts,k\n1000,a\nnot-a-time,b\n");
        auto r = streamlab({ "run", tinyJob(csv) });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(csv.toUtf8() + ":3:1: field 'ts': 'not-a-time' is not a timestamp"), r.err.constData());
        QCOMPARE(r.out.count('\n'), 1); // the good line before it was delivered
    }

    void skipReportsBadLines()
    {
        QString csv = write("bad2.csv", "ts,k\n1000,a\nnot-a-time,b\n2000,c\n");
        auto r = streamlab({ "run", tinyJob(csv), "--set", "src.onError=skip" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.count('\n'), 2);
        QVERIFY2(r.err.contains("source 'src': 1 bad line skipped"), r.err.constData());
    }

    void missingEventFile()
    {
        auto r = streamlab({ "run", tinyJob(m_dir.filePath("absent.csv")) });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("absent.csv: no such event file"), r.err.constData());
    }

    void missingJobFile()
    {
        auto r = streamlab({ "run", m_dir.filePath("nope.json") });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("nope.json: no such job file"), r.err.constData());
    }

    void unknownSetParameter()
    {
        auto r = streamlab({ "run", kSample, "--set", "perMinute.lateness=5s" });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("a window node has no parameter 'lateness'"), r.err.constData());
        QCOMPARE(r.out.size(), 0);
    }

    void setAndEventsOverride()
    {
        QString csv = write("three.csv", "user,ts,page,amount\nx,2022-09-23T10:00:00Z,home,0\n"
                                         "x,2022-09-23T10:00:01Z,home,0\ny,2022-09-23T10:00:02Z,cart,0\n");
        auto r = streamlab({ "run", kSample, "--events", "clicks=" + csv, "--set", "config.parallelism=1" });
        QCOMPARE(r.code, 0);
        auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2); // one window for each of the two users
        for (const auto& l : lines)
            QCOMPARE(QJsonDocument::fromJson(l).object()["subtask"].toInt(), 0);
    }

    void keysMatchFlink()
    {
        auto r = streamlab({ "keys", "--parallelism", "1", "--", "flink" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("# parallelism 1 maxParallelism 128\nflink 98 0\n"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
