// Tests of ui/graph_model.*: the designer's graph model without any scene (and the property
// panel's view of it).
#include "designer/graph_model.h"
#include "designer/node_item.h"
#include "designer/property_panel.h"

#include <QLabel>
#include <QLineEdit>
#include <QUndoStack>

#include <QSignalSpy>
#include <QTest>

using namespace streamlab;
using namespace streamlab::ui;

class TestGraphModel : public QObject {
    Q_OBJECT

private:
    static model::Job sample()
    {
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        if (!job.ok())
            qFatal("%s", job.status().message().c_str());
        return *job;
    }

private slots:
    void loadsTheSampleWithEdgesAndPositions()
    {
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        QCOMPARE(m.nodeIds().size(), size_t(5));
        QCOMPARE(m.connections().size(), size_t(4));
        NodeId win = m.nodeByKey("perMinute");
        QVERIFY(win != kInvalidNodeId);
        QCOMPARE(m.nodeKind(win), QString("window"));
        QCOMPARE(m.outputPorts(win), QStringList({ QString(), QString("late") }));
        QCOMPARE(m.nodePosition(m.nodeByKey("clicks")), QPointF(40, 120));
        QVERIFY(!m.compiled().hasErrors());
    }

    void partitionerLabelsAreDerivedAsFlinkDoes()
    {
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        const NodeId clicks = m.nodeByKey("clicks"), byUser = m.nodeByKey("byUser"),
                     win = m.nodeByKey("perMinute"), out = m.nodeByKey("out");
        QCOMPARE(m.partitionerLabel({ clicks, "", byUser }), QString("FORWARD"));
        QCOMPARE(m.partitionerLabel({ byUser, "", win }), QString("HASH"));
        m.setParam(out, "parallelism", 1);
        QCOMPARE(m.partitionerLabel({ win, "", out }), QString("REBALANCE"));
    }

