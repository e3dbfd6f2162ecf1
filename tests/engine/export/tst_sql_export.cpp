// Tests of exporter::exportFlinkSql (engine/export/sql_export.*): golden files for each construct
// and each warning (tests/data/export/*.job.json -> *.sql), the warnings list, --strict, the
// expression translation and errors. Set STREAMLAB_UPDATE_GOLDEN=1 to rewrite the golden files.
#include "export/sql_export.h"
#include "model/job.h"

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

// Absolute paths differ per checkout; the golden files hold @DATA@ instead.
std::string portable(std::string sql)
{
    const std::string dir = kData.string();
    for (auto p = sql.find(dir); p != std::string::npos; p = sql.find(dir))
        sql.replace(p, dir.size(), "@DATA@");
    return sql;
}

int countOf(const std::string& text, const std::string& what)
{
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size()))
        ++n;
    return n;
}

model::Job loadJob(const std::string& name)
{
    auto job = model::Job::load(kData / (name + ".job.json"));
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    return *job;
}

// A job reading events.jsonl through one filter into a print sink.
model::Job filterJob(const std::string& where)
{
    model::Json doc = model::Json::parse(readFile(kData / "clean.job.json"));
    doc["nodes"][1]["where"] = where;
    doc["nodes"][0]["schema"] = { { "user", "string" }, { "qty", "long" }, { "n", "int" },
        { "amount", "double" }, { "ok", "boolean" } };
    auto job = model::Job::fromJson(doc, "filter job");
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    job->path = kData / "filter.job.json";
    return *job;
}

} // namespace

