// Tests of exporter::exportCanonicalJson (engine/export/json_export.*): a golden canonical file for
// the shorthand forms, idempotence and the same graph after a round trip for every sample and
// every export test job, defaults written out, unknown keys kept. Set STREAMLAB_UPDATE_GOLDEN=1 to
// rewrite the golden file.
#include "export/json_export.h"
#include "export/sql_export.h"
#include "model/job.h"
#include "model/spec.h"

#include <QtTest/QtTest>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace streamlab;

namespace {

const std::filesystem::path kData = std::filesystem::path(STREAMLAB_TEST_DATA) / "export";

std::string readFile(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The canonical text loaded back as a job beside the original (so relative paths resolve alike).
model::Job reload(const std::string& text, const model::Job& original)
{
    auto job = model::Job::parse(text, "canonical export");
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    job->path = original.path;
    return *job;
}

// What "the same graph" means here, independent of the order of nodes and edges in the file: the
// nodes (id, kind, parallelism) and the edges as sorted sets.
std::vector<std::string> graphSummary(const model::JobSpec& spec)
{
    std::vector<std::string> s;
    for (const auto& n : spec.nodes)
        s.push_back(n.id + ":" + std::string(model::nodeKindName(n.kind)) + ":"
            + std::to_string(n.parallelism.value_or(0)) + ":" + std::to_string(n.maxParallelism.value_or(0)));
    for (const auto& e : spec.edges)
        s.push_back(e.from + "." + e.fromPort + "->" + e.to);
    std::sort(s.begin(), s.end());
    return s;
}

// The lines of a text as a sorted multiset (statements may come in another order).
std::vector<std::string> sortedLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);)
        lines.push_back(l);
    std::sort(lines.begin(), lines.end());
    return lines;
}

} // namespace

