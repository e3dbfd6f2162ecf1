#include "shell/main_window.h"
#include "shell/start_page.h"

#include "common/theme.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/palette_widget.h"
#include "designer/physical_view.h"
#include "designer/problems_widget.h"
#include "designer/property_panel.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "shell/start_page.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QDockWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QUndoView>

namespace streamlab::ui {

using model::Json;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_model(new GraphModel(this))
    , m_undo(new QUndoStack(this))
    , m_scene(new GraphScene(m_model, m_undo, this))
    , m_view(new GraphView)
    , m_physical(new PhysicalView)
    , m_centre(new QStackedWidget)
    , m_palette(new PaletteWidget)
    , m_properties(new PropertyPanel(m_model, m_undo))
    , m_history(new QUndoView(m_undo))
    , m_problems(new ProblemsWidget)
    , m_output(new QPlainTextEdit)
    , m_bottomTabs(new QTabWidget)
    , m_quickAdd(new QuickAddPopup(this))
    , m_statusProblems(new QLabel)
    , m_statusZoom(new QLabel)
    , m_statusNodes(new QLabel)
    , m_prompter(std::make_unique<Prompter>())
{
    setObjectName("mainWindow");
    setWindowIcon(theme::icon("streamlab"));
    setAcceptDrops(true);
    setDocumentMode(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_view->setScene(m_scene);
    m_centre->addWidget(m_view);
    m_centre->addWidget(m_physical);
    m_start = new StartPage;
    m_centre->addWidget(m_start);
    setCentralWidget(m_centre);
    m_output->setReadOnly(true);
    m_output->setFrameShape(QFrame::NoFrame);
    m_history->setEmptyLabel(tr("Opened"));
    m_history->setFrameShape(QFrame::NoFrame);

    createActions();
    createMenus();
    createDocks();
    createSimulator();
    createDoctor();
    createWhatIf();

    statusBar()->addWidget(m_statusProblems, 1);
    statusBar()->addPermanentWidget(m_statusNodes);
    statusBar()->addPermanentWidget(m_statusZoom);

    connect(m_undo, &QUndoStack::cleanChanged, this, [this] { updateTitle(); });
    connect(m_undo, &QUndoStack::indexChanged, this, [this] { updateTitle(); });
    connect(m_model, &GraphModel::validationChanged, this, [this] {
        showProblems();
        updateStatus();
        if (m_physicalAct->isChecked())
            m_physical->showPlan(*m_model);
        followJobInLiveSettings();
    });
    connect(m_model, &GraphModel::jobUpdated, this, [this] { updateTitle(); });
    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] {
        auto nodes = m_scene->selectedNodes();
        m_properties->setNode(nodes.size() == 1 ? nodes.front() : kJobNodeId);
        updateActions();
    });
    connect(m_scene, &GraphScene::connectionRefused, this, [this](const QString& reason) {
        statusBar()->showMessage(tr("Connection refused: %1").arg(reason), 6000);
        log(tr("Connection refused: %1").arg(reason));
    });
    connect(m_view, &GraphView::zoomChanged, this, [this] { updateStatus(); });
    connect(m_view, &GraphView::addNodeRequested, this,
        [this](const QString& kind, QPointF pos) { addNode(kind, pos); });
    connect(m_view, &GraphView::quickAddRequested, this, [this](QPoint global, QPointF scenePos) {
        // With one node selected, the new node follows it: placed to its right, connected to it.
        auto selected = m_scene->selectedNodes();
        if (selected.size() == 1 && !m_model->kindsAfter(selected.front(), {}).isEmpty()) {
            const QPointF at = m_model->nodePosition(selected.front())
                + QPointF(GraphScene::cardWidth() * 1.5 + 64, GraphScene::cardHeaderHeight() / 2);
            openQuickAdd(global, at, selected.front(), {}, true);
        } else {
            openQuickAdd(global, scenePos);
        }
    });
    connect(m_scene, &GraphScene::wireDropped, this,
        [this](NodeId node, bool fromOutput, const QString& port, QPointF scenePos) {
            openQuickAdd(m_view->viewport()->mapToGlobal(m_view->mapFromScene(scenePos)), scenePos, node, port,
                fromOutput);
        });
    connect(m_quickAdd, &QuickAddPopup::kindChosen, this, [this](const QString& kind) {
        const QuickAddTarget t = m_quickAddTarget;
        addNode(kind, t.pos, t.link, t.port, t.after);
    });
    connect(m_palette, &PaletteWidget::kindActivated, this, [this](const QString& kind) {
        addNode(kind, m_view->mapToScene(m_view->viewport()->rect().center()));
    });
    connect(m_problems, &ProblemsWidget::problemActivated, this, &MainWindow::selectProblem);
    connect(m_problems, &ProblemsWidget::problemOpened, this, &MainWindow::openProblem);
    connect(m_model, &GraphModel::nodeCreated, this, [this] { showStartPage(false); });
    connect(m_start, &StartPage::openRequested, this, [this](const QString& path) { openFile(path); });
    connect(m_start, &StartPage::openDialogRequested, m_openAct, &QAction::trigger);
    connect(m_start, &StartPage::newRequested, m_newAct, &QAction::trigger);
    connect(m_start, &StartPage::kindDropped, this, [this](const QString& kind) {
        showStartPage(false);
        addNode(kind, m_view->mapToScene(m_view->viewport()->rect().center()));
    });
    connect(QApplication::clipboard(), &QClipboard::dataChanged, this, &MainWindow::updateActions);

    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, [this] { autosaveNow(); });
    m_autosaveTimer->start();
    // And soon after each edit, so that a crash a few seconds after the first change loses nothing.
    auto* soon = new QTimer(this);
    soon->setSingleShot(true);
    soon->setInterval(kAutosaveAfterEditMs);
    connect(soon, &QTimer::timeout, this, [this] { autosaveNow(); });
    connect(m_undo, &QUndoStack::indexChanged, soon, qOverload<>(&QTimer::start));

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
        // The first start: 1440x860, or most of a smaller screen (a laptop's 1366x768).
        QSize size(1440, 860);
        if (const QScreen* s = screen())
            size = size.boundedTo(s->availableGeometry().size() * 0.94);
        resize(size);
    }
    restoreState(settings.value("window/state").toByteArray());
    rebuildRecentMenu();
    newJob();
}

