// Job files: durations, loading, validation (every problem at once, each named), --set, atomic save.
#include "model/job.h"
#include "model/params.h"
#include "model/spec.h"
#include "time/duration.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace streamlab;

class TestJobModel : public QObject {
    Q_OBJECT

    static model::Job parse(const std::string& text)
    {
        auto j = model::Job::parse(text, "test.json");
        if (!j.ok())
            qFatal("%s", j.status().message().c_str());
        return *j;
    }

    static std::string problems(const model::Job& job)
    {
        std::string s;
        for (const auto& p : model::compile(job).problems)
            if (p.severity == model::Severity::Error)
                s += p.toString() + "\n";
        return s;
    }

    static std::string job(const std::string& nodes, const std::string& edges, const std::string& config = "{}")
    {
        return R"({"format":"streamlab-job","version":1,"name":"t","config":)" + config + R"(,"nodes":[)" + nodes
            + R"(],"edges":[)" + edges + "]}";
    }

    const std::string kSource = R"({"id":"src","kind":"source","path":"e.csv","timestamp":"ts",
        "schema":{"ts":"timestamp","user":"string","amount":"double"}})";

private slots:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("ms");
        QTest::newRow("milliseconds") << "250ms" << 250LL;
        QTest::newRow("seconds") << "5s" << 5000LL;
        QTest::newRow("minute") << "1m" << 60000LL;
        QTest::newRow("hours") << "2h" << 7200000LL;
        QTest::newRow("day") << "1d" << 86400000LL;
        QTest::newRow("bare integer is ms") << "1500" << 1500LL;
        QTest::newRow("fraction drops sub-ms") << "1.5s" << 1500LL;
        QTest::newRow("negative") << "-10s" << -10000LL;
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qlonglong, ms);
        auto d = time::parseDuration(text.toStdString());
        QVERIFY2(d.ok(), d.status().message().c_str());
        QCOMPARE(*d, ms);
    }
    void badDurations()
    {
        for (const char* t : { "", "5 parsecs", "s", "1x", "abc" })
            QVERIFY2(!time::parseDuration(t).ok(), t);
        QCOMPARE(time::formatDuration(60000), std::string("1m"));
        QCOMPARE(time::formatDuration(1500), std::string("1500ms"));
        QCOMPARE(time::formatDuration(0), std::string("0ms"));
    }

    void syntaxErrorNamesLineAndColumn()
    {
        auto j = model::Job::parse("{\n  \"format\": \"streamlab-job\",\n  \"version\": 1,,\n}", "jobs/x.json");
        QVERIFY(!j.ok());
        QVERIFY2(j.status().message().find("jobs/x.json:3:") == 0, j.status().message().c_str());
    }

    void validJobHasNoErrors()
    {
        auto j = parse(job(kSource + R"(,{"id":"k","kind":"keyBy","key":["user"]},
            {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1m"},"allowedLateness":"10s",
             "aggregate":{"fn":"sum","field":"amount"},"lateOutput":true},
            {"id":"out","kind":"sink","type":"collect"},{"id":"late","kind":"sink"})",
            R"({"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"},{"from":"w.late","to":"late"})"));
        QCOMPARE(problems(j), std::string());
        auto c = model::compile(j);
        const auto& w = c.spec.node("w")->as<model::WindowSpec>();
        QCOMPARE(w.assigner.size, 60000);
        QCOMPARE(w.allowedLateness, 10000);
        QVERIFY(w.lateOutput);
        QCOMPARE(c.spec.nodes.front().id, std::string("src"));
    }

    void everyProblemAtOnce()
    {
        // A missing source path, an unknown kind, an edge to a missing node, a window without a
        // keyBy, a negative lateness and a non-positive size, all in one job.
        auto j = parse(job(R"({"id":"src","kind":"source","timestamp":"ts"},
            {"id":"x","kind":"frobnicate"},
            {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"0s"},"allowedLateness":"-1s",
             "aggregate":{"fn":"count"}},
            {"id":"out","kind":"sink"})",
            R"({"from":"src","to":"w"},{"from":"w","to":"out"},{"from":"w","to":"ghost"})"));
        std::string p = problems(j);
        QVERIFY2(p.find("node 'src', field 'path': is required") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'x', field 'kind': unknown kind 'frobnicate'") != std::string::npos, p.c_str());
        QVERIFY2(p.find("edge 'w->ghost', field 'to': node 'ghost' does not exist") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w': a window needs a keyBy directly before it") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w', field 'allowedLateness': must not be negative") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w', field 'assigner.size': must be positive") != std::string::npos, p.c_str());
    }

    void listOfAggregates()
    {
        auto body = [this](const std::string& aggregate) {
            return job(kSource + R"(,{"id":"k","kind":"keyBy","key":["user"]},
                {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1m"},"aggregate":)" + aggregate + R"(},
                {"id":"out","kind":"sink"})",
                R"({"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"})");
        };
        auto ok = model::compile(parse(body(R"([{"fn":"count"},{"fn":"sum","field":"amount","as":"total"}])")));
        QVERIFY2(!ok.hasErrors(), model::describeErrors(ok.problems, "").c_str());
        const auto& a = ok.spec.node("w")->as<model::WindowSpec>().aggregate;
        QVERIFY(a.named);
        QCOMPARE(a.parts.size(), size_t(2));
        QCOMPARE(a.parts[0].as, std::string("count")); // default: the function's name
        QCOMPARE(a.parts[1].as, std::string("total"));

        std::string p = problems(parse(body(R"([{"fn":"count"},{"fn":"count"},{"fn":"sum","as":"pane"},
            {"fn":"max","field":"amount","as":"9lives"},"sum"])")));
        QVERIFY2(p.find("node 'w', field 'aggregate[1].as': 'count' is already a field") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w', field 'aggregate[2].field': is required") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w', field 'aggregate[3].as': '9lives' is not a field name") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'w', field 'aggregate[4]': must be an object, found string") != std::string::npos, p.c_str());
        p = problems(parse(body("[]")));
        QVERIFY2(p.find("node 'w', field 'aggregate': lists no aggregate") != std::string::npos, p.c_str());
        p = problems(parse(body(R"([{"fn":"sum","field":"amount","as":"pane"}])")));
        QVERIFY2(p.find("'pane' is already a field of the result") != std::string::npos, p.c_str());

        // --set cannot edit inside the list; it says so instead of replacing the list.
        auto j = parse(body(R"([{"fn":"count"}])"));
        auto st = model::applySet(j, "w.aggregate.fn=sum");
        QVERIFY(!st.ok());
        QVERIFY2(st.message().find("'aggregate' of w is a list") != std::string::npos, st.message().c_str());
        QVERIFY(j.node("w")->doc["aggregate"].is_array());
    }

    void aggregateText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("back");
        QTest::newRow("count") << "count" << R"({"fn":"count"})" << "count";
        QTest::newRow("one with a field") << " sum( amount ) " << R"({"fn":"sum","field":"amount"})" << "sum(amount)";
        QTest::newRow("one named is a list") << "count as n" << R"([{"fn":"count","as":"n"}])" << "count as n";
        QTest::newRow("two") << "count, sum(amount) as total"
                             << R"([{"fn":"count"},{"fn":"sum","field":"amount","as":"total"}])"
                             << "count, sum(amount) as total";
    }
    void aggregateText()
    {
        QFETCH(QString, text);
        QFETCH(QString, json);
        QFETCH(QString, back);
        auto parsed = model::parseAggregateText(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.status().message().c_str());
        QCOMPARE(QString::fromStdString(parsed->dump()), json);
        QCOMPARE(QString::fromStdString(model::aggregateText(*parsed)), back);
    }
    void aggregateTextErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown fn") << "count, median(x)" << "aggregate 2 (' median(x)'): 'median' is not count";
        QTest::newRow("no field") << "sum" << "aggregate 1 ('sum'): sum needs a field";
        QTest::newRow("empty item") << "count,," << "aggregate 2 (''): expected fn";
        QTest::newRow("bad name") << "count as 9" << "aggregate 1 ('count as 9'): expected fn";
    }
    void aggregateTextErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto parsed = model::parseAggregateText(text.toStdString());
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.status().message()).startsWith(message), parsed.status().message().c_str());
    }

    void cycleIsReported()
    {
        auto j = parse(job(kSource + R"(,{"id":"a","kind":"filter","where":"amount > 1"},
            {"id":"b","kind":"map","set":{"x":"amount * 2"}},{"id":"out","kind":"sink"})",
            R"({"from":"src","to":"a"},{"from":"a","to":"b"},{"from":"b","to":"a"},{"from":"b","to":"out"})"));
        std::string p = problems(j);
        QVERIFY2(p.find("node 'a': is part of a cycle") != std::string::npos, p.c_str());
        QVERIFY2(p.find("node 'b': is part of a cycle") != std::string::npos, p.c_str());
    }

    void newerVersionIsRefused()
    {
        auto j = parse(R"({"format":"streamlab-job","version":2,"nodes":[],"edges":[]})");
        QVERIFY(problems(j).find("newer than this Streamlab reads") != std::string::npos);
    }

    void forwardWithUnequalParallelism()
    {
        auto j = parse(job(kSource + R"(,{"id":"out","kind":"sink","parallelism":3})",
            R"({"from":"src","to":"out","partitioner":"forward"})"));
        QVERIFY(problems(j).find("forward needs equal parallelism") != std::string::npos);
    }

    void unknownKeysSurviveRoundTrip()
    {
        QTemporaryDir dir;
        std::string text = job(kSource + R"(,{"id":"out","kind":"sink","futureKnob":{"a":[1,2]}})",
            R"({"from":"src","to":"out","style":"dashed"})", R"({"parallelism":2,"newThing":true})");
        auto j = parse(text);
        j.root["extraTop"] = "kept";
        std::string path = dir.filePath("j.json").toStdString();
        QVERIFY(j.save(path).ok());
        auto back = model::Job::load(path);
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), j.toJson());
        QCOMPARE(back->node("out")->doc["futureKnob"]["a"][1].get<int>(), 2);
        QCOMPARE(back->edges[0].doc["style"].get<std::string>(), std::string("dashed"));
        QVERIFY(back->root["config"]["newThing"].get<bool>());
        // No temporary file is left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }

    void setParameters()
    {
        auto j = parse(job(kSource + R"(,{"id":"k","kind":"keyBy","key":["user"]},
            {"id":"w","kind":"window","assigner":{"type":"tumbling","size":"1m"},"aggregate":{"fn":"count"},
             "lateFiring":"perElement"},{"id":"out","kind":"sink"})",
            R"({"from":"src","to":"k"},{"from":"k","to":"w"},{"from":"w","to":"out"})"));
        QVERIFY(model::applySet(j, "w.allowedLateness=30s").ok());
        QVERIFY(model::applySet(j, "w.lateFiring.every=1m").ok());
        QVERIFY(model::applySet(j, "config.parallelism=4").ok());
        QVERIFY(model::applySet(j, "src.watermark.maxOutOfOrderness=2s").ok());
        auto c = model::compile(j);
        QVERIFY(!c.hasErrors());
        QCOMPARE(c.spec.node("w")->as<model::WindowSpec>().allowedLateness, 30000);
        QCOMPARE(*c.spec.node("w")->as<model::WindowSpec>().lateFiringEvery, 60000);
        QCOMPARE(c.spec.config.parallelism, 4);
        QCOMPARE(c.spec.node("src")->as<model::SourceSpec>().watermark.maxOutOfOrderness, 2000);

        auto bad = model::applySet(j, "w.lateness=1s");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.message().find("has no parameter 'lateness'") != std::string::npos, bad.message().c_str());
        QVERIFY(model::applySet(j, "nobody.x=1").message().find("there is no node 'nobody'") != std::string::npos);
        QVERIFY(!model::applySet(j, "no-equals-sign").ok());
    }

    void everyParameterIsExplainedInFlinksTerms()
    {
        // The designer's tooltips: each parameter that has an editor has its own explanation,
        // longer than the catalogue's few words.
        for (const char* kind : { "config", "source", "filter", "map", "keyBy", "window", "aggregate", "sink" })
            for (const auto& p : model::paramsOf(kind)) {
                if (p.type == model::ParamType::Ttl || p.type == model::ParamType::LateFiring)
                    continue; // edited through their sub-parameters
                const std::string help = model::paramHelp(kind, p.path);
                QVERIFY2(help.size() > p.description.size() && help.size() >= 30,
                    (std::string(kind) + "." + p.path + ": " + help).c_str());
            }
        QVERIFY(model::paramHelp("window", "allowedLateness").find("allowedLateness") != std::string::npos);
        QVERIFY(model::paramHelp("keyBy", "key").find("key groups") != std::string::npos);
        QCOMPARE(model::paramUnit(model::ParamType::Duration), std::string("a duration: 250ms, 5s, 1m, 2h, 1d"));
    }
};

QTEST_APPLESS_MAIN(TestJobModel)
#include "tst_job_model.moc"
