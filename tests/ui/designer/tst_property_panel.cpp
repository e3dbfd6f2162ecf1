// Tests of ui/designer/property_panel.* and schema_editor.*: the editors a person fills in, driven
// through their widgets as a person drives them.
#include "designer/graph_model.h"
#include "designer/property_panel.h"
#include "designer/schema_editor.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>

#include <QTest>
#include <fstream>

using namespace streamlab;
using namespace streamlab::ui;

namespace {

// The fields a combo offers, after its first entry, "(none)", which unsets the field.
QStringList comboItems(QComboBox* combo)
{
    QStringList out;
    if (combo->count() == 0 || combo->itemText(0) != "(none)")
        return { "<no (none) entry first>" };
    for (int i = 1; i < combo->count(); ++i)
        out << combo->itemText(i);
    return out;
}

// A job whose source declares no schema (its file's header names the fields), then keyBy and a
// filter. Outside the test class: moc does not read raw string literals.
model::Job writeInferredJob(const QTemporaryDir& dir, const std::string& timestamp)
{
    std::ofstream(dir.filePath("clicks.csv").toStdString())
        << "user,ts,page,amount\nu1,2022-09-23T10:00:00Z,cart,1.5\nu2,2022-09-23T10:00:01Z,home,2\n";
    std::ofstream(dir.filePath("job.json").toStdString())
        << "{\"format\":\"streamlab-job\",\"version\":1,\"nodes\":["
           "{\"id\":\"clicks\",\"kind\":\"source\",\"path\":\"clicks.csv\",\"timestamp\":\""
        << timestamp
        << "\"},{\"id\":\"byUser\",\"kind\":\"keyBy\",\"key\":[\"user\"]},"
           "{\"id\":\"big\",\"kind\":\"filter\",\"where\":\"amount > 1\"}],"
           "\"edges\":[{\"from\":\"clicks\",\"to\":\"byUser\"},{\"from\":\"byUser\",\"to\":\"big\"}]}";
    auto job = model::Job::load(dir.filePath("job.json").toStdString());
    if (!job.ok())
        qFatal("%s", job.status().message().c_str());
    return *job;
}

} // namespace

class TestPropertyPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    model::Job inferredJob(const std::string& timestamp = "ts") { return writeInferredJob(m_dir, timestamp); }

    // The model of inferredJob() and a panel on it, showing `node`.
    struct Panel {
        GraphModel m;
        QUndoStack undo;
        PropertyPanel panel { &m, &undo };
        Panel(const model::Job& job, const QString& node)
        {
            if (!m.setJob(job).ok())
                qFatal("the job does not load");
            panel.setNode(m.nodeByKey(node));
        }
    };