MainWindow::~MainWindow()
{
    // Children die in creation order: keep the undo stack's last signals from reaching a dead model.
    m_undo->disconnect();
    m_model->disconnect();
    m_scene->disconnect();
}

void MainWindow::setPrompter(std::unique_ptr<Prompter> prompter) { m_prompter = std::move(prompter); }

bool MainWindow::isModified() const { return !m_undo->isClean(); }

void MainWindow::updateTitle()
{
    const Json name_ = m_model->param(kJobNodeId, "name");
    QString name = name_.is_string() ? QString::fromStdString(name_.get<std::string>()) : QString();
    QString file = m_file.isEmpty() ? tr("unsaved") : QFileInfo(m_file).fileName();
    QString title = name.isEmpty() ? file : QStringLiteral("%1 — %2").arg(name, file);
    setWindowTitle(title + QStringLiteral("[*] — Streamlab"));
    setWindowModified(isModified());
    setWindowFilePath(m_file);
}

void MainWindow::showProblems()
{
    // An empty canvas is a job not begun, not a job in error ("the job has no source"): the status
    // bar says how to begin instead.
    m_problems->setProblems(m_model->nodeIds().empty() ? std::vector<model::Problem> {} : m_model->compiled().problems);
}

void MainWindow::updateStatus()
{
    const int errors = m_problems->errorCount();
    const int warnings = m_problems->warningCount();
    QString text;
    if (m_model->nodeIds().empty())
        text = tr("An empty job: drag a source from Nodes, or press Tab on the canvas");
    else if (errors == 0 && warnings == 0)
        text = tr("No problems");
    else
        text = tr("%n error(s)", nullptr, errors) + QStringLiteral(", ")
            + tr("%n warning(s)", nullptr, warnings);
    m_statusProblems->setText(text);
    m_bottomTabs->setTabText(
        0, errors + warnings ? tr("Problems (%1)").arg(errors + warnings) : tr("Problems"));
    m_bottomTabs->setTabIcon(0, theme::icon(errors ? "error" : warnings ? "warning" : "ok"));
    m_statusNodes->setText(tr("%n node(s)", nullptr, int(m_model->nodeIds().size())));
    m_statusZoom->setText(QStringLiteral("%1%").arg(qRound(m_view->zoom() * 100)));
}

void MainWindow::updateActions()
{
    const bool editable = !m_physicalAct->isChecked();
    const bool hasSelection = !m_scene->selectedNodes().empty() || !m_scene->selectedConnections().empty();
    m_deleteAct->setEnabled(editable && hasSelection);
    m_cutAct->setEnabled(editable && !m_scene->selectedNodes().empty());
    m_copyAct->setEnabled(!m_scene->selectedNodes().empty());
    m_duplicateAct->setEnabled(editable && !m_scene->selectedNodes().empty());
    m_layoutAct->setEnabled(editable);
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    m_pasteAct->setEnabled(editable && mime && (mime->hasFormat(kClipboardMime) || mime->hasText()));
}

