#include "designer/property_panel.h"
#include "model/json_text.h"

#include "common/theme.h"
#include "designer/commands.h"
#include "designer/schema_editor.h"
#include "expr/expression.h"
#include "time/duration.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QInputMethodEvent>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTextCharFormat>
#include <QUndoStack>
#include <QVBoxLayout>

namespace streamlab::ui {

using model::Json;
using model::ParamInfo;
using model::ParamType;

static QString qs(const std::string& s) { return QString::fromStdString(s); }

static QString jsonText(const Json& v)
{
    if (v.is_null())
        return {};
    if (v.is_string())
        return qs(v.get<std::string>());
    return qs(v.dump());
}

ExpressionEdit::ExpressionEdit(QWidget* parent)
    : QLineEdit(parent)
{
    QFont f = font();
    f.setFamily(QStringLiteral("monospace"));
    f.setStyleHint(QFont::Monospace);
    setFont(f);
    connect(this, &QLineEdit::textChanged, this, &ExpressionEdit::check);
}

void ExpressionEdit::setSchema(std::optional<Schema> schema)
{
    m_schema = std::move(schema);
    check();
}

void ExpressionEdit::underline(int start, int length)
{
    // QLineEdit draws input-method formats: the usual way to underline a range in a line edit.
    QList<QInputMethodEvent::Attribute> attrs;
    if (length > 0) {
        QTextCharFormat fmt;
        fmt.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        fmt.setUnderlineColor(theme::errorColor());
        fmt.setForeground(theme::errorColor());
        attrs << QInputMethodEvent::Attribute(
            QInputMethodEvent::TextFormat, start - cursorPosition(), length, fmt);
    }
    QInputMethodEvent ev(QString(), attrs);
    QCoreApplication::sendEvent(this, &ev);
}

void ExpressionEdit::check()
{
    QString err;
    int start = 0, length = 0;
    if (!text().trimmed().isEmpty()) {
        // Without a declared schema only the syntax can be checked: unknown fields are not errors.
        Schema schema = m_schema.value_or(Schema {});
        auto d = expr::Expression::check(text().toStdString(), schema);
        if (d && (m_schema || !qs(d->message).contains("unknown field"))) {
            err = tr("column %1: %2").arg(d->column).arg(qs(d->message));
            start = std::max(0, d->column - 1);
            length = std::max(1, d->length);
        }
    }
    underline(start, std::min<int>(length, int(text().size()) - start));
    setProperty("invalid", !err.isEmpty());
    setStyleSheet(err.isEmpty()
            ? QString()
            : QStringLiteral("QLineEdit { border: 1px solid %1; border-radius: 3px; padding: 2px; }")
                  .arg(theme::errorColor().name()));
    setToolTip(err);
    if (err != m_error) {
        m_error = err;
        emit errorChanged(err);
    }
}

PropertyPanel::PropertyPanel(GraphModel* model, QUndoStack* undoStack, QWidget* parent)
    : QScrollArea(parent)
    , m_model(model)
    , m_undo(undoStack)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(model, &GraphModel::nodeUpdated, this, [this](NodeId id) {
        if (id == m_node) {
            if (m_model->nodeKind(id) != m_kind)
                rebuild();
            else
                reload();
        }
    });
    connect(model, &GraphModel::jobUpdated, this, [this] {
        if (m_node == kJobNodeId)
            reload();
    });
    connect(model, &GraphModel::nodeDeleted, this, [this](NodeId id) {
        if (id == m_node)
            setNode(kJobNodeId);
    });
    connect(model, &GraphModel::graphReset, this, [this] { setNode(kJobNodeId); });
    // Upstream changes change the fields offered.
    connect(model, &GraphModel::connectionCreated, this, [this] { rebuild(); });
    connect(model, &GraphModel::connectionDeleted, this, [this] { rebuild(); });
    rebuild();
}

QWidget* PropertyPanel::editor(const QString& path) const
{
    auto it = m_editors.find(path);
    return it == m_editors.end() ? nullptr : it->second;
}

void PropertyPanel::setNode(NodeId id)
{
    if (id != kJobNodeId && !m_model->nodeExists(id))
        id = kJobNodeId;
    m_node = id;
    rebuild();
}

void PropertyPanel::commit(const std::string& path, const Json& value)
{
    if (m_model->param(m_node, path) == value)
        return;
    m_undo->push(new SetParamCommand(m_model, m_node, path, value));
}

