// Tests of ui/commands.*: every kind of edit is undoable and redoable with the same node ids.
#include "designer/commands.h"

#include <QTest>
#include <QUndoStack>

using namespace streamlab;
using namespace streamlab::ui;
using model::Json;

class TestCommands : public QObject {
    Q_OBJECT

private:
    GraphModel* m_model = nullptr;
    QUndoStack* m_undo = nullptr;

    std::string snapshot() const { return m_model->job().toText(); }

private slots:
    void init()
    {
        m_model = new GraphModel(this);
        m_undo = new QUndoStack(this);
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        QVERIFY(job.ok());
        QVERIFY(m_model->setJob(*job).ok());
    }
    void cleanup()
    {
        delete m_undo;
        delete m_model;
    }

    void addNodeUndoRedo()
    {
        const auto before = snapshot();
        Json frag { { "nodes", Json::array({ m_model->newNodeDoc("filter") }) } };
        m_undo->push(new AddNodesCommand(m_model, frag, QPointF(), "Add filter"));
        NodeId id = m_model->nodeByKey("filter");
        QVERIFY(id != kInvalidNodeId);
        const auto after = snapshot();
        m_undo->undo();
        QCOMPARE(snapshot(), before);
        QVERIFY(!m_model->nodeExists(id));
        m_undo->redo();
        QCOMPARE(snapshot(), after);
        QCOMPARE(m_model->nodeByKey("filter"), id); // the same id comes back
    }

    void removeRestoresNodeAndEdges()
    {
        const auto before = snapshot();
        NodeId win = m_model->nodeByKey("perMinute");
        m_undo->push(new RemoveCommand(m_model, { win }, {}));
        QVERIFY(!m_model->nodeExists(win));
        QCOMPARE(m_model->connections().size(), size_t(1)); // the three edges of the window went too
        m_undo->undo();
        QCOMPARE(snapshot(), before);
        m_undo->redo();
        QCOMPARE(m_model->connections().size(), size_t(1));
    }

    void removeOneEdge()
    {
        const auto before = snapshot();
        ConnectionId c { m_model->nodeByKey("perMinute"), "late", m_model->nodeByKey("late") };
        m_undo->push(new RemoveCommand(m_model, {}, { c }));
        QVERIFY(!m_model->connectionExists(c));
        m_undo->undo();
        QCOMPARE(snapshot(), before);
    }

    void connectUndoRedo()
    {
        NodeId sink = m_model->addNode(m_model->newNodeDoc("sink"));
        ConnectionId c { m_model->nodeByKey("byUser"), "", sink };
        m_undo->push(new ConnectCommand(m_model, c));
        QVERIFY(m_model->connectionExists(c));
        m_undo->undo();
        QVERIFY(!m_model->connectionExists(c));
        m_undo->redo();
        QVERIFY(m_model->connectionExists(c));
    }

    void nudgesMergeAndDragsDoNot()
    {
        NodeId n = m_model->nodeByKey("clicks");
        const QPointF start = m_model->nodePosition(n);
        for (int i = 1; i <= 3; ++i) {
            QPointF from = m_model->nodePosition(n);
            m_undo->push(
                new MoveNodesCommand(m_model, { { n, { from, from + QPointF(8, 0) } } }, "Nudge", true));
        }
        QCOMPARE(m_undo->count(), 1);
        QCOMPARE(m_model->nodePosition(n), start + QPointF(24, 0));
        QPointF from = m_model->nodePosition(n);
        m_undo->push(new MoveNodesCommand(m_model, { { n, { from, QPointF(500, 500) } } }, "Move", false));
        QCOMPARE(m_undo->count(), 2);
        m_undo->undo();
        m_undo->undo();
        QCOMPARE(m_model->nodePosition(n), start);
    }

    void moveToTheSamePlaceIsNoStep()
    {
        NodeId n = m_model->nodeByKey("clicks");
        QPointF p = m_model->nodePosition(n);
        m_undo->push(new MoveNodesCommand(m_model, { { n, { p, p } } }, "Move", false));
        QCOMPARE(m_undo->count(), 0);
    }

    void parameterEditsMerge()
    {
        NodeId win = m_model->nodeByKey("perMinute");
        m_undo->push(new SetParamCommand(m_model, win, "assigner.size", "2m"));
        m_undo->push(new SetParamCommand(m_model, win, "assigner.size", "5m"));
        QCOMPARE(m_undo->count(), 1);
        QCOMPARE(m_model->param(win, "assigner.size").get<std::string>(), std::string("5m"));
        m_undo->push(new SetParamCommand(m_model, win, "allowedLateness", Json()));
        QVERIFY(m_model->param(win, "allowedLateness").is_null());
        QCOMPARE(m_undo->count(), 2);
        m_undo->undo();
        QCOMPARE(m_model->param(win, "allowedLateness").get<std::string>(), std::string("10s"));
        m_undo->undo();
        QCOMPARE(m_model->param(win, "assigner.size").get<std::string>(), std::string("1m"));
    }

    void jobParameterEdit()
    {
        m_undo->push(new SetParamCommand(m_model, kJobNodeId, "config.parallelism", 4));
        QCOMPARE(m_model->parallelismOf(m_model->nodeByKey("clicks")), 4);
        m_undo->undo();
        QCOMPARE(m_model->parallelismOf(m_model->nodeByKey("clicks")), 2);
    }

    void pasteRenamesAndKeepsInternalEdges()
    {
        const auto before = snapshot();
        Json frag = m_model->fragment({ m_model->nodeByKey("byUser"), m_model->nodeByKey("perMinute") });
        auto* cmd = new AddNodesCommand(m_model, frag, QPointF(32, 32), "Paste");
        m_undo->push(cmd);
        NodeId k2 = m_model->nodeByKey("byUser2");
        NodeId w2 = m_model->nodeByKey("perMinute2");
        QVERIFY(k2 != kInvalidNodeId && w2 != kInvalidNodeId);
        QVERIFY(m_model->connectionExists({ k2, "", w2 }));
        QCOMPARE(
            m_model->nodePosition(k2), m_model->nodePosition(m_model->nodeByKey("byUser")) + QPointF(32, 32));
        m_undo->undo();
        QCOMPARE(snapshot(), before);
    }
};

QTEST_MAIN(TestCommands)
#include "tst_commands.moc"
