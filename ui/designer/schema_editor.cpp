#include "designer/schema_editor.h"

#include "common/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>
#include <memory>

namespace streamlab::ui {

namespace {

    constexpr FieldType kTypes[] = { FieldType::String, FieldType::Long, FieldType::Int, FieldType::Double,
        FieldType::Boolean, FieldType::Timestamp, FieldType::Any };

    QString typeTip(FieldType t)
    {
        switch (t) {
        case FieldType::String:
            return QObject::tr("Text (STRING in Flink SQL)");
        case FieldType::Int:
            return QObject::tr("32-bit integer (INT)");
        case FieldType::Long:
            return QObject::tr("64-bit integer (BIGINT)");
        case FieldType::Double:
            return QObject::tr("Floating point (DOUBLE)");
        case FieldType::Boolean:
            return QObject::tr("true or false (BOOLEAN)");
        case FieldType::Timestamp:
            return QObject::tr("Epoch milliseconds or ISO-8601 (TIMESTAMP_LTZ(3))");
        case FieldType::Any:
            return QObject::tr("Any value, serialized generically (Kryo in Flink)");
        }
        return {};
    }

    // A frameless choice of the engine's types, each with its tip: a row's type cell, and the
    // probe that sizes the type column.
    QComboBox* typeCombo()
    {
        auto* combo = new QComboBox;
        combo->setFrame(false);
        for (FieldType t : kTypes) {
            combo->addItem(QString::fromUtf8(fieldTypeName(t).data(), qsizetype(fieldTypeName(t).size())));
            combo->setItemData(combo->count() - 1, typeTip(t), Qt::ToolTipRole);
        }
        return combo;
    }

} // namespace

SchemaEditor::SchemaEditor(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, 2, this))
    , m_note(new QLabel(this))
    , m_message(new QLabel(this))
    , m_add(new QPushButton(tr("Add"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_declare(new QPushButton(tr("Declare"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_table->setObjectName("schemaTable");
    m_table->setHorizontalHeaderLabels({ tr("Field"), tr("Type") });
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    // The type column as wide as its widest choice: its cells are combo boxes, whose width
    // ResizeToContents does not see (it shrank the column to "lc", "st" after a reload).
    {
        const std::unique_ptr<QComboBox> probe(typeCombo());
        m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Fixed);
        m_table->horizontalHeader()->resizeSection(1, probe->sizeHint().width() + 4);
    }
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    layout->addWidget(m_table);

    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color: %1;").arg(theme::mutedText().name()));
    layout->addWidget(m_note);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: %1;").arg(theme::errorColor().name()));
    m_message->hide();
    layout->addWidget(m_message);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->setSpacing(4);
    for (QPushButton* b : { m_declare, m_add, m_remove }) {
        b->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed); // the panel may be narrow
        buttons->addWidget(b, 1);
    }
    layout->addLayout(buttons);
    m_declare->setToolTip(tr("Declare the inferred fields as the schema, to correct their names and types"));
    m_add->setToolTip(tr("Declare one more field (the file's columns are matched by name)"));
    m_remove->setToolTip(tr("Remove the selected field; with none left the schema is inferred again"));

    connect(m_table, &QTableWidget::itemChanged, this, [this] { changed(); });
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
        [this] { m_remove->setEnabled(!m_inferred && m_table->currentRow() >= 0); });
    connect(m_declare, &QPushButton::clicked, this, [this] {
        declareInferred();
        changed();
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        declareInferred(); // the file's fields and one more
        QString name = tr("field");
        QSet<QString> names;
        for (int r = 0; r < m_table->rowCount(); ++r)
            names.insert(m_table->item(r, 0)->text());
        for (int i = 2; names.contains(name); ++i)
            name = tr("field%1").arg(i);
        addRow(name, FieldType::String, true);
        m_table->setCurrentCell(m_table->rowCount() - 1, 0);
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
        changed();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int r = m_table->currentRow();
        if (r < 0 || m_inferred)
            return;
        m_table->removeRow(r);
        changed();
    });
}

void SchemaEditor::declareInferred()
{
    if (!m_inferred)
        return;
    m_inferred = false;
    const bool loading = std::exchange(m_loading, true);
    for (int r = 0; r < m_table->rowCount(); ++r) {
        m_table->item(r, 0)->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable);
        m_table->item(r, 0)->setData(Qt::ForegroundRole, QVariant());
        m_table->cellWidget(r, 1)->setEnabled(true);
    }
    m_loading = loading;
}

void SchemaEditor::addRow(const QString& name, FieldType type, bool editable)
{
    const bool loading = std::exchange(m_loading, true);
    const int r = m_table->rowCount();
    m_table->insertRow(r);
    auto* item = new QTableWidgetItem(name);
    item->setFlags(editable ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable : Qt::ItemIsEnabled);
    if (!editable)
        item->setForeground(theme::mutedText());
    m_table->setItem(r, 0, item);
    auto* combo = typeCombo();
    const auto it = std::find(std::begin(kTypes), std::end(kTypes), type);
    combo->setCurrentIndex(int(it - std::begin(kTypes)));
    combo->setEnabled(editable);
    combo->setToolTip(typeTip(type));
    connect(combo, &QComboBox::currentIndexChanged, this, [this, combo](int i) {
        combo->setToolTip(typeTip(kTypes[i]));
        changed();
    });
    m_table->setCellWidget(r, 1, combo);
    m_loading = loading;
    fitHeight();
}

void SchemaEditor::setSchema(const model::Json& declared, const std::optional<Schema>& inferred)
{
    const bool loading = std::exchange(m_loading, true);
    m_table->setRowCount(0);
    m_inferred = !(declared.is_object() && !declared.empty());
    if (!m_inferred) {
        for (auto it = declared.begin(); it != declared.end(); ++it) {
            auto t = it->is_string() ? parseFieldType(it->get<std::string>()) : std::nullopt;
            addRow(QString::fromStdString(it.key()), t.value_or(FieldType::Any), true);
        }
        m_note->setText(tr("Declared: the file's columns are read by name, as these types."));
    } else if (inferred && !inferred->fields.empty()) {
        for (const auto& f : inferred->fields)
            addRow(QString::fromStdString(f.name), f.type, false);
        m_note->setText(tr("Inferred from the file's first lines, and serialized generically: declare it "
                           "to fix names and types."));
    } else {
        m_note->setText(tr("Inferred once the event file can be read; or add the fields here."));
    }
    m_declare->setVisible(m_inferred && m_table->rowCount() > 0);
    m_remove->setEnabled(!m_inferred && m_table->currentRow() >= 0);
    m_message->hide();
    m_loading = loading;
    fitHeight();
}

model::Json SchemaEditor::schema() const
{
    if (m_inferred || m_table->rowCount() == 0)
        return model::Json();
    model::Json out = model::Json::object();
    for (int r = 0; r < m_table->rowCount(); ++r) {
        auto* combo = qobject_cast<QComboBox*>(m_table->cellWidget(r, 1));
        out[m_table->item(r, 0)->text().trimmed().toStdString()] = combo->currentText().toStdString();
    }
    return out;
}

QString SchemaEditor::problem() const
{
    if (m_inferred)
        return {};
    QSet<QString> seen;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString name = m_table->item(r, 0)->text().trimmed();
        if (name.isEmpty())
            return tr("row %1: a field needs a name").arg(r + 1);
        if (seen.contains(name))
            return tr("row %1: '%2' is declared twice").arg(r + 1).arg(name);
        seen.insert(name);
    }
    return {};
}

void SchemaEditor::changed()
{
    if (m_loading)
        return;
    m_declare->setVisible(m_inferred && m_table->rowCount() > 0);
    m_remove->setEnabled(!m_inferred && m_table->currentRow() >= 0);
    const QString p = problem();
    m_message->setText(p);
    m_message->setVisible(!p.isEmpty());
    fitHeight();
    if (p.isEmpty())
        emit edited(schema());
}

void SchemaEditor::fitHeight()
{
    // Every row shown up to eight, then a scroll bar: the panel scrolls, the table need not.
    const int rows = std::clamp(m_table->rowCount(), 1, 8);
    const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() + rows * rowHeight
        + 2 * m_table->frameWidth());
    // The panel lays out again now, not at some later event: the note under the table would
    // otherwise be drawn over the rows just added.
    updateGeometry();
    if (layout())
        layout()->activate();
}

} // namespace streamlab::ui
