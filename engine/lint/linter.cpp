#include "lint/linter.h"

#include "lint/replay_facts.h"
#include "lint/rules.h"
#include "runtime/plan.h"
#include "runtime/streams.h"

namespace streamlab::lint {

namespace {

    std::vector<Finding> invalid(const model::Compiled& compiled)
    {
        std::vector<Finding> out;
        for (const auto& p : compiled.problems) {
            if (p.severity != model::Severity::Error)
                continue;
            Finding f;
            f.rule = "invalid-job";
            f.severity = Severity::Error;
            f.node = p.nodeId;
            f.edge = p.edgeId;
            f.title = "the job does not compile";
            f.explanation = "The doctor checks a job that compiles; fix this first.";
            f.evidence = p.toString();
            out.push_back(std::move(f));
        }
        return out;
    }

    // What a run would refuse before its first record, found once the sources' schemas are known
    // (runtime::checkStreams): a field not in the stream, a filter that is no condition, a
    // missing event file, ... One error finding naming the job file, as validation's do.
    std::optional<Finding> streamError(const model::Job& job, const model::JobSpec& spec, const runtime::Plan& plan,
        const LintOptions& options)
    {
        auto streams = runtime::checkStreams(spec, plan, options.events);
        if (streams.ok())
            return std::nullopt;
        Finding f;
        f.rule = "job-does-not-run";
        f.severity = Severity::Error;
        const std::string& m = streams.status().message();
        if (m.rfind("node '", 0) == 0)
            f.node = m.substr(6, m.find('\'', 6) - 6);
        // The reason in the title: the doctor's list shows titles, and "does not run" alone
        // says nothing of what to fix ("node 'clicks': ...: no such event file").
        f.title = "the job does not run: " + (f.node.empty() ? m : m.substr(std::min(m.size(), m.find("': ") + 3)));
        f.explanation = "A replay (streamlab run) refuses the job before its first record.";
        f.evidence = (job.path.empty() ? std::string() : job.path.string() + ": ") + m;
        return f;
    }

} // namespace

std::vector<Finding> lintStatic(const model::Job& job) { return lintStatic(job, LintOptions {}); }

std::vector<Finding> lintStatic(const model::Job& job, const LintOptions& options)
{
    auto compiled = model::compile(job);
    if (compiled.hasErrors())
        return invalid(compiled);
    auto plan = runtime::buildPlan(compiled.spec);
    if (!plan.ok()) {
        Finding f;
        f.rule = "invalid-job";
        f.severity = Severity::Error;
        f.title = "the job has no physical plan";
        f.evidence = plan.status().message();
        return { f };
    }
    std::vector<Finding> out;
    if (auto f = streamError(job, compiled.spec, *plan, options))
        out.push_back(std::move(*f));
    detail::staticRules(detail::Context { job, compiled.spec, *plan, options }, out);
    return out;
}

Result<std::vector<Finding>> lintWithReplay(const model::Job& job, const LintOptions& options)
{
    auto compiled = model::compile(job);
    if (compiled.hasErrors())
        return invalid(compiled);
    auto plan = runtime::buildPlan(compiled.spec);
    if (!plan.ok())
        return plan.status();
    detail::Context ctx { job, compiled.spec, *plan, options };
    std::vector<Finding> out;
    if (auto streams = runtime::checkStreams(compiled.spec, *plan, options.events); !streams.ok())
        return streams.status(); // the replay cannot run: measuring fails, and says why
    detail::staticRules(ctx, out);
    ProbeOptions probe;
    probe.events = options.events;
    probe.sampleInterval = options.sampleInterval;
    probe.stopRequested = options.stopRequested;
    auto facts = probeReplay(compiled.spec, probe);
    if (!facts.ok())
        return facts.status();
    STREAMLAB_RETURN_IF_ERROR(detail::dynamicRules(ctx, *facts, out));
    if (options.stopRequested && options.stopRequested()) // a replay of a fix was cut short
        return Status::aborted("the replay was stopped");
    return out;
}

int exitCodeFor(const std::vector<Finding>& findings)
{
    auto worst = worstSeverity(findings);
    if (!worst || *worst == Severity::Info)
        return 0;
    return *worst == Severity::Error ? 1 : 2;
}

std::string formatFindings(const std::vector<Finding>& findings)
{
    if (findings.empty())
        return "no pitfalls found\n";
    std::string s;
    for (const auto& f : findings) {
        s += f.headline() + "\n";
        if (!f.explanation.empty())
            s += "  why:      " + f.explanation + "\n";
        if (!f.evidence.empty())
            s += std::string(f.measured ? "  measured: " : "  evidence: ") + f.evidence + "\n";
        if (f.fix) {
            s += "  fix:      " + f.fix->summary + "\n";
            for (const auto& set : f.fix->sets)
                s += "            --set " + set + "\n";
            for (const auto& e : f.fix->edits)
                s += "            " + toJson(Fix { {}, {}, { e } })["edits"][0].dump() + "\n";
        }
        s += "\n";
    }
    int e = 0, w = 0, i = 0;
    for (const auto& f : findings)
        (f.severity == Severity::Error ? e : f.severity == Severity::Warning ? w : i)++;
    s += std::to_string(e) + " error(s), " + std::to_string(w) + " warning(s), " + std::to_string(i)
        + " note(s)\n";
    return s;
}

} // namespace streamlab::lint
