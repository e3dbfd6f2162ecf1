#include "doctor/doctor_runner.h"

#include <QMetaObject>
#include <sys/resource.h>
#include <unistd.h>

namespace streamlab::ui {

DoctorRunner::DoctorRunner(QObject* parent)
    : QObject(parent)
{
    // One worker: checks of a job never run side by side, and the GUI keeps the other core.
    m_pool.setMaxThreadCount(1);
}

DoctorRunner::~DoctorRunner()
{
    m_pending.reset();
    if (m_stop)
        *m_stop = true; // closing the window does not wait for a whole replay
    // The worker posts its result to this object: it must be done before the object goes.
    m_pool.waitForDone();
}

quint64 DoctorRunner::check(model::Job job, bool measure, lint::LintOptions options)
{
    ++m_generation;
    m_pending = Request { m_generation, std::move(job), measure, std::move(options) };
    if (m_stop)
        *m_stop = true; // the running check is for an older version: its result would be dropped
    if (!m_running)
        startNext();
    return m_generation;
}

void DoctorRunner::cancel()
{
    ++m_generation;
    m_pending.reset();
    if (m_stop)
        *m_stop = true;
}

DoctorResult DoctorRunner::run(const Request& request, const std::shared_ptr<std::atomic<bool>>& stop)
{
    DoctorResult result;
    result.generation = request.generation;
    if (request.measure) {
        // lintWithReplay writes the job's file sinks into a folder of its own, so the doctor neither
        // changes the person's files nor races the window's replay writing the same file.
        lint::LintOptions options = request.options;
        options.stopRequested = [stop] { return stop->load(std::memory_order_relaxed); };
        auto measured = catchAll([&] { return lint::lintWithReplay(request.job, options); });
        if (measured.ok()) {
            result.findings = std::move(measured).value();
            result.measured = true;
            return result;
        }
        result.measureError = QString::fromStdString(measured.status().message());
    }
    try {
        result.findings = lint::lintStatic(request.job, request.options);
    } catch (const std::exception& e) {
        result.measureError = QString::fromStdString(std::string("internal error: ") + e.what());
    }
    return result;
}

void DoctorRunner::startNext()
{
    if (!m_pending)
        return;
    m_running = true;
    Request request = std::move(*m_pending);
    m_pending.reset();
    m_stop = std::make_shared<std::atomic<bool>>(false);
    m_pool.start([this, request = std::move(request), stop = m_stop] {
        // Below the window's replay (nice +5) and the GUI: the doctor only uses idle time.
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
        DoctorResult result = run(request, stop);
        QMetaObject::invokeMethod(
            this, [this, result = std::move(result)]() mutable { deliver(std::move(result)); },
            Qt::QueuedConnection);
    });
}

void DoctorRunner::deliver(DoctorResult result)
{
    m_running = false;
    const bool current = result.generation == m_generation;
    startNext();
    if (current)
        emit checked(result);
}

} // namespace streamlab::ui