void MainWindow::log(const QString& line)
{
    m_output->appendPlainText(QStringLiteral("%1  %2").arg(QTime::currentTime().toString("HH:mm:ss"), line));
}

void MainWindow::showStartPage(bool show)
{
    if (show) {
        if (m_physicalAct->isChecked())
            m_physicalAct->trigger();
        m_start->setRecentFiles(recentFiles());
        m_centre->setCurrentWidget(m_start);
        m_start->sampleList()->setFocus();
    } else if (m_centre->currentWidget() == m_start) {
        m_centre->setCurrentWidget(m_view);
        m_view->setFocus();
    }
}

bool MainWindow::isStartPageShown() const { return m_centre->currentWidget() == m_start; }

void MainWindow::setPhysicalView(bool on)
{
    if (on)
        m_physical->showPlan(*m_model);
    m_centre->setCurrentWidget(on ? static_cast<QWidget*>(m_physical) : m_view);
    if (on)
        m_start->hide(); // the page is left; the plan shows the (empty or not) job
    m_palette->setEnabled(!on);
    m_properties->setEnabled(!on);
    updateActions();
    statusBar()->showMessage(
        on ? tr("Physical plan (read-only): chained tasks, subtasks and exchanges") : QString(), 5000);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    removeAutosave(); // saved or discarded: nothing to recover
    m_replay->stop();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && !event->mimeData()->urls().isEmpty()
        && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString file = urls.front().toLocalFile();
    // Open after the drop returns: a modal prompt inside a drop handler confuses some platforms.
    QTimer::singleShot(0, this, [this, file] { openFile(file); });
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    // Once the docks are laid out at the new size (the first resize comes before they show).
    if (!m_fitPanelsPending) {
        m_fitPanelsPending = true;
        QTimer::singleShot(0, this, [this] {
            m_fitPanelsPending = false;
            fitSidePanels();
        });
    }
}

void MainWindow::fitSidePanels()
{
    QList<QDockWidget*> sides;
    QList<int> widths;
    int total = 0;
    for (auto* d : findChildren<QDockWidget*>()) {
        const auto area = dockWidgetArea(d);
        if (d->isVisible() && !d->isFloating() && (area == Qt::LeftDockWidgetArea || area == Qt::RightDockWidgetArea)
            && !d->visibleRegion().isEmpty()) {
            sides << d;
            widths << d->width();
            total += d->width();
        }
    }
    const int allowed = width() / 2 - 48; // the splitters' handles and the canvas's scroll bar too
    if (total == 0)
        return;
    // The palette gives its width first: icons only (a narrow window's canvas needs the room more
    // than the kinds' names, which the tooltips keep); it takes its names back when there is room.
    const qsizetype p = sides.indexOf(qobject_cast<QDockWidget*>(m_palette->parentWidget()));
    if (p >= 0) {
        const int frame = sides[p]->width() - m_palette->width();
        const int compact = m_palette->compactWidth() + frame;
        const int full = std::max(kPaletteWidth, m_palette->fullWidth() + frame);
        const int was = widths[p];
        if (total > allowed && widths[p] > compact)
            widths[p] = compact;
        else if (m_palette->isCompact() && total - widths[p] + full <= allowed)
            widths[p] = full;
        total += widths[p] - was;
        if (widths[p] != was && total <= allowed) {
            resizeDocks(sides, widths, Qt::Horizontal);
            return;
        }
    }
    if (total <= allowed)
        return;
    const int fixed = p >= 0 ? widths[p] : 0;
    for (int i = 0; i < sides.size(); ++i)
        if (i != p)
            widths[i] = std::max(sides[i]->minimumSizeHint().width(), widths[i] * (allowed - fixed) / (total - fixed));
    resizeDocks(sides, widths, Qt::Horizontal);
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        refreshIcons();
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        m_model->recheckFiles(); // back from another program: an event file may have changed
    QMainWindow::changeEvent(event);
}

void MainWindow::refreshIcons()
{
    if (m_replayBar)
        m_replayBar->refreshIcons();
    for (QAction* a : findChildren<QAction*>()) {
        QString name = a->property("iconName").toString();
        if (!name.isEmpty())
            a->setIcon(theme::icon(name));
    }
    m_scene->update();
}

} // namespace streamlab::ui