    void refusesConnectionsTheModelWouldReject_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("reasonPart");
        QTest::newRow("out of a sink") << "out"
                                       << ""
                                       << "late"
                                       << "has no output";
        QTest::newRow("into a source") << "byUser"
                                       << ""
                                       << "clicks"
                                       << "takes no input";
        QTest::newRow("window without keyBy") << "clicks"
                                              << ""
                                              << "perMinute"
                                              << "needs a keyBy";
        QTest::newRow("cycle") << "perMinute"
                               << ""
                               << "byUser"
                               << "cycle";
        QTest::newRow("duplicate") << "clicks"
                                   << ""
                                   << "byUser"
                                   << "already connected";
        QTest::newRow("to itself") << "byUser"
                                   << ""
                                   << "byUser"
                                   << "itself";
        QTest::newRow("no such port") << "byUser"
                                      << "late"
                                      << "out"
                                      << "no output port";
    }
    void refusesConnectionsTheModelWouldReject()
    {
        QFETCH(QString, from);
        QFETCH(QString, port);
        QFETCH(QString, to);
        QFETCH(QString, reasonPart);
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        QString reason = m.connectionRefusal({ m.nodeByKey(from), port, m.nodeByKey(to) });
        QVERIFY2(reason.contains(reasonPart), qPrintable(reason));
    }

    void acceptsAValidConnectionAndValidates()
    {
        GraphModel m;
        QSignalSpy created(&m, &GraphModel::connectionCreated);
        QSignalSpy validated(&m, &GraphModel::validationChanged);
        NodeId src = m.addNode(m.newNodeDoc("source"));
        NodeId sink = m.addNode(m.newNodeDoc("sink"));
        QCOMPARE(m.nodeKey(src), QString("source"));
        QVERIFY(m.connectionRefusal({ src, "", sink }).isEmpty());
        m.addConnection({ src, "", sink });
        QCOMPARE(created.count(), 1);
        QVERIFY(validated.wait(1000));
        QCOMPARE(validated.count(), 1); // coalesced: one notification for several edits
        const auto job = m.job();
        QCOMPARE(job.edges.size(), size_t(1));
        QCOMPARE(job.edges[0].from(), std::string("source"));
        QCOMPARE(job.edges[0].to(), std::string("sink"));
    }

    void renamingANodeKeepsItsEdges()
    {
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        m.setParam(m.nodeByKey("byUser"), "id", "byCustomer");
        const auto job = m.job();
        QCOMPARE(job.edges[0].to(), std::string("byCustomer"));
        QCOMPARE(job.edges[1].from(), std::string("byCustomer"));
        QVERIFY(!m.compiled().hasErrors());
    }

    void refusesHalfLoadableFiles_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("newer version") << R"({"format":"streamlab-job","version":7,"nodes":[]})"
                                       << "newer Streamlab";
        QTest::newRow("not a job") << R"({"hello":"world"})"
                                   << "not a Streamlab job";
        QTest::newRow("edge to nowhere")
            << R"({"format":"streamlab-job","version":1,"nodes":[{"id":"a","kind":"source"}],"edges":[{"from":"a","to":"zz"}]})"
            << "'zz', which does not exist";
        QTest::newRow("duplicate ids")
            << R"({"format":"streamlab-job","version":1,"nodes":[{"id":"a","kind":"source"},{"id":"a","kind":"sink"}]})"
            << "two nodes";
    }
    void refusesHalfLoadableFiles()
    {
        QFETCH(QString, text);
        QFETCH(QString, messagePart);
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        auto job = model::Job::parse(text.toStdString(), "broken.json");
        QVERIFY(job.ok());
        Status st = m.setJob(*job);
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.message()).contains(messagePart), st.message().c_str());
        QCOMPARE(m.nodeIds().size(), size_t(5)); // the current graph is kept whole
    }

    void offersTheUpstreamSchema()
    {
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        auto s = m.inputSchema(m.nodeByKey("perMinute"));
        QVERIFY(s);
        QVERIFY(s->indexOf("user") >= 0);
        QVERIFY(s->indexOf("amount") >= 0);
        auto late = m.inputSchema(m.nodeByKey("late")); // the late port carries the original events
        QVERIFY(late && late->indexOf("page") >= 0);
        auto out = m.inputSchema(m.nodeByKey("out"));
        QVERIFY(out && out->indexOf("window_start") >= 0);
    }

    void aListOfAggregatesOffersItsNames()
    {
        // As the engine's output schema: key, window_start, window_end, one field per aggregate.
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        m.setParam(m.nodeByKey("perMinute"), "aggregate",
            model::Json::parse(R"([{"fn":"count"},{"fn":"sum","field":"amount","as":"total"}])"));
        auto out = m.inputSchema(m.nodeByKey("out"));
        QVERIFY(out);
        QCOMPARE(out->names(), std::string("key, window_start, window_end, count, total, firing, pane"));
    }

    void aListOfAggregatesIsEditedOnOneLine()
    {
        // Its fn/field editors would replace the list by one object: they stay disabled.
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        QUndoStack undo;
        PropertyPanel panel(&m, &undo);
        const NodeId w = m.nodeByKey("perMinute");
        panel.setNode(w);
        QVERIFY(panel.editor("aggregate.fn"));
        QVERIFY(panel.editor("aggregate.fn")->isEnabled());
        m.setParam(w, "aggregate", model::Json::parse(R"([{"fn":"count"},{"fn":"sum","field":"amount"}])"));
        panel.setNode(w);
        QVERIFY(!panel.editor("aggregate.fn")->isEnabled());
        QVERIFY(!panel.editor("aggregate.field")->isEnabled());
        QVERIFY(panel.editor("aggregate.fn")->toolTip().contains("edit them all on the line below"));

        // The line of all aggregates shows the list, and an edit of it is one undoable command.
        auto* line = qobject_cast<QLineEdit*>(panel.editor("aggregate"));
        QVERIFY(line);
        QCOMPARE(line->text(), QString("count, sum(amount)"));
        line->setText("count as clicks, max(amount) as biggest");
        emit line->editingFinished();
        QCOMPARE(QString::fromStdString(m.param(w, "aggregate").dump()),
            QString(R"([{"fn":"count","as":"clicks"},{"fn":"max","field":"amount","as":"biggest"}])"));
        QCOMPARE(undo.count(), 1);
        // A mistake is named under the line and changes nothing.
        line->setText("count, median(amount)");
        emit line->textEdited(line->text());
        emit line->editingFinished();
        QCOMPARE(undo.count(), 1);
        auto* message = line->parentWidget()->findChild<QLabel*>();
        QVERIFY(message && message->text().contains("'median' is not count"));
        // Back to one aggregate without a name: the object form, whose result is `value` again.
        undo.undo();
        line->setText("sum(amount)");
        emit line->editingFinished();
        QCOMPARE(QString::fromStdString(m.param(w, "aggregate").dump()), QString(R"({"fn":"sum","field":"amount"})"));
        QVERIFY(panel.editor("aggregate.fn")->isEnabled());
    }

    void aWindowCardShowsCoalescedLateFirings()
    {
        // The doctor's fix for the late-firing flood must show on the card it changed.
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        const NodeId w = m.nodeByKey("perMinute");
        QVERIFY(NodeItem::summary(m, w).contains("lateness  10s"));
        m.setParam(w, "lateFiring", model::Json::parse(R"({"every":"1m"})"));
        QVERIFY(NodeItem::summary(m, w).contains("lateness  10s  ·  late every 1m"));
    }

    void fragmentKeepsInternalEdgesOnly()
    {
        GraphModel m;
        QVERIFY(m.setJob(sample()).ok());
        auto f = m.fragment({ m.nodeByKey("byUser"), m.nodeByKey("perMinute") });
        QCOMPARE(f["nodes"].size(), size_t(2));
        QCOMPARE(f["edges"].size(), size_t(1));
        QCOMPARE(f["edges"][0]["from"].get<std::string>(), std::string("byUser"));
    }
};

QTEST_MAIN(TestGraphModel)
#include "tst_graph_model.moc"
