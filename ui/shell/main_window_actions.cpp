#include "shell/main_window.h"

#include "common/sim_format.h"
#include "common/theme.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/palette_widget.h"
#include "designer/problems_widget.h"
#include "designer/property_panel.h"
#include "shell/export_dialog.h"
#include "shell/start_page.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>

namespace streamlab::ui {

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
    m_minimapAct = new QAction(tr("&Minimap"), this);
    m_minimapAct->setCheckable(true);
    m_minimapAct->setToolTip(tr("The whole graph in a corner of the canvas when it does not fit; never over a node"));
    m_minimapAct->setChecked(QSettings().value("canvas/minimap", true).toBool());
    m_view->setMinimapEnabled(m_minimapAct->isChecked());
    connect(m_minimapAct, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue("canvas/minimap", on);
        m_view->setMinimapEnabled(on);
    });
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
    // The samples, each a pitfall from production with its event file, ready to replay.
    m_samplesMenu = file->addMenu(tr("Open &Sample"));
    m_samplesMenu->setObjectName("samplesMenu");
    for (const Sample& sample : samples()) {
        QAction* a = m_samplesMenu->addAction(sample.title, this, [this, path = sample.path] { openFile(path); });
        a->setStatusTip(sample.summary);
        a->setData(sample.path);
    }
    m_samplesMenu->setEnabled(!m_samplesMenu->isEmpty());
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
    view->addAction(m_minimapAct);
    view->addSeparator();
    view->addAction(m_layoutAct);
    view->addAction(m_physicalAct);
    view->addSeparator();
    QMenu* panels = view->addMenu(tr("&Panels"));
    panels->setObjectName("panelsMenu");

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Welcome"), this, [this] { showStartPage(true); })->setObjectName("welcomeAction");
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
    resizeDocks({ palette }, { kPaletteWidth }, Qt::Horizontal);
    resizeDocks({ props }, { 330 }, Qt::Horizontal);
    resizeDocks({ bottom }, { 170 }, Qt::Vertical);
}

} // namespace streamlab::ui
