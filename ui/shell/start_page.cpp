#include "shell/start_page.h"

#include "common/theme.h"
#include "designer/graph_view.h"

#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QVBoxLayout>

namespace streamlab::ui {

QString samplesDir()
{
    const QString env = qEnvironmentVariable("STREAMLAB_SAMPLES");
    if (!env.isEmpty() && QFileInfo(env).isDir())
        return QDir(env).absolutePath();
    const QString installed = QCoreApplication::applicationDirPath() + "/../share/streamlab/samples";
    if (QFileInfo(installed).isDir())
        return QDir(installed).absolutePath();
    return QStringLiteral(STREAMLAB_SOURCE_SAMPLES);
}

namespace {

    // The README's heading and what its first paragraph says of the sample, markdown marks
    // taken out, at most two sentences. A README that starts with steps ("1. Open ... (what the
    // job does)") is summed up by the words in brackets of its first step.
    std::pair<QString, QString> readmeSummary(const QString& path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
            return {};
        QString title;
        QStringList paragraph;
        for (const QString& raw : QString::fromUtf8(f.readAll()).split('\n')) {
            const QString line = raw.trimmed();
            if (title.isEmpty() && line.startsWith("# ")) {
                title = line.mid(2);
                continue;
            }
            if (title.isEmpty())
                continue;
            if (line.isEmpty()) {
                if (!paragraph.isEmpty())
                    break;
                continue;
            }
            paragraph << line;
        }
        static const QRegularExpression kMarks(QStringLiteral("[`*_]"));
        QString text = paragraph.join(' ').remove(kMarks);
        if (text.startsWith("1. ")) {
            // The brackets' words whole, brackets inside them too ("then keyBy(key) before").
            const QString step = paragraph.value(0).remove(kMarks);
            const qsizetype open = step.indexOf('(');
            qsizetype close = -1;
            for (qsizetype i = open + 1, depth = 1; open >= 0 && i < step.size() && close < 0; ++i) {
                if (step[i] == '(')
                    ++depth;
                else if (step[i] == ')' && --depth == 0)
                    close = i;
            }
            text = close > open ? step.mid(open + 1, close - open - 1) : QString();
            if (!text.isEmpty())
                text[0] = text[0].toUpper();
            return { title, text.isEmpty() ? text : text + "." };
        }
        // Two sentences: ". " followed by a capital or a digit ends one.
        static const QRegularExpression kSentenceEnd(QStringLiteral("\\. (?=[A-Z0-9])"));
        int end = -1;
        for (int i = 0; i < 2; ++i) {
            const auto m = kSentenceEnd.match(text, end + 1);
            if (!m.hasMatch()) {
                end = -1;
                break;
            }
            end = int(m.capturedStart());
        }
        return { title, end < 0 ? text : text.left(end + 1) };
    }

} // namespace

QList<Sample> samples()
{
    QList<Sample> out;
    const QDir dir(samplesDir());
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString job = dir.filePath(name + "/job.json");
        if (!QFileInfo::exists(job))
            continue;
        auto [title, summary] = readmeSummary(dir.filePath(name + "/README.md"));
        out.push_back({ job, title.isEmpty() ? name : title, summary });
    }
    return out;
}