QWidget* PropertyPanel::wrapWithMessage(QWidget* editor, QLabel* message)
{
    auto* box = new QWidget;
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    l->addWidget(editor);
    message->setWordWrap(true);
    message->setStyleSheet(QStringLiteral("color: %1;").arg(theme::errorColor().name()));
    message->setVisible(false);
    l->addWidget(message);
    return box;
}

QWidget* PropertyPanel::makeEditor(const ParamInfo& info)
{
    const std::string path = info.path;
    const QString placeholder
        = info.defaultText.empty() ? QString() : tr("default: %1").arg(qs(info.defaultText));
    // A number left unset shows the value it takes ("default: 1000"), not just "default"; a rule
    // ("from parallelism") is in the tooltip, too long for a spin box.
    bool numericDefault = false;
    qs(info.defaultText).toDouble(&numericDefault);
    const QString defaultShown = info.defaultText.empty() ? tr("not set")
        : numericDefault                                  ? placeholder
                                                          : tr("default");
    switch (info.type) {
    case ParamType::Boolean: {
        auto* cb = new QCheckBox;
        connect(cb, &QCheckBox::toggled, this, [this, path](bool on) { commit(path, on); });
        m_rows.push_back({ path, [cb, info](const Json& v) {
                              cb->setChecked(v.is_boolean() ? v.get<bool>() : qs(info.defaultText) == "true");
                          } });
        return cb;
    }
    case ParamType::Enum: {
        auto* combo = new QComboBox;
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
        combo->addItem(
            info.defaultText.empty() ? tr("(not set)") : tr("(default: %1)").arg(qs(info.defaultText)));
        for (const auto& v : info.values)
            combo->addItem(qs(v), qs(v));
        connect(combo, &QComboBox::activated, this, [this, path, combo](int index) {
            commit(path, index == 0 ? Json() : Json(combo->itemData(index).toString().toStdString()));
        });
        m_rows.push_back({ path, [combo](const Json& v) {
                              int i = v.is_string() ? combo->findData(qs(v.get<std::string>())) : 0;
                              combo->setCurrentIndex(std::max(0, i));
                          } });
        return combo;
    }
    case ParamType::Integer: {
        auto* spin = new QSpinBox;
        spin->setRange(0, 1000000);
        spin->setMinimumWidth(60);
        spin->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        spin->setSpecialValueText(defaultShown);
        spin->setKeyboardTracking(false);
        connect(spin, &QSpinBox::valueChanged, this,
            [this, path](int v) { commit(path, v == 0 ? Json() : Json(v)); });
        m_rows.push_back({ path,
            [spin](const Json& v) { spin->setValue(v.is_number_integer() ? int(v.get<int64_t>()) : 0); } });
        return spin;
    }
    case ParamType::Number: {
        auto* spin = new QDoubleSpinBox;
        spin->setRange(0, 1e9);
        spin->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        spin->setDecimals(2);
        spin->setSpecialValueText(defaultShown);
        spin->setKeyboardTracking(false);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, path](double v) {
            if (v == 0)
                commit(path, Json());
            else if (v == std::floor(v))
                commit(path, int64_t(v));
            else
                commit(path, v);
        });
        m_rows.push_back(
            { path, [spin](const Json& v) { spin->setValue(v.is_number() ? v.get<double>() : 0); } });
        return spin;
    }
    case ParamType::Duration: {
        auto* edit = new QLineEdit;
        auto* msg = new QLabel;
        edit->setPlaceholderText(placeholder.isEmpty() ? tr("e.g. 250ms, 5s, 1m, 2h") : placeholder);
        edit->setToolTip(tr("A duration: 250ms, 5s, 1m, 2h, 1d, or milliseconds"));
        auto validate = [edit, msg]() -> std::optional<Json> {
            QString t = edit->text().trimmed();
            if (t.isEmpty()) {
                msg->hide();
                edit->setStyleSheet({});
                return Json();
            }
            auto r = time::parseDuration(t.toStdString());
            if (!r.ok() || *r < 0) {
                msg->setText(r.ok() ? tr("must not be negative") : qs(r.status().message()));
                msg->show();
                edit->setStyleSheet(
                    QStringLiteral("QLineEdit { border: 1px solid %1; border-radius: 3px; padding: 2px; }")
                        .arg(theme::errorColor().name()));
                return std::nullopt;
            }
            msg->hide();
            edit->setStyleSheet({});
            bool plain = false;
            t.toLongLong(&plain);
            return plain ? Json(*r) : Json(t.toStdString());
        };
        connect(edit, &QLineEdit::textEdited, this, [validate] { validate(); });
        connect(edit, &QLineEdit::editingFinished, this, [this, path, validate] {
            if (auto v = validate())
                commit(path, *v);
        });
        m_rows.push_back({ path, [edit, validate](const Json& v) {
                              edit->setText(jsonText(v));
                              validate();
                          } });
        return wrapWithMessage(edit, msg);
    }
    case ParamType::Expression: {
        auto* edit = new ExpressionEdit;
        auto* msg = new QLabel;
        edit->setSchema(m_model->inputSchema(m_node));
        edit->setPlaceholderText(tr("e.g. amount > 10 && country == 'PL'"));
        connect(edit, &ExpressionEdit::errorChanged, msg, [msg](const QString& e) {
            msg->setText(e);
            msg->setVisible(!e.isEmpty());
        });
        connect(edit, &QLineEdit::editingFinished, this,
            [this, path, edit] { commit(path, edit->text().toStdString()); });
        m_rows.push_back({ path, [edit](const Json& v) { edit->setText(jsonText(v)); } });
        return wrapWithMessage(edit, msg);
    }
    case ParamType::Field: {
        auto* combo = new QComboBox;
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        combo->lineEdit()->setPlaceholderText(placeholder);
        // The list's first entry unsets the field; it reads "(none)" rather than a blank row, and
        // choosing it leaves the line empty, showing the default.
        const QString none = tr("(none)");
        auto commitText = [this, path, combo, none] {
            QString t = combo->currentText().trimmed();
            if (t == none) {
                combo->setEditText(QString());
                t.clear();
            }
            commit(path, t.isEmpty() ? Json() : Json(t.toStdString()));
        };
        connect(combo->lineEdit(), &QLineEdit::editingFinished, this, commitText);
        connect(combo, &QComboBox::activated, this, commitText);
        // The fields offered are read again at each load: a source's own fields change with its
        // path and schema, declared or inferred. Other nodes read upstream.
        m_rows.push_back({ path, [this, combo, none](const Json& v) {
                              std::optional<Schema> schema = m_kind == "source" ? m_model->sourceSchema(m_node)
                                                                                : m_model->inputSchema(m_node);
                              combo->clear();
                              combo->addItem(none);
                              if (schema)
                                  for (const auto& f : schema->fields)
                                      combo->addItem(qs(f.name));
                              combo->setEditText(jsonText(v));
                          } });
        return combo;
    }
    case ParamType::Schema: {
        auto* schemaEditor = new SchemaEditor;
        connect(schemaEditor, &SchemaEditor::edited, this, [this, path](const Json& v) { commit(path, v); });
        m_rows.push_back({ path, [this, schemaEditor](const Json& v) {
                              schemaEditor->setSchema(v, m_model->sourceSchema(m_node));
                          } });
        return schemaEditor;
    }
    case ParamType::FieldList: {
        auto* edit = new QLineEdit;
        QStringList fields;
        if (auto schema = m_model->inputSchema(m_node))
            for (const auto& f : schema->fields)
                fields << qs(f.name);
        edit->setPlaceholderText(
            fields.isEmpty() ? tr("field, field…") : tr("fields: %1").arg(fields.join(", ")));
        if (!fields.isEmpty())
            edit->setCompleter(new QCompleter(fields, edit));
        connect(edit, &QLineEdit::editingFinished, this, [this, path, edit] {
            Json arr = Json::array();
            for (const auto& f : edit->text().split(',', Qt::SkipEmptyParts))
                if (!f.trimmed().isEmpty())
                    arr.push_back(f.trimmed().toStdString());
            commit(path, arr);
        });
        m_rows.push_back({ path, [edit](const Json& v) {
                              QStringList parts;
                              if (v.is_array())
                                  for (const auto& f : v)
                                      parts << jsonText(f);
                              else
                                  parts << jsonText(v);
                              edit->setText(parts.join(", "));
                          } });
        return edit;
    }
    case ParamType::String:
    case ParamType::Path: {
        auto* edit = new QLineEdit;
        edit->setPlaceholderText(placeholder);
        connect(edit, &QLineEdit::editingFinished, this, [this, path, edit] {
            QString t = edit->text();
            commit(path, t.isEmpty() ? Json() : Json(t.toStdString()));
        });
        m_rows.push_back({ path, [edit](const Json& v) { edit->setText(jsonText(v)); } });
        return edit;
    }
    default: {
        // Structured values (set, outages, cleanup) are edited as JSON.
        auto* edit = new QLineEdit;
        auto* msg = new QLabel;
        QFont f = edit->font();
        f.setFamily(QStringLiteral("monospace"));
        f.setStyleHint(QFont::Monospace);
        edit->setFont(f);
        edit->setPlaceholderText(placeholder.isEmpty() ? tr("JSON") : placeholder);
        connect(edit, &QLineEdit::editingFinished, this, [this, path, edit, msg] {
            QString t = edit->text().trimmed();
            if (t.isEmpty()) {
                msg->hide();
                commit(path, Json());
                return;
            }
            auto v = model::parseJson(t.toStdString(), "value");
            if (v.ok()) {
                msg->hide();
                commit(path, *v);
            } else {
                msg->setText(qs(v.status().message())); // "value:1:7: not valid JSON (...)"
                msg->show();
            }
        });
        m_rows.push_back(
            { path, [edit](const Json& v) { edit->setText(v.is_null() ? QString() : qs(v.dump())); } });
        return wrapWithMessage(edit, msg);
    }
    }
}

