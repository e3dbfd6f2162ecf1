#include "designer/palette_widget.h"

#include "common/theme.h"
#include "designer/graph_model.h"
#include "designer/graph_view.h"

#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace streamlab::ui {

NodeKindList::NodeKindList(QWidget* parent)
    : QListWidget(parent)
{
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setIconSize(QSize(22, 22));
    setSpacing(2);
    setFrameShape(QFrame::NoFrame);
    setUniformItemSizes(true);
    setKinds(GraphModel::nodeKinds());
}

void NodeKindList::setKinds(const QStringList& kinds)
{
    clear();
    for (const QString& kind : kinds) {
        auto* item
            = new QListWidgetItem(theme::icon("kind-" + kind.toLower(), theme::kindColor(kind)), kind, this);
        item->setData(Qt::UserRole, kind);
        item->setToolTip(describe(kind));
        item->setSizeHint(QSize(0, 32));
    }
}

QString NodeKindList::describe(const QString& kind)
{
    if (kind == "source")
        return tr("Reads events from a CSV or JSON Lines file and generates watermarks");
    if (kind == "filter")
        return tr("Keeps the records that meet a condition");
    if (kind == "map")
        return tr("Sets fields from expressions");
    if (kind == "keyBy")
        return tr("Partitions the stream by key (a HASH exchange)");
    if (kind == "window")
        return tr("Groups keyed records into event-time windows and aggregates them");
    if (kind == "aggregate")
        return tr("A running keyed aggregate, one updated result per record");
    if (kind == "sink")
        return tr("Collects results, writes a file or feeds a warehouse");
    return {};
}

void NodeKindList::setFilter(const QString& text)
{
    QListWidgetItem* first = nullptr;
    for (int i = 0; i < count(); ++i) {
        auto* it = item(i);
        const QString kind = it->data(Qt::UserRole).toString();
        bool match = text.isEmpty() || kind.contains(text, Qt::CaseInsensitive)
            || describe(kind).contains(text, Qt::CaseInsensitive);
        it->setHidden(!match);
        if (match && !first)
            first = it;
    }
    setCurrentItem(first);
}

QString NodeKindList::currentKind() const
{
    auto* it = currentItem();
    return it && !it->isHidden() ? it->data(Qt::UserRole).toString() : QString();
}

void NodeKindList::startDrag(Qt::DropActions actions)
{
    QListWidget::startDrag(actions);
    clearSelection(); // the kind was placed: the list does not go on pointing at it
}

QMimeData* NodeKindList::mimeData(const QList<QListWidgetItem*>& items) const
{
    auto* mime = new QMimeData;
    if (!items.isEmpty())
        mime->setData(GraphView::kNodeKindMime, items.front()->data(Qt::UserRole).toString().toUtf8());
    return mime;
}

PaletteWidget::PaletteWidget(QWidget* parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_list(new NodeKindList(this))
{
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(6, 6, 6, 6);
    l->setSpacing(6);
    m_search->setPlaceholderText(tr("Search nodes…"));
    m_search->setClearButtonEnabled(true);
    l->addWidget(m_search);
    l->addWidget(m_list);
    // Never so narrow that a kind's name is cut ("ag…" for aggregate): below that, icons only.
    setMinimumWidth(compactWidth());
    connect(m_search, &QLineEdit::textChanged, m_list, &NodeKindList::setFilter);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (!m_list->currentKind().isEmpty())
            emit kindActivated(m_list->currentKind());
    });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* it) {
        emit kindActivated(it->data(Qt::UserRole).toString());
        m_list->clearSelection();
    });
}

int PaletteWidget::fullWidth() const
{
    return m_list->iconSize().width() + fontMetrics().horizontalAdvance(QStringLiteral("aggregate")) + 48;
}

int PaletteWidget::compactWidth() const { return m_list->iconSize().width() + 30; }

void PaletteWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    setCompact(width() < fullWidth());
}

void PaletteWidget::setCompact(bool on)
{
    if (on == m_compact)
        return;
    m_compact = on;
    m_search->setVisible(!on);
    if (on)
        m_search->clear();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* it = m_list->item(i);
        const QString kind = it->data(Qt::UserRole).toString();
        it->setText(on ? QString() : kind);
        it->setToolTip(on ? QStringLiteral("<b>%1</b><br>%2").arg(kind, NodeKindList::describe(kind))
                          : NodeKindList::describe(kind));
    }
    layout()->setContentsMargins(on ? 2 : 6, 6, on ? 2 : 6, 6);
}

QuickAddPopup::QuickAddPopup(QWidget* parent)
    : QWidget(parent, Qt::Popup)
    , m_title(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_list(new NodeKindList(this))
{
    setObjectName("quickAdd");
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(6, 6, 6, 6);
    l->setSpacing(4);
    m_search->setPlaceholderText(tr("Add node…"));
    m_title->hide();
    l->addWidget(m_title);
    l->addWidget(m_search);
    l->addWidget(m_list);
    m_list->setDragEnabled(false);
    connect(m_search, &QLineEdit::textChanged, m_list, &NodeKindList::setFilter);
    connect(m_search, &QLineEdit::returnPressed, this, &QuickAddPopup::choose);
    connect(m_list, &QListWidget::itemActivated, this, &QuickAddPopup::choose);
    m_search->installEventFilter(this);
}

void QuickAddPopup::popup(QPoint globalPos, const QString& title, const QStringList& kinds)
{
    m_title->setStyleSheet(QStringLiteral("color: %1;").arg(theme::mutedText().name())); // light or dark
    m_title->setText(title);
    m_title->setVisible(!title.isEmpty());
    m_list->setKinds(kinds.isEmpty() ? GraphModel::nodeKinds() : kinds);
    m_search->clear();
    m_list->setFilter({});
    // As tall as its kinds: every one in sight, no empty space under the last.
    const int rows = m_list->count() * (m_list->sizeHintForRow(0) + 2 * m_list->spacing()) + 2 * m_list->frameWidth();
    m_list->setFixedHeight(rows);
    adjustSize();
    resize(240, sizeHint().height());
    move(globalPos);
    show();
    m_search->setFocus();
}

bool QuickAddPopup::eventFilter(QObject* watched, QEvent* event)
{
    // Up and down in the search box walk the list.
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto* ke = static_cast<QKeyEvent*>(event);
        if (ke->key() == Qt::Key_Down || ke->key() == Qt::Key_Up) {
            int row = m_list->currentRow();
            int step = ke->key() == Qt::Key_Down ? 1 : -1;
            for (int r = row + step; r >= 0 && r < m_list->count(); r += step)
                if (!m_list->item(r)->isHidden()) {
                    m_list->setCurrentRow(r);
                    break;
                }
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void QuickAddPopup::choose()
{
    const QString kind = m_list->currentKind();
    hide();
    if (!kind.isEmpty())
        emit kindChosen(kind);
}

} // namespace streamlab::ui
