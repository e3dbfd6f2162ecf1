#include "shell/main_window.h"

#include "shell/export_dialog.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "designer/commands.h"
#include "designer/graph_layout.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/palette_widget.h"
#include "designer/physical_view.h"
#include "designer/problems_widget.h"
#include "designer/property_panel.h"
#include "doctor/doctor_controller.h"
#include "doctor/doctor_view.h"
#include "model/json_text.h"
#include "model/params.h"
#include "replay/event_time_view.h"
#include "replay/exchange_view.h"
#include "replay/firings_view.h"
#include "replay/live_settings.h"
#include "replay/load_view.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "replay/results_view.h"
#include "replay/state_view.h"
#include "replay/watermark_view.h"
#include "whatif/compare_run.h"
#include "whatif/compare_view.h"
#include "whatif/whatif_dialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QStandardPaths>
#include <QDockWidget>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>

namespace streamlab::ui {

using model::Json;

static constexpr int kMaxRecentFiles = 8;
// Charts and the canvas redraw at most every kRedrawIntervalMs while a replay plays at a set
// speed, and every kFastRedrawIntervalMs as fast as possible: then nobody follows single events,
// and each redraw takes memory bandwidth from the replay on the other core (measured: 10
// redraws a second made the 10-million-event benchmark 1.6x the headless run, 4 a second 1.2x).
static constexpr qint64 kRedrawIntervalMs = 100;
static constexpr qint64 kFastRedrawIntervalMs = 250;
static constexpr const char* kClipboardMime = "application/x-streamlab-fragment+json";

QMessageBox::StandardButton Prompter::askToSave(QWidget* parent, const QString& document)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Unsaved changes"),
        QObject::tr("Save the changes to “%1” before closing it?").arg(document),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box.setInformativeText(QObject::tr("Your changes will be lost if you don't save them."));
    box.setDefaultButton(QMessageBox::Save);
    return QMessageBox::StandardButton(box.exec());
}

void Prompter::showError(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Critical, title, title, QMessageBox::Ok, parent);
    box.setInformativeText(text);
    box.exec();
}

bool Prompter::askToRecover(QWidget* parent, const QString& document, const QDateTime& when)
{
    QMessageBox box(QMessageBox::Question, QObject::tr("Recover unsaved changes"),
        QObject::tr("Streamlab did not close normally. Recover the unsaved changes to “%1”?").arg(document),
        QMessageBox::Yes | QMessageBox::No, parent);
    box.setInformativeText(QObject::tr("They were saved automatically at %1.").arg(QLocale().toString(when, QLocale::ShortFormat)));
    box.setDefaultButton(QMessageBox::Yes);
    return box.exec() == QMessageBox::Yes;
}

QString Prompter::openFileName(QWidget* parent, const QString& dir)
{
    return QFileDialog::getOpenFileName(
        parent, QObject::tr("Open Job"), dir, QObject::tr("Streamlab jobs (*.json);;All files (*)"));
}

QString Prompter::saveFileName(QWidget* parent, const QString& suggestion)
{
    return QFileDialog::getSaveFileName(parent, QObject::tr("Save Job As"), suggestion,
        QObject::tr("Streamlab jobs (*.json);;All files (*)"));
}

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
        m_problems->setProblems(m_model->compiled().problems);
        updateStatus();
        if (m_physicalAct->isChecked())
            m_physical->showPlan(*m_model);
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
        m_quickAddPos = scenePos;
        m_quickAdd->popup(global);
    });
    connect(m_quickAdd, &QuickAddPopup::kindChosen, this,
        [this](const QString& kind) { addNode(kind, m_quickAddPos); });
    connect(m_palette, &PaletteWidget::kindActivated, this, [this](const QString& kind) {
        addNode(kind, m_view->mapToScene(m_view->viewport()->rect().center()));
    });
    connect(m_problems, &ProblemsWidget::problemActivated, this, &MainWindow::selectProblem);
    connect(QApplication::clipboard(), &QClipboard::dataChanged, this, &MainWindow::updateActions);

    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, [this] { autosaveNow(); });
    m_autosaveTimer->start();

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1440, 860);
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

