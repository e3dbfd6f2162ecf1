#include "whatif/sweep.h"

#include "core/temp_path.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/simulation.h"
#include "time/duration.h"
#include "whatif/outcome_observer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

namespace streamlab::whatif {

namespace {

    bool hasLetter(std::string_view s)
    {
        return std::any_of(
            s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    }

    std::optional<double> number(std::string_view s)
    {
        std::string t(s);
        char* end = nullptr;
        double v = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !std::isfinite(v))
            return std::nullopt;
        return v;
    }

    std::string numberText(double v)
    {
        if (v == std::floor(v) && std::fabs(v) < 9e15)
            return std::to_string(static_cast<long long>(v));
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", v);
        return buf;
    }

    int64_t percentile(std::vector<int64_t> sorted, double q)
    {
        if (sorted.empty())
            return 0;
        auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
        return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
    }

    std::filesystem::path tempStateDir(size_t index)
    {
        std::filesystem::path p = uniqueTempPath("streamlab-sweep");
        p += "-";
        p += std::to_string(index);
        return p;
    }

    Result<SweepOutcome> measure(
        const model::Job& job, const SweepOptions& options, const std::filesystem::path& stateDir)
    {
        auto started = std::chrono::steady_clock::now();
        auto compiled = model::compile(job);
        if (compiled.hasErrors())
            return Status::invalid(model::describeErrors(compiled.problems, job.path.string() + ": "));
        // File sinks write into the replay's own folder (removed with it): replays side by side
        // would otherwise write the same files, and beside the person's job.
        if (!model::redirectFileSinks(compiled.spec, stateDir / "sinks"))
            return Status::ioError((stateDir / "sinks").string() + ": cannot create a folder for the file sinks");
        SweepOutcome out;
        OutcomeObserver observer;
        runtime::RunOptions run;
        run.events = options.events;
        run.observer = &observer;
        run.stateDir = stateDir;
        run.stopRequested = options.stopRequested;
        run.seriesInterval = std::max<int64_t>(1, options.sampleInterval);
        run.onSeries = [&out](const metrics::MetricsSnapshot& m) {
            int64_t e = 0, b = 0;
            for (const auto& o : m.operators)
                for (const auto& s : o.subtasks) {
                    e += s.stateEntries;
                    b += s.stateBytes;
                }
            out.peakStateEntries = std::max(out.peakStateEntries, e);
            out.peakStateBytes = std::max(out.peakStateBytes, b);
        };
        auto removeStateDir = [&stateDir] {
            std::error_code ec;
            std::filesystem::remove_all(stateDir, ec);
        };
        auto sim = runtime::Simulation::create(compiled.spec, run, nullptr);
        if (!sim.ok()) {
            removeStateDir();
            return sim.status();
        }
        if (Status st = observer.prepare(compiled.spec, **sim); !st.ok()) {
            sim->reset();
            removeStateDir();
            return st;
        }
        Status st = (*sim)->run();
        auto snap = (*sim)->snapshot();
        sim->reset();
        removeStateDir();
        if (!st.ok())
            return st;
        out.events = snap.eventsReplayed;
        for (const auto& o : snap.operators)
            for (const auto& s : o.subtasks) {
                out.lateFirings += s.firings.late;
                out.lateDropped += s.lateDropped;
                out.sideOutput += s.lateSideOutput;
            }
        out.assignments = observer.assignments();
        out.onTimeAssignments = observer.onTimeAssignments();
        out.completeness = out.assignments
            ? static_cast<double>(out.onTimeAssignments) / static_cast<double>(out.assignments)
            : std::nan("");
        std::vector<int64_t> lat = observer.latencies();
        std::sort(lat.begin(), lat.end());
        out.windows = static_cast<int64_t>(lat.size());
        out.latencyMedian = percentile(lat, 0.5);
        out.latencyP99 = percentile(lat, 0.99);
        out.latencyMax = lat.empty() ? 0 : lat.back();
        out.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return out;
    }

} // namespace

Result<SweepAxis> parseVary(std::string_view text)
{
    std::string t(text);
    auto eq = t.find('=');
    auto dots = t.find("..", eq == std::string::npos ? 0 : eq);
    if (eq == std::string::npos || eq == 0 || dots == std::string::npos || t.find('.') > eq)
        return Status::invalid("--vary '" + t
            + "': expected NODE.PARAM=FROM..TO[/STEP], for example "
              "clicks.watermark.maxOutOfOrderness=0s..60s/5s");
    SweepAxis axis;
    axis.target = t.substr(0, eq);
    std::string from = t.substr(eq + 1, dots - eq - 1);
    std::string rest = t.substr(dots + 2);
    std::string to = rest, step;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        to = rest.substr(0, slash);
        step = rest.substr(slash + 1);
    }
    bool durations = hasLetter(from) || hasLetter(to) || hasLetter(step);
    double a, b, s = 0;
    if (durations) {
        auto pa = time::parseDuration(from), pb = time::parseDuration(to);
        if (!pa.ok() || !pb.ok())
            return Status::invalid("--vary '" + t + "': FROM and TO must be durations such as 0s and 60s");
        a = static_cast<double>(*pa);
        b = static_cast<double>(*pb);
        if (!step.empty()) {
            auto ps = time::parseDuration(step);
            if (!ps.ok())
                return Status::invalid("--vary '" + t + "': STEP must be a duration such as 5s");
            s = static_cast<double>(*ps);
        }
    } else {
        auto na = number(from), nb = number(to);
        if (!na || !nb)
            return Status::invalid("--vary '" + t + "': FROM and TO must be numbers or durations");
        a = *na;
        b = *nb;
        if (!step.empty()) {
            auto ns = number(step);
            if (!ns)
                return Status::invalid("--vary '" + t + "': STEP must be a number");
            s = *ns;
        }
    }
    if (b < a)
        return Status::invalid("--vary '" + t + "': TO must not be below FROM");
    if (step.empty())
        s = b > a ? (b - a) / 9.0 : 1.0;
    if (s <= 0)
        return Status::invalid("--vary '" + t + "': STEP must be positive");
    if ((b - a) / s > 999.5)
        return Status::invalid("--vary '" + t + "': more than 1000 values; use a larger STEP");
    for (int i = 0;; ++i) {
        double v = a + s * i;
        if (v > b + s * 1e-9)
            break;
        if (durations)
            axis.values.push_back(time::formatDuration(static_cast<int64_t>(std::llround(v))));
        else
            axis.values.push_back(numberText(v));
    }
    return axis;
}