namespace {

    // The tooltip of a parameter: what it does in Flink's terms, its default and its unit.
    QString helpTip(const QString& kind, const ParamInfo& p)
    {
        QString tip = QStringLiteral("<p><b>%1</b></p><p>%2</p>")
                          .arg(QString::fromStdString(p.path).toHtmlEscaped(),
                              QString::fromStdString(model::paramHelp(kind.toStdString(), p.path)).toHtmlEscaped());
        QStringList facts;
        if (!p.defaultText.empty())
            facts << QObject::tr("Default: %1").arg(QString::fromStdString(p.defaultText).toHtmlEscaped());
        if (const std::string unit = model::paramUnit(p.type); !unit.empty())
            facts << QObject::tr("Value: %1").arg(QString::fromStdString(unit).toHtmlEscaped());
        if (!facts.isEmpty())
            tip += QStringLiteral("<p>%1</p>").arg(facts.join(QStringLiteral(" · ")));
        return tip;
    }

    // Whether a parameter means anything with the node's other values: a tumbling window has no
    // slide and no gap, a collect sink no path. Hidden rows keep their values in the job.
    bool relevant(const QString& kind, const QString& path, const std::function<QString(const char*)>& value)
    {
        if (kind == "window") {
            const QString type = value("assigner.type");
            if (path == "assigner.size")
                return type != "session" && type != "global";
            if (path == "assigner.slide")
                return type == "sliding";
            if (path == "assigner.offset")
                return type.isEmpty() || type == "tumbling" || type == "sliding";
            if (path == "assigner.gap")
                return type == "session";
            if (path == "trigger.count")
                return value("trigger.type") == "count";
            if (path == "trigger.interval")
                return value("trigger.type") == "continuousEventTime";
        }
        if (kind == "sink") {
            if (path == "path" || path == "format")
                return value("type") == "file";
            if (path == "outages")
                return value("type") == "warehouse";
        }
        // A stateless operator has no state backend nor state cache to set.
        if ((kind == "filter" || kind == "map" || kind == "keyBy" || kind == "sink")
            && (path == "stateBackend" || path == "stateCache"))
            return false;
        if (kind == "source" && path == "watermark.maxOutOfOrderness") {
            const QString strategy = value("watermark.strategy");
            return strategy.isEmpty() || strategy == "boundedOutOfOrderness";
        }
        return true;
    }

} // namespace