void MainWindow::createActions()
{
    auto make = [this](const QString& text, const QString& icon, QKeySequence key, auto slot) {
        auto* a = new QAction(text, this);
        if (!icon.isEmpty())
            a->setIcon(theme::icon(icon));
        a->setProperty("iconName", icon);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setToolTip(key.isEmpty() ? text
                                    : QStringLiteral("%1 (%2)").arg(
                                        QString(text).remove('&'), key.toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_newAct = make(tr("&New"), "new", QKeySequence::New, [this] {
        if (maybeSave())
            newJob();
    });
    m_openAct = make(tr("&Open…"), "open", QKeySequence::Open, [this] {
        QString dir = m_file.isEmpty() ? QString() : QFileInfo(m_file).absolutePath();
        QString f = m_prompter->openFileName(this, dir);
        if (!f.isEmpty())
            openFile(f);
    });
    m_saveAct = make(tr("&Save"), "save", QKeySequence::Save, [this] { save(); });
    m_saveAsAct = make(tr("Save &As…"), QString(), QKeySequence::SaveAs, [this] { saveAs(); });
    m_exportAct = make(tr("&Export…"), QString(), QKeySequence(tr("Ctrl+E")), [this] {
        ExportDialog dialog(m_model->job(), this);
        dialog.exec();
    });
    m_quitAct = make(tr("&Quit"), QString(), QKeySequence::Quit, [this] { close(); });
    m_undoAct = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAct->setIcon(theme::icon("undo"));
    m_undoAct->setProperty("iconName", "undo");
    m_undoAct->setShortcut(QKeySequence::Undo);
    m_redoAct = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAct->setIcon(theme::icon("redo"));
    m_redoAct->setProperty("iconName", "redo");
    m_redoAct->setShortcut(QKeySequence::Redo);
    m_cutAct = make(tr("Cu&t"), QString(), QKeySequence::Cut, [this] {
        copySelection();
        deleteSelection();
    });
    m_copyAct = make(tr("&Copy"), QString(), QKeySequence::Copy, [this] { copySelection(); });
    m_pasteAct = make(tr("&Paste"), QString(), QKeySequence::Paste, [this] { paste(); });
    m_duplicateAct = make(
        tr("D&uplicate"), "duplicate", QKeySequence(Qt::CTRL | Qt::Key_D), [this] { duplicateSelection(); });
    m_deleteAct = make(tr("&Delete"), "delete", QKeySequence::Delete, [this] { deleteSelection(); });
    m_deleteAct->setShortcuts({ QKeySequence::Delete, QKeySequence(Qt::Key_Backspace) });
    m_selectAllAct = make(tr("Select &All"), QString(), QKeySequence::SelectAll,
        [this] { m_scene->selectNodes(m_model->nodeIds()); });
    m_zoomInAct = make(tr("Zoom &In"), "zoom-in", QKeySequence::ZoomIn, [this] { m_view->zoomIn(); });
    m_zoomInAct->setShortcuts({ QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal) });
    m_zoomOutAct = make(tr("Zoom &Out"), "zoom-out", QKeySequence::ZoomOut, [this] { m_view->zoomOut(); });
    m_zoomResetAct = make(
        tr("Actual &Size"), QString(), QKeySequence(Qt::CTRL | Qt::Key_0), [this] { m_view->setZoom(1.0); });
    m_fitAllAct = make(
        tr("&Fit All"), "fit", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), [this] { m_view->fitAll(); });
    m_fitSelectionAct = make(tr("Fit &Selection"), QString(), QKeySequence(Qt::SHIFT | Qt::Key_F),
        [this] { m_view->fitSelection(); });
    m_layoutAct
        = make(tr("Auto &Layout"), "layout", QKeySequence(Qt::CTRL | Qt::Key_L), [this] { autoLayout(); });
    m_physicalAct = make(tr("&Physical Plan"), "physical", QKeySequence(Qt::CTRL | Qt::Key_P),
        [this](bool on) { setPhysicalView(on); });
    m_physicalAct->setCheckable(true);
    m_physicalAct->setToolTip(
        tr("Show the plan Flink would run: chained tasks, subtasks, exchanges (Ctrl+P)"));
    // Canvas-only shortcuts must not steal keys from the property editors.
    for (QAction* a : { m_deleteAct, m_cutAct, m_copyAct, m_pasteAct, m_duplicateAct, m_selectAllAct }) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(a);
    }
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAct);
    file->addAction(m_openAct);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(m_saveAct);
    file->addAction(m_saveAsAct);
    file->addAction(m_exportAct);
    file->addSeparator();
    file->addAction(m_quitAct);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAct);
    edit->addAction(m_redoAct);
    edit->addSeparator();
    edit->addAction(m_cutAct);
    edit->addAction(m_copyAct);
    edit->addAction(m_pasteAct);
    edit->addAction(m_duplicateAct);
    edit->addAction(m_deleteAct);
    edit->addSeparator();
    edit->addAction(m_selectAllAct);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_zoomInAct);
    view->addAction(m_zoomOutAct);
    view->addAction(m_zoomResetAct);
    view->addAction(m_fitAllAct);
    view->addAction(m_fitSelectionAct);
    view->addSeparator();
    view->addAction(m_layoutAct);
    view->addAction(m_physicalAct);
    view->addSeparator();
    QMenu* panels = view->addMenu(tr("&Panels"));
    panels->setObjectName("panelsMenu");

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Streamlab"), this, [this] {
        QMessageBox::about(this, tr("About Streamlab"),
            tr("<h3>Streamlab %1</h3><p>A workbench for event-time stream pipelines in the style of Apache "
               "Flink.</p>")
                .arg(QApplication::applicationVersion()));
    });

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName("mainToolBar");
    tb->setMovable(false);
    tb->setIconSize(QSize(18, 18));
    tb->setToolButtonStyle(Qt::ToolButtonIconOnly);
    tb->addAction(m_newAct);
    tb->addAction(m_openAct);
    tb->addAction(m_saveAct);
    tb->addSeparator();
    tb->addAction(m_undoAct);
    tb->addAction(m_redoAct);
    tb->addSeparator();
    tb->addAction(m_duplicateAct);
    tb->addAction(m_deleteAct);
    tb->addSeparator();
    tb->addAction(m_zoomOutAct);
    tb->addAction(m_zoomInAct);
    tb->addAction(m_fitAllAct);
    tb->addAction(m_layoutAct);
    tb->addSeparator();
    tb->addAction(m_physicalAct);
}

void MainWindow::createDocks()
{
    auto dock = [this](const QString& title, const QString& name, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable
            | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, d);
        m_docks << d;
        if (auto* panels = menuBar()->findChild<QMenu*>("panelsMenu"))
            panels->addAction(d->toggleViewAction());
        return d;
    };
    auto* palette = dock(tr("Nodes"), "paletteDock", m_palette, Qt::LeftDockWidgetArea);
    auto* props = dock(tr("Properties"), "propertiesDock", m_properties, Qt::RightDockWidgetArea);
    auto* history = dock(tr("History"), "historyDock", m_history, Qt::RightDockWidgetArea);
    tabifyDockWidget(props, history);
    props->raise();
    m_bottomTabs->setDocumentMode(true);
    m_bottomTabs->addTab(m_problems, theme::icon("error"), tr("Problems"));
    m_bottomTabs->addTab(m_output, tr("Output"));
    auto* bottom = dock(tr("Messages"), "bottomDock", m_bottomTabs, Qt::BottomDockWidgetArea);
    m_bottomDock = bottom;
    m_propertiesDock = props;
    bottom->setTitleBarWidget(new QWidget(bottom)); // the tabs are the title
    resizeDocks({ palette }, { 190 }, Qt::Horizontal);
    resizeDocks({ props }, { 330 }, Qt::Horizontal);
    resizeDocks({ bottom }, { 170 }, Qt::Vertical);
}

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