Result<SweepOutcome> measureReplay(const model::Job& job, const SweepOptions& options)
{
    return measure(job, options, tempStateDir(0));
}

Result<std::vector<SweepOutcome>> runSweep(
    const model::Job& job, const std::vector<SweepAxis>& axes, const SweepOptions& options)
{
    // Every combination, last axis fastest.
    std::vector<std::vector<std::string>> combos { {} };
    for (const auto& axis : axes) {
        std::vector<std::vector<std::string>> next;
        for (const auto& c : combos)
            for (const auto& v : axis.values) {
                auto n = c;
                n.push_back(axis.target + "=" + v);
                next.push_back(std::move(n));
            }
        combos = std::move(next);
    }
    // Check every assignment before replaying anything.
    std::vector<model::Job> jobs;
    for (const auto& c : combos) {
        model::Job j = job;
        for (const auto& set : c)
            STREAMLAB_RETURN_IF_ERROR(model::applySet(j, set));
        jobs.push_back(std::move(j));
    }
    int threads = options.threads > 0
        ? options.threads
        : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u));
    threads = std::max(1, std::min<int>(threads, static_cast<int>(jobs.size())));
    std::vector<std::optional<Result<SweepOutcome>>> results(jobs.size());
    std::atomic<size_t> next { 0 };
    auto work = [&] {
        for (size_t i = next++; i < jobs.size(); i = next++)
            results[i] = catchAll([&] { return measure(jobs[i], options, tempStateDir(i)); });
    };
    {
        std::vector<std::jthread> pool;
        for (int i = 1; i < threads; ++i)
            pool.emplace_back(work);
        work();
    }
    std::vector<SweepOutcome> out;
    for (size_t i = 0; i < results.size(); ++i) {
        std::string settings;
        for (const auto& s : combos[i]) {
            if (!settings.empty())
                settings += ' ';
            settings += "--set ";
            settings += s;
        }
        if (!results[i]->ok())
            return results[i]->status().withPrefix("sweep, " + settings + ": ");
        SweepOutcome o = std::move(*results[i]).value();
        o.settings = combos[i];
        out.push_back(std::move(o));
    }
    return out;
}

