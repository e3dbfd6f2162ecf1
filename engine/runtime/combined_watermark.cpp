#include "runtime/combined_watermark.h"

#include "core/value_codec.h"

#include <algorithm>

namespace streamlab::runtime {

void CombinedWatermark::reset(int inputs)
{
    m_in.assign(static_cast<size_t>(std::max(inputs, 0)), Partial {});
    m_combined = std::numeric_limits<int64_t>::min();
    m_idle = false;
}

bool CombinedWatermark::update()
{
    int64_t min = std::numeric_limits<int64_t>::max();
    bool allIdle = true;
    for (const Partial& p : m_in)
        if (!p.idle) {
            min = std::min(min, p.wm);
            allIdle = false;
        }
    m_idle = allIdle && !m_in.empty();
    if (allIdle || min <= m_combined)
        return false;
    m_combined = min;
    return true;
}

void CombinedWatermark::inputWatermark(int input, int64_t watermark, Valve::Listener& out)
{
    Partial& p = m_in.at(static_cast<size_t>(input));
    // As Flink's PartialWatermark: a watermark marks its input active; it only goes up. No status
    // is output here (Flink outputs one only from processWatermarkStatus).
    p.idle = false;
    p.wm = std::max(p.wm, watermark);
    if (update())
        out.onValveWatermark(m_combined);
}

void CombinedWatermark::inputStatus(int input, bool idle, Valve::Listener& out)
{
    const bool wasIdle = m_idle;
    m_in.at(static_cast<size_t>(input)).idle = idle;
    if (update())
        out.onValveWatermark(m_combined);
    if (wasIdle != m_idle)
        out.onValveStatus(m_idle);
}

int CombinedWatermark::holdingBack() const
{
    int at = -1;
    for (size_t i = 0; i < m_in.size(); ++i)
        if (!m_in[i].idle && (at < 0 || m_in[i].wm < m_in[static_cast<size_t>(at)].wm))
            at = static_cast<int>(i);
    return at;
}

void CombinedWatermark::save(std::string& out) const
{
    encodeValue(out, Value { m_combined });
    encodeValue(out, Value { m_idle });
    putVarint(out, m_in.size());
    for (const Partial& p : m_in) {
        encodeValue(out, Value { p.wm });
        encodeValue(out, Value { p.idle });
    }
}

bool CombinedWatermark::load(ByteReader& in)
{
    m_combined = in.int64();
    m_idle = in.boolean();
    if (in.varint() != m_in.size())
        return false;
    for (Partial& p : m_in) {
        p.wm = in.int64();
        p.idle = in.boolean();
    }
    return in.ok;
}

} // namespace streamlab::runtime