void MainWindow::updateStatus()
{
    const int errors = m_problems->errorCount();
    const int warnings = m_problems->warningCount();
    QString text;
    if (errors == 0 && warnings == 0)
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

void MainWindow::newJob()
{
    if (m_replay) {
        m_replay->stop();
        m_replay->clearSettings();
        m_scene->clearLiveStats();
    }
    removeAutosave();
    m_model->clear();
    m_undo->clear();
    m_file.clear();
    m_view->setZoom(1.0);
    m_view->centerOn(QPointF(400, 200));
    m_problems->setProblems(m_model->compiled().problems);
    updateTitle();
    updateStatus();
    updateActions();
}

bool MainWindow::openFile(const QString& path, bool ask)
{
    if (ask && !maybeSave())
        return false;
    auto job = model::Job::load(path.toStdString());
    Status st = job.ok() ? m_model->setJob(*job) : job.status();
    if (!st.ok()) {
        m_lastError = QString::fromStdString(st.message());
        const bool newer = st.code() == Status::Code::Unsupported;
        m_prompter->showError(this,
            newer ? tr("“%1” was written by a newer Streamlab").arg(QFileInfo(path).fileName())
                  : tr("“%1” cannot be opened").arg(QFileInfo(path).fileName()),
            m_lastError);
        log(tr("Not opened: %1").arg(m_lastError));
        return false;
    }
    m_lastError.clear();
    removeAutosave();
    m_undo->clear();
    m_file = QFileInfo(path).absoluteFilePath();
    if (m_replay) {
        m_replay->stop();
        m_replay->clearSettings();
        m_rateBase.clear();
        m_rates.clear();
        if (!m_model->compiled().hasErrors())
            m_live->setJob(m_model->compiled().spec);
    }
    // Nodes without a position (a hand-written file) get the automatic layout.
    // So do files whose saved positions leave no room for the cards and the edge labels.
    bool missing = false;
    for (NodeId id : m_model->nodeIds())
        missing = missing || !m_model->hasPosition(id);
    for (const auto& c : m_model->connections()) {
        const qreal gap
            = m_model->nodePosition(c.inNode).x() - m_model->nodePosition(c.outNode).x() - GraphScene::cardWidth();
        missing = missing || gap < 70;
    }
    if (missing) {
        log(tr("Laid out %1 automatically: node positions were missing or too tight")
                .arg(QFileInfo(path).fileName()));
        auto pos = layeredLayout(*m_model, [this](NodeId id) { return m_scene->nodeSize(id); });
        for (const auto& [id, p] : pos)
            m_model->setNodePosition(id, p + QPointF(40, 40));
        m_undo->setClean();
    }
    m_problems->setProblems(m_model->compiled().problems);
    addRecentFile(m_file);
    updateTitle();
    updateStatus();
    updateActions();
    log(tr("Opened %1").arg(m_file));
    QTimer::singleShot(0, m_view, [this] { m_view->fitAll(); });
    if (m_physicalAct->isChecked())
        m_physical->showPlan(*m_model);
    return true;
}

bool MainWindow::saveTo(const QString& path)
{
    model::Job job = m_model->job();
    Status st = job.save(path.toStdString());
    if (!st.ok()) {
        m_lastError = QString::fromStdString(st.message());
        m_prompter->showError(this, tr("The job could not be saved"), m_lastError);
        return false;
    }
    removeAutosave();
    m_file = QFileInfo(path).absoluteFilePath();
    m_undo->setClean();
    addRecentFile(m_file);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(m_file), 4000);
    log(tr("Saved %1").arg(m_file));
    return true;
}

bool MainWindow::save() { return m_file.isEmpty() ? saveAs() : saveTo(m_file); }

bool MainWindow::saveAs()
{
    QString suggestion = m_file;
    if (suggestion.isEmpty())
        suggestion = QString::fromStdString(m_model->job().name()).replace(' ', '-') + ".json";
    QString f = m_prompter->saveFileName(this, suggestion);
    return !f.isEmpty() && saveTo(f);
}