StartPage::StartPage(QWidget* parent)
    : QScrollArea(parent)
    , m_samples(new QListWidget)
    , m_recent(new QListWidget)
    , m_noRecent(new QLabel(tr("Files you open or save appear here.")))
    , m_new(new QPushButton(tr("New pipeline")))
    , m_open(new QPushButton(tr("Open…")))
{
    setObjectName("startPage");
    setAcceptDrops(true);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget;
    content->setAutoFillBackground(true);
    auto* outer = new QVBoxLayout(content);
    outer->setContentsMargins(32, 24, 32, 24);
    outer->setSpacing(14);

    auto* header = new QHBoxLayout;
    auto* icon = new QLabel;
    icon->setPixmap(theme::pixmap("streamlab", 40, devicePixelRatioF()));
    header->addWidget(icon);
    auto* titles = new QVBoxLayout;
    auto* title = new QLabel(tr("Welcome to Streamlab"));
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.6);
    tf.setWeight(QFont::DemiBold);
    title->setFont(tf);
    auto* tagline = new QLabel(tr("Draw a dataflow in the style of Apache Flink, replay real event files through it, "
                                  "and watch watermarks, windows, late data and state as they happen."));
    tagline->setWordWrap(true);
    m_muted << tagline;
    titles->addWidget(title);
    titles->addWidget(tagline);
    header->addLayout(titles, 1);
    outer->addLayout(header);

    auto* columns = new QHBoxLayout;
    columns->setSpacing(24);
    auto heading = [this](const QString& text) {
        auto* l = new QLabel(text.toUpper());
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        f.setWeight(QFont::DemiBold);
        l->setFont(f);
        m_muted << l;
        return l;
    };

    // Samples: each opens a job with its event file, ready to replay.
    auto* left = new QVBoxLayout;
    left->addWidget(heading(tr("Open a sample")));
    m_samples->setObjectName("sampleList");
    m_samples->setSpacing(2);
    m_samples->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    m_samples->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Each sample a card: its title in bold, its summary under it.
    for (const Sample& s : samples()) {
        auto* item = new QListWidgetItem;
        item->setData(Qt::UserRole, s.path);
        item->setData(Qt::AccessibleTextRole, s.title);
        item->setToolTip(s.path);
        m_samples->addItem(item);
        auto* card = new QLabel;
        card->setWordWrap(true);
        card->setContentsMargins(6, 5, 6, 5);
        card->setTextFormat(Qt::RichText);
        card->setAttribute(Qt::WA_TransparentForMouseEvents); // clicks select and open the item
        m_samples->setItemWidget(item, card);
        m_cards.push_back({ card, s.title, s.summary });
    }
    m_samples->viewport()->installEventFilter(this);
    left->addWidget(m_samples, 1);
    columns->addLayout(left, 3);

    auto* right = new QVBoxLayout;
    right->addWidget(heading(tr("Start")));
    m_new->setObjectName("startNew");
    m_new->setToolTip(tr("An empty canvas: drag nodes from the palette, or press Tab on the canvas"));
    m_open->setToolTip(tr("Open a job file (.json)"));
    right->addWidget(m_new);
    right->addWidget(m_open);
    right->addSpacing(10);
    right->addWidget(heading(tr("Recent")));
    m_recent->setObjectName("recentList");
    m_recent->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    right->addWidget(m_recent, 1);
    m_noRecent->setWordWrap(true);
    m_muted << m_noRecent;
    right->addWidget(m_noRecent);
    auto* hint = new QLabel(tr("On the canvas: Tab adds a node, Space replays, F fits the graph."));
    hint->setWordWrap(true);
    m_muted << hint;
    right->addWidget(hint);
    columns->addLayout(right, 2);
    outer->addLayout(columns, 1);

    setWidget(content);
    connect(m_samples, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* it) { emit openRequested(it->data(Qt::UserRole).toString()); });
    connect(m_samples, &QListWidget::itemClicked, this,
        [this](QListWidgetItem* it) { emit openRequested(it->data(Qt::UserRole).toString()); });
    connect(m_recent, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* it) { emit openRequested(it->data(Qt::UserRole).toString()); });
    connect(m_new, &QPushButton::clicked, this, &StartPage::newRequested);
    connect(m_open, &QPushButton::clicked, this, &StartPage::openDialogRequested);
    restyle();
}

void StartPage::setRecentFiles(const QStringList& files)
{
    m_recent->clear();
    for (const QString& f : files) {
        if (!QFileInfo::exists(f))
            continue;
        const QFileInfo info(f);
        auto* item = new QListWidgetItem(info.fileName() + "\n" + QDir::toNativeSeparators(info.absolutePath()));
        item->setData(Qt::UserRole, f);
        item->setToolTip(f);
        m_recent->addItem(item);
    }
    m_recent->setVisible(m_recent->count() > 0);
    m_noRecent->setVisible(m_recent->count() == 0);
}

bool StartPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_samples->viewport() && event->type() == QEvent::Resize)
        fitCards();
    return QScrollArea::eventFilter(watched, event);
}

void StartPage::fitCards()
{
    const int width = m_samples->viewport()->width() - 2 * m_samples->spacing();
    for (int i = 0; i < m_samples->count() && i < m_cards.size(); ++i)
        m_samples->item(i)->setSizeHint(QSize(width, m_cards[i].label->heightForWidth(width)));
}

void StartPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(GraphView::kNodeKindMime))
        event->acceptProposedAction();
}

void StartPage::dropEvent(QDropEvent* event)
{
    const QString kind = QString::fromUtf8(event->mimeData()->data(GraphView::kNodeKindMime));
    if (kind.isEmpty())
        return;
    event->acceptProposedAction();
    emit kindDropped(kind);
}

void StartPage::changeEvent(QEvent* event)
{
    QScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_restyling)
        restyle();
}

void StartPage::restyle()
{
    m_restyling = true;
    if (QWidget* content = widget()) {
        QPalette p = content->palette();
        p.setColor(QPalette::Window, theme::canvasBackground());
        content->setPalette(p);
    }
    for (QLabel* l : m_muted) {
        QPalette lp = l->palette();
        lp.setColor(QPalette::WindowText, theme::mutedText());
        l->setPalette(lp);
    }
    // A selected card keeps its text readable: a light tint of the accent, not the full highlight.
    QColor tint = theme::accent();
    tint.setAlpha(theme::isDark() ? 70 : 40);
    m_samples->setStyleSheet(QStringLiteral("QListWidget::item:selected, QListWidget::item:hover { background: %1; }")
                                 .arg(tint.name(QColor::HexArgb)));
    for (const Card& c : m_cards)
        c.label->setText(QStringLiteral("<b>%1</b><br><span style=\"color:%2\">%3</span>")
                             .arg(c.title.toHtmlEscaped(), theme::mutedText().name(), c.summary.toHtmlEscaped()));
    fitCards();
    m_restyling = false;
}

} // namespace streamlab::ui