void PropertyPanel::setLiveValues(const QMap<QString, QMap<QString, QString>>& values)
{
    if (values == m_liveValues)
        return;
    m_liveValues = values;
    reload();
}

void PropertyPanel::rebuild()
{
    m_rows.clear();
    m_editors.clear();
    m_liveNotes.clear();
    m_kind = m_node == kJobNodeId ? QStringLiteral("config") : m_model->nodeKind(m_node);
    m_content = new QWidget;
    auto* outer = new QVBoxLayout(m_content);
    outer->setContentsMargins(12, 12, 12, 12);
    outer->setSpacing(10);

    // Header: icon, title, kind.
    auto* header = new QWidget;
    auto* hl = new QHBoxLayout(header);
    hl->setContentsMargins(0, 0, 0, 0);
    auto* icon = new QLabel;
    const QString iconName = m_node == kJobNodeId ? QStringLiteral("streamlab") : "kind-" + m_kind.toLower();
    icon->setPixmap(theme::pixmap(iconName, 28, devicePixelRatioF(), theme::kindColor(m_kind)));
    hl->addWidget(icon);
    auto* titles = new QVBoxLayout;
    auto* title = new QLabel(m_node == kJobNodeId ? tr("Job") : m_model->nodeKey(m_node));
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.2);
    tf.setWeight(QFont::DemiBold);
    title->setFont(tf);
    auto* sub = new QLabel(m_node == kJobNodeId ? tr("name and configuration") : m_kind);
    sub->setStyleSheet(QStringLiteral("color: %1;").arg(theme::mutedText().name()));
    titles->addWidget(title);
    titles->addWidget(sub);
    hl->addLayout(titles, 1);
    outer->addWidget(header);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_form->setHorizontalSpacing(10);
    m_form->setVerticalSpacing(6);
    outer->addLayout(m_form);
    outer->addStretch(1);

    auto section = [this](const QString& text) {
        auto* l = new QLabel(text.toUpper());
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        f.setWeight(QFont::DemiBold);
        f.setLetterSpacing(QFont::PercentageSpacing, 108);
        l->setFont(f);
        l->setStyleSheet(QStringLiteral("color: %1; padding-top: 8px;").arg(theme::mutedText().name()));
        m_form->addRow(l);
    };

    if (m_node == kJobNodeId) {
        auto* name = new QLineEdit;
        connect(name, &QLineEdit::editingFinished, this,
            [this, name] { commit("name", name->text().toStdString()); });
        m_rows.push_back({ "name", [name](const Json& v) { name->setText(jsonText(v)); } });
        m_editors["name"] = name;
        m_form->addRow(tr("Name"), name);
        section(tr("Configuration"));
        for (const auto& p : model::paramsOf("config")) {
            ParamInfo q = p;
            q.path = "config." + p.path;
            QWidget* e = makeEditor(q);
            e->setToolTip(helpTip(QStringLiteral("config"), p));
            m_editors[qs(q.path)] = e;
            m_form->addRow(qs(p.path), e);
        }
    } else {
        // The id renames the node; edges follow because they refer to node ids, not names.
        auto* id = new QLineEdit;
        auto* msg = new QLabel;
        static const QRegularExpression kValid(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
        auto check = [this, id, msg]() -> bool {
            QString t = id->text();
            QString err;
            if (!kValid.match(t).hasMatch())
                err = tr("starts with a letter or '_', then letters, digits, '_' or '-'");
            else if (t == "config")
                err = tr("'config' is reserved");
            else if (NodeId other = m_model->nodeByKey(t); other != kInvalidNodeId && other != m_node)
                err = tr("another node is called '%1'").arg(t);
            msg->setText(err);
            msg->setVisible(!err.isEmpty());
            return err.isEmpty();
        };
        connect(id, &QLineEdit::textEdited, this, [check] { check(); });
        connect(id, &QLineEdit::editingFinished, this, [this, id, check] {
            if (check())
                commit("id", id->text().toStdString());
        });
        m_rows.push_back({ "id", [id, msg](const Json& v) {
                              id->setText(jsonText(v));
                              msg->hide();
                          } });
        m_editors["id"] = id;
        m_form->addRow(tr("Id"), wrapWithMessage(id, msg));

        // Grouped by prefix (assigner, trigger, watermark...), each heading once, the ungrouped
        // parameters first.
        std::vector<std::pair<QString, std::vector<const ParamInfo*>>> groups { { QString(), {} } };
        std::vector<const ParamInfo*> common;
        for (const auto& p : model::paramsOf(m_kind.toStdString())) {
            if (p.type == ParamType::Ttl || p.type == ParamType::LateFiring)
                continue; // edited through their sub-parameters
            if (p.path == "name" || p.path == "parallelism" || p.path == "maxParallelism"
                || p.path == "stateBackend") {
                common.push_back(&p);
                continue;
            }
            const QString path = qs(p.path);
            const QString prefix = path.contains('.') ? path.section('.', 0, 0) : QString();
            auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == prefix; });
            if (g == groups.end())
                g = groups.insert(groups.end(), { prefix, {} });
            g->second.push_back(&p);
        }
        for (const auto& [prefix, params] : groups) {
            if (params.empty())
                continue;
            section(prefix.isEmpty() ? tr("Parameters") : prefix);
            for (const ParamInfo* p : params) {
                const QString path = qs(p->path);
                QWidget* e = makeEditor(*p);
                e->setToolTip(helpTip(m_kind, *p));
                m_editors[path] = e;
                auto* label = new QLabel(path.contains('.') ? path.section('.', 1) : path);
                label->setToolTip(e->toolTip());
                if (p->type == ParamType::Schema) { // a table: the panel's whole width, under its name
                    m_form->addRow(label);
                    m_form->addRow(e);
                } else {
                    m_form->addRow(label, e);
                }
                // Under what Replay Settings can change while a replay runs: its live value.
                if ((m_kind == "source" && (p->path == "watermark.maxOutOfOrderness" || p->path == "path"))
                    || (m_kind == "window" && p->path == "allowedLateness")) {
                    auto* note = new QLabel;
                    note->setObjectName("live_" + path);
                    note->setWordWrap(true);
                    note->setStyleSheet(QStringLiteral("color: %1;").arg(theme::warningColor().name()));
                    m_form->addRow(QString(), note);
                    m_liveNotes[path] = note;
                }
            }
        }
        // All aggregates of a window or keyed aggregate on one line ("count, sum(amount) as total"):
        // the only way to edit a list of them here; one item without a name is the object form.
        if (QWidget* field = editor("aggregate.field")) {
            int row = -1;
            QFormLayout::ItemRole role;
            m_form->getWidgetPosition(field, &row, &role);
            auto* line = new QLineEdit;
            line->setObjectName("aggregatesEdit");
            line->setPlaceholderText(tr("count, sum(amount) as total"));
            line->setToolTip(tr("Every aggregate of the node: fn or fn(field), each optionally \"as name\", separated "
                                "by commas. Several give one result field each instead of value."));
            auto* msg = new QLabel;
            auto parse = [line, msg]() -> std::optional<Json> {
                auto parsed = model::parseAggregateText(line->text().toStdString());
                msg->setText(parsed.ok() ? QString() : QString::fromStdString(parsed.status().message()));
                msg->setVisible(!parsed.ok());
                return parsed.ok() ? std::optional<Json>(*parsed) : std::nullopt;
            };
            connect(line, &QLineEdit::textEdited, this, [parse] { parse(); });
            connect(line, &QLineEdit::editingFinished, this, [this, parse] {
                if (auto j = parse())
                    commit("aggregate", *j);
            });
            m_editors["aggregate"] = line;
            m_form->insertRow(row + 1, tr("all"), wrapWithMessage(line, msg));
            m_rows.push_back({ "aggregate", [line, msg](const Json& v) {
                                  line->setText(QString::fromStdString(model::aggregateText(v)));
                                  msg->hide();
                              } });
        }
        section(tr("Execution"));
        for (const ParamInfo* p : common) {
            QWidget* e = makeEditor(*p);
            e->setToolTip(helpTip(m_kind, *p));
            m_editors[qs(p->path)] = e;
            m_form->addRow(qs(p->path), e);
        }
    }
    setWidget(m_content);
    reload();
}

