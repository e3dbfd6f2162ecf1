#include "runtime/replay_length.h"

#include "io/event_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

namespace streamlab::runtime {

Result<ReplayLength> estimateReplayLength(const model::JobSpec& spec, int64_t sampleEvents)
{
    ReplayLength length;
    std::optional<int64_t> clockStart; // the earliest arrival of the sources with an arrival field
    int64_t end = INT64_MIN; // of those sources: their last arrival (extrapolated)
    int64_t rateSpan = 0; // of the others: from the clock's start
    // The budget is shared: a job of many sources reads a little of each.
    const auto sources = std::count_if(spec.nodes.begin(), spec.nodes.end(),
        [](const model::NodeSpec& n) { return std::holds_alternative<model::SourceSpec>(n.params); });
    const int64_t perSource = std::max<int64_t>(kMinSampleEvents, sampleEvents / std::max<int64_t>(1, sources));
    for (const auto& n : spec.nodes) {
        const auto* s = std::get_if<model::SourceSpec>(&n.params);
        if (!s)
            continue;
        auto reader = io::EventReader::open(*s, n.id);
        if (!reader.ok())
            return reader.status();
        io::Event e;
        int64_t records = 0;
        std::optional<int64_t> first;
        int64_t last = INT64_MIN;
        bool atEnd = false;
        while (records < perSource) {
            auto r = (*reader)->next(e);
            if (!r.ok())
                return r.status();
            if (!*r) {
                atEnd = true;
                break;
            }
            if (e.isWatermark)
                continue;
            ++records;
            if (e.arrival) {
                first = first ? std::min(*first, *e.arrival) : *e.arrival;
                last = std::max(last, *e.arrival); // a file is read in order: arrivals never go back
            }
        }
        // The share of the file read, to extrapolate from.
        double scale = 1;
        if (!atEnd) {
            std::error_code ec;
            const auto total = std::filesystem::file_size(s->path, ec);
            const int64_t read = (*reader)->bytesRead();
            if (!ec && read > 0 && static_cast<double>(total) > static_cast<double>(read)) {
                scale = static_cast<double>(total) / static_cast<double>(read);
                length.exact = false;
            }
        }
        if (records == 0)
            continue;
        if (!s->arrivalField.empty() && first) {
            clockStart = clockStart ? std::min(*clockStart, *first) : *first;
            const double span = static_cast<double>(last - *first) * scale;
            end = std::max(end, *first + static_cast<int64_t>(std::min(span, 9e15)));
        } else {
            const double events = static_cast<double>(records) * scale;
            const double span = (events - 1) * 1000.0 / s->rate;
            rateSpan = std::max(rateSpan, static_cast<int64_t>(std::min(std::max(span, 0.0), 9e15)));
        }
    }
    length.processingMs = std::max(rateSpan, clockStart ? end - *clockStart : 0);
    return length;
}

} // namespace streamlab::runtime
