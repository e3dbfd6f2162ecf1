#include "cli.h"

#include "export/json_export.h"
#include "export/sql_export.h"
#include "model/params.h"
#include "model/spec.h"
#include "runtime/key_groups.h"
#include "runtime/plan.h"
#include "time/duration.h"
#include "runtime/simulation.h"
#include "core/java_hash.h"
#include "lint/linter.h"
#include "whatif/sweep.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

namespace streamlab::app {

namespace {

    constexpr const char* kSubcommands[] = { "run", "keys", "plan", "export", "lint", "sweep" };

    // Writes sink records and watermarks as JSON Lines, in emission order.
    class JsonLinesOut final : public runtime::ResultListener {
    public:
        explicit JsonLinesOut(std::FILE* f, bool watermarks)
            : m_file(f)
            , m_watermarks(watermarks)
        {
        }
        ~JsonLinesOut() override { flush(); }
        void onRecord(const std::string& sink, int subtask, const Schema& schema, const Record& r) override
        {
            appendSinkLineJson(m_buf, sink, subtask, schema, r);
            m_buf += '\n';
            if (m_buf.size() > (1 << 16))
                flush();
        }
        void onSinkWatermark(const std::string& sink, int subtask, int64_t w) override
        {
            if (!m_watermarks)
                return;
            m_buf += "{\"sink\":";
            appendJsonString(m_buf, sink);
            m_buf += ",\"subtask\":" + std::to_string(subtask) + ",\"watermark\":" + std::to_string(w) + "}\n";
        }
        bool flush()
        {
            if (m_buf.empty())
                return true;
            bool ok = std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) == m_buf.size();
            m_buf.clear();
            return ok;
        }

    private:
        std::FILE* m_file;
        bool m_watermarks;
        std::string m_buf;
    };

    nlohmann::ordered_json subtaskJson(const metrics::SubtaskMetrics& s)
    {
        nlohmann::ordered_json j;
        j["recordsIn"] = s.recordsIn;
        j["recordsOut"] = s.recordsOut;
        j["lateDropped"] = s.lateDropped;
        j["lateSideOutput"] = s.lateSideOutput;
        j["firings"] = { { "onTime", s.firings.onTime }, { "late", s.firings.late }, { "early", s.firings.early } };
        j["stateEntries"] = s.stateEntries;
        j["stateBytes"] = s.stateBytes;
        j["watermark"] = s.watermark;
        j["idle"] = s.idle;
        j["bytesSerialized"] = s.bytesSerialized;
        j["busyNs"] = s.busyNs;
        return j;
    }