private slots:
    void inferredFieldsAreOfferedWhereAFieldIsChosen()
    {
        Panel p(inferredJob(), "clicks");
        auto& [m, undo, panel] = p;

        // The source's own timestamp and arrival combos list the file's columns.
        auto* ts = qobject_cast<QComboBox*>(panel.editor("timestamp"));
        QVERIFY(ts);
        QCOMPARE(comboItems(ts), QStringList({ "user", "ts", "page", "amount" }));
        QCOMPARE(ts->currentText(), QString("ts"));
        // "(none)" unsets the field, and the line shows the default instead of the word.
        {
            auto* arrival = qobject_cast<QComboBox*>(panel.editor("arrival"));
            arrival->setCurrentIndex(2);
            emit arrival->activated(2);
            QVERIFY(m.nodeDoc(m.nodeByKey("clicks"))["arrival"] == model::Json("ts"));
            arrival->setCurrentIndex(0);
            emit arrival->activated(0);
            QVERIFY(!m.nodeDoc(m.nodeByKey("clicks")).contains("arrival"));
            QCOMPARE(arrival->currentText(), QString());
        }
        QCOMPARE(comboItems(qobject_cast<QComboBox*>(panel.editor("arrival"))), comboItems(ts));

        // keyBy completes the same names.
        panel.setNode(m.nodeByKey("byUser"));
        auto* key = qobject_cast<QLineEdit*>(panel.editor("key"));
        QVERIFY(key && key->completer());
        auto* names = qobject_cast<QStringListModel*>(key->completer()->model());
        QVERIFY(names);
        QCOMPARE(names->stringList(), QStringList({ "user", "ts", "page", "amount" }));

        // The filter's expression is checked against them: a field the file lacks is named.
        panel.setNode(m.nodeByKey("big"));
        auto* where = panel.editor("where")->findChild<ExpressionEdit*>();
        QVERIFY(where);
        where->setText("amount > 1");
        QCOMPARE(where->error(), QString());
        where->setText("amout > 1");
        QVERIFY2(where->error().contains("amout"), qPrintable(where->error()));
    }

    void aWrongTimestampFieldStillOffersTheFilesFields()
    {
        // The file cannot be replayed (no column 'time'), which is when the choices matter most.
        Panel p(inferredJob("time"), "clicks");
        auto& [m, undo, panel] = p;
        auto* ts = qobject_cast<QComboBox*>(panel.editor("timestamp"));
        QCOMPARE(comboItems(ts), QStringList({ "user", "ts", "page", "amount" }));
        // Picking the right one is one command, and the warning on the node goes.
        QVERIFY(!m.problemsOf(m.nodeByKey("clicks")).empty());
        ts->setCurrentIndex(ts->findText("ts"));
        emit ts->activated(ts->currentIndex());
        QVERIFY(m.param(m.nodeByKey("clicks"), "timestamp") == model::Json("ts"));
        QCOMPARE(undo.count(), 1);
        QVERIFY(m.problemsOf(m.nodeByKey("clicks")).empty());
    }

    void theFieldsFollowTheSourcesPath()
    {
        Panel p(inferredJob(), "clicks");
        auto& panel = p.panel;
        std::ofstream(m_dir.filePath("orders.csv").toStdString())
            << "order,ts,price\no1,2022-09-23T10:00:00Z,3\n";
        auto* path = qobject_cast<QLineEdit*>(panel.editor("path"));
        QVERIFY(path);
        path->setText(m_dir.filePath("orders.csv"));
        emit path->editingFinished();
        QCOMPARE(comboItems(qobject_cast<QComboBox*>(panel.editor("timestamp"))),
            QStringList({ "order", "ts", "price" }));
    }

    void theSchemaIsATable()
    {
        Panel p(inferredJob(), "clicks");
        auto& [m, undo, panel] = p;
        const NodeId clicks = m.nodeByKey("clicks");
        auto* editor = qobject_cast<SchemaEditor*>(panel.editor("schema"));
        QVERIFY(editor);
        QTableWidget* table = editor->table();

        // Inferred: the file's fields and types, read-only, with a way to declare them.
        QVERIFY(editor->isInferred());
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(table->item(1, 0)->text(), QString("ts"));
        QCOMPARE(qobject_cast<QComboBox*>(table->cellWidget(1, 1))->currentText(), QString("timestamp"));
        QCOMPARE(qobject_cast<QComboBox*>(table->cellWidget(3, 1))->currentText(), QString("double"));
        QVERIFY(!(table->item(0, 0)->flags() & Qt::ItemIsEditable));
        QVERIFY(!editor->declareButton()->isHidden());
        // The type column fits its widest choice ("timestamp"), reloads or not.
        for (int r = 0; r < table->rowCount(); ++r)
            QVERIFY2(table->columnWidth(1) >= table->cellWidget(r, 1)->sizeHint().width(),
                qPrintable(QString("%1 < %2").arg(table->columnWidth(1)).arg(table->cellWidget(r, 1)->sizeHint().width())));

        // Declare: the inferred fields become the job's schema, in the file's order.
        QTest::mouseClick(editor->declareButton(), Qt::LeftButton);
        QCOMPARE(QString::fromStdString(m.param(clicks, "schema").dump()),
            QString(R"({"user":"string","ts":"timestamp","page":"string","amount":"double"})"));
        QCOMPARE(undo.count(), 1);
        editor = qobject_cast<SchemaEditor*>(panel.editor("schema"));
        table = editor->table();
        QVERIFY(!editor->isInferred());
        QVERIFY(editor->declareButton()->isHidden());

        // A type is a choice of the engine's types. Edits of the schema in a row are one step
        // of undo, as typing in any one field is.
        auto* amount = qobject_cast<QComboBox*>(table->cellWidget(3, 1));
        amount->setCurrentIndex(amount->findText("long"));
        QVERIFY(m.param(clicks, "schema.amount") == model::Json("long"));
        QCOMPARE(undo.count(), 1);

        // A name declared twice is refused under the table; nothing is stored.
        const model::Json before = m.param(clicks, "schema");
        table->item(2, 0)->setText("user");
        auto* message = editor->findChildren<QLabel*>().back();
        QVERIFY2(message->text().contains("'user' is declared twice"), qPrintable(message->text()));
        QVERIFY(m.param(clicks, "schema") == before);
        // A rename is stored in place: the file's columns are matched by these names.
        table->item(2, 0)->setText("section");
        QCOMPARE(QString::fromStdString(m.param(clicks, "schema").dump()),
            QString(R"({"user":"string","ts":"timestamp","section":"string","amount":"long"})"));

        // Removing every row goes back to inferring.
        while (table->rowCount() > 0) {
            table->setCurrentCell(0, 0);
            QTest::mouseClick(editor->removeButton(), Qt::LeftButton);
            editor = qobject_cast<SchemaEditor*>(panel.editor("schema"));
            table = editor->table();
            if (editor->isInferred())
                break;
        }
        QVERIFY(m.param(clicks, "schema").is_null());
        QVERIFY(editor->isInferred());
        QCOMPARE(table->rowCount(), 4);
        // And all of it undoes back to the inferred start.
        while (undo.canUndo())
            undo.undo();
        QVERIFY(m.param(clicks, "schema").is_null());
    }

    void addingAFieldToAnInferredSchemaDeclaresItWithOneMore()
    {
        Panel p(inferredJob(), "clicks");
        auto& [m, undo, panel] = p;
        const NodeId clicks = m.nodeByKey("clicks");
        auto* editor = qobject_cast<SchemaEditor*>(panel.editor("schema"));
        QTest::mouseClick(editor->addButton(), Qt::LeftButton);
        QCOMPARE(QString::fromStdString(m.param(clicks, "schema").dump()),
            QString(R"({"user":"string","ts":"timestamp","page":"string","amount":"double","field":"string"})"));
        QCOMPARE(undo.count(), 1);
    }

    void onlyTheParametersThatApplyAreShownEachHeadingOnce()
    {
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        QVERIFY(job.ok());
        Panel p(*job, "perMinute");
        auto& [m, undo, panel] = p;
        auto shown = [&](const char* path) { return panel.editor(path) && panel.editor(path)->isVisibleTo(&panel); };
        panel.resize(400, 900);
        panel.show();
        // A tumbling window: a size and an offset, no slide, no gap; no count or interval for an
        // event-time trigger.
        QVERIFY(shown("assigner.size"));
        QVERIFY(shown("assigner.offset"));
        QVERIFY(!shown("assigner.slide"));
        QVERIFY(!shown("assigner.gap"));
        QVERIFY(!shown("trigger.count"));
        QVERIFY(!shown("trigger.interval"));
        // Each heading once.
        QStringList headings;
        for (auto* l : panel.widget()->findChildren<QLabel*>())
            if (!l->text().isEmpty() && l->text() == l->text().toUpper() && l->text().at(0).isLetter())
                headings << l->text();
        QCOMPARE(headings.removeDuplicates(), qsizetype(0));
        QVERIFY(headings.contains("PARAMETERS"));

        // Sliding: the slide appears; session: only the gap.
        auto* type = qobject_cast<QComboBox*>(panel.editor("assigner.type"));
        type->setCurrentIndex(type->findData("sliding"));
        emit type->activated(type->currentIndex());
        QVERIFY(shown("assigner.slide"));
        QVERIFY(!shown("assigner.gap"));
        type->setCurrentIndex(type->findData("session"));
        emit type->activated(type->currentIndex());
        QVERIFY(shown("assigner.gap"));
        QVERIFY(!shown("assigner.size"));
        QVERIFY(!shown("assigner.slide"));
        // A sink's path only for a file sink; a stateless operator has no state backend.
        panel.setNode(m.nodeByKey("out"));
        QVERIFY(!shown("path"));
        QVERIFY(!shown("outages"));
        QVERIFY(!shown("stateCache"));
        QVERIFY(!shown("stateBackend"));
        QVERIFY(shown("parallelism"));
    }

    void tooltipsSayWhatAParameterDoesWithItsDefaultAndUnit()
    {
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        QVERIFY(job.ok());
        Panel p(*job, "perMinute");
        auto& panel = p.panel;
        const QString lateness = panel.editor("allowedLateness")->toolTip();
        QVERIFY2(lateness.contains("watermark passed a window") && lateness.contains("Default: 0ms")
                && lateness.contains("a duration: 250ms"),
            qPrintable(lateness));
        // Not the field's name again: more than its label says.
        for (const char* path : { "assigner.type", "trigger.type", "stateKind", "lateOutput" }) {
            const QString tip = panel.editor(path)->toolTip();
            QVERIFY2(tip.size() > 80, qPrintable(tip));
        }
        p.panel.setNode(p.m.nodeByKey("byUser"));
        QVERIFY(panel.editor("key")->toolTip().contains("murmur"));
        // An unset number shows the value it takes.
        p.m.setParam(p.m.nodeByKey("clicks"), "rate", model::Json());
        p.panel.setNode(p.m.nodeByKey("clicks"));
        QCOMPARE(qobject_cast<QAbstractSpinBox*>(panel.editor("rate"))->text(), QString("default: 1000"));
        p.panel.setNode(kJobNodeId);
        QVERIFY(panel.editor("config.autoWatermarkInterval")->toolTip().contains("pipeline.auto-watermark-interval"));
    }
};

QTEST_MAIN(TestPropertyPanel)
#include "tst_property_panel.moc"
