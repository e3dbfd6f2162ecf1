// Issue 7: a replay of 10 million events at full speed with the GUI open, against the headless
// run of the same job. Measures the longest stall of the GUI event loop (goal < 50 ms) and the
// replay's wall time against the headless run (goal <= 1.2x). The headless run is the CLI,
// `streamlab run JOB --out FILE`, run as a process as a person would run it: it writes every
// result as a JSON line, as the GUI keeps every result for its table. The engine alone is timed
// too, with a sink that only counts (a stricter baseline than the CLI: no results kept or
// written), pipelined (two threads: runtime::RunOptions::pipeline) as `streamlab run` runs.
// Job: source (10 k string keys, 2 s disorder) -> keyBy -> 1-minute tumbling count -> sink.
// Run: build/bench/bench_gui_replay   (STREAMLAB_BENCH_EVENTS=N for a smaller file,
// STREAMLAB_BENCH_ROUNDS=R rounds of headless + GUI, default 3; STREAMLAB_BENCH_CLI=PATH another
// streamlab executable for the headless run; needs a
// display or QT_QPA_PLATFORM=offscreen). Built without the UI (STREAMLAB_BUILD_UI=OFF) it
// prints the headless figure only.
#include "bench_data.h"
// Engine headers first: operator.h has a member named emit, which Qt's keyword macro would eat.
#include "model/job.h"
#include "model/spec.h"
#include "runtime/replay.h"
#include "runtime/simulation.h"

#if __has_include(<QApplication>) && __has_include("shell/main_window.h")
#define STREAMLAB_BENCH_GUI 1
#include "doctor/doctor_controller.h"
#include "replay/event_time_view.h"
#include "replay/replay_bar.h"
#include "replay/replay_controller.h"
#include "shell/main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#endif

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>
#include <nlohmann/json.hpp>

using namespace streamlab;

namespace {

std::string jobText(const std::filesystem::path& events)
{
    return R"({"format":"streamlab-job","version":1,"name":"bench: 10 M events, keyed 1-min count",
        "config":{"parallelism":1,"autoWatermarkInterval":"200ms"},"nodes":[
        {"id":"src","kind":"source","path":)"
        + nlohmann::json(events.string()).dump() + R"(,"timestamp":"ts","rate":1000000,
         "schema":{"ts":"timestamp","key":"string","value":"long"},
         "watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"2s"},"ui":{"x":40,"y":120}},
        {"id":"k","kind":"keyBy","key":["key"],"ui":{"x":300,"y":120}},
        {"id":"count","kind":"window","assigner":{"type":"tumbling","size":"1m"},"aggregate":{"fn":"count"},
         "ui":{"x":560,"y":120}},
        {"id":"out","kind":"sink","type":"collect","ui":{"x":820,"y":120}}],
        "edges":[{"from":"src","to":"k"},{"from":"k","to":"count"},{"from":"count","to":"out"}]})";
}

struct CountingSink final : runtime::ResultListener {
    int64_t records = 0;
    void onRecord(const std::string&, int, const Schema&, const Record&) override { ++records; }
};

double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double g_headlessCpu = 0, g_replayCpu = 0, g_replayProcessCpu = 0; // CPU time of the last runs' engine threads

double headless(const model::JobSpec& spec, int64_t& records, bool pipeline = true)
{
    const double cpu0 = threadCpuSeconds();
    CountingSink sink;
    auto t0 = std::chrono::steady_clock::now();
    runtime::RunOptions options;
    options.pipeline = pipeline;
    auto sim = runtime::Simulation::create(spec, options, &sink);
    if (!sim.ok() || !(*sim)->run().ok()) {
        std::fprintf(stderr, "headless run failed\n");
        std::exit(1);
    }
    records = sink.records;
    g_headlessCpu = threadCpuSeconds() - cpu0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

#ifdef STREAMLAB_CLI
// `streamlab run JOB --out OUT`, the whole process: what the headless run costs a person.
double cli(const std::string& job, const std::string& out)
{
    const char* other = std::getenv("STREAMLAB_BENCH_CLI"); // another build's CLI, to compare builds
    const std::string command
        = std::string("'") + (other ? other : STREAMLAB_CLI) + "' run '" + job + "' --out '" + out + "'";
    auto t0 = std::chrono::steady_clock::now();
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "failed: %s\n", command.c_str());
        std::exit(1);
    }
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove(out);
    return t;
}
#endif