    nlohmann::ordered_json metricsJson(const metrics::MetricsSnapshot& m)
    {
        nlohmann::ordered_json j;
        j["processingTime"] = m.processingTime;
        j["eventsReplayed"] = m.eventsReplayed;
        nlohmann::ordered_json ops = nlohmann::ordered_json::object();
        metrics::SubtaskMetrics all;
        for (const auto& o : m.operators) {
            nlohmann::ordered_json oj;
            oj["kind"] = o.kind;
            metrics::SubtaskMetrics tot;
            tot.watermark = INT64_MAX;
            nlohmann::ordered_json subs = nlohmann::ordered_json::array();
            for (const auto& s : o.subtasks) {
                subs.push_back(subtaskJson(s));
                tot.recordsIn += s.recordsIn;
                tot.recordsOut += s.recordsOut;
                tot.lateDropped += s.lateDropped;
                tot.lateSideOutput += s.lateSideOutput;
                tot.firings.onTime += s.firings.onTime;
                tot.firings.late += s.firings.late;
                tot.firings.early += s.firings.early;
                tot.stateEntries += s.stateEntries;
                tot.stateBytes += s.stateBytes;
                tot.bytesSerialized += s.bytesSerialized;
                tot.busyNs += s.busyNs;
                tot.watermark = std::min(tot.watermark, s.watermark);
            }
            oj["subtasks"] = subs;
            auto t = subtaskJson(tot);
            t.erase("idle");
            oj["total"] = t;
            oj["maxParallelism"] = o.maxParallelism;
            if (!o.keyGroupRecords.empty())
                oj["keyGroupRecords"] = o.keyGroupRecords;
            ops[o.id] = oj;
            all.lateDropped += tot.lateDropped;
            all.lateSideOutput += tot.lateSideOutput;
            all.firings.onTime += tot.firings.onTime;
            all.firings.late += tot.firings.late;
            all.firings.early += tot.firings.early;
            all.stateEntries += tot.stateEntries;
            all.stateBytes += tot.stateBytes;
            all.bytesSerialized += tot.bytesSerialized;
        }
        j["operators"] = ops;
        nlohmann::ordered_json xs = nlohmann::ordered_json::array();
        for (const auto& x : m.exchanges)
            xs.push_back({ { "from", x.from }, { "to", x.to }, { "partitioner", x.partitioner }, { "chained", x.chained },
                { "serializer", x.chained ? "none" : (x.genericSerializer ? "generic" : "typed") }, { "records", x.records },
                { "bytes", x.bytes }, { "bytesPerRecord", x.records ? static_cast<double>(x.bytes) / static_cast<double>(x.records) : 0.0 },
                { "serializeNs", x.serializeNs } });
        j["exchanges"] = xs;
        nlohmann::ordered_json srcs = nlohmann::ordered_json::object();
        for (const auto& s : m.sources)
            srcs[s.id] = { { "eventsRead", s.eventsRead }, { "watermarkLines", s.watermarkLines },
                { "badLines", s.badLines }, { "badLineReasons", s.badLineReasons } };
        j["sources"] = srcs;
        const auto& c = m.checkpoints;
        j["checkpoints"] = { { "completed", c.completed }, { "lastId", c.lastId }, { "lastBytes", c.lastBytes },
            { "lastDurationNs", c.lastDurationNs }, { "totalDurationNs", c.totalDurationNs },
            { "restoredFrom", c.restoredFrom }, { "recoveryNs", c.recoveryNs } };
        j["totals"] = { { "lateDropped", all.lateDropped }, { "lateSideOutput", all.lateSideOutput },
            { "firings", { { "onTime", all.firings.onTime }, { "late", all.firings.late }, { "early", all.firings.early } } },
            { "stateEntries", all.stateEntries }, { "stateBytes", all.stateBytes },
            { "bytesSerialized", all.bytesSerialized } };
        return j;
    }

    int fail(const std::string& msg)
    {
        std::fprintf(stderr, "streamlab: %s\n", msg.c_str());
        return 1;
    }

    // A message about a node names the job file first, as validation's messages do.
    std::string aboutJob(const std::string& jobPath, const std::string& message)
    {
        return message.rfind("node '", 0) == 0 ? jobPath + ": " + message : message;
    }

    // Loads the job, applies --set, validates. Prints every error.
    std::optional<model::JobSpec> loadJob(const std::string& path, const std::vector<std::string>& sets)
    {
        auto job = model::Job::load(path);
        if (!job.ok()) {
            fail(job.status().message());
            return std::nullopt;
        }
        for (const auto& s : sets) {
            auto st = model::applySet(*job, s);
            if (!st.ok()) {
                fail(st.message());
                return std::nullopt;
            }
        }
        auto compiled = model::compile(*job);
        for (const auto& p : compiled.problems)
            if (p.severity == model::Severity::Warning)
                std::fprintf(stderr, "streamlab: warning: %s: %s\n", path.c_str(), p.toString().c_str());
        if (compiled.hasErrors()) {
            std::fprintf(stderr, "%s\n", model::describeErrors(compiled.problems, "streamlab: " + path + ": ").c_str());
            return std::nullopt;
        }
        return compiled.spec;
    }

