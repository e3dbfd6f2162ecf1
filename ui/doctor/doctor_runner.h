// Runs the pipeline doctor (lint::lintStatic, lint::lintWithReplay) off the GUI thread for the
// Doctor dock. Latest job wins: every request gets a new generation number, at most one check runs
// at a time, requests that arrive meanwhile replace each other and only the newest runs next, and a
// result is delivered only when no newer request (or invalidate()) came after it. Owned by the
// DoctorController; its methods are GUI thread only, the checks run on its own worker thread.
#pragma once

#include "lint/finding.h"
#include "lint/linter.h"
#include "model/job.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace streamlab::ui {

// What one check found. A plain value that travels from the worker thread to the GUI thread.
struct DoctorResult {
    quint64 generation = 0;
    std::vector<lint::Finding> findings;
    // The dynamic rules ran: the job was replayed and the evidence carries measured figures.
    bool measured = false;
    // Measuring was asked for and failed (a missing event file, ...): the replay's message. The
    // findings are then those of the static rules.
    QString measureError;
};

class DoctorRunner : public QObject {
    Q_OBJECT
public:
    explicit DoctorRunner(QObject* parent = nullptr);
    // Waits for the running check (a check takes at most a few replays of the job).
    ~DoctorRunner() override;

    // Checks `job`: the static rules, and with `measure` a replay and the dynamic rules, with the
    // event files of `options`. Returns the request's generation.
    quint64 check(model::Job job, bool measure, lint::LintOptions options);
    // Drops the results of every earlier request (the job changed; a new request will follow).
    void invalidate() { ++m_generation; }
    // Drops every request and stops the replay of a running check (the window's own replay
    // starts: measuring beside it would halve its speed, and it measures again when done).
    void cancel();
    quint64 generation() const { return m_generation; }
    // A check runs or waits to run.
    bool isBusy() const { return m_running || m_pending.has_value(); }

signals:
    // A result of the newest generation; older ones are dropped without a signal.
    void checked(const streamlab::ui::DoctorResult& result);

private:
    struct Request {
        quint64 generation = 0;
        model::Job job;
        bool measure = false;
        lint::LintOptions options;
    };
    static DoctorResult run(const Request& request, const std::shared_ptr<std::atomic<bool>>& stop);
    void startNext();
    void deliver(DoctorResult result);

    QThreadPool m_pool;
    std::shared_ptr<std::atomic<bool>> m_stop; // of the running check
    std::optional<Request> m_pending;
    bool m_running = false;
    quint64 m_generation = 0;
};

} // namespace streamlab::ui