// The engine's live replay (runtime::Replay on its worker thread, with the options the window
// gives it) with no window consuming its snapshots: what the replay machinery costs by itself,
// so that the GUI's own share of the overhead can be told apart.
double replayWithoutWindow(const model::JobSpec& spec)
{
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    runtime::ReplayOptions o;
    o.workerNice = 5; // as ReplayController sets it
    o.onDone = [&](uint64_t, const Status& st) {
        if (!st.ok())
            std::fprintf(stderr, "replay failed: %s\n", st.message().c_str());
        g_replayCpu = threadCpuSeconds(); // the worker thread's whole life
        std::lock_guard lock(m);
        done = true;
        cv.notify_all();
    };
    const double proc0 = processCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    runtime::Replay replay(spec, std::move(o), 1);
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
    g_replayProcessCpu = processCpuSeconds() - proc0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Rounds of (headless run, engine replay, GUI replay), alternating, so that both meet the same noise of the
// shared machine; STREAMLAB_BENCH_ROUNDS sets how many (default 3). Reports every round, the
// median of each and their ratio, and the longest stall over all GUI replays.
int rounds()
{
    const char* r = std::getenv("STREAMLAB_BENCH_ROUNDS");
    return r ? std::max(1, std::atoi(r)) : 3;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t n = bench::eventCount();
    const auto events = bench::eventsCsv(n, 10000, 2000);
    const std::string text = jobText(events);
    auto job = model::Job::parse(text, "bench");
    auto compiled = model::compile(*job);
    if (compiled.hasErrors()) {
        std::fprintf(stderr, "%s\n", model::describeErrors(compiled.problems, "").c_str());
        return 1;
    }
    int64_t records = 0;
#ifndef STREAMLAB_BENCH_GUI
    (void)argc, (void)argv;
    const double tHeadless = headless(compiled.spec, records);
    const double tOneThread = headless(compiled.spec, records, false);
    std::printf("headless run: %lld events, %lld results in %.2f s (%.2f s on one thread)\n",
        static_cast<long long>(n), static_cast<long long>(records), tHeadless, tOneThread);
    std::printf("GUI part not built: bench_gui_replay needs to link the ui library (bench/README.md)\n");
    return 0;
#else
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Streamlab");
    QApplication::setApplicationName("streamlab-bench");
    QTemporaryDir dir;
    QFile f(dir.filePath("job.json"));
    f.open(QIODevice::WriteOnly);
    f.write(QByteArray::fromStdString(text));
    f.close();

    ui::MainWindow w;
    w.resize(1440, 900);
    w.show();
    w.openFile(f.fileName(), false);
    // Full speed, as a person sets it on the slider (the window fits the speed to the job).
    w.replayBar()->setSpeedIndex(ui::ReplayBar::maxSpeedIndex());

    // The event loop's pulse: a precise 5 ms timer; the longest gap between two ticks minus the
    // interval is the longest stall a person would feel.
    QTimer pulse;
    pulse.setTimerType(Qt::PreciseTimer);
    pulse.setInterval(5);
    QElapsedTimer clock;
    qint64 last = -1, worst = 0, worstAt = 0, ticks = 0;
    QString worstView; // the view raised last when the longest stall ended
    QString shown;
    auto gap = [&](qint64 now) {
        if (last >= 0 && now - last > worst) {
            worst = now - last;
            worstAt = now;
            worstView = shown;
        }
    };
    QObject::connect(&pulse, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gap(now);
        last = now;
        ++ticks;
    });
    // Flip through the views while replaying, so that every chart redraws at some point.
    const QStringList views
        = { "eventtime", "firings", "load", "watermarks", "state", "exchanges", "results" };
    int viewIndex = 0;
    QTimer flip;
    flip.setInterval(1000);
    QObject::connect(&flip, &QTimer::timeout, [&] {
        shown = views[viewIndex++ % views.size()];
        w.raiseView(shown);
    });

    auto threadCpu = [] {
        timespec ts {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    };
    double tGui = 0, cpu0 = 0, cpuGui = 0, proc0 = 0, procGui = 0;
    QObject::connect(w.replayController(), &ui::ReplayController::finished, &app,
        [&](quint64, bool ok, const QString& message) {
            tGui = static_cast<double>(clock.nsecsElapsed()) / 1e9;
            // The end counts too: a freeze while the last snapshot is shown is a stall as well.
            gap(clock.nsecsElapsed());
            cpuGui = threadCpu() - cpu0;
            procGui = processCpuSeconds() - proc0;
            pulse.stop();
            flip.stop();
            if (!ok)
                std::fprintf(stderr, "replay failed: %s\n", qPrintable(message));
            QTimer::singleShot(0, &app, [] { QApplication::exit(0); });
        });

    std::vector<double> cliTimes, headlessTimes, replayTimes, guiTimes;
    const std::string jobPath = f.fileName().toStdString();
    const std::string cliOut = dir.filePath("out.jsonl").toStdString();
    qint64 worstAll = 0, ticksAll = 0;
    double cpuAll = 0;
    for (int round = 0; round < rounds(); ++round) {
        // After a replay the doctor measures the job with a replay of its own (at nice +10); the
        // next round waits for it, so that no run of the benchmark shares the machine with it.
        int waited = 0;
        for (; w.doctor()->isChecking() && waited < 600; ++waited) {
            QEventLoop idle;
            QTimer::singleShot(100, &idle, &QEventLoop::quit);
            idle.exec();
        }
        if (waited)
            std::printf("(waited %.1f s for the doctor's measurement)\n", waited / 10.0);
        const double coresBefore = bench::coreRoundTripNs();
        const double tCli = cli(jobPath, cliOut);
        cliTimes.push_back(tCli);
        const double tHeadless = headless(compiled.spec, records);
        const double tReplay = replayWithoutWindow(compiled.spec);
        replayTimes.push_back(tReplay);
        last = -1;
        worst = worstAt = ticks = 0;
        shown = worstView = QString();
        QTimer::singleShot(200, &w, [&] {
            clock.start();
            cpu0 = threadCpu();
            proc0 = processCpuSeconds();
            pulse.start();
            flip.start();
            w.startReplay(true);
        });
        app.exec();
        headlessTimes.push_back(tHeadless);
        guiTimes.push_back(tGui);
        worstAll = std::max(worstAll, worst);
        ticksAll += ticks;
        cpuAll += cpuGui;
        const double coresAfter = bench::coreRoundTripNs();
        std::printf("round %d (cores %.0f/%.0f ns apart): streamlab run %.2f s; engine alone %.2f s, replay without window "
                    "%.2f s (CPU %.2f s vs %.2f s), GUI replay %.2f s (%.2fx streamlab run, %.2fx "
                    "the engine alone; process CPU %.2f s against %.2f s without window), longest stall %.1f ms (ending %.2f s into the replay, view %s)\n",
            round + 1, coresBefore, coresAfter, tCli, tHeadless, tReplay, g_replayCpu, g_headlessCpu, tGui,
            tGui / tCli, tGui / tHeadless, procGui, g_replayProcessCpu, std::max<double>(0, static_cast<double>(worst) / 1e6 - 5.0),
            static_cast<double>(worstAt) / 1e9, worstView.isEmpty() ? "-" : qPrintable(worstView));
    }
    const double mc = median(cliTimes), mh = median(headlessTimes), mg = median(guiTimes);
    double sumGui = 0;
    for (double t : guiTimes)
        sumGui += t;
    // Each round's runs meet the same noise; their own ratio says as much as the medians'.
    auto perRound = [&](const std::vector<double>& a, const std::vector<double>& b) {
        std::vector<double> r;
        for (size_t i = 0; i < a.size(); ++i)
            r.push_back(a[i] / b[i]);
        return r;
    };
    const auto guiCli = perRound(guiTimes, cliTimes), guiEngine = perRound(guiTimes, headlessTimes);
    std::printf("streamlab run (the headless run): %lld events, %lld results, median %.2f s (%.2f M events/s)\n",
        static_cast<long long>(n), static_cast<long long>(records), mc, static_cast<double>(n) / mc / 1e6);
    std::printf("engine alone (counting sink): median %.2f s\n", mh);
    std::printf("replay without a window: median %.2f s, %.2fx the engine alone (median of rounds)\n",
        median(replayTimes), median(perRound(replayTimes, headlessTimes)));
    std::printf("GUI replay: median %.2f s (%.2f M events/s)\n", mg, static_cast<double>(n) / mg / 1e6);
    std::printf("  against streamlab run (goal <= 1.2x): %.2fx the median; by round median %.2fx (%.2f-%.2fx)\n",
        mg / mc, median(guiCli), *std::min_element(guiCli.begin(), guiCli.end()),
        *std::max_element(guiCli.begin(), guiCli.end()));
    std::printf("  against the engine alone (stricter): %.2fx the median; by round median %.2fx (%.2f-%.2fx)\n",
        mg / mh, median(guiEngine), *std::min_element(guiEngine.begin(), guiEngine.end()),
        *std::max_element(guiEngine.begin(), guiEngine.end()));
    std::printf("GUI event loop: %lld ticks of 5 ms, longest stall %.1f ms over all rounds (goal < 50 ms); GUI "
                "thread busy %.0f%% of the time\n",
        static_cast<long long>(ticksAll), std::max<double>(0, static_cast<double>(worstAll) / 1e6 - 5.0),
        100.0 * cpuAll / std::max(sumGui, 1e-9));
    return 0;
#endif
}