    // --events NODE=FILE, repeated, into a map (absolute paths).
    bool parseEvents(const std::vector<std::string>& events, std::map<std::string, std::filesystem::path>& out)
    {
        for (const auto& e : events) {
            auto eq = e.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == e.size()) {
                fail("--events '" + e + "': expected NODE=FILE");
                return false;
            }
            out[e.substr(0, eq)] = std::filesystem::absolute(e.substr(eq + 1));
        }
        return true;
    }

    struct SeriesOut {
        std::string path;
        std::string interval = "1s";
        std::string checkpointDir;
        std::string resumeDir;
        int retained = 2;
    };

    int runJob(const std::string& jobPath, const std::vector<std::string>& events, const std::vector<std::string>& sets,
        const std::string& outPath, const std::string& metricsPath, bool progress, bool watermarks, const SeriesOut& series,
        bool oneThread)
    {
        auto spec = loadJob(jobPath, sets);
        if (!spec)
            return 1;
        runtime::RunOptions options;
        if (!parseEvents(events, options.events))
            return 1;
        if (!series.checkpointDir.empty())
            options.checkpointDir = std::filesystem::absolute(series.checkpointDir);
        options.retainedCheckpoints = series.retained;
        if (!series.resumeDir.empty()) {
            options.resumeDir = std::filesystem::absolute(series.resumeDir);
            if (options.checkpointDir.empty())
                options.checkpointDir = options.resumeDir; // go on checkpointing where we resumed
        }
        std::string seriesText;
        if (!series.path.empty()) {
            auto d = time::parseDuration(series.interval);
            if (!d.ok() || *d <= 0)
                return fail("--series-interval '" + series.interval + "': expected a positive duration such as 1s");
            options.seriesInterval = *d;
            options.onSeries = [&seriesText](const metrics::MetricsSnapshot& m) {
                auto j = metricsJson(m);
                j.erase("sources");
                seriesText += j.dump() + "\n";
            };
        }
        options.pipeline = !oneThread;
        // run() asks this every few thousand records on the engine's thread, where the
        // progress figures are read: the progress line, never a stop.
        runtime::Simulation* running = nullptr;
        auto started = std::chrono::steady_clock::now();
        auto lastReport = started;
        if (progress)
            options.stopRequested = [&] {
                auto now = std::chrono::steady_clock::now();
                if (!running || now - lastReport <= std::chrono::milliseconds(500))
                    return false;
                lastReport = now;
                auto [done, total] = running->progress();
                double secs = std::chrono::duration<double>(now - started).count();
                std::fprintf(stderr, "\rstreamlab: %lld events, %.0f%% of input, %.0f events/s, processing time %s   ",
                    static_cast<long long>(running->eventsReplayed()),
                    total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0,
                    static_cast<double>(running->eventsReplayed()) / std::max(secs, 1e-9),
                    std::to_string(running->processingTime()).c_str());
                return false;
            };
        std::FILE* out = stdout;
        if (!outPath.empty() && outPath != "-") {
            out = std::fopen(outPath.c_str(), "wb");
            if (!out)
                return fail(outPath + ": cannot write (" + std::strerror(errno) + ")");
        }
        int rc = 0;
        {
            JsonLinesOut listener(out, watermarks);
            auto sim = runtime::Simulation::create(*spec, options, &listener);
            if (!sim.ok()) {
                rc = fail(aboutJob(jobPath, sim.status().message()));
            } else {
                auto& s = **sim;
                running = &s;
                Status st = s.run(); // pipelined when the job allows (RunOptions::pipeline)
                if (progress)
                    std::fprintf(stderr, "\rstreamlab: %lld events replayed%40s\n", static_cast<long long>(s.eventsReplayed()), "");
                auto snap = s.snapshot();
                for (const auto& src : snap.sources) {
                    if (src.badLines == 0)
                        continue;
                    std::fprintf(stderr, "streamlab: source '%s': %lld bad line%s skipped\n", src.id.c_str(),
                        static_cast<long long>(src.badLines), src.badLines == 1 ? "" : "s");
                    for (const auto& why : src.badLineReasons)
                        std::fprintf(stderr, "  %s\n", why.c_str());
                    if (src.badLines > static_cast<int64_t>(src.badLineReasons.size()))
                        std::fprintf(stderr, "  ... and %lld more\n",
                            static_cast<long long>(src.badLines - static_cast<int64_t>(src.badLineReasons.size())));
                }
                if (!st.ok()) {
                    rc = fail(aboutJob(jobPath, st.message()));
                } else {
                    if (!series.path.empty()) {
                        auto w = model::writeFileAtomically(series.path, seriesText);
                        if (!w.ok())
                            rc = fail(w.message());
                    }
                }
                if (st.ok() && !metricsPath.empty()) {
                    auto j = metricsJson(snap);
                    j["threads"] = s.pipelined() ? 2 : 1; // the engine's, see --one-thread
                    std::string text = j.dump(2) + "\n";
                    if (metricsPath == "-") {
                        std::fputs(text.c_str(), stderr);
                    } else {
                        auto w = model::writeFileAtomically(metricsPath, text);
                        if (!w.ok())
                            rc = fail(w.message());
                    }
                }
            }
            if (!listener.flush())
                rc = fail("cannot write the output (" + std::string(std::strerror(errno)) + ")");
        }
        if (out != stdout) {
            if (std::fclose(out) != 0)
                rc = fail(outPath + ": write failed");
        } else {
            std::fflush(stdout);
        }
        return rc;
    }

    int keys(int parallelism, std::optional<int> maxPar, const std::string& type, bool remap, const std::vector<std::string>& ks)
    {
        if (parallelism < 1 || parallelism > runtime::kUpperBoundMaxParallelism)
            return fail("--parallelism must be between 1 and 32768, got " + std::to_string(parallelism));
        int m = maxPar ? *maxPar : runtime::defaultMaxParallelism(parallelism);
        if (m < parallelism || m > runtime::kUpperBoundMaxParallelism)
            return fail("--max-parallelism must be between the parallelism (" + std::to_string(parallelism)
                + ") and 32768, got " + std::to_string(m));
        std::printf("# parallelism %d maxParallelism %d\n", parallelism, m);
        if (remap) {
            for (int i = 0; i < parallelism; ++i) {
                for (int64_t k = 0; k <= INT32_MAX; ++k) {
                    int kg = runtime::keyGroupForHash(static_cast<int32_t>(k), m);
                    if (runtime::subtaskForKeyGroup(kg, parallelism, m) == i) {
                        std::printf("%d %lld\n", i, static_cast<long long>(k));
                        break;
                    }
                }
            }
            return 0;
        }
        for (const auto& k : ks) {
            int32_t h;
            if (type == "string") {
                h = javaStringHash(k);
            } else {
                char* end = nullptr;
                errno = 0;
                long long v = std::strtoll(k.c_str(), &end, 10);
                if (k.empty() || *end != '\0' || errno == ERANGE)
                    return fail("key '" + k + "' is not a " + type);
                if (type == "int") {
                    if (v < INT32_MIN || v > INT32_MAX)
                        return fail("key '" + k + "' does not fit an int (use --type long)");
                    h = javaIntHash(static_cast<int32_t>(v));
                } else {
                    h = javaLongHash(v);
                }
            }
            int kg = runtime::keyGroupForHash(h, m);
            std::printf("%s %d %d\n", k.c_str(), kg, runtime::subtaskForKeyGroup(kg, parallelism, m));
        }
        return 0;
    }

    // `streamlab export`: Flink SQL (warnings on stderr) or the canonical job file.
    int exportJob(const std::string& jobPath, const std::string& to, const std::string& outPath,
        const std::string& connector, bool strict)
    {
        auto job = model::Job::load(jobPath);
        if (!job.ok())
            return fail(job.status().message());
        std::string text;
        if (to == "json") {
            auto compiled = model::compile(*job);
            if (compiled.hasErrors())
                return fail(model::describeErrors(compiled.problems, jobPath + ": "));
            text = exporter::exportCanonicalJson(*job);
        } else {
            exporter::SqlOptions options;
            options.connector = exporter::parseConnector(connector).value_or(exporter::SqlOptions::Connector::Filesystem);
            options.strict = strict;
            auto sql = exporter::exportFlinkSql(*job, options);
            if (!sql.ok())
                return fail(sql.status().message());
            for (const auto& w : sql->warnings)
                std::fprintf(stderr, "streamlab: warning: %s\n", w.c_str());
            text = sql->sql;
        }
        if (outPath.empty() || outPath == "-") {
            std::fwrite(text.data(), 1, text.size(), stdout);
            return 0;
        }
        auto st = model::writeFileAtomically(outPath, text);
        return st.ok() ? 0 : fail(st.message());
    }

    // `streamlab lint`: static rules, or static + dynamic with --replay. Exit 0 clean (or notes
    // only), 2 warnings, 1 errors (and 1 when the job or an event file cannot be read).
    int lintJob(const std::string& jobPath, const std::vector<std::string>& events, bool replay, bool json)
    {
        auto job = model::Job::load(jobPath);
        if (!job.ok())
            return fail(job.status().message());
        lint::LintOptions options;
        if (!parseEvents(events, options.events))
            return 1;
        std::vector<lint::Finding> findings;
        if (replay) {
            auto r = lint::lintWithReplay(*job, options);
            if (!r.ok())
                return fail(jobPath + ": replay failed: " + r.status().message());
            findings = std::move(r).value();
        } else {
            findings = lint::lintStatic(*job, options);
        }
        if (json) {
            nlohmann::ordered_json j;
            j["job"] = jobPath;
            j["replay"] = replay;
            nlohmann::ordered_json list = nlohmann::ordered_json::array();
            for (const auto& f : findings)
                list.push_back(lint::toJson(f));
            j["findings"] = std::move(list);
            j["exitCode"] = lint::exitCodeFor(findings);
            std::fputs((j.dump(2) + "\n").c_str(), stdout);
        } else {
            std::fputs(lint::formatFindings(findings).c_str(), stdout);
        }
        std::fflush(stdout);
        return lint::exitCodeFor(findings);
    }

    // `streamlab sweep`: one replay per value (combination) of the --vary ranges.
    int sweepJob(const std::string& jobPath, const std::vector<std::string>& varies, const std::vector<std::string>& events,
        const std::string& csvPath, int threads)
    {
        auto job = model::Job::load(jobPath);
        if (!job.ok())
            return fail(job.status().message());
        whatif::SweepOptions options;
        options.threads = threads;
        if (!parseEvents(events, options.events))
            return 1;
        std::vector<whatif::SweepAxis> axes;
        for (const auto& v : varies) {
            auto axis = whatif::parseVary(v);
            if (!axis.ok())
                return fail(axis.status().message());
            axes.push_back(std::move(axis).value());
        }
        auto started = std::chrono::steady_clock::now();
        auto rows = whatif::runSweep(*job, axes, options);
        if (!rows.ok())
            return fail(jobPath + ": " + rows.status().message());
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::fputs(whatif::formatTable(axes, *rows).c_str(), stdout);
        std::fflush(stdout);
        std::fprintf(stderr, "streamlab: %zu replays in %.2f s\n", rows->size(), secs);
        if (!csvPath.empty()) {
            std::string csv = whatif::toCsv(axes, *rows);
            if (csvPath == "-") {
                std::fputs(csv.c_str(), stdout);
            } else {
                auto st = model::writeFileAtomically(csvPath, csv);
                if (!st.ok())
                    return fail(st.message());
            }
        }
        return 0;
    }

} // namespace

