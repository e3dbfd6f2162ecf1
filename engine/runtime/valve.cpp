#include "runtime/valve.h"

#include "core/value_codec.h"

#include <algorithm>

namespace streamlab::runtime {

void Valve::reset(int channels)
{
    m_ch.assign(static_cast<size_t>(channels), Channel {});
    m_lastOutput = std::numeric_limits<int64_t>::min();
    m_idle = false;
    heapRebuild();
}

bool Valve::below(size_t a, size_t b) const
{
    const int ca = m_heap[a], cb = m_heap[b];
    const int64_t wa = m_ch[static_cast<size_t>(ca)].wm, wb = m_ch[static_cast<size_t>(cb)].wm;
    return wa < wb || (wa == wb && ca < cb);
}

void Valve::heapSwap(size_t a, size_t b)
{
    std::swap(m_heap[a], m_heap[b]);
    m_pos[static_cast<size_t>(m_heap[a])] = static_cast<int>(a);
    m_pos[static_cast<size_t>(m_heap[b])] = static_cast<int>(b);
}

void Valve::siftUp(size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!below(i, parent))
            break;
        heapSwap(i, parent);
        i = parent;
    }
}

void Valve::siftDown(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, least = i;
        if (l < m_heap.size() && below(l, least))
            least = l;
        if (r < m_heap.size() && below(r, least))
            least = r;
        if (least == i)
            break;
        heapSwap(i, least);
        i = least;
    }
}

void Valve::heapInsert(int c)
{
    if (m_pos[static_cast<size_t>(c)] >= 0)
        return;
    m_heap.push_back(c);
    m_pos[static_cast<size_t>(c)] = static_cast<int>(m_heap.size() - 1);
    siftUp(m_heap.size() - 1);
}

void Valve::heapRemove(int c)
{
    const int at = m_pos[static_cast<size_t>(c)];
    if (at < 0)
        return;
    const auto i = static_cast<size_t>(at);
    const size_t last = m_heap.size() - 1;
    if (i != last) {
        heapSwap(i, last);
        m_heap.pop_back();
        m_pos[static_cast<size_t>(c)] = -1;
        siftDown(i);
        siftUp(i);
    } else {
        m_heap.pop_back();
        m_pos[static_cast<size_t>(c)] = -1;
    }
}

void Valve::heapRaised(int c)
{
    const int at = m_pos[static_cast<size_t>(c)];
    if (at >= 0)
        siftDown(static_cast<size_t>(at));
}

void Valve::heapRebuild()
{
    m_heap.clear();
    m_pos.assign(m_ch.size(), -1);
    m_active = 0;
    for (size_t c = 0; c < m_ch.size(); ++c) {
        if (m_ch[c].active)
            ++m_active;
        if (m_ch[c].active && m_ch[c].aligned)
            heapInsert(static_cast<int>(c));
    }
}

void Valve::inputWatermark(int channel, int64_t wm, Listener& out)
{
    Channel& c = m_ch[static_cast<size_t>(channel)];
    if (m_idle || !c.active || wm <= c.wm)
        return;
    c.wm = wm;
    if (c.aligned) {
        heapRaised(channel);
    } else if (wm >= m_lastOutput) {
        c.aligned = true;
        heapInsert(channel);
    }
    outputMinOfAligned(out);
}

void Valve::inputStatus(int channel, bool idle, Listener& out)
{
    Channel& c = m_ch[static_cast<size_t>(channel)];
    if (idle && c.active) {
        c.active = false;
        c.aligned = false;
        heapRemove(channel);
        --m_active;
        if (m_active == 0) {
            if (c.wm == m_lastOutput)
                outputMaxOfAll(out);
            m_idle = true;
            out.onValveStatus(true);
        } else if (c.wm == m_lastOutput) {
            outputMinOfAligned(out);
        }
    } else if (!idle && !c.active) {
        c.active = true;
        ++m_active;
        if (c.wm >= m_lastOutput) {
            c.aligned = true;
            heapInsert(channel);
        }
        if (m_idle) {
            m_idle = false;
            out.onValveStatus(false);
        }
    }
}

void Valve::outputMinOfAligned(Listener& out)
{
    if (m_heap.empty())
        return;
    const int64_t newMin = m_ch[static_cast<size_t>(m_heap.front())].wm;
    if (newMin > m_lastOutput) {
        m_lastOutput = newMin;
        out.onValveWatermark(newMin);
    }
}

void Valve::save(std::string& out) const
{
    encodeValue(out, Value { m_lastOutput });
    encodeValue(out, Value { m_idle });
    putVarint(out, m_ch.size());
    for (const auto& c : m_ch) {
        encodeValue(out, Value { c.wm });
        encodeValue(out, Value { c.active });
        encodeValue(out, Value { c.aligned });
    }
}

bool Valve::load(ByteReader& in)
{
    m_lastOutput = in.int64();
    m_idle = in.boolean();
    if (in.varint() != m_ch.size())
        return false;
    for (auto& c : m_ch) {
        c.wm = in.int64();
        c.active = in.boolean();
        c.aligned = in.boolean();
    }
    heapRebuild();
    return in.ok;
}

void Valve::outputMaxOfAll(Listener& out)
{
    int64_t max = std::numeric_limits<int64_t>::min();
    for (const auto& c : m_ch)
        max = std::max(max, c.wm);
    if (max > m_lastOutput) {
        m_lastOutput = max;
        out.onValveWatermark(max);
    }
}

} // namespace streamlab::runtime