void PropertyPanel::reload()
{
    for (const auto& row : m_rows) {
        QWidget* e = editor(qs(row.path));
        std::vector<QSignalBlocker> blockers;
        if (e) {
            blockers.emplace_back(e);
            for (auto* child : e->findChildren<QWidget*>())
                blockers.emplace_back(child);
        }
        row.load(m_model->param(m_node, row.path));
    }
    auto value = [this](const char* path) {
        const Json v = m_model->param(m_node, path);
        return v.is_string() ? qs(v.get<std::string>()) : QString();
    };
    for (const auto& [path, editor] : m_editors)
        if (m_form->indexOf(editor) >= 0) // the line of all aggregates sits in a wrapper
            m_form->setRowVisible(editor, relevant(m_kind, path, value));
    const auto live = m_node == kJobNodeId ? QMap<QString, QString>() : m_liveValues.value(m_model->nodeKey(m_node));
    for (auto it = m_liveNotes.begin(); it != m_liveNotes.end(); ++it) {
        const QString v = live.value(it.key());
        it.value()->setText(tr("This replay uses %1 (Replay Settings); Save keeps the job's value.").arg(v));
        m_form->setRowVisible(it.value(), !v.isEmpty() && relevant(m_kind, it.key(), value));
    }
    // With a list of aggregates (count and sum of one window) the fn and field editors would
    // replace the list by one object: they stay read-only, and the line of all aggregates edits it.
    const bool aggregateList = m_model->param(m_node, "aggregate").is_array();
    for (const char* path : { "aggregate.fn", "aggregate.field" })
        if (QWidget* e = editor(path)) {
            e->setEnabled(!aggregateList);
            if (aggregateList)
                e->setToolTip(tr("This node computes a list of aggregates: edit them all on the line below"));
        }
}

} // namespace streamlab::ui