bool MainWindow::maybeSave()
{
    if (!isModified())
        return true;
    const QString doc
        = m_file.isEmpty() ? QString::fromStdString(m_model->job().name()) : QFileInfo(m_file).fileName();
    switch (m_prompter->askToSave(this, doc)) {
    case QMessageBox::Save:
        return save();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

QStringList MainWindow::recentFiles() const { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::addRecentFile(const QString& path)
{
    QSettings settings;
    QStringList files = settings.value("recentFiles").toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    settings.setValue("recentFiles", files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files) {
        QAction* a = m_recentMenu->addAction(
            QFileInfo(f).fileName() + QStringLiteral("  —  ") + QFileInfo(f).absolutePath());
        connect(a, &QAction::triggered, this, [this, f] { openFile(f); });
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear Menu"), this, [this] {
            QSettings().remove("recentFiles");
            rebuildRecentMenu();
        });
    }
}

NodeId MainWindow::addNode(const QString& kind, QPointF scenePos)
{
    if (m_physicalAct->isChecked() || !GraphModel::nodeKinds().contains(kind))
        return kInvalidNodeId;
    Json doc = m_model->newNodeDoc(kind);
    // Snap the card's centre of the header to the drop point, on the 8-pixel grid.
    QPointF pos = scenePos - QPointF(GraphScene::cardWidth() / 2, GraphScene::cardHeaderHeight() / 2);
    pos = QPointF(std::round(pos.x() / 8) * 8, std::round(pos.y() / 8) * 8);
    setJsonAt(doc, "ui.x", pos.x());
    setJsonAt(doc, "ui.y", pos.y());
    Json fragment { { "nodes", Json::array({ doc }) }, { "edges", Json::array() } };
    auto* cmd = new AddNodesCommand(m_model, fragment, QPointF(), tr("Add %1").arg(kind));
    m_undo->push(cmd);
    NodeId id = m_model->nodeByKey(QString::fromStdString(doc["id"].get<std::string>()));
    m_scene->selectNodes({ id });
    m_view->setFocus();
    return id;
}

void MainWindow::deleteSelection()
{
    auto nodes = m_scene->selectedNodes();
    auto conns = m_scene->selectedConnections();
    if (nodes.empty() && conns.empty())
        return;
    m_undo->push(new RemoveCommand(m_model, nodes, conns));
}

void MainWindow::copySelection()
{
    auto nodes = m_scene->selectedNodes();
    if (nodes.empty())
        return;
    Json f = m_model->fragment(nodes);
    auto* mime = new QMimeData;
    QByteArray text = QByteArray::fromStdString(f.dump(2));
    mime->setData(kClipboardMime, text);
    mime->setText(QString::fromUtf8(text));
    QApplication::clipboard()->setMimeData(mime);
    statusBar()->showMessage(tr("Copied %n node(s)", nullptr, int(nodes.size())), 3000);
}

void MainWindow::paste()
{
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    QByteArray data = mime->hasFormat(kClipboardMime) ? mime->data(kClipboardMime) : mime->text().toUtf8();
    auto parsed = model::parseJson(data.toStdString(), "clipboard");
    if (!parsed.ok()) {
        statusBar()->showMessage(tr("The clipboard holds no Streamlab nodes"), 4000);
        return;
    }
    Json f = std::move(*parsed);
    if (!f.is_object() || !f.contains("nodes") || !f["nodes"].is_array() || f["nodes"].empty()) {
        statusBar()->showMessage(tr("The clipboard holds no Streamlab nodes"), 4000);
        return;
    }
    auto* cmd = new AddNodesCommand(
        m_model, f, QPointF(32, 32), tr("Paste %n node(s)", nullptr, int(f["nodes"].size())));
    m_undo->push(cmd);
    std::vector<NodeId> added;
    // The command is owned by the stack now; the new nodes are the highest ids.
    auto ids = m_model->nodeIds();
    size_t n = std::min(ids.size(), f["nodes"].size());
    added.assign(ids.end() - long(n), ids.end());
    m_scene->selectNodes(added);
}

void MainWindow::duplicateSelection()
{
    auto nodes = m_scene->selectedNodes();
    if (nodes.empty())
        return;
    Json f = m_model->fragment(nodes);
    m_undo->push(new AddNodesCommand(
        m_model, f, QPointF(32, 32), tr("Duplicate %n node(s)", nullptr, int(nodes.size()))));
    auto ids = m_model->nodeIds();
    std::vector<NodeId> added(ids.end() - long(nodes.size()), ids.end());
    m_scene->selectNodes(added);
}

void MainWindow::autoLayout()
{
    auto pos = layeredLayout(*m_model, [this](NodeId id) { return m_scene->nodeSize(id); });
    std::map<NodeId, MoveNodesCommand::Move> moves;
    for (const auto& [id, p] : pos)
        moves[id] = { m_model->nodePosition(id), p + QPointF(40, 40) };
    m_undo->push(new MoveNodesCommand(m_model, std::move(moves), tr("Auto layout"), false));
    m_view->fitAll();
}

void MainWindow::selectProblem(const QString& nodeKey, const QString& edgeKey)
{
    if (m_physicalAct->isChecked())
        m_physicalAct->trigger();
    if (!nodeKey.isEmpty()) {
        NodeId id = m_model->nodeByKey(nodeKey);
        if (id == kInvalidNodeId)
            return;
        m_scene->selectNodes({ id });
        if (auto* item = m_scene->item(id))
            m_view->ensureVisible(item, 60, 60);
        return;
    }
    if (!edgeKey.isEmpty()) {
        for (const auto& c : m_model->connections())
            if (m_model->connectionKey(c) == edgeKey) {
                m_scene->clearSelection();
                if (auto* e = m_scene->item(c)) {
                    e->setSelected(true);
                    m_view->ensureVisible(e, 60, 60);
                }
            }
        return;
    }
    m_scene->selectNodes({});
    m_properties->setNode(kJobNodeId);
}

void MainWindow::setPhysicalView(bool on)
{
    if (on)
        m_physical->showPlan(*m_model);
    m_centre->setCurrentWidget(on ? static_cast<QWidget*>(m_physical) : m_view);
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

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        refreshIcons();
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

QString MainWindow::autosaveDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
}

QString MainWindow::autosavePath() const
{
    const QByteArray key = (m_file.isEmpty() ? QStringLiteral("untitled") : m_file).toUtf8();
    const QString id = QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(16));
    // One per process and document, so that two windows or two instances never share one.
    return autosaveDir() + QStringLiteral("/%1-%2.json").arg(id).arg(QCoreApplication::applicationPid());
}

bool MainWindow::autosaveNow()
{
    if (!isModified() || m_undo->index() == m_autosavedIndex)
        return false;
    QDir().mkpath(autosaveDir());
    const QString path = autosavePath();
    if (!m_autosaveFile.isEmpty() && m_autosaveFile != path)
        removeAutosave();
    model::Job job = m_model->job();
    model::Json meta = { { "file", m_file.toStdString() }, { "savedAt", QDateTime::currentMSecsSinceEpoch() } };
    job.root["x-streamlab-autosave"] = meta;
    Status st = job.save(path.toStdString());
    if (!st.ok()) {
        log(tr("Autosave failed: %1").arg(QString::fromStdString(st.message())));
        return false;
    }
    m_autosaveFile = path;
    m_autosavedIndex = m_undo->index();
    return true;
}

void MainWindow::removeAutosave()
{
    if (!m_autosaveFile.isEmpty())
        QFile::remove(m_autosaveFile);
    m_autosaveFile.clear();
    m_autosavedIndex = -1;
}