class TestJsonExport : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        std::vector<std::filesystem::path> files;
        for (const auto& d : std::filesystem::directory_iterator(STREAMLAB_SAMPLES))
            if (std::filesystem::exists(d.path() / "job.json"))
                files.push_back(d.path() / "job.json");
        for (const auto& f : std::filesystem::directory_iterator(kData))
            if (f.path().string().ends_with(".job.json"))
                files.push_back(f.path());
        std::sort(files.begin(), files.end());
        QVERIFY(files.size() >= 10);
        for (const auto& f : files) {
            std::string tag = f.parent_path().filename().string() + "/" + f.filename().string();
            QTest::newRow(tag.c_str()) << QString::fromStdString(f.string());
        }
    }

    void roundTrip()
    {
        QFETCH(QString, file);
        auto job = model::Job::load(file.toStdString());
        QVERIFY2(job.ok(), job.status().message().c_str());
        auto original = model::compile(*job);
        QVERIFY2(!original.hasErrors(), model::describeErrors(original.problems, "").c_str());

        std::string once = exporter::exportCanonicalJson(*job);
        model::Job loaded = reload(once, *job);
        // Idempotent: the export of the export is the same text.
        QCOMPARE(QString::fromStdString(exporter::exportCanonicalJson(loaded)), QString::fromStdString(once));

        // The same graph: compiles without errors, same nodes and edges, and every parameter the Flink SQL
        // export reads gives the same statements.
        auto again = model::compile(loaded);
        QVERIFY2(!again.hasErrors(), model::describeErrors(again.problems, "").c_str());
        QCOMPARE(graphSummary(again.spec), graphSummary(original.spec));
        auto sqlA = exporter::exportFlinkSql(*job);
        auto sqlB = exporter::exportFlinkSql(loaded);
        QCOMPARE(sqlA.ok(), sqlB.ok());
        if (sqlA.ok())
            QCOMPARE(sortedLines(sqlB->sql), sortedLines(sqlA->sql));
    }

    void golden()
    {
        auto job = model::Job::load(kData / "shorthand.job.json");
        QVERIFY(job.ok());
        std::string text = exporter::exportCanonicalJson(*job);
        auto golden = kData / "shorthand.canonical.json";
        if (std::getenv("STREAMLAB_UPDATE_GOLDEN")) {
            std::ofstream(golden, std::ios::binary) << text;
            QSKIP("golden file rewritten");
        }
        QCOMPARE(QString::fromStdString(text), QString::fromStdString(readFile(golden)));
    }

    void normalized_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("expected"); // JSON text of the value
        QTest::newRow("integer ms duration") << "/config/autoWatermarkInterval"
                                             << "\"500ms\"";
        QTest::newRow("checkpoint interval") << "/config/checkpoints/interval"
                                             << "\"1m\"";
        QTest::newRow("config default") << "/config/parallelism"
                                        << "1";
        QTest::newRow("optional without default") << "/config/idleStateRetention"
                                                  << "null";
        QTest::newRow("nodes sorted by id") << "/nodes/0/id"
                                            << "\"agg\"";
        QTest::newRow("last node") << "/nodes/6/id"
                                   << "\"win\"";
        QTest::newRow("edges sorted by from, to") << "/edges/0"
                                                  << "{\"from\":\"agg\",\"to\":\"dwh\"}";
        QTest::newRow("key as an array") << "/nodes/2/key"
                                         << "[\"user\"]";
        QTest::newRow("fractional seconds") << "/nodes/6/allowedLateness"
                                            << "\"1500ms\"";
        QTest::newRow("sliding size") << "/nodes/6/assigner/size"
                                      << "\"2m\"";
        QTest::newRow("sliding slide") << "/nodes/6/assigner/slide"
                                       << "\"30s\"";
        QTest::newRow("default offset") << "/nodes/6/assigner/offset"
                                        << "\"0ms\"";
        QTest::newRow("default trigger") << "/nodes/6/trigger"
                                         << "{\"purging\":false,\"type\":\"eventTime\"}";
        QTest::newRow("ttl shorthand")
            << "/nodes/6/ttl"
            << "{\"ttl\":\"1h\",\"update\":\"onCreateAndWrite\",\"visibility\":\"neverReturnExpired\"}";
        QTest::newRow("lateFiring every") << "/nodes/6/lateFiring"
                                          << "{\"every\":\"1m\"}";
        QTest::newRow("source defaults") << "/nodes/5/rate"
                                         << "1000";
        QTest::newRow("format from the extension") << "/nodes/5/format"
                                                   << "\"jsonl\"";
        QTest::newRow("watermark defaults")
            << "/nodes/5/watermark"
            << "{\"idleTimeout\":null,\"maxOutOfOrderness\":\"2s\",\"strategy\":\"boundedOutOfOrderness\"}";
        QTest::newRow("schema keeps its field order")
            << "/nodes/5/schema"
            << "{\"user\":\"string\",\"ts\":\"timestamp\",\"qty\":\"int\"}";
        QTest::newRow("map keeps its order") << "/nodes/3/set"
                                             << "{\"zeta\":\"qty + 1\",\"alpha\":\"qty * 2\"}";
        QTest::newRow("unknown key kept, sorted") << "/nodes/5/futureOption"
                                                  << "{\"y\":2,\"z\":1}";
        QTest::newRow("unknown top-level key kept") << "/x-tool"
                                                    << "{\"a\":[3,2],\"b\":1}";
        QTest::newRow("ui kept") << "/nodes/4/ui"
                                 << "{\"x\":2,\"y\":1}";
        QTest::newRow("sink type default") << "/nodes/4/type"
                                           << "\"collect\"";
        QTest::newRow("outage durations") << "/nodes/1/outages"
                                          << "[{\"at\":\"10s\",\"duration\":\"1m\"}]";
    }

    void normalized()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, expected);
        auto job = model::Job::load(kData / "shorthand.job.json");
        QVERIFY(job.ok());
        auto doc = model::Json::parse(exporter::exportCanonicalJson(*job));
        model::Json::json_pointer ptr(pointer.toStdString());
        QVERIFY2(doc.contains(ptr), pointer.toUtf8().constData());
        QCOMPARE(QString::fromStdString(doc[ptr].dump()), expected);
    }

    void topLevelKeysSorted()
    {
        auto job = model::Job::load(kData / "shorthand.job.json");
        QVERIFY(job.ok());
        auto doc = model::Json::parse(exporter::exportCanonicalJson(*job));
        std::vector<std::string> keys;
        for (auto it = doc.begin(); it != doc.end(); ++it)
            keys.push_back(it.key());
        QVERIFY(std::is_sorted(keys.begin(), keys.end()));
        QCOMPARE(keys.size(), size_t(7));
    }
};

QTEST_APPLESS_MAIN(TestJsonExport)
#include "tst_json_export.moc"
