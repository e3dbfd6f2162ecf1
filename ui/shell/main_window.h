// ui/shell: the window that holds the parts together, on top of them all (it may include any
// part; no part includes it). The main window: palette, canvas, property panel, history,
// Problems and Output tabs, menus, toolbar and status bar. Its work is in files along its seams:
//   main_window.cpp          the window's frame: title, status bar, enabled actions, window events;
//   main_window_actions.cpp  its actions, menus, toolbar and docks;
//   main_window_files.cpp    files: new, open, save, save as, recent files, autosave and recovery;
//   main_window_edit.cpp     edits as the menus do them (add, delete, copy, paste, lay out);
//   main_window_replay.cpp   the replay's views, the doctor and what-if wired to the designer.
// Beside it: export_dialog.h (File > Export) and run_gui.h (the app's GUI entry point).
// GUI thread only.
#pragma once

#include "designer/graph_model.h"

#include <QMainWindow>
#include <QMap>
#include <QMessageBox>
#include <map>
#include <memory>
#include <string>

class QAction;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QDateTime;
class QUndoStack;
class QUndoView;

namespace streamlab::ui {

class GraphScene;
class GraphView;
class PaletteWidget;
class ReplayController;
class ReplayBar;
class LiveSettings;
class SimView;
class LoadView;
class FiringsView;
class StateView;
class WatermarkView;
class ExchangeView;
class EventTimeView;
class ResultsView;
class DoctorController;
class DoctorView;
class CompareView;
class WhatIfDialog;
class PhysicalView;
class ProblemsWidget;
class PropertyPanel;
class QuickAddPopup;
class StartPage;

// The questions the window asks a person. Tests replace it to answer without a modal dialog.
class Prompter {
public:
    virtual ~Prompter() = default;
    // Save, Discard or Cancel.
    virtual QMessageBox::StandardButton askToSave(QWidget* parent, const QString& document);
    virtual void showError(QWidget* parent, const QString& title, const QString& text);
    virtual QString openFileName(QWidget* parent, const QString& dir);
    virtual QString saveFileName(QWidget* parent, const QString& suggestion);
    // After a crash: recover the unsaved changes of `document` (saved `when`)?
    virtual bool askToRecover(QWidget* parent, const QString& document, const QDateTime& when);
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
    // Whether `file` is one of the samples shipped with Streamlab (Save saves a copy of those).
    static bool isSample(const QString& file);
    // Asks whether to save unsaved changes; true when it is fine to go on (saved or discarded).
    bool maybeSave();

    // Autosave: every kAutosaveIntervalMs while there are unsaved changes, the job is written to
    // the application's data folder (autosave/); saving, discarding or closing normally removes
    // it. What a crash leaves there is offered back by recoverAutosave() at the next start.
    static constexpr int kAutosaveIntervalMs = 30000;
    static constexpr int kAutosaveAfterEditMs = 2000; // after the last of a run of edits
    static QString autosaveDir();
    bool autosaveNow(); // false when there was nothing to write or it failed
    // Offers the newest autosave left by a crash; true when it was recovered. Leftovers are removed.
    bool recoverAutosave();

    // Edits, as the menus do them.
    // A node of `kind` with its header centred at `scenePos`, moved down as far as it takes to
    // cover no other node; connected after `link` (from `port`), or before it when !after.
    NodeId addNode(const QString& kind, QPointF scenePos, NodeId link = kInvalidNodeId,
        const QString& port = {}, bool after = true);
    // Quick-add at the cursor: with one node selected, the kinds that can follow it, connected to it.
    void openQuickAdd(QPoint globalPos, QPointF scenePos, NodeId link = kInvalidNodeId, const QString& port = {},
        bool after = true);
    QuickAddPopup* quickAddPopup() const { return m_quickAdd; }
    // The start page in place of the canvas (shown on an empty start and by Help > Welcome); it
    // gives way to the canvas as soon as there is a node or a file.
    void showStartPage(bool show);
    bool isStartPageShown() const;
    StartPage* startPage() const { return m_start; }
    void deleteSelection();
    void copySelection();
    void paste();
    void duplicateSelection();
    void autoLayout();
    void selectProblem(const QString& nodeKey, const QString& edgeKey);
    // Selects the problem's node and puts the cursor in the field it names (Properties raised).
    void openProblem(const QString& nodeKey, const QString& edgeKey, const QString& field);

    // The simulator: replays the current job (restart: from the start with the live settings).
    // False with a message when the job has errors.
    bool startReplay(bool play);
    void raiseView(const QString& name);
    ReplayController* replayController() const { return m_replay; }
    ReplayBar* replayBar() const { return m_replayBar; }
    LiveSettings* liveSettings() const { return m_live; }
    LoadView* loadView() const { return m_loadView; }
    FiringsView* firingsView() const { return m_firingsView; }
    StateView* stateView() const { return m_stateView; }
    WatermarkView* watermarkView() const { return m_watermarkView; }
    ExchangeView* exchangeView() const { return m_exchangeView; }
    EventTimeView* eventTimeView() const { return m_eventTimeView; }
    ResultsView* resultsView() const { return m_resultsView; }
    DoctorController* doctor() const { return m_doctor; }
    DoctorView* doctorView() const { return m_doctorView; }
    QDockWidget* doctorDock() const { return m_doctorDock; }

