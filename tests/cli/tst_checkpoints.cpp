// Checkpoints and recovery through the CLI: a run resumed from any of its checkpoints, or
// killed with SIGKILL and resumed, leaves byte-identical committed file-sink output to an
// uninterrupted run, on the heap and on RocksDB.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

class TestCheckpoints : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static int streamlab(const QStringList& args, QByteArray* err = nullptr)
    {
        QProcess p;
        p.start(STREAMLAB_BINARY, args);
        if (!p.waitForFinished(300000))
            qFatal("streamlab did not finish");
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

    static QByteArray read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    }
    static void write(const QString& path, const QByteArray& data)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write");
        f.write(data);
    }

    // A job with a keyed window, 30 s checkpoints and a file sink at `out`.
    QString job(const QString& name, const QString& events, const QString& out, int rate)
    {
        QString text = QString(R"({"format":"streamlab-job","version":1,
            "config":{"parallelism":2,"checkpoints":{"interval":"30s"}},"nodes":[
            {"id":"src","kind":"source","path":"%1","timestamp":"ts","rate":%3,
             "schema":{"ts":"timestamp","key":"string","value":"long"},"partitions":{"count":4},
             "watermark":{"maxOutOfOrderness":"2s","idleTimeout":"1m"}},
            {"id":"k","kind":"keyBy","key":["key"]},
            {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1m"},"allowedLateness":"5s",
             "aggregate":{"fn":"sum","field":"value"}},
            {"id":"file","kind":"sink","type":"file","path":"%2"}],
            "edges":[{"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"file"}]})")
                           .arg(events, out)
                           .arg(rate);
        QString path = m_dir.filePath(name);
        write(path, text.toUtf8());
        return path;
    }

    QString events(int n)
    {
        QByteArray csv = "ts,key,value\n";
        quint64 x = 42;
        for (int i = 0; i < n; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            qint64 ts = 1663927200000LL + i * 10 - static_cast<qint64>((x >> 33) % 3000);
            csv += QByteArray::number(ts) + ",k" + QByteArray::number((x >> 20) % 500) + "," + QByteArray::number(i % 97) + "\n";
        }
        QString path = m_dir.filePath(QString("events-%1.csv").arg(n));
        write(path, csv);
        return path;
    }

private slots:
    void resumeFromEveryCheckpoint_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("heap") << "heap";
        QTest::newRow("rocksdb") << "rocksdb";
        // The write-back cache, small enough to flush between checkpoints too.
        QTest::newRow("rocksdb-cache") << "rocksdb-cache";
    }
    void resumeFromEveryCheckpoint()
    {
        QFETCH(QString, backend);
        QStringList settings = { "--set", "config.stateBackend=" + backend.section('-', 0, 0), "--set",
            QString("config.stateCache=%1").arg(backend.endsWith("cache") ? 300 : 0) };
        QString out = m_dir.filePath("every-" + backend + ".jsonl");
        QString jobFile = job("every.json", events(20000), out, 100);
        QString ckDir = m_dir.filePath("ck-" + backend);
        QCOMPARE(streamlab(QStringList { "run", jobFile } + settings
                     + QStringList { "--out", "/dev/null", "--checkpoint-dir", ckDir, "--retain-checkpoints", "1000" }),
            0);
        QByteArray full = read(out);
        QVERIFY(full.count('\n') > 100);
        QStringList checkpoints = QDir(ckDir).entryList({ "chk-*" }, QDir::Dirs);
        QVERIFY(checkpoints.size() >= 5);
        for (const QString& c : checkpoints) {
            QString one = m_dir.filePath("one-" + backend + "-" + c);
            QDir().mkpath(one);
            QVERIFY(QProcess::execute("cp", { "-r", ckDir + "/" + c, one }) == 0);
            write(out, full); // what the failed run had committed (and maybe more)
            QByteArray err;
            QCOMPARE(streamlab(QStringList { "run", jobFile } + settings + QStringList { "--out", "/dev/null", "--resume", one }, &err),
                0);
            QVERIFY2(read(out) == full, qPrintable("resumed from " + c + ": " + err));
        }
    }

    void killNineAndResume()
    {
        QString out = m_dir.filePath("kill.jsonl");
        QString jobFile = job("kill.json", events(400000), out, 1000);
        // The uninterrupted run, checkpointing the same way (commits follow checkpoints).
        QCOMPARE(streamlab({ "run", jobFile, "--out", "/dev/null", "--checkpoint-dir", m_dir.filePath("ck-reference") }), 0);
        QByteArray expected = read(out);
        QVERIFY(expected.count('\n') > 1000);
        QFile::remove(out);
        // A run killed with SIGKILL once it has completed a few checkpoints.
        QString ckDir = m_dir.filePath("ck-kill");
        QProcess p;
        p.start(STREAMLAB_BINARY, { "run", jobFile, "--out", "/dev/null", "--checkpoint-dir", ckDir });
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QDir(ckDir).entryList({ "chk-*" }, QDir::Dirs).size() >= 2 || p.state() == QProcess::NotRunning, 60000);
        bool killedMidRun = p.state() == QProcess::Running;
        if (killedMidRun)
            ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished(60000);
        qInfo("killed mid-run: %s", killedMidRun ? "yes" : "no (the run ended first)");
        if (killedMidRun)
            QVERIFY(read(out) != expected); // the killed run had not committed everything
        QByteArray err;
        QCOMPARE(streamlab({ "run", jobFile, "--out", "/dev/null", "--resume", ckDir }, &err), 0);
        QVERIFY2(read(out) == expected, err.constData());
    }

    void resumeRefusesAnotherJob()
    {
        QString out = m_dir.filePath("other.jsonl");
        QString jobFile = job("other.json", events(5000), out, 100);
        QString ckDir = m_dir.filePath("ck-other");
        QCOMPARE(streamlab({ "run", jobFile, "--out", "/dev/null", "--checkpoint-dir", ckDir }), 0);
        QByteArray err;
        QCOMPARE(streamlab({ "run", jobFile, "--set", "config.parallelism=3", "--out", "/dev/null", "--resume", ckDir }, &err), 1);
        QVERIFY2(err.contains("belongs to another job"), err.constData());
        QCOMPARE(streamlab({ "run", jobFile, "--resume", m_dir.filePath("nothing-here") }, &err), 1);
        QVERIFY2(err.contains("no complete checkpoint"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCheckpoints)
#include "tst_checkpoints.moc"
