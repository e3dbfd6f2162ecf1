// Incremental aggregates (count, sum, min, max, avg, collect): an accumulator per window or
// key, merged when session windows merge. Value type; thread-compatible.
#pragma once

#include "core/value.h"
#include "model/spec.h"

#include <memory>
#include <vector>

namespace streamlab::window {

// Kept small (32 bytes) for count, sum and avg, which are the common case; min, max and
// collect keep their values out of line.
struct Accumulator {
    struct Extra {
        Value extreme;             // min or max so far (null before the first value)
        std::vector<Value> values; // collect
    };
    int64_t count = 0;   // elements added (count), or non-null values (sum, avg)
    int64_t longSum = 0; // sum of an integer field (Java long arithmetic: wraps)
    double doubleSum = 0;
    std::unique_ptr<Extra> extra;

    Accumulator() = default;
    Accumulator(Accumulator&&) = default;
    Accumulator& operator=(Accumulator&&) = default;
    Accumulator(const Accumulator& o)
        : count(o.count)
        , longSum(o.longSum)
        , doubleSum(o.doubleSum)
        , extra(o.extra ? std::make_unique<Extra>(*o.extra) : nullptr)
    {
    }
    Accumulator& operator=(const Accumulator& o)
    {
        if (this != &o)
            *this = Accumulator(o);
        return *this;
    }
    Extra& more()
    {
        if (!extra)
            extra = std::make_unique<Extra>();
        return *extra;
    }
    const Value& extreme() const
    {
        static const Value kNull;
        return extra ? extra->extreme : kNull;
    }
};

class Aggregator {
public:
    Aggregator() = default;
    // `field` is the aggregated field's index in the input schema (-1 for count).
    Aggregator(model::AggregateFn fn, int field, FieldType fieldType)
        : m_fn(fn)
        , m_field(field)
        , m_type(fieldType)
    {
    }

    void add(Accumulator& acc, const Record& r) const { addValue(acc, m_field >= 0 ? r.fields[static_cast<size_t>(m_field)] : Value {}); }
    void addValue(Accumulator& acc, const Value& v) const;
    void merge(Accumulator& into, const Accumulator& from) const;
    Value result(const Accumulator& acc) const;
    // The value an element contributes (what a list state stores per element).
    Value elementValue(const Record& r) const { return m_field >= 0 ? r.fields[static_cast<size_t>(m_field)] : Value { int64_t(1) }; }
    // Bytes accounted for an accumulator (for state size metrics).
    int64_t accountedBytes(const Accumulator& acc) const;
    static int64_t valueBytes(const Value& v);

    model::AggregateFn fn() const { return m_fn; }
    FieldType resultType() const;

private:
    model::AggregateFn m_fn = model::AggregateFn::Count;
    int m_field = -1;
    FieldType m_type = FieldType::Any;
};

} // namespace streamlab::window
