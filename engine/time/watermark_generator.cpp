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

int64_t SourceWatermarks::quietUntil() const
{
    // Right after a tick every split's generator has emitted what its records allow, so only
    // WatermarksWithIdleness' timer moves: a split not yet idle turns idle at the first tick past
    // inactiveSince + timeout. One with activity since the tick needs the next tick to notice.
    if (!m_spec.idleTimeout)
        return INT64_MAX;
    int64_t until = INT64_MAX;
    for (const auto& s : m_splits) {
        if (s.idle)
            continue;
        if (s.activity != s.lastActivity || !s.inactiveSince)
            return INT64_MIN;
        const int64_t deadline = *s.inactiveSince > INT64_MAX - *m_spec.idleTimeout - 1
            ? INT64_MAX
            : *s.inactiveSince + *m_spec.idleTimeout + 1;
        until = std::min(until, deadline);
    }
    return until;
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

namespace streamlab::time {

static void putI64(std::string& out, int64_t v) { encodeValue(out, Value { v }); }
static int64_t getI64(ByteReader& in) { return in.int64(); }

void SourceWatermarks::save(std::string& out) const
{
    putI64(out, m_spec.maxOutOfOrderness);
    putI64(out, m_combined);
    putI64(out, m_maxEmitted);
    putI64(out, m_outputIdle);
    putI64(out, static_cast<int64_t>(m_splits.size()));
    for (const auto& s : m_splits) {
        putI64(out, s.maxTs);
        putI64(out, s.wm);
        putI64(out, s.idle);
        putI64(out, s.activity);
        putI64(out, s.lastActivity);
        putI64(out, s.inactiveSince.has_value());
        putI64(out, s.inactiveSince.value_or(0));
    }
}

bool SourceWatermarks::load(ByteReader& in)
{
    m_spec.maxOutOfOrderness = getI64(in);
    m_combined = getI64(in);
    m_maxEmitted = getI64(in);
    m_outputIdle = getI64(in) != 0;
    int64_t n = getI64(in);
    if (!in.ok || n != static_cast<int64_t>(m_splits.size()))
        return false;
    for (auto& s : m_splits) {
        s.maxTs = getI64(in);
        s.wm = getI64(in);
        s.idle = getI64(in) != 0;
        s.activity = getI64(in);
        s.lastActivity = getI64(in);
        bool has = getI64(in) != 0;
        int64_t since = getI64(in);
        s.inactiveSince = has ? std::optional<int64_t>(since) : std::nullopt;
    }
    return in.ok;
}

} // namespace streamlab::time
