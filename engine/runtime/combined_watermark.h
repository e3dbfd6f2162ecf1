// The watermark of a two-input operator (JOINS.md 1, Flink's IndexedCombinedWatermarkStatus as
// AbstractStreamOperator uses it in processWatermark1/2 and processWatermarkStatus1/2). Each input
// has its own Valve (the minimum over its channels); this combines the inputs' outputs:
//   - each input keeps a partial watermark (MIN at first) that only goes up; a watermark on an
//     input also marks it active;
//   - the combined watermark is the minimum over the inputs that are not idle, output only when it
//     is strictly greater than the last one: nothing until every active input has one, and never
//     backwards (an input back from idle with a lower watermark does not pull it down);
//   - when every input is idle the combined watermark stays and IDLE is output once; the first
//     input back makes it ACTIVE, output once.
// Not thread-safe; owned by one subtask.
#pragma once

#include "runtime/valve.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace streamlab::runtime {

class CombinedWatermark {
public:
    explicit CombinedWatermark(int inputs = 2) { reset(inputs); }
    void reset(int inputs);
    int inputs() const { return static_cast<int>(m_in.size()); }

    // An input valve's output watermark, or its idle status.
    void inputWatermark(int input, int64_t watermark, Valve::Listener& out);
    void inputStatus(int input, bool idle, Valve::Listener& out);

    int64_t combined() const { return m_combined; } // MIN until the first output
    bool idle() const { return m_idle; }
    int64_t partial(int input) const { return m_in[static_cast<size_t>(input)].wm; }
    bool inputIdle(int input) const { return m_in[static_cast<size_t>(input)].idle; }
    // The active input with the lowest partial watermark: the one holding the combined watermark
    // back (-1 when every input is idle). Ties go to the first input.
    int holdingBack() const;

    void save(std::string& out) const;
    bool load(struct ::streamlab::ByteReader& in);

private:
    struct Partial {
        int64_t wm = std::numeric_limits<int64_t>::min();
        bool idle = false;
    };
    bool update(); // true when the combined watermark went up

    std::vector<Partial> m_in;
    int64_t m_combined = std::numeric_limits<int64_t>::min();
    bool m_idle = false;
};

} // namespace streamlab::runtime
