// The doctor's static rules: any text as a job file beside a small event file, linted (the same
// errors run finds, then the pitfalls), and every fix a finding offers applied and linted again.
#include "fuzz_common.h"

#include "lint/fix.h"
#include "lint/linter.h"
#include "model/job.h"

#include <cstdlib>

using namespace streamlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const bool kEvents = [] {
        fuzz::writeScratch("clicks.csv",
            "user,ts,page,amount\nu1,2022-09-23T10:00:00Z,home,1.5\nu2,2022-09-23T10:00:01Z,cart,2\n"
            "u1,2022-09-23T10:00:03Z,home,0\n");
        fuzz::writeScratch("clicks.jsonl",
            "{\"user\":\"u1\",\"ts\":1663927200000,\"amount\":1.5}\n{\"@watermark\":1663927200000}\n");
        return true;
    }();
    (void)kEvents;
    auto job = model::Job::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (!job.ok())
        return 0;
    job->path = fuzz::scratch() / "fuzz.json";
    auto findings = lint::lintStatic(*job);
    (void)lint::formatFindings(findings);
    (void)lint::exitCodeFor(findings);
    for (const auto& f : findings) {
        if (f.title.empty())
            std::abort(); // every finding says what it is
        if (!f.fix)
            continue;
        model::Job fixed = *job;
        if (lint::applyFix(fixed, *f.fix).ok())
            (void)lint::lintStatic(fixed);
    }
    return 0;
}
