// The designer's main window: palette, canvas, property panel, history, Problems and Output
// tabs, menus, toolbar and status bar; files (new, open, save, save as, recent files, drops of
// job files, unsaved-changes prompt). runGui() is the GUI entry point of the app.
// GUI thread only.
#pragma once

#include "graph_model.h"

#include <QMainWindow>
#include <QMessageBox>
#include <memory>

class QAction;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QUndoStack;
class QUndoView;

namespace streamlab::ui {

class GraphScene;
class GraphView;
class PaletteWidget;
class PhysicalView;
class ProblemsWidget;
class PropertyPanel;
class QuickAddPopup;

// Creates the QApplication (organisation "Streamlab", application "streamlab"), opens the job
// given as the first argument (else a new job), shows the main window and runs the event loop.
// Options: --dark / --light force a palette; --screenshot FILE saves the window and quits.
int runGui(int argc, char** argv);

// The questions the window asks a person. Tests replace it to answer without a modal dialog.
class Prompter {
public:
    virtual ~Prompter() = default;
    // Save, Discard or Cancel.
    virtual QMessageBox::StandardButton askToSave(QWidget* parent, const QString& document);
    virtual void showError(QWidget* parent, const QString& title, const QString& text);
    virtual QString openFileName(QWidget* parent, const QString& dir);
    virtual QString saveFileName(QWidget* parent, const QString& suggestion);
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setPrompter(std::unique_ptr<Prompter> prompter);

    // Opens a job file, replacing the current job (after the unsaved-changes prompt when
    // `ask`). A broken file, a newer format version or a file that is not a job is refused with
    // a message and the current job is kept.
    bool openFile(const QString& path, bool ask = true);
    void newJob();
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    // Asks whether to save unsaved changes; true when it is fine to go on (saved or discarded).
    bool maybeSave();

    // Edits, as the menus do them.
    NodeId addNode(const QString& kind, QPointF scenePos);
    void deleteSelection();
    void copySelection();
    void paste();
    void duplicateSelection();
    void autoLayout();
    void selectProblem(const QString& nodeKey, const QString& edgeKey);

    GraphModel* graphModel() const { return m_model; }
    GraphScene* graphScene() const { return m_scene; }
    GraphView* graphView() const { return m_view; }
    QUndoStack* undoStack() const { return m_undo; }
    ProblemsWidget* problemsWidget() const { return m_problems; }
    PropertyPanel* propertyPanel() const { return m_properties; }
    PaletteWidget* paletteWidget() const { return m_palette; }
    QString currentFile() const { return m_file; }
    bool isModified() const;
    QString lastError() const { return m_lastError; }
    QStringList recentFiles() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    void updateTitle();
    void updateStatus();
    void updateActions();
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void log(const QString& line);
    void refreshIcons();
    void setPhysicalView(bool on);

    GraphModel* m_model;
    QUndoStack* m_undo;
    GraphScene* m_scene;
    GraphView* m_view;
    PhysicalView* m_physical;
    QStackedWidget* m_centre;
    PaletteWidget* m_palette;
    PropertyPanel* m_properties;
    QUndoView* m_history;
    ProblemsWidget* m_problems;
    QPlainTextEdit* m_output;
    QTabWidget* m_bottomTabs;
    QuickAddPopup* m_quickAdd;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_statusProblems;
    QLabel* m_statusZoom;
    QLabel* m_statusNodes;
    std::unique_ptr<Prompter> m_prompter;
    QString m_file;
    QString m_lastError;
    QPointF m_quickAddPos;

    QAction* m_newAct = nullptr;
    QAction* m_openAct = nullptr;
    QAction* m_saveAct = nullptr;
    QAction* m_saveAsAct = nullptr;
    QAction* m_quitAct = nullptr;
    QAction* m_undoAct = nullptr;
    QAction* m_redoAct = nullptr;
    QAction* m_cutAct = nullptr;
    QAction* m_copyAct = nullptr;
    QAction* m_pasteAct = nullptr;
    QAction* m_duplicateAct = nullptr;
    QAction* m_deleteAct = nullptr;
    QAction* m_selectAllAct = nullptr;
    QAction* m_zoomInAct = nullptr;
    QAction* m_zoomOutAct = nullptr;
    QAction* m_zoomResetAct = nullptr;
    QAction* m_fitAllAct = nullptr;
    QAction* m_fitSelectionAct = nullptr;
    QAction* m_layoutAct = nullptr;
    QAction* m_physicalAct = nullptr;
    QList<QDockWidget*> m_docks;
};

} // namespace streamlab::ui
