// The GUI entry point of the app (app/main.cpp calls it when it is not given a CLI command).
#pragma once

namespace streamlab::ui {

// Creates the QApplication (organisation "Streamlab", application "streamlab"), opens the job
// given as the first argument (else a new job), shows the main window and runs the event loop.
// Options: --dark / --light force a palette; --screenshot FILE saves the window and quits (after
// --screenshot-after MS, default 900); --replay starts a replay of the job (--speed X, default max);
// --view NAME raises a simulator view (load, firings, state, watermarks, exchanges, eventtime,
// results, settings) or the Doctor dock (doctor); --apply-fixes presses every Fix of the doctor,
// one after the other, once its findings are in (after the replay's measured check with --replay,
// which then replays the fixed job again) and fits the canvas, so that a screenshot shows the job
// after the fixes.
// What-if (issue 10): --sweep NODE.PARAM=FROM..TO/STEP opens Replay > Sweep… on that range and runs
// it (with --screenshot, the dialog is saved once the sweep is done; --latency p99 plots the p99);
// --compare NODE.PARAM=VALUE replays the job, pins it as run A, sets the parameter (one undoable
// edit), replays run B and raises Compare A/B (with --screenshot, that dock is saved once B is done).
int runGui(int argc, char** argv);

} // namespace streamlab::ui
