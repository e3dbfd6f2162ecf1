// ui/doctor: the pipeline doctor in the window. The controller (this file), the checks off the
// GUI thread (doctor_runner.h), the findings' table and view, and a fix as one undoable command
// (doctor_fix_command.h). It includes ui/common, the designer's model and scene (to mark cards and
// apply fixes), the replay's controller (to measure after a replay) and the engine.
//
// Drives the pipeline doctor in the window: re-checks the job ~300 ms after the last edit (static
// rules), measures it after every finished replay (static and dynamic rules, a replay of the job
// with the replay's event files, lint::lintWithReplay) and, once measured, keeps measuring after
// edits until another job is opened. Checks run off the GUI thread (DoctorRunner); the results of
// an older job version are dropped. Shows them in the DoctorView and as markers on the canvas's
// nodes, and applies a finding's fix as one undoable DoctorFixCommand. GUI thread only.
#pragma once

#include "doctor/doctor_runner.h"

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <set>
#include <string>

class QUndoStack;

namespace streamlab::ui {

class DoctorView;
class GraphModel;
class GraphScene;
class ReplayController;

class DoctorController : public QObject {
    Q_OBJECT
public:
    static constexpr int kDebounceMs = 300;

    DoctorController(GraphModel* model, QUndoStack* undo, GraphScene* scene, ReplayController* replay,
        DoctorView* view, QObject* parent = nullptr);

    DoctorView* view() const { return m_view; }
    // Checks the current job now (measuring when a replay finished or Measure was pressed before).
    void checkNow();
    // Replays the job with the replay's event files and runs every rule.
    void measure();
    bool isMeasuring() const { return m_measure; }
    // A check for the current job version is under way or waits for the debounce.
    bool isChecking() const;

    // Applies the fix of the finding in `row` of the view's model as one undo step. False with a
    // message in the dock when the finding has no fix, is out of date, or the fix does not apply.
    bool applyFix(int row);
    // Presses every Fix, one after the other, each after the re-check of the previous one (a fix
    // changes the job, and with it the other findings). Emits everyFixApplied() when none is left.
    void applyEveryFix();

    // "Doctor — 2 warnings"; "Doctor" when nothing was found.
    QString title() const;

signals:
    void titleChanged(const QString& title);
    void findingActivated(const QString& nodeKey, const QString& edgeKey);
    // The findings of the current job version are shown.
    void resultShown(bool measured);
    void everyFixApplied();

private:
    void schedule(int delayMs);
    void show(const DoctorResult& result);
    void updateBadges();
    void continueFixing();
    // The message above the findings: what failed first, else the fixes behind the job on show.
    void updateMessage();

    GraphModel* m_model;
    QUndoStack* m_undo;
    GraphScene* m_scene;
    ReplayController* m_replay;
    DoctorView* m_view;
    DoctorRunner* m_runner;
    QTimer m_debounce;
    bool m_measure = false;
    bool m_fixApplied = false; // the next model change is a fix: re-check without waiting
    bool m_fixingAll = false;
    std::set<std::string> m_fixesTried; // rule|node|edge, while applyEveryFix() runs
    QStringList m_fixNotes; // the fixes behind the job on show, until another edit
    QString m_replayError; // the last replay of the window failed (until the next one starts)
    QString m_measureError; // the shown findings are static because measuring failed
    QString m_title;
};

} // namespace streamlab::ui
