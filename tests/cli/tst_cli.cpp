// The headless contract of DESIGN.md: `streamlab run` output, metrics, watermarks, and one
// clear message with exit status 1 for each kind of bad input.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "streamlab_process.h"

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

    static StreamlabRun streamlab(const QStringList& args) { return runStreamlab(args); }

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
            // Every line carries the record's event timestamp as Flink carries it downstream: a
            // window result's window.maxTimestamp(), a late element's own event time.
            QVERIFY2(o.contains("timestamp"), l.constData());
            const qint64 ts = qint64(o["timestamp"].toDouble());
            if (o["sink"].toString() == "late")
                QCOMPARE(ts, qint64(rec["ts"].toDouble()));
            else
                QCOMPARE(ts, qint64(rec["window_end"].toDouble()) - 1);
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

    // A record without an event time (a source with watermark strategy none and no timestamp
    // field) carries "timestamp": null, the key always there.
    void recordsWithoutEventTimeCarryANullTimestamp()
    {
        write("nots.csv", "user,amount\nann,3\nbob,4\n");
        const QString job = write("nots.json",
            R"({"format":"streamlab-job","version":1,"nodes":[{"id":"src","kind":"source","path":"nots.csv",
                "watermark":{"strategy":"none"}},{"id":"out","kind":"sink"}],"edges":[{"from":"src","to":"out"}]})");
        auto r = streamlab({ "run", job, "--out", "-" });
        QCOMPARE(r.code, 0);
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const auto& l : lines) {
            const auto o = QJsonDocument::fromJson(l).object();
            QVERIFY2(o.contains("timestamp") && o["timestamp"].isNull(), l.constData());
        }
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
        QCOMPARE(m["threads"].toInt(), 2); // the window and sinks ran on a second thread
        QVERIFY(m["totals"].toObject()["firings"].toObject()["late"].toInt() > 0);
    }

    // `run` uses a second thread when the job allows; --one-thread does not: the same output, and
    // the progress line works either way.
    void oneThreadGivesTheSameOutput()
    {
        auto two = streamlab({ "run", kSample, "--watermarks", "--set", "config.parallelism=4", "--progress" });
        auto one = streamlab({ "run", kSample, "--watermarks", "--set", "config.parallelism=4", "--one-thread" });
        QCOMPARE(two.code, 0);
        QCOMPARE(one.code, 0);
        QVERIFY(two.out.count('\n') > 300);
        QCOMPARE(two.out, one.out);
        QVERIFY2(two.err.contains("5000 events replayed"), two.err.constData());
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

    void skewSampleShowsIdleAndDoubledSubtasks()
    {
        QString metrics = m_dir.filePath("skew.json");
        auto r = streamlab({ "run", STREAMLAB_SAMPLES "/skew/job.json", "--metrics", metrics, "--out", m_dir.filePath("o.jsonl") });
        QCOMPARE(r.code, 0);
        QFile f(metrics);
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto subs = QJsonDocument::fromJson(f.readAll()).object()["operators"].toObject()["sumPer10s"].toObject()["subtasks"].toArray();
        QList<int> in;
        for (const auto& s : subs)
            in << s.toObject()["recordsIn"].toInt();
        QCOMPARE(in, (QList<int> { 1000, 1000, 0, 0, 0, 2000, 0, 4000 }));

        auto remap = streamlab({ "keys", "--parallelism", "8", "--remap" });
        QCOMPARE(remap.out, QByteArray("# parallelism 8 maxParallelism 128\n0 4\n1 6\n2 22\n3 9\n4 10\n5 0\n6 11\n7 2\n"));
        auto r2 = streamlab({ "run", STREAMLAB_SAMPLES "/skew/job.json", "--events",
            "events=" STREAMLAB_SAMPLES "/skew/events-remapped.csv", "--metrics", metrics, "--out", m_dir.filePath("o.jsonl") });
        QCOMPARE(r2.code, 0);
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        subs = QJsonDocument::fromJson(f.readAll()).object()["operators"].toObject()["sumPer10s"].toObject()["subtasks"].toArray();
        for (const auto& s : subs)
            QCOMPARE(s.toObject()["recordsIn"].toInt(), 1000);
    }

    void keysForTypes()
    {
        auto s = streamlab({ "keys", "--parallelism", "4", "--", "", "flink", QString::fromUtf8("😀") });
        QCOMPARE(s.out, QByteArray("# parallelism 4 maxParallelism 128\n 94 2\nflink 98 3\n") + QString::fromUtf8("😀").toUtf8() + " 54 1\n");
        auto i = streamlab({ "keys", "--parallelism", "100", "--max-parallelism", "256", "--type", "int", "--", "-1", "7" });
        QCOMPARE(i.out, QByteArray("# parallelism 100 maxParallelism 256\n-1 80 31\n7 241 94\n"));
        auto l = streamlab({ "keys", "--parallelism", "3", "--type", "long", "--", "4294967296", "-1" });
        QCOMPARE(l.out, QByteArray("# parallelism 3 maxParallelism 128\n4294967296 86 2\n-1 94 2\n"));
        auto bad = streamlab({ "keys", "--parallelism", "4", "--max-parallelism", "2", "--", "x" });
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains("--max-parallelism must be between the parallelism (4) and 32768"));
    }

    void planPrintsTasksAndExchanges()
    {
        auto r = streamlab({ "plan", kSample });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("clicks -> perMinute  HASH by user (keyBy byUser)  network (serialized)"), r.out.constData());
        QVERIFY(r.out.contains("task 1: perMinute -> out -> late  (parallelism 2)"));
        auto j = streamlab({ "plan", kSample, "--json" });
        QCOMPARE(j.code, 0);
        auto o = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(o["tasks"].toArray().size(), 2);
        QVERIFY2(r.out.contains("run: 2 threads"), r.out.constData());
        QCOMPARE(o["run"].toObject()["threads"].toInt(), 2);
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