bool isSubcommand(int argc, char** argv)
{
    if (argc < 2)
        return false;
    std::string a = argv[1];
    for (const char* s : kSubcommands)
        if (a == s)
            return true;
    return a == "--help" || a == "-h" || a == "--version";
}

namespace {
    int runSubcommand(int argc, char** argv);
}

int runCli(int argc, char** argv)
{
    // The engine answers with Status values; this is the last line for anything a library
    // still throws (an allocation that fails, a bug): a message and exit 1, never an abort.
    int rc = 1;
    Status escaped = catchAll([&] {
        rc = runSubcommand(argc, argv);
        return Status();
    });
    return escaped.ok() ? rc : fail(escaped.message() + " (please report it with the job file)");
}

namespace {
int runSubcommand(int argc, char** argv)
{
    CLI::App app { "Streamlab: a workbench for event-time stream pipelines in the style of Apache Flink.\n"
                   "Without a sub-command, opens the GUI (on JOB when given)." };
    app.set_version_flag("--version", "streamlab 0.1.0");
    app.require_subcommand(1);

    std::string jobPath, outPath, metricsPath;
    std::vector<std::string> events, sets;
    bool progress = false, watermarks = false, oneThread = false;
    auto* run = app.add_subcommand("run", "Replay a job headless and write what reaches its sinks as JSON Lines");
    run->add_option("JOB", jobPath, "The job file")->required();
    run->add_option("--events", events, "Event file for a source, replacing the job's: NODE=FILE")->allow_extra_args(false);
    run->add_option("--set", sets, "Override a parameter: NODE.PARAM=VALUE or config.PARAM=VALUE")->allow_extra_args(false);
    run->add_option("--out", outPath, "Where sink records go (JSON Lines); - is stdout (the default)");
    run->add_option("--metrics", metricsPath, "Write the final metrics as one JSON object to this file");
    run->add_flag("--progress", progress, "Print a progress line on stderr");
    run->add_flag("--watermarks", watermarks, "Also write each advance of a sink's input watermark");
    run->add_flag("--one-thread", oneThread,
        "Run every subtask on one thread (by default, when the job allows, the subtasks downstream of the "
        "sources' exchanges run on a second thread: the same results, sooner)");
    SeriesOut series;
    run->add_option("--metrics-series", series.path, "Write a metrics snapshot per interval of processing time (JSON Lines)");
    run->add_option("--series-interval", series.interval, "Processing time between two snapshots of --metrics-series (default 1s)");
    run->add_option("--checkpoint-dir", series.checkpointDir,
        "Take checkpoints every config.checkpoints.interval into DIR (file sinks commit at each)");
    run->add_option("--resume", series.resumeDir, "Restart from the latest complete checkpoint in DIR");
    run->add_option("--retain-checkpoints", series.retained, "How many complete checkpoints to keep (default 2)")
        ->check(CLI::Range(1, 1000000));

    std::string planJob;
    bool planJson = false;
    auto* planCmd = app.add_subcommand("plan", "Print the physical plan: tasks, chains, subtasks, exchanges, key groups");
    planCmd->add_option("JOB", planJob, "The job file")->required();
    planCmd->add_flag("--json", planJson, "As JSON, for tools");

    int parallelism = 0;
    std::optional<int> maxPar;
    std::string type = "string";
    bool remap = false;
    std::vector<std::string> keyList;
    auto* keysCmd = app.add_subcommand("keys", "Show the key group and subtask Flink assigns to each key");
    keysCmd->add_option("--parallelism", parallelism, "Operator parallelism")->required();
    keysCmd->add_option("--max-parallelism", maxPar, "Max parallelism (default: Flink's rule)");
    keysCmd->add_option("--type", type, "Key type")->check(CLI::IsMember({ "string", "int", "long" }));
    keysCmd->add_flag("--remap", remap, "For each subtask, the smallest non-negative int key Flink sends there");
    keysCmd->add_option("KEY", keyList, "Keys");

    std::string lintPath;
    std::vector<std::string> lintEvents;
    bool lintReplay = false, lintJsonOut = false;
    auto* lintCmd = app.add_subcommand("lint",
        "The pipeline doctor: find production pitfalls, explain them, offer fixes (exit 0 clean, 2 warnings, 1 errors)");
    lintCmd->add_option("JOB", lintPath, "The job file")->required();
    lintCmd->add_option("--events", lintEvents, "Event file for a source, replacing the job's: NODE=FILE")->allow_extra_args(false);
    lintCmd->add_flag("--replay", lintReplay, "Also replay the job and run the dynamic rules (measured evidence)");
    lintCmd->add_flag("--json", lintJsonOut, "As JSON, for tools");

    std::string sweepPath, sweepCsv;
    std::vector<std::string> sweepVary, sweepEvents;
    int sweepThreads = 0;
    auto* sweepCmd = app.add_subcommand(
        "sweep", "Replay a job once per value of a parameter and compare completeness, latency, late results and state");
    sweepCmd->add_option("JOB", sweepPath, "The job file")->required();
    sweepCmd
        ->add_option("--vary", sweepVary, "NODE.PARAM=FROM..TO[/STEP], e.g. clicks.watermark.maxOutOfOrderness=0s..60s/5s")
        ->required()
        ->allow_extra_args(false);
    sweepCmd->add_option("--events", sweepEvents, "Event file for a source, replacing the job's: NODE=FILE")->allow_extra_args(false);
    sweepCmd->add_option("--csv", sweepCsv, "Also write the table as CSV to this file (- for stdout)");
    sweepCmd->add_option("--threads", sweepThreads, "Replays at once (default: up to 2, as cores allow)");

    std::string exportPath, exportTo, exportOut, exportConnector = "filesystem";
    bool exportStrict = false;
    auto* exportCmd = app.add_subcommand("export", "Export a job: Flink SQL, or the canonical job file (JSON)");
    exportCmd->add_option("JOB", exportPath, "The job file")->required();
    exportCmd->add_option("--to", exportTo, "flink-sql or json")->required()->check(CLI::IsMember({ "flink-sql", "json" }));
    exportCmd->add_option("--out", exportOut, "Write the export to this file (atomically); - is stdout (the default)");
    exportCmd
        ->add_option("--connector", exportConnector, "flink-sql: sources and file sinks as filesystem (default) or kafka (placeholders)")
        ->check(CLI::IsMember({ "filesystem", "kafka" }));
    exportCmd->add_flag("--strict", exportStrict, "flink-sql: any warning is an error (exit 1)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 1;
    }
    // --events may be repeated; CLI11 keeps each occurrence.
    if (run->parsed())
        return runJob(jobPath, events, sets, outPath, metricsPath, progress, watermarks, series, oneThread);
    if (planCmd->parsed()) {
        auto spec = loadJob(planJob, {});
        if (!spec)
            return 1;
        auto plan = runtime::buildPlan(*spec);
        if (!plan.ok())
            return fail(plan.status().message());
        std::fputs(planJson ? (plan->toJson().dump(2) + "\n").c_str() : plan->toText().c_str(), stdout);
        return 0;
    }
    if (lintCmd->parsed())
        return lintJob(lintPath, lintEvents, lintReplay, lintJsonOut);
    if (sweepCmd->parsed())
        return sweepJob(sweepPath, sweepVary, sweepEvents, sweepCsv, sweepThreads);
    if (exportCmd->parsed())
        return exportJob(exportPath, exportTo, exportOut, exportConnector, exportStrict);
    if (keysCmd->parsed()) {
        if (remap)
            type = "int";
        return keys(parallelism, maxPar, type, remap, keyList);
    }
    return 1;
}

} // namespace

} // namespace streamlab::app
