// A sweep of 10 watermark delays over the clickstream sample against 10 x the time of one replay of
// it, measured in the same run. Goal (issue 10): the sweep takes less than 10 x one replay on two
// cores (it runs its replays on up to two threads). One replay here is what the sweep does per
// value (the replay plus its completeness and latency bookkeeping), the median of 5.
//
//   bench_sweep [JOB] [--vary NODE.PARAM=FROM..TO/STEP] [--threads N]
#include "model/job.h"
#include "whatif/sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace streamlab;

int main(int argc, char** argv)
{
    std::string jobPath
        = (std::filesystem::path(__FILE__).parent_path().parent_path() / "samples/clickstream/job.json")
              .string();
    std::string vary = "clicks.watermark.maxOutOfOrderness=0s..45s/5s";
    int threads = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--vary" && i + 1 < argc)
            vary = argv[++i];
        else if (a == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else
            jobPath = a;
    }
    auto job = model::Job::load(jobPath);
    if (!job.ok()) {
        std::fprintf(stderr, "%s\n", job.status().message().c_str());
        return 1;
    }
    auto axis = whatif::parseVary(vary);
    if (!axis.ok()) {
        std::fprintf(stderr, "%s\n", axis.status().message().c_str());
        return 1;
    }
    whatif::SweepOptions options;
    options.threads = threads;
    using Clock = std::chrono::steady_clock;
    auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };

    // Warm-up (file cache), then one replay five times.
    (void)whatif::measureReplay(*job, options);
    std::vector<double> singles;
    for (int i = 0; i < 5; ++i) {
        auto t0 = Clock::now();
        auto r = whatif::measureReplay(*job, options);
        if (!r.ok()) {
            std::fprintf(stderr, "%s\n", r.status().message().c_str());
            return 1;
        }
        singles.push_back(seconds(Clock::now() - t0));
    }
    std::sort(singles.begin(), singles.end());
    double one = singles[singles.size() / 2];

    std::vector<double> sweeps;
    size_t values = 0;
    for (int i = 0; i < 3; ++i) {
        auto t0 = Clock::now();
        auto rows = whatif::runSweep(*job, { *axis }, options);
        if (!rows.ok()) {
            std::fprintf(stderr, "%s\n", rows.status().message().c_str());
            return 1;
        }
        values = rows->size();
        sweeps.push_back(seconds(Clock::now() - t0));
    }
    std::sort(sweeps.begin(), sweeps.end());
    double sweep = sweeps[sweeps.size() / 2];
    unsigned cores = std::thread::hardware_concurrency();
    std::printf("job            %s\n", jobPath.c_str());
    std::printf("vary           %s (%zu values)\n", vary.c_str(), values);
    std::printf("cores          %u, threads %s\n", cores,
        threads > 0 ? std::to_string(threads).c_str() : "auto (up to 2)");
    std::printf("one replay     %.1f ms (median of 5)\n", one * 1e3);
    std::printf("sweep          %.1f ms (median of 3)\n", sweep * 1e3);
    std::printf("10 x one       %.1f ms\n", one * 1e3 * static_cast<double>(values));
    std::printf("sweep / one    %.2f (goal < %zu)\n", sweep / one, values);
    return sweep < one * static_cast<double>(values) ? 0 : 2;
}
