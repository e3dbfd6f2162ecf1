// The CSV and JSON Lines readers in every mode, and a small windowed job over what they read.
// The first byte picks the mode: format, onError, declared or inferred schema, an arrival field,
// the window; the rest is the event file. Whatever the file, the run ends (no hang: an arrival
// column may jump by billions of milliseconds), nothing crashes, and a bad line is a message.
#include "fuzz_common.h"

#include "io/event_reader.h"
#include "model/job.h"
#include "model/spec.h"
#include "runtime/simulation.h"

#include <cstdlib>
#include <string>

using namespace streamlab;

namespace {

class Discard final : public runtime::ResultListener {
public:
    void onRecord(const std::string&, int, const Schema&, const Record&) override { }
};

std::string jobText(uint8_t mode, const std::string& file)
{
    const bool jsonl = mode & 1, skip = mode & 2, declared = mode & 4, arrival = mode & 8;
    static const char* const kWindows[] = {
        R"({"type":"tumbling","size":"10s"})",
        R"({"type":"sliding","size":"10s","slide":"5s"})",
        R"({"type":"session","gap":"5s"})",
        R"({"type":"global"})",
    };
    const int window = (mode >> 5) & 3;
    std::string trigger = window == 3 ? R"({"type":"count","count":3})" : R"({"type":"eventTime"})";
    std::string source = R"({"id":"src","kind":"source","path":")" + file + R"(","format":")"
        + (jsonl ? "jsonl" : "csv") + R"(","timestamp":"ts","onError":")" + (skip ? "skip" : "fail")
        + R"(","partitions":{"count":2},"watermark":{"strategy":"boundedOutOfOrderness","maxOutOfOrderness":"1s","idleTimeout":"2s"})";
    if (declared)
        source += R"(,"schema":{"k":"string","ts":"timestamp","v":"double","arr":"long"})";
    if (arrival)
        source += R"(,"arrival":"arr")";
    source += "}";
    return R"({"format":"streamlab-job","version":1,"config":{"parallelism":2},"nodes":[)" + source
        + R"(,{"id":"byK","kind":"keyBy","key":["k"]},{"id":"w","kind":"window","assigner":)" + kWindows[window]
        + R"(,"trigger":)" + trigger + R"(,"allowedLateness":"1s","lateOutput":true,"aggregate":{"fn":"count"}},)"
        + R"({"id":"out","kind":"sink"},{"id":"late","kind":"sink"}],"edges":[{"from":"src","to":"byK"},)"
        + R"({"from":"byK","to":"w"},{"from":"w","to":"out"},{"from":"w.late","to":"late"}]})";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    const bool jsonl = mode & 1;
    auto file = fuzz::writeScratch(jsonl ? "events.jsonl" : "events.csv",
        std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    auto job = model::Job::parse(jobText(mode, file.string()), "fuzz-events.json");
    if (!job.ok())
        std::abort(); // the job text is ours
    job->path = fuzz::scratch() / "fuzz-events.json";
    auto compiled = model::compile(*job);
    if (compiled.hasErrors())
        std::abort();
    const auto& source = *compiled.spec.node("src");
    if (!(mode & 16)) {
        // The reader alone, to the end or the first error.
        auto reader = io::EventReader::open(source.as<model::SourceSpec>(), "src");
        if (!reader.ok())
            return 0;
        io::Event e;
        for (int i = 0; i < 100000; ++i) {
            auto r = (*reader)->next(e);
            if (!r.ok()) {
                if (r.status().message().find("events.") == std::string::npos)
                    std::abort(); // a bad line names the file
                break;
            }
            if (!*r)
                break;
        }
        return 0;
    }
    Discard discard;
    runtime::RunOptions options;
    options.pipeline = (mode & 128) != 0;
    auto sim = runtime::Simulation::create(compiled.spec, options, &discard);
    if (!sim.ok())
        return 0;
    (void)(*sim)->run();
    return 0;
}
