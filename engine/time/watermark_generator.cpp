#include "time/watermark_generator.h"

#include <algorithm>

namespace streamlab::time {

using model::WatermarkStrategy;

SourceWatermarks::SourceWatermarks(const model::WatermarkSpec& spec, int splits)
    : m_spec(spec)
{
    if (m_spec.strategy == WatermarkStrategy::Monotonous)
        m_spec.maxOutOfOrderness = 0;
    Split s;
    s.maxTs = INT64_MIN + m_spec.maxOutOfOrderness + 1;
    m_splits.assign(static_cast<size_t>(std::max(splits, 0)), s);
}

void SourceWatermarks::setMaxOutOfOrderness(int64_t d)
{
    if (m_spec.strategy != WatermarkStrategy::BoundedOutOfOrderness || d < 0)
        return;
    for (auto& s : m_splits) {
        // Keep "no record yet" meaning MIN after the change.
        if (s.maxTs == INT64_MIN + m_spec.maxOutOfOrderness + 1)
            s.maxTs = INT64_MIN + d + 1;
    }
    m_spec.maxOutOfOrderness = d;
}

void SourceWatermarks::onRecord(int split, int64_t ts)
{
    Split& s = m_splits[static_cast<size_t>(split)];
    ++s.activity;
    if ((m_spec.strategy == WatermarkStrategy::BoundedOutOfOrderness || m_spec.strategy == WatermarkStrategy::Monotonous)
        && ts != INT64_MIN)
        s.maxTs = std::max(s.maxTs, ts);
}

void SourceWatermarks::emitSplit(Split& s, int64_t w)
{
    // PartialWatermark.setWatermark: an emission marks the split active.
    s.idle = false;
    if (w > s.wm)
        s.wm = w;
}

SourceWatermarks::Emission SourceWatermarks::onWatermarkLine(int split, int64_t watermark)
{
    Emission e;
    if (m_spec.strategy != WatermarkStrategy::Punctuated)
        return e;
    auto apply = [&](Split& s) {
        ++s.activity;
        emitSplit(s, watermark);
    };
    if (split < 0) {
        for (auto& s : m_splits)
            apply(s);
    } else if (split < static_cast<int>(m_splits.size())) {
        apply(m_splits[static_cast<size_t>(split)]);
    }
    return updateCombined();
}

void SourceWatermarks::periodicSplit(Split& s, int64_t now)
{
    if (m_spec.idleTimeout) {
        // WatermarksWithIdleness.IdlenessTimer.checkIfIdle
        bool idleNow;
        if (s.activity != s.lastActivity) {
            s.lastActivity = s.activity;
            s.inactiveSince.reset();
            idleNow = false;
        } else if (!s.inactiveSince) {
            s.inactiveSince = now;
            idleNow = false;
        } else {
            idleNow = now - *s.inactiveSince > *m_spec.idleTimeout;
        }
        if (idleNow) {
            s.idle = true;
            return;
        }
    }
    switch (m_spec.strategy) {
    case WatermarkStrategy::BoundedOutOfOrderness:
    case WatermarkStrategy::Monotonous:
        emitSplit(s, s.maxTs - m_spec.maxOutOfOrderness - 1);
        break;
    case WatermarkStrategy::Punctuated:
    case WatermarkStrategy::None:
        break;
    }
}

SourceWatermarks::Emission SourceWatermarks::onPeriodicEmit(int64_t now)
{
    for (auto& s : m_splits)
        periodicSplit(s, now);
    return updateCombined();
}

SourceWatermarks::Emission SourceWatermarks::updateCombined()
{
    Emission e;
    if (m_splits.empty())
        return e;
    int64_t min = INT64_MAX;
    bool allIdle = true;
    for (const auto& s : m_splits) {
        if (!s.idle) {
            allIdle = false;
            min = std::min(min, s.wm);
        }
    }
    if (!allIdle && min > m_combined) {
        m_combined = min;
        emitOutput(min, e);
    } else if (allIdle && !m_outputIdle) {
        m_outputIdle = true;
        e.status = true;
    }
    return e;
}

void SourceWatermarks::emitOutput(int64_t w, Emission& e)
{
    // WatermarkToDataOutput: strictly increasing; forwarding while idle first marks ACTIVE.
    if (w <= m_maxEmitted)
        return;
    m_maxEmitted = w;
    if (m_outputIdle) {
        m_outputIdle = false;
        e.status = false;
    }
    e.watermark = w;
}

SourceWatermarks::Emission SourceWatermarks::emitMaxWatermark()
{
    Emission e;
    emitOutput(INT64_MAX, e);
    return e;
}

SourceWatermarks::Emission SourceWatermarks::markIdleWithoutSplits()
{
    Emission e;
    if (!m_outputIdle) {
        m_outputIdle = true;
        e.status = true;
    }
    return e;
}

} // namespace streamlab::time