namespace {

    std::string percent(double v)
    {
        if (std::isnan(v))
            return "n/a";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
        return buf;
    }

    // "850ms", "4.2s", "1m 2s" for the table.
    std::string latencyText(int64_t ms)
    {
        char buf[48];
        if (ms < 1000)
            std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
        else if (ms < 60000)
            std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
        else
            std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(ms / 60000),
                static_cast<long long>(ms % 60000 / 1000));
        return buf;
    }

    std::string valueOf(const std::string& setting)
    {
        auto eq = setting.find('=');
        return eq == std::string::npos ? setting : setting.substr(eq + 1);
    }

} // namespace

std::string formatTable(const std::vector<SweepAxis>& axes, const std::vector<SweepOutcome>& rows)
{
    std::vector<std::string> head;
    for (const auto& a : axes)
        head.push_back(a.target);
    for (const char* h : { "completeness", "latency p50", "p99", "max", "windows", "late firings",
             "late dropped", "side output", "peak state entries", "peak state bytes" })
        head.push_back(h);
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : rows) {
        std::vector<std::string> c;
        for (const auto& s : r.settings)
            c.push_back(valueOf(s));
        c.push_back(percent(r.completeness));
        c.push_back(latencyText(r.latencyMedian));
        c.push_back(latencyText(r.latencyP99));
        c.push_back(latencyText(r.latencyMax));
        for (int64_t v :
            { r.windows, r.lateFirings, r.lateDropped, r.sideOutput, r.peakStateEntries, r.peakStateBytes })
            c.push_back(std::to_string(v));
        cells.push_back(std::move(c));
    }
    std::vector<size_t> width(head.size());
    for (size_t i = 0; i < head.size(); ++i) {
        width[i] = head[i].size();
        for (const auto& c : cells)
            width[i] = std::max(width[i], c[i].size());
    }
    auto line = [&](const std::vector<std::string>& c) {
        std::string s;
        for (size_t i = 0; i < c.size(); ++i) {
            if (i)
                s += "  ";
            bool left = i < axes.size();
            std::string pad(width[i] - c[i].size(), ' ');
            s += left ? c[i] + pad : pad + c[i];
        }
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
        return s + "\n";
    };
    std::string out = line(head);
    for (const auto& c : cells)
        out += line(c);
    return out;
}

std::string toCsv(const std::vector<SweepAxis>& axes, const std::vector<SweepOutcome>& rows)
{
    std::string out;
    for (const auto& a : axes)
        out += a.target + ",";
    out += "completeness,on_time_assignments,assignments,latency_median_ms,latency_p99_ms,latency_max_ms,"
           "windows,"
           "late_firings,late_dropped,side_output,peak_state_entries,peak_state_bytes,events\n";
    for (const auto& r : rows) {
        for (const auto& s : r.settings)
            out += valueOf(s) + ",";
        char buf[32];
        if (std::isnan(r.completeness))
            buf[0] = '\0';
        else
            std::snprintf(buf, sizeof buf, "%.6f", r.completeness);
        out += std::string(buf) + ",";
        for (int64_t v :
            { r.onTimeAssignments, r.assignments, r.latencyMedian, r.latencyP99, r.latencyMax, r.windows,
                r.lateFirings, r.lateDropped, r.sideOutput, r.peakStateEntries, r.peakStateBytes })
            out += std::to_string(v) + ",";
        out += std::to_string(r.events) + "\n";
    }
    return out;
}

} // namespace streamlab::whatif