    // What-if (issue 10). Pins the current run (paused or finished) as run A of Compare A/B;
    // false when there is no such run.
    bool pinRunA();
    // Sets NODE.PARAM=VALUE (as `--set` does) as one undoable edit; false with the reason logged.
    bool applySetting(const QString& assignment);
    CompareView* compareView() const { return m_compareView; }
    // Replay > Sweep…: created on first use, kept (a sweep may go on while it is hidden).
    WhatIfDialog* whatIfDialog();
    QAction* pinAction() const { return m_pinAct; }
    QAction* minimapAction() const { return m_minimapAct; }
    QAction* sweepAction() const { return m_sweepAct; }

    GraphModel* graphModel() const { return m_model; }
    GraphScene* graphScene() const { return m_scene; }
    GraphView* graphView() const { return m_view; }
    QUndoStack* undoStack() const { return m_undo; }
    ProblemsWidget* problemsWidget() const { return m_problems; }
    PropertyPanel* propertyPanel() const { return m_properties; }
    PaletteWidget* paletteWidget() const { return m_palette; }
    static constexpr int kPaletteWidth = 190; // the Nodes dock's width at the first start
    QString currentFile() const { return m_file; }
    bool isModified() const;
    QString lastError() const { return m_lastError; }
    QStringList recentFiles() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

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
    void createSimulator();
    void createDoctor();
    void createWhatIf();
    void showReplaySnapshot();
    void updateNodeStats();
    // Another job is in the window (new or opened): the previous run, its live settings, the
    // figures on the cards and every view are forgotten.
    void resetReplay();
    void showProblems(); // the job's problems in Problems (none for an empty canvas)
    // Sets the replay speed that shows this job's whole replay in about 20 s; false when the job
    // cannot be estimated (empty, with errors, no readable file).
    bool fitReplaySpeed();
    // One value, shown everywhere: a job edit of a value the live settings replace (a sweep point
    // applied, the property panel) is the newer choice and forgets the live one; Replay Settings
    // show the job's values; each node card shows the live values that replace its own, marked.
    void followJobInLiveSettings();
    void showLiveOverrides();
    // On a narrow window the side panels (nodes, properties) give way before the canvas does:
    // it keeps at least half the width.
    void fitSidePanels();
    bool m_fitPanelsPending = false;
    bool m_whatIfFollowsLive = false;
    // Scrolls the canvas so that the selected nodes (just added, pasted, duplicated) are in view.
    void revealSelection();
    QString autosavePath() const;
    void removeAutosave();

    // What Copy puts on the clipboard beside the text: a fragment of a job (nodes and edges).
    static constexpr const char* kClipboardMime = "application/x-streamlab-fragment+json";

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
    QMenu* m_samplesMenu = nullptr;
    StartPage* m_start = nullptr;
    QLabel* m_statusProblems;
    QLabel* m_statusZoom;
    QLabel* m_statusNodes;
    std::unique_ptr<Prompter> m_prompter;
    QString m_file;
    QString m_lastError;
    // The job's values Replay Settings last showed, by node and parameter (see followJobInLiveSettings).
    std::map<std::pair<std::string, std::string>, int64_t> m_liveJobValues;
    // The job the replay on show started from (its JSON without node positions); empty: none.
    std::string m_replayedJob;
    bool m_speedFitted = false; // the speed was fitted to this job, or chosen by the person
    struct QuickAddTarget {
        QPointF pos;
        NodeId link = kInvalidNodeId; // the node the new one is connected to, if any
        QString port;
        bool after = true;
    } m_quickAddTarget;

    QAction* m_newAct = nullptr;
    QAction* m_openAct = nullptr;
    QAction* m_saveAct = nullptr;
    QAction* m_saveAsAct = nullptr;
    QAction* m_exportAct = nullptr;
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
    QAction* m_minimapAct = nullptr;
    QList<QDockWidget*> m_docks;
    ReplayController* m_replay = nullptr;
    ReplayBar* m_replayBar = nullptr;
    LiveSettings* m_live = nullptr;
    LoadView* m_loadView = nullptr;
    FiringsView* m_firingsView = nullptr;
    StateView* m_stateView = nullptr;
    WatermarkView* m_watermarkView = nullptr;
    ExchangeView* m_exchangeView = nullptr;
    EventTimeView* m_eventTimeView = nullptr;
    ResultsView* m_resultsView = nullptr;
    DoctorController* m_doctor = nullptr;
    DoctorView* m_doctorView = nullptr;
    QDockWidget* m_doctorDock = nullptr;
    CompareView* m_compareView = nullptr;
    WhatIfDialog* m_whatIf = nullptr;
    QAction* m_pinAct = nullptr;
    QAction* m_sweepAct = nullptr;
    // The settings of the current run (compare_run.h's RunSettings), taken when it started.
    std::map<std::string, std::string> m_runSettings;
    QList<SimView*> m_simViews;
    QMap<QString, QDockWidget*> m_viewDocks;
    QDockWidget* m_bottomDock = nullptr;
    QDockWidget* m_propertiesDock = nullptr;
    // Per node: (processing time, records in) at the last rate update, and the rate shown.
    QMap<QString, std::pair<qint64, qint64>> m_rateBase;
    QMap<QString, double> m_rates;
    qint64 m_lastRedrawMs = 0;
    QTimer* m_autosaveTimer = nullptr;
    QString m_autosaveFile; // the autosave written for the current document, if any
    int m_autosavedIndex = -1;
};

} // namespace streamlab::ui
