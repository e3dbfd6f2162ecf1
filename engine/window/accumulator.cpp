#include "window/accumulator.h"

namespace streamlab::window {

using model::AggregateFn;

static bool integral(FieldType t) { return t == FieldType::Int || t == FieldType::Long || t == FieldType::Timestamp; }

FieldType Aggregator::resultType() const
{
    switch (m_fn) {
    case AggregateFn::Count:
        return FieldType::Long;
    case AggregateFn::Sum:
        return integral(m_type) ? FieldType::Long : FieldType::Double;
    case AggregateFn::Avg:
        return FieldType::Double;
    case AggregateFn::Min:
    case AggregateFn::Max:
        return m_type;
    case AggregateFn::Collect:
        return FieldType::Any;
    }
    return FieldType::Any;
}

void Aggregator::addValue(Accumulator& acc, const Value& v) const
{
    switch (m_fn) {
    case AggregateFn::Count:
        ++acc.count;
        break;
    case AggregateFn::Sum:
    case AggregateFn::Avg:
        if (auto* i = std::get_if<int64_t>(&v)) {
            ++acc.count;
            acc.longSum = static_cast<int64_t>(static_cast<uint64_t>(acc.longSum) + static_cast<uint64_t>(*i));
            acc.doubleSum += static_cast<double>(*i);
        } else if (auto* d = std::get_if<double>(&v)) {
            ++acc.count;
            acc.doubleSum += *d;
        }
        break;
    case AggregateFn::Min:
    case AggregateFn::Max:
        if (isNull(v))
            break;
        ++acc.count;
        if (isNull(acc.extreme())) {
            acc.more().extreme = v;
        } else {
            int c = compareValues(v, acc.extreme());
            if ((m_fn == AggregateFn::Min && c < 0) || (m_fn == AggregateFn::Max && c > 0))
                acc.more().extreme = v;
        }
        break;
    case AggregateFn::Collect:
        ++acc.count;
        acc.more().values.push_back(v);
        break;
    }
}

void Aggregator::merge(Accumulator& into, const Accumulator& from) const
{
    switch (m_fn) {
    case AggregateFn::Count:
        into.count += from.count;
        break;
    case AggregateFn::Sum:
    case AggregateFn::Avg:
        into.count += from.count;
        into.longSum = static_cast<int64_t>(static_cast<uint64_t>(into.longSum) + static_cast<uint64_t>(from.longSum));
        into.doubleSum += from.doubleSum;
        break;
    case AggregateFn::Min:
    case AggregateFn::Max:
        if (!isNull(from.extreme())) {
            int64_t count = into.count + from.count;
            addValue(into, from.extreme());
            into.count = count;
        }
        break;
    case AggregateFn::Collect:
        into.count += from.count;
        if (from.extra)
            into.more().values.insert(into.more().values.end(), from.extra->values.begin(), from.extra->values.end());
        break;
    }
}

Value Aggregator::result(const Accumulator& acc) const
{
    switch (m_fn) {
    case AggregateFn::Count:
        return acc.count;
    case AggregateFn::Sum:
        if (acc.count == 0)
            return Value {};
        return integral(m_type) ? Value { acc.longSum } : Value { acc.doubleSum };
    case AggregateFn::Avg:
        if (acc.count == 0)
            return Value {};
        return acc.doubleSum / static_cast<double>(acc.count);
    case AggregateFn::Min:
    case AggregateFn::Max:
        return acc.extreme();
    case AggregateFn::Collect:
        return makeList(acc.extra ? acc.extra->values : std::vector<Value> {});
    }
    return Value {};
}

int64_t Aggregator::valueBytes(const Value& v)
{
    switch (v.index()) {
    case 0:
        return 1;
    case 1:
        return 1;
    case 2:
    case 3:
        return 8;
    case 4:
        return 4 + static_cast<int64_t>(std::get<std::string>(v).size());
    default: {
        int64_t b = 4;
        for (const auto& x : std::get<ListPtr>(v)->items)
            b += valueBytes(x);
        return b;
    }
    }
}

int64_t Aggregator::accountedBytes(const Accumulator& acc) const
{
    switch (m_fn) {
    case AggregateFn::Count:
        return 8;
    case AggregateFn::Sum:
    case AggregateFn::Avg:
        return 16;
    case AggregateFn::Min:
    case AggregateFn::Max:
        return 8 + valueBytes(acc.extreme());
    case AggregateFn::Collect: {
        int64_t b = 8;
        if (acc.extra)
            for (const auto& v : acc.extra->values)
                b += valueBytes(v);
        return b;
    }
    }
    return 8;
}

} // namespace streamlab::window