bool MainWindow::recoverAutosave()
{
    QDir dir(autosaveDir());
    const QFileInfoList files = dir.entryInfoList({ "*.json" }, QDir::Files, QDir::Time);
    bool recovered = false;
    for (const QFileInfo& f : files) {
        if (f.absoluteFilePath() == m_autosaveFile)
            continue;
        // "<id>-<pid>.json": another Streamlab still running owns it (Linux: /proc/<pid>).
        const qint64 pid = f.completeBaseName().section('-', -1).toLongLong();
        if (pid > 0 && pid != QCoreApplication::applicationPid() && QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)))
            continue;
        if (!recovered) {
            auto job = model::Job::load(f.absoluteFilePath().toStdString());
            if (job.ok()) {
                const model::Json* meta = nullptr;
                if (job->root.contains("x-streamlab-autosave"))
                    meta = &job->root["x-streamlab-autosave"];
                const QString original = meta && (*meta)["file"].is_string()
                    ? QString::fromStdString((*meta)["file"].get<std::string>())
                    : QString();
                const QString document = original.isEmpty() ? tr("an unsaved job") : QFileInfo(original).fileName();
                if (m_prompter->askToRecover(this, document, f.lastModified())) {
                    job->root.erase("x-streamlab-autosave");
                    // Relative event paths resolve against the original file's folder.
                    job->path = original.isEmpty() ? std::filesystem::path() : std::filesystem::path(original.toStdString());
                    if (m_model->setJob(*job).ok()) {
                        m_undo->clear();
                        m_file = original;
                        m_undo->resetClean(); // recovered changes are unsaved changes
                        m_problems->setProblems(m_model->compiled().problems);
                        updateTitle();
                        updateStatus();
                        updateActions();
                        log(tr("Recovered unsaved changes to %1").arg(document));
                        QTimer::singleShot(0, m_view, [this] { m_view->fitAll(); });
                        recovered = true;
                    }
                }
            }
        }
        QFile::remove(f.absoluteFilePath());
    }
    return recovered;
}

void MainWindow::createSimulator()
{
    m_replay = new ReplayController(this);
    m_replayBar = new ReplayBar(m_replay, this);
    addToolBarBreak(Qt::TopToolBarArea);
    addToolBar(Qt::TopToolBarArea, m_replayBar);
    m_live = new LiveSettings(m_replay);
    m_loadView = new LoadView;
    m_firingsView = new FiringsView;
    m_stateView = new StateView;
    m_watermarkView = new WatermarkView;
    m_exchangeView = new ExchangeView;
    m_eventTimeView = new EventTimeView;
    m_resultsView = new ResultsView;
    m_simViews = { m_eventTimeView, m_firingsView, m_loadView, m_watermarkView, m_stateView, m_exchangeView,
        m_resultsView };

    auto* panels = menuBar()->findChild<QMenu*>("panelsMenu");
    auto dock = [this, panels](const QString& title, const QString& key, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(key + "Dock");
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable
            | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, d);
        if (panels)
            panels->addAction(d->toggleViewAction());
        m_docks << d;
        m_viewDocks[key] = d;
        return d;
    };
    QDockWidget* settings = dock(tr("Replay Settings"), "settings", m_live, Qt::RightDockWidgetArea);
    if (m_propertiesDock)
        tabifyDockWidget(m_propertiesDock, settings);
    QDockWidget* previous = m_bottomDock;
    const std::pair<QString, QString> views[] = { { tr("Event Time"), "eventtime" }, { tr("Firings"), "firings" },
        { tr("Subtask Load"), "load" }, { tr("Watermarks"), "watermarks" }, { tr("State Size"), "state" },
        { tr("Exchanges"), "exchanges" }, { tr("Results"), "results" } };
    for (size_t i = 0; i < std::size(views); ++i) {
        QDockWidget* d = dock(views[i].first, views[i].second, m_simViews[int(i)], Qt::BottomDockWidgetArea);
        if (previous)
            tabifyDockWidget(previous, d);
        previous = d;
    }
    if (m_propertiesDock)
        m_propertiesDock->raise();
    if (m_bottomDock)
        m_bottomDock->raise();

    QMenu* sim = menuBar()->addMenu(tr("&Replay"));
    for (QAction* a : { m_replayBar->playAction(), m_replayBar->stepAction(), m_replayBar->stepWatermarkAction(),
             m_replayBar->stepFiringAction(), m_replayBar->restartAction() })
        sim->addAction(a);
    // Keep the Help menu last.
    for (QAction* a : menuBar()->actions())
        if (a->text() == tr("&Help")) {
            menuBar()->removeAction(a);
            menuBar()->addAction(a);
        }

    connect(m_replayBar, &ReplayBar::restartRequested, this, [this](bool play) { startReplay(play); });
    connect(m_view, &GraphView::spaceTapped, m_replayBar->playAction(), &QAction::trigger);
    connect(m_live, &LiveSettings::restartRequested, this, [this] { startReplay(true); });
    connect(m_replay, &ReplayController::snapshotUpdated, this, &MainWindow::showReplaySnapshot);
    connect(m_replay, &ReplayController::finished, this, [this](quint64, bool ok, const QString& message) {
        const auto& s = m_replay->snapshot();
        if (ok) {
            log(tr("Replay finished: %1 events, processing time %2").arg(s ? s->eventsReplayed : 0).arg(
                simfmt::time(s ? s->processingTime : 0)));
            statusBar()->showMessage(tr("Replay finished"), 5000);
        } else {
            log(tr("Replay failed: %1").arg(message));
            m_prompter->showError(this, tr("The replay failed"), message);
        }
    });
}

