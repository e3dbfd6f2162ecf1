// File > Export: the preview holds the same text as `streamlab export`, warnings are listed,
// the connector switches the SQL, JSON is canonical, and saving writes the file.
#include "export/json_export.h"
#include "export/sql_export.h"
#include "model/job.h"
#include "shell/export_dialog.h"

#include <QComboBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace streamlab;

class TestExportDialog : public QObject {
    Q_OBJECT

    static model::Job sample()
    {
        auto job = model::Job::load(STREAMLAB_SAMPLES "/clickstream/job.json");
        if (!job.ok())
            qFatal("%s", job.status().message().c_str());
        return *job;
    }

private slots:
    void previewEqualsTheCliExport()
    {
        ui::ExportDialog d(sample());
        auto expected = exporter::exportFlinkSql(sample(), {});
        QVERIFY(expected.ok());
        QCOMPARE(d.text().toStdString(), expected->sql);
        QCOMPARE(d.warnings().size(), static_cast<qsizetype>(expected->warnings.size()));
        QVERIFY(!d.warnings().isEmpty()); // the sample's lateness and watermark do not translate exactly
        QVERIFY(d.text().contains("CREATE TABLE"));
        if (qEnvironmentVariableIsSet("STREAMLAB_SCREENSHOT_DIR"))
            d.grab().save(qEnvironmentVariable("STREAMLAB_SCREENSHOT_DIR") + "/export-dialog.png");
    }

    void kafkaConnector()
    {
        ui::ExportDialog d(sample());
        d.setConnector("kafka");
        QVERIFY(d.text().contains("'connector' = 'kafka'"));
    }

    void canonicalJson()
    {
        ui::ExportDialog d(sample());
        d.setFormat("json");
        QCOMPARE(d.text().toStdString(), exporter::exportCanonicalJson(sample()));
        QVERIFY(d.warnings().isEmpty());
    }

    void saveWritesTheFile()
    {
        QTemporaryDir dir;
        ui::ExportDialog d(sample());
        QString path = dir.filePath("job.sql");
        QVERIFY(d.saveTo(path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), d.text());
    }

    void brokenJobSaysWhy()
    {
        auto job = sample();
        job.nodes[2].doc["assigner"]["size"] = "-1s";
        ui::ExportDialog d(job);
        QVERIFY(d.text().isEmpty());
        d.setFormat("json");
        QVERIFY(d.text().isEmpty());
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