class TestSqlExport : public QObject {
    Q_OBJECT

private slots:
    void golden_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("connector");
        QTest::addColumn<int>("warnings");
        QTest::newRow("tumbling TVF, filter, map, file sink") << "tumbling"
                                                              << "filesystem" << 1;
        QTest::newRow("sliding: HOP TVF and legacy HOP") << "sliding"
                                                         << "filesystem" << 1;
        QTest::newRow("session: legacy SESSION, lateness warned") << "session"
                                                                  << "filesystem" << 2;
        QTest::newRow("allowed lateness, late output, lateFiring") << "lateness"
                                                                   << "filesystem" << 7;
        QTest::newRow("triggers, purging, list state, window ttl") << "triggers"
                                                                   << "filesystem" << 8;
        QTest::newRow("running aggregates, global window, sinks") << "running"
                                                                  << "filesystem" << 6;
        QTest::newRow("collect, hash, composite key, per-node settings") << "collect-hash"
                                                                         << "filesystem" << 8;
        QTest::newRow("sources: csv, ISO text, partitions, idleness") << "sources"
                                                                      << "filesystem" << 10;
        QTest::newRow("sources as Kafka topics") << "sources"
                                                 << "kafka" << 8;
        QTest::newRow("two inputs: UNION ALL") << "union"
                                               << "filesystem" << 2;
        QTest::newRow("no warnings") << "clean"
                                     << "filesystem" << 0;
        QTest::newRow("lateness, Kafka") << "lateness"
                                         << "kafka" << 7;
    }

    void golden()
    {
        QFETCH(QString, job);
        QFETCH(QString, connector);
        QFETCH(int, warnings);
        exporter::SqlOptions options;
        options.connector = *exporter::parseConnector(connector.toStdString());
        auto r = exporter::exportFlinkSql(loadJob(job.toStdString()), options);
        QVERIFY2(r.ok(), r.status().message().c_str());
        std::string sql = portable(r->sql);

        // Every warning stands in the script and in the list, once.
        QCOMPARE(countOf(sql, "-- WARNING: "), static_cast<int>(r->warnings.size()));
        for (const auto& w : r->warnings) {
            auto colon = w.find(": ");
            QVERIFY2(
                colon != std::string::npos && sql.find(portable(w.substr(colon + 2))) != std::string::npos,
                w.c_str());
        }
        if (static_cast<int>(r->warnings.size()) != warnings) {
            for (const auto& w : r->warnings)
                qWarning("%s", w.c_str());
        }
        QCOMPARE(static_cast<int>(r->warnings.size()), warnings);

        std::string suffix = connector == "kafka" ? "-kafka" : "";
        auto golden = kData / (job.toStdString() + suffix + ".sql");
        if (std::getenv("STREAMLAB_UPDATE_GOLDEN")) {
            std::ofstream(golden, std::ios::binary) << sql;
            QSKIP("golden file rewritten");
        }
        QVERIFY2(std::filesystem::exists(golden), golden.c_str());
        QCOMPARE(QString::fromStdString(sql), QString::fromStdString(readFile(golden)));
    }

    void constructs_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("expected");
        QTest::newRow("TUMBLE with offset") << "tumbling"
                                            << "FROM TABLE(TUMBLE(TABLE `enrich`, DESCRIPTOR(`rowtime`), "
                                               "INTERVAL '1' MINUTE, INTERVAL '5' SECOND))";
        QTest::newRow("HOP: slide before size")
            << "sliding"
            << "HOP(TABLE `events`, DESCRIPTOR(`rowtime`), INTERVAL '10' SECOND, "
               "INTERVAL '1' MINUTE)";
        QTest::newRow("legacy HOP, size over 99 s")
            << "sliding"
            << "GROUP BY `user`, HOP(`rowtime`, INTERVAL '20' SECOND, "
               "INTERVAL '0 00:02:30.000' DAY TO SECOND)";
        QTest::newRow("session group window") << "session"
                                              << "GROUP BY `user`, SESSION(`rowtime`, INTERVAL '30' SECOND)";
        QTest::newRow("sum of an int as BIGINT") << "tumbling"
                                                 << "SUM(CAST(`qty` AS BIGINT)) AS `value`";
        QTest::newRow("avg of an int as DOUBLE") << "sliding"
                                                 << "AVG(CAST(`qty` AS DOUBLE)) AS `value`";
        QTest::newRow("count") << "session"
                               << "COUNT(*) AS `value`";
        QTest::newRow("epoch ms time attribute") << "tumbling"
                                                 << "`rowtime` AS TO_TIMESTAMP_LTZ(`ts`, 3)";
        QTest::newRow("SQL watermark with the -1 ms")
            << "tumbling"
            << "WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '2' SECOND - "
               "INTERVAL '0.001' SECOND";
        QTest::newRow("filesystem json") << "tumbling"
                                         << "'connector' = 'filesystem'";
        QTest::newRow("late fire SETs") << "lateness"
                                        << "SET 'table.exec.emit.late-fire.enabled' = 'true';";
        QTest::newRow("allow-lateness is the largest") << "lateness"
                                                       << "SET 'table.exec.emit.allow-lateness' = '1 min';";
        QTest::newRow("late-fire delay: the smallest") << "lateness"
                                                       << "SET 'table.exec.emit.late-fire.delay' = '0 ms';";
        QTest::newRow("late side output") << "lateness"
                                          << "<= CURRENT_WATERMARK(`rowtime`)";
        QTest::newRow("early fire for continuous") << "triggers"
                                                   << "SET 'table.exec.emit.early-fire.delay' = '1 min';";
        QTest::newRow("running aggregate") << "running"
                                           << "FROM `events`\nGROUP BY `user`";
        QTest::newRow("STATE_TTL hint") << "running"
                                        << "SELECT /*+ STATE_TTL('events' = '1 h') */ `user` AS `key`";
        QTest::newRow("state ttl SET") << "running"
                                       << "SET 'table.exec.state.ttl' = '1 d';";
        QTest::newRow("jdbc with a primary key") << "running"
                                                 << "PRIMARY KEY (`key`) NOT ENFORCED";
        QTest::newRow("print sink") << "clean"
                                    << "'connector' = 'print'";
        QTest::newRow("blackhole for discard") << "collect-hash"
                                               << "'connector' = 'blackhole'";
        QTest::newRow("LISTAGG for collect") << "collect-hash"
                                             << "LISTAGG(CAST(`amount` AS STRING)) AS `value`";
        QTest::newRow("collect of records") << "collect-hash"
                                            << "LISTAGG(JSON_OBJECT(KEY 'user' VALUE `user`";
        QTest::newRow("composite key") << "collect-hash"
                                       << "GROUP BY `user`, `country`, window_start, window_end";
        QTest::newRow("configuration")
            << "collect-hash"
            << "SET 'parallelism.default' = '4';\nSET 'pipeline.max-parallelism' = '128';\n"
               "SET 'pipeline.auto-watermark-interval' = '100 ms';";
        QTest::newRow("checkpoints and rocksdb") << "collect-hash"
                                                 << "SET 'execution.checkpointing.interval' = '30 s';\n"
                                                    "SET 'state.backend.type' = 'rocksdb';";
        QTest::newRow("ISO-8601 text")
            << "sources"
            << "`rowtime` AS CAST(CAST(REPLACE(REPLACE(`ts`, 'T', ' '), 'Z', '') AS "
               "TIMESTAMP(3)) AS TIMESTAMP_LTZ(3))";
        QTest::newRow("idle timeout is the smallest") << "sources"
                                                      << "SET 'table.exec.source.idle-timeout' = '30 s';";
        QTest::newRow("onError skip") << "sources"
                                      << "'csv.ignore-parse-errors' = 'true'";
        QTest::newRow("inferred schema") << "sources"
                                         << "-- schema inferred from the first lines of events.jsonl";
        QTest::newRow("union") << "union"
                               << "\nUNION ALL\n";
        QTest::newRow("statement set") << "sliding"
                                       << "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO `out1`";
        QTest::newRow("single insert, no statement set") << "clean"
                                                         << "\n\nINSERT INTO `out`\nSELECT";
    }

    void constructs()
    {
        QFETCH(QString, job);
        QFETCH(QString, expected);
        auto r = exporter::exportFlinkSql(loadJob(job.toStdString()));
        QVERIFY2(r.ok(), r.status().message().c_str());
        QVERIFY2(r->sql.find(expected.toStdString()) != std::string::npos, r->sql.c_str());
    }

    void expressions_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("sql");
        QTest::newRow("&& and ||") << "qty > 1 && ok || amount < 2.5"
                                   << "((`qty` > 1) AND `ok`) OR (`amount` < 2.5E0)";
        QTest::newRow("!") << "!ok"
                           << "NOT `ok`";
        QTest::newRow("== and !=") << "user == 'a' && user != 'b'"
                                   << "(`user` = 'a') AND (`user` <> 'b')";
        QTest::newRow("== null") << "user == null"
                                 << "`user` IS NULL";
        QTest::newRow("!= null") << "null != user"
                                 << "`user` IS NOT NULL";
        QTest::newRow("quote in a literal") << "user == 'it\\'s'"
                                            << "`user` = 'it''s'";
        QTest::newRow("lower, upper") << "lower(user) == upper(user)"
                                      << "LOWER(`user`) = UPPER(`user`)";
        QTest::newRow("abs of an int as BIGINT") << "abs(n) > 1"
                                                 << "ABS(CAST(`n` AS BIGINT)) > 1";
        QTest::newRow("concat")
            << "concat(user, '-', qty) == 'x'"
            << "CONCAT(COALESCE(`user`, 'null'), '-', COALESCE(CAST(`qty` AS STRING), 'null')) = 'x'";
        QTest::newRow("+ with a string") << "user + 1 == 'a1'"
                                         << "CONCAT(COALESCE(`user`, 'null'), '1') = 'a1'";
        QTest::newRow("integer division by a field") << "qty / n > 1"
                                                     << "(`qty` / NULLIF(CAST(`n` AS BIGINT), 0)) > 1";
        QTest::newRow("integer division by a literal") << "qty / 2 > 1"
                                                       << "(`qty` / 2) > 1";
        QTest::newRow("modulo") << "qty % 3 == 0"
                                << "MOD(`qty`, 3) = 0";
        QTest::newRow("double division") << "amount / 0.5 > 1"
                                         << "(`amount` / 0.5E0) > 1";
        QTest::newRow("negation") << "-qty < 0"
                                  << "(-`qty`) < 0";
        QTest::newRow("true literal") << "ok == true"
                                      << "`ok` = TRUE";
    }

    void expressions()
    {
        QFETCH(QString, where);
        QFETCH(QString, sql);
        auto r = exporter::exportFlinkSql(filterJob(where.toStdString()));
        QVERIFY2(r.ok(), r.status().message().c_str());
        auto where0 = r->sql.find("\nWHERE ");
        QVERIFY(where0 != std::string::npos);
        auto end = r->sql.find(";\n", where0 + 1);
        QCOMPARE(QString::fromStdString(r->sql.substr(where0 + 7, end - where0 - 7)), sql);
        QCOMPARE(static_cast<int>(r->warnings.size()), 0);
    }

    void hashIsWarned()
    {
        auto r = exporter::exportFlinkSql(filterJob("hash(user) % 16 == 3"));
        QVERIFY2(r.ok(), r.status().message().c_str());
        QVERIFY(r->sql.find("WHERE MOD(HASH_CODE(`user`), 16) = 3") != std::string::npos);
        QCOMPARE(static_cast<int>(r->warnings.size()), 1);
        QVERIFY(r->warnings[0].find("node 'f': expression 'hash(user) % 16 == 3': hash() is Java's hashCode")
            == 0);
        QVERIFY(r->sql.find("-- WARNING: expression 'hash(user) % 16 == 3': hash()") != std::string::npos);
    }

    void strict_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<bool>("ok");
        QTest::newRow("no warning passes") << "clean" << true;
        QTest::newRow("a warning fails") << "session" << false;
        QTest::newRow("many warnings fail") << "lateness" << false;
    }

    void strict()
    {
        QFETCH(QString, job);
        QFETCH(bool, ok);
        exporter::SqlOptions options;
        options.strict = true;
        auto lenient = exporter::exportFlinkSql(loadJob(job.toStdString()));
        QVERIFY(lenient.ok());
        auto r = exporter::exportFlinkSql(loadJob(job.toStdString()), options);
        QCOMPARE(r.ok(), ok);
        if (!ok) {
            QCOMPARE(r.status().code(), Status::Code::Unsupported);
            const std::string& m = r.status().message();
            QVERIFY2(m.find(std::to_string(lenient->warnings.size()) + " warning") == 0, m.c_str());
            for (const auto& w : lenient->warnings)
                QVERIFY2(m.find(w) != std::string::npos, w.c_str());
        }
    }

    void invalidJobIsRefused()
    {
        auto job = model::Job::load(kData / "invalid-job.json");
        QVERIFY(job.ok());
        auto r = exporter::exportFlinkSql(*job);
        QVERIFY(!r.ok());
        QCOMPARE(r.status().code(), Status::Code::InvalidArgument);
        QVERIFY2(r.status().message().find("node 'w', field 'assigner.type'") != std::string::npos,
            r.status().message().c_str());
        QVERIFY2(r.status().message().find("node 'w', field 'aggregate': is required") != std::string::npos,
            r.status().message().c_str());
    }

    void connectorNames()
    {
        QCOMPARE(exporter::parseConnector("filesystem"),
            std::optional(exporter::SqlOptions::Connector::Filesystem));
        QCOMPARE(exporter::parseConnector("kafka"), std::optional(exporter::SqlOptions::Connector::Kafka));
        QVERIFY(!exporter::parseConnector("jdbc"));
    }
};

QTEST_APPLESS_MAIN(TestSqlExport)
#include "tst_sql_export.moc"
