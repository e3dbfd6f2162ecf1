// The job loader through validation, the physical plan and both exports: any text as a job file.
// Whatever the input, no crash, no sanitizer finding, no exception, and an error is a message.
#include "export/json_export.h"
#include "export/sql_export.h"
#include "model/job.h"
#include "model/spec.h"
#include "runtime/plan.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace streamlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto job = model::Job::parse(text, "fuzz.json");
    if (!job.ok()) {
        if (job.status().message().empty())
            std::abort(); // every refusal says why
        return 0;
    }
    job->path = "/nonexistent/fuzz.json";
    (void)exporter::exportCanonicalJson(*job);
    (void)job->toJson().dump();
    auto compiled = model::compile(*job);
    (void)model::describeErrors(compiled.problems, "fuzz.json: ");
    if (compiled.hasErrors())
        return 0;
    auto plan = runtime::buildPlan(compiled.spec);
    if (plan.ok()) {
        (void)plan->toText();
        (void)plan->toJson().dump();
    }
    for (auto connector : { exporter::SqlOptions::Connector::Filesystem, exporter::SqlOptions::Connector::Kafka }) {
        exporter::SqlOptions options;
        options.connector = connector;
        auto sql = exporter::exportFlinkSql(*job, options);
        (void)sql;
    }
    return 0;
}