void MainWindow::createDoctor()
{
    m_doctorView = new DoctorView;
    m_doctor = new DoctorController(m_model, m_undo, m_scene, m_replay, m_doctorView, this);
    m_doctorDock = new QDockWidget(m_doctor->title(), this);
    m_doctorDock->setObjectName("doctorDock");
    m_doctorDock->setWidget(m_doctorView);
    m_doctorDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, m_doctorDock);
    if (QDockWidget* last = m_viewDocks.value("results"))
        tabifyDockWidget(last, m_doctorDock);
    if (auto* panels = menuBar()->findChild<QMenu*>("panelsMenu"))
        panels->addAction(m_doctorDock->toggleViewAction());
    m_docks << m_doctorDock;
    m_viewDocks["doctor"] = m_doctorDock;
    if (m_bottomDock)
        m_bottomDock->raise();
    connect(m_doctor, &DoctorController::titleChanged, m_doctorDock, &QDockWidget::setWindowTitle);
    connect(m_doctor, &DoctorController::findingActivated, this, &MainWindow::selectProblem);
}

void MainWindow::createWhatIf()
{
    m_compareView = new CompareView;
    connect(m_compareView, &CompareView::pinned, this, [this](quint64 generation, qint64 events, qint64 results) {
        log(tr("Pinned run A (generation %1, %2 events, %3 results)").arg(generation).arg(events).arg(results));
        statusBar()->showMessage(tr("Pinned as run A: change settings and replay to compare"), 6000);
    });
    auto* d = new QDockWidget(tr("Compare A/B"), this);
    d->setObjectName("compareDock");
    d->setWidget(m_compareView);
    d->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, d);
    if (QDockWidget* last = m_viewDocks.value("results")) {
        tabifyDockWidget(last, d);
        last->raise(); // Compare waits behind its tab until a run is pinned or it is picked
    }
    if (auto* panels = menuBar()->findChild<QMenu*>("panelsMenu"))
        panels->addAction(d->toggleViewAction());
    m_docks << d;
    m_viewDocks["compare"] = d;
    if (m_bottomDock)
        m_bottomDock->raise();

    m_pinAct = new QAction(tr("Pin as Run &A"), this);
    m_pinAct->setObjectName("pinRunA");
    m_pinAct->setIconText(tr("Pin A"));
    m_pinAct->setToolTip(
        tr("Keep this run (paused or finished) as run A of Compare A/B, then change settings "
           "and replay to compare"));
    m_pinAct->setEnabled(false);
    connect(m_pinAct, &QAction::triggered, this, [this] { pinRunA(); });
    m_sweepAct = new QAction(tr("S&weep…"), this);
    m_sweepAct->setObjectName("whatIfSweep");
    m_sweepAct->setToolTip(
        tr("Replay the job once per value of a parameter and plot completeness against latency"));
    connect(m_sweepAct, &QAction::triggered, this, [this] {
        WhatIfDialog* dialog = whatIfDialog();
        dialog->refreshTargets();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    });
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&Replay")) {
            a->menu()->addSeparator();
            a->menu()->addAction(m_pinAct);
            a->menu()->addAction(m_sweepAct);
        }
    const QList<QAction*> bar = m_replayBar->actions();
    const qsizetype after = bar.indexOf(m_replayBar->stepFiringAction());
    if (after >= 0 && after + 1 < bar.size())
        m_replayBar->insertAction(bar[after + 1], m_pinAct);
    else
        m_replayBar->addAction(m_pinAct);

    // The settings a run starts with label it in the comparison; B follows the live snapshots.
    connect(m_replay, &ReplayController::started, this, [this] {
        std::map<std::string, int64_t> delays, lateness;
        std::map<std::string, std::string> files;
        const auto d = m_replay->watermarkDelays();
        for (auto it = d.begin(); it != d.end(); ++it)
            delays[it.key().toStdString()] = it.value();
        const auto l = m_replay->allowedLateness();
        for (auto it = l.begin(); it != l.end(); ++it)
            lateness[it.key().toStdString()] = it.value();
        const auto f = m_replay->eventFiles();
        for (auto it = f.begin(); it != f.end(); ++it)
            files[it.key().toStdString()] = it.value().toStdString();
        m_runSettings = runSettingsOf(m_model->job(), delays, lateness, files);
    });
    connect(m_replay, &ReplayController::snapshotUpdated, this, [this] {
        const auto& snap = m_replay->snapshot();
        m_pinAct->setEnabled(snap
            && (snap->state == runtime::ReplayState::Paused
                || snap->state == runtime::ReplayState::Finished));
        m_compareView->setLiveRun(snap, m_runSettings);
    });
    // Another job: its runs compare with nothing of the previous one.
    connect(m_model, &GraphModel::graphReset, this, [this] {
        m_compareView->clearRunA();
        m_compareView->clearLiveRun();
        m_pinAct->setEnabled(false);
    });
}

bool MainWindow::pinRunA()
{
    const auto& snap = m_replay->snapshot();
    if (!snap
        || (snap->state != runtime::ReplayState::Paused && snap->state != runtime::ReplayState::Finished)) {
        statusBar()->showMessage(tr("Pause or finish a replay to pin it as run A"), 5000);
        return false;
    }
    // A large run is copied on the background thread; the log and status follow pinned().
    m_compareView->pinAsRunA(snap, m_runSettings);
    raiseView("compare");
    return true;
}

bool MainWindow::applySetting(const QString& assignment)
{
    const std::string text = assignment.toStdString();
    // Checked as `--set` checks it, on a copy of the job.
    model::Job probe = m_model->job();
    Status st = model::applySet(probe, text);
    if (!st.ok()) {
        log(tr("Not set: %1").arg(QString::fromStdString(st.message())));
        return false;
    }
    const QString target = assignment.section('=', 0, 0);
    const QString value = assignment.section('=', 1);
    const QString owner = target.section('.', 0, 0);
    std::string path = target.section('.', 1).toStdString();
    NodeId node = kJobNodeId;
    if (owner == "config")
        path = "config." + path;
    else
        node = m_model->nodeByKey(owner);
    auto parsed = model::parseJson(value.toStdString(), "");
    model::Json v = parsed.ok() ? *parsed : model::Json(value.toStdString());
    m_undo->push(new SetParamCommand(m_model, node, path, v));
    log(tr("Set %1").arg(assignment));
    return true;
}

