// Flink's StatusWatermarkValve: combines the watermarks and idle statuses of a subtask's input
// channels into one output watermark (minimum over active, aligned channels; strictly
// increasing) and one status (idle when every channel is idle, with the flush of the maximum).
// Not thread-safe; owned by one subtask.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace streamlab {
struct ByteReader;
}

namespace streamlab::runtime {

class Valve {
public:
    struct Listener {
        virtual ~Listener() = default;
        virtual void onValveWatermark(int64_t watermark) = 0;
        virtual void onValveStatus(bool idle) = 0;
    };

    explicit Valve(int channels = 0) { reset(channels); }
    void reset(int channels);
    int channels() const { return static_cast<int>(m_ch.size()); }

    void inputWatermark(int channel, int64_t watermark, Listener& out);
    void inputStatus(int channel, bool idle, Listener& out);

    int64_t lastOutput() const { return m_lastOutput; }
    void save(std::string& out) const;
    bool load(struct ::streamlab::ByteReader& in);
    bool idle() const { return m_idle; }
    int64_t channelWatermark(int c) const { return m_ch[static_cast<size_t>(c)].wm; }
    bool channelIdle(int c) const { return !m_ch[static_cast<size_t>(c)].active; }

private:
    struct Channel {
        int64_t wm = std::numeric_limits<int64_t>::min();
        bool active = true;
        bool aligned = true;
    };
    void outputMinOfAligned(Listener& out);
    void outputMaxOfAll(Listener& out);

    std::vector<Channel> m_ch;
    int64_t m_lastOutput = std::numeric_limits<int64_t>::min();
    bool m_idle = false;
};

} // namespace streamlab::runtime
