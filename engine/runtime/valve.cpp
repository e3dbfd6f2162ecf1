#include "runtime/valve.h"

#include "core/value_codec.h"

#include <algorithm>

namespace streamlab::runtime {

void Valve::reset(int channels)
{
    m_ch.assign(static_cast<size_t>(channels), Channel {});
    m_lastOutput = std::numeric_limits<int64_t>::min();
    m_idle = false;
}

void Valve::inputWatermark(int channel, int64_t wm, Listener& out)
{
    Channel& c = m_ch[static_cast<size_t>(channel)];
    if (m_idle || !c.active || wm <= c.wm)
        return;
    c.wm = wm;
    if (!c.aligned && wm >= m_lastOutput)
        c.aligned = true;
    outputMinOfAligned(out);
}

void Valve::inputStatus(int channel, bool idle, Listener& out)
{
    Channel& c = m_ch[static_cast<size_t>(channel)];
    if (idle && c.active) {
        c.active = false;
        c.aligned = false;
        bool anyActive = std::any_of(m_ch.begin(), m_ch.end(), [](const Channel& x) { return x.active; });
        if (!anyActive) {
            if (c.wm == m_lastOutput)
                outputMaxOfAll(out);
            m_idle = true;
            out.onValveStatus(true);
        } else if (c.wm == m_lastOutput) {
            outputMinOfAligned(out);
        }
    } else if (!idle && !c.active) {
        c.active = true;
        if (c.wm >= m_lastOutput)
            c.aligned = true;
        if (m_idle) {
            m_idle = false;
            out.onValveStatus(false);
        }
    }
}

void Valve::outputMinOfAligned(Listener& out)
{
    int64_t newMin = std::numeric_limits<int64_t>::max();
    bool hasAligned = false;
    for (const auto& c : m_ch) {
        if (c.active && c.aligned) {
            hasAligned = true;
            newMin = std::min(newMin, c.wm);
        }
    }
    if (hasAligned && newMin > m_lastOutput) {
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
    auto i64 = [&] { return in.int64(); };
    auto b = [&] {
        Value v = in.value();
        auto* x = std::get_if<bool>(&v);
        in.ok = in.ok && x;
        return x ? *x : false;
    };
    m_lastOutput = i64();
    m_idle = b();
    if (in.varint() != m_ch.size())
        return false;
    for (auto& c : m_ch) {
        c.wm = i64();
        c.active = b();
        c.aligned = b();
    }
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