WhatIfDialog* MainWindow::whatIfDialog()
{
    if (!m_whatIf) {
        m_whatIf = new WhatIfDialog(m_model, m_undo, this);
        connect(m_whatIf, &WhatIfDialog::valueApplied, this,
            [this](const QString& target, const QString& value, const QString& previous) {
                log(tr("What-if: set %1 = %2 (was %3)").arg(target, value, previous));
            });
    }
    std::map<std::string, std::filesystem::path> events;
    const auto files = m_replay->eventFiles();
    for (auto it = files.begin(); it != files.end(); ++it)
        if (!it.value().isEmpty())
            events[it.key().toStdString()] = it.value().toStdString();
    m_whatIf->setEventFiles(std::move(events));
    return m_whatIf;
}

bool MainWindow::startReplay(bool play)
{
    const auto& compiled = m_model->compiled();
    if (compiled.hasErrors()) {
        const QString text = QString::fromStdString(model::describeErrors(compiled.problems, ""));
        statusBar()->showMessage(tr("Fix the problems before replaying"), 6000);
        log(tr("Replay not started: %1").arg(text));
        m_bottomDock->raise();
        return false;
    }
    auto plan = runtime::buildPlan(m_replay->effectiveSpec(compiled.spec));
    if (!plan.ok()) {
        log(tr("Replay not started: %1").arg(QString::fromStdString(plan.status().message())));
        return false;
    }
    const model::JobSpec spec = m_replay->effectiveSpec(compiled.spec);
    for (SimView* v : m_simViews)
        v->setJob(spec, *plan);
    m_live->setJob(compiled.spec);
    m_rateBase.clear();
    m_rates.clear();
    m_replay->start(compiled.spec, play);
    // The views need room: give the bottom docks a good share of the window the first time.
    if (m_bottomDock && m_bottomDock->height() < height() / 3)
        resizeDocks({ m_viewDocks.value("eventtime") }, { height() * 9 / 20 }, Qt::Vertical);
    if (m_bottomDock && !m_bottomDock->visibleRegion().isEmpty())
        m_viewDocks.value("eventtime")->raise();
    log(tr("Replay started (generation %1)").arg(m_replay->generation()));
    return true;
}

void MainWindow::raiseView(const QString& name)
{
    if (auto* d = m_viewDocks.value(name)) {
        d->show();
        d->raise();
        // The doctor's explanations need a few lines of room.
        if (d == m_doctorDock && d->height() < height() / 3)
            resizeDocks({ d }, { height() * 2 / 5 }, Qt::Vertical);
    }
}

void MainWindow::showReplaySnapshot()
{
    const auto& snap = m_replay->snapshot();
    if (!snap)
        return;
    // Models follow every snapshot (~30/s); charts and the canvas redraw at most ~10 times a
    // second while playing, at once when the replay stops (a step shows its result immediately).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 interval = snap->speed > 0 ? kRedrawIntervalMs : kFastRedrawIntervalMs;
    const bool redraw = snap->state != runtime::ReplayState::Playing || now - m_lastRedrawMs >= interval;
    if (redraw)
        m_lastRedrawMs = now;
    for (SimView* v : m_simViews)
        v->setSnapshot(snap, redraw);
    if (redraw)
        updateNodeStats();
}

void MainWindow::updateNodeStats()
{
    const auto& snap = m_replay->snapshot();
    if (!snap)
        return;
    for (NodeId id : m_model->nodeIds()) {
        const QString key = m_model->nodeKey(id);
        const auto* op = snap->metrics.op(key.toStdString());
        if (!op) {
            m_scene->setLiveStats(id, {});
            continue;
        }
        qint64 in = 0, out = 0, entries = 0, bytes = 0, late = 0;
        int64_t wm = kMaxTimestamp;
        bool stateful = op->kind == "window" || op->kind == "aggregate";
        for (const auto& s : op->subtasks) {
            in += s.recordsIn;
            out += s.recordsOut;
            entries += s.stateEntries;
            bytes += s.stateBytes;
            late += s.lateDropped + s.lateSideOutput;
            wm = std::min(wm, s.watermark);
        }
        // Records per second of processing time, over at least one virtual second.
        auto base = m_rateBase.value(key, { snap->processingTime, in });
        if (!m_rateBase.contains(key))
            m_rateBase[key] = base;
        if (snap->processingTime - base.first >= 1000) {
            m_rates[key] = double(in - base.second) * 1000.0 / double(snap->processingTime - base.first);
            m_rateBase[key] = { snap->processingTime, in };
        }
        QStringList lines;
        lines << tr("records\t%1 · %2").arg(simfmt::count(in), simfmt::rate(m_rates.value(key)));
        lines << tr("watermark\t%1").arg(wm == kMaxTimestamp ? tr("end") : simfmt::timeOfDay(wm, 0));
        if (stateful)
            lines << tr("state\t%1 · %2").arg(simfmt::count(entries), simfmt::bytes(bytes));
        if (late > 0)
            lines << tr("late\t%1").arg(simfmt::count(late));
        m_scene->setLiveStats(id, lines);
    }
}

namespace {
    // No exception crosses into Qt's event loop (DESIGN.md, Errors): one that a handler lets
    // out is caught here, logged and shown, and the window goes on.
    class GuardedApplication final : public QApplication {
    public:
        using QApplication::QApplication;
        bool notify(QObject* receiver, QEvent* event) override
        {
            try {
                return QApplication::notify(receiver, event);
            } catch (const std::exception& e) {
                report(QString::fromUtf8(e.what()));
            } catch (...) {
                report(QStringLiteral("an unknown exception"));
            }
            return false;
        }

