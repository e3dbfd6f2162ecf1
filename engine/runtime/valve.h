// Flink's StatusWatermarkValve: combines the watermarks and idle statuses of a subtask's input
// channels into one output watermark (minimum over active, aligned channels; strictly
// increasing) and one status (idle when every channel is idle, with the flush of the maximum).
// The active, aligned channels sit in an indexed min-heap by watermark (as Flink's valve keeps
// them in a priority queue): an input costs O(log channels), not a look at every channel, which
// with thousands of subtasks made each watermark cost channels² across an exchange.
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
    // The heap of active, aligned channels (m_heap holds channel indices, m_pos[c] is c's place
    // in it or -1).
    void heapInsert(int c);
    void heapRemove(int c);
    void heapRaised(int c); // c's watermark went up
    void heapRebuild();
    bool below(size_t a, size_t b) const; // heap slot a orders before slot b
    void heapSwap(size_t a, size_t b);
    void siftUp(size_t i);
    void siftDown(size_t i);

    std::vector<Channel> m_ch;
    std::vector<int> m_heap;
    std::vector<int> m_pos;
    size_t m_active = 0; // channels that are active
    int64_t m_lastOutput = std::numeric_limits<int64_t>::min();
    bool m_idle = false;
};

} // namespace streamlab::runtime