    private:
        void report(const QString& what)
        {
            qCritical("streamlab: internal error in the window: %s", qPrintable(what));
            if (m_reporting)
                return;
            m_reporting = true;
            QMessageBox::critical(activeWindow(), QObject::tr("Streamlab"),
                QObject::tr("Internal error: %1\n\nThe window goes on; please save your work and report this with the job file.")
                    .arg(what));
            m_reporting = false;
        }
        bool m_reporting = false;
    };
} // namespace

int runGui(int argc, char** argv)
{
    GuardedApplication app(argc, argv);
    QApplication::setOrganizationName("Streamlab");
    QApplication::setApplicationName("streamlab");
    QApplication::setApplicationDisplayName("Streamlab");
    QApplication::setApplicationVersion("0.1.0");

    QString jobFile, screenshot, view;
    int forcedPalette = -1; // -1: follow the system
    int screenshotAfter = 900;
    bool replay = false;
    bool applyFixes = false;
    QString sweep, compare, latency;
    double speed = 0;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--screenshot" && i + 1 < args.size())
            screenshot = args[++i];
        else if (args[i] == "--screenshot-after" && i + 1 < args.size())
            screenshotAfter = args[++i].toInt();
        else if (args[i] == "--view" && i + 1 < args.size())
            view = args[++i];
        else if (args[i] == "--speed" && i + 1 < args.size())
            speed = args[++i].toDouble();
        else if (args[i] == "--replay")
            replay = true;
        else if (args[i] == "--apply-fixes")
            applyFixes = true;
        else if (args[i] == "--sweep" && i + 1 < args.size())
            sweep = args[++i];
        else if (args[i] == "--latency" && i + 1 < args.size())
            latency = args[++i];
        else if (args[i] == "--compare" && i + 1 < args.size())
            compare = args[++i];
        else if (args[i] == "--dark")
            forcedPalette = 1;
        else if (args[i] == "--light")
            forcedPalette = 0;
        else if (!args[i].startsWith("--") && jobFile.isEmpty())
            jobFile = args[i];
    }
    theme::applyPalette(forcedPalette < 0 ? theme::isDark(QApplication::palette()) : forcedPalette == 1);

    MainWindow w;
    if (!screenshot.isEmpty())
        w.resize(1440, 860);
    w.show();
    const bool recovered = screenshot.isEmpty() && w.recoverAutosave();
    if (!jobFile.isEmpty() && !recovered)
        w.openFile(jobFile, false);
    if (applyFixes) {
        // Once the findings are in (measured, when replaying), press every Fix; then replay the
        // fixed job so that the live views show the difference.
        auto started = std::make_shared<bool>(false);
        QObject::connect(
            w.doctor(), &DoctorController::resultShown, &w, [&w, started, replay](bool measured) {
                if (*started || (replay && !measured))
                    return;
                *started = true;
                w.doctor()->applyEveryFix();
            });
        QObject::connect(w.doctor(), &DoctorController::everyFixApplied, &w, [&w, replay] {
            w.graphView()->fitAll(); // a fix may have added nodes
            if (replay)
                w.startReplay(true);
        });
    }
    if (replay) {
        const auto& speeds = ReplayBar::speeds();
        int best = int(speeds.size()) - 1;
        for (int i = 0; i < speeds.size(); ++i)
            if (speed > 0 && speeds[i] > 0 && std::abs(speeds[i] - speed) < std::abs(speeds.value(best, 0) - speed))
                best = i;
        w.replayBar()->setSpeedIndex(best);
        w.startReplay(true);
    }
    if (!view.isEmpty())
        w.raiseView(view);
    // What-if: the screenshot waits for the sweep, or for run B, and shows the dialog or the dock.
    auto saveLater = [&w, screenshot, screenshotAfter](QWidget* what) {
        if (screenshot.isEmpty())
            return;
        QTimer::singleShot(screenshotAfter, &w, [what, screenshot] {
            what->grab().save(screenshot);
            QApplication::exit(0);
        });
    };
    if (!sweep.isEmpty()) {
        WhatIfDialog* dialog = w.whatIfDialog();
        if (!screenshot.isEmpty())
            dialog->resize(1180, 980);
        dialog->show();
        if (latency == "p99")
            dialog->setLatencyAxis(WhatIfDialog::LatencyAxis::P99);
        QObject::connect(
            dialog, &WhatIfDialog::sweepFinished, &w, [dialog, saveLater] { saveLater(dialog); });
        if (!dialog->setSweep(sweep) || !dialog->run())
            saveLater(dialog); // shows the reason
    } else if (!compare.isEmpty()) {
        // Run A as the job is, then run B with the setting: each starts once the previous one's
        // Finished snapshot is in (the finished signal may come just before it).
        auto step = std::make_shared<int>(0);
        auto handled = std::make_shared<quint64>(0);
        QObject::connect(w.replayController(), &ReplayController::snapshotUpdated, &w,
            [&w, step, handled, compare, saveLater, screenshot] {
                const auto& snap = w.replayController()->snapshot();
                if (!snap || snap->generation == *handled
                    || (snap->state != runtime::ReplayState::Finished
                        && snap->state != runtime::ReplayState::Failed))
                    return;
                *handled = snap->generation;
                const bool ok = snap->state == runtime::ReplayState::Finished;
                if (++*step == 1 && ok && w.pinRunA() && w.applySetting(compare)) {
                    w.startReplay(true);
                    return;
                }
                w.raiseView("compare");
                QDockWidget* dock = w.findChild<QDockWidget*>("compareDock");
                QWidget* shown = &w;
                if (dock && !screenshot.isEmpty()) {
                    // The screenshot is of the comparison, at a size where its charts are legible.
                    dock->setFloating(true);
                    dock->resize(1440, 900);
                    shown = dock;
                }
                w.compareView()->refresh();
                saveLater(shown);
            });
        w.startReplay(true);
    } else if (!screenshot.isEmpty()) {
        saveLater(&w);
    }
    return app.exec();
}

} // namespace streamlab::ui
