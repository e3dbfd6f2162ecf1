// The expression compiler and evaluator: any text as a filter's where or a map's expression,
// compiled against fields of every type and, when it compiles, evaluated on records with
// ordinary, extreme and null values (Java long arithmetic wraps, never overflows in C++).
#include "expr/expression.h"

#include <cstdlib>
#include <limits>
#include <string>

using namespace streamlab;

namespace {

const Schema& schema()
{
    static const Schema s { { { "s", FieldType::String }, { "l", FieldType::Long }, { "i", FieldType::Int },
                                { "d", FieldType::Double }, { "b", FieldType::Boolean }, { "t", FieldType::Timestamp },
                                { "a", FieldType::Any } },
        true };
    return s;
}

std::vector<Record> records()
{
    const int64_t lmin = std::numeric_limits<int64_t>::min(), lmax = std::numeric_limits<int64_t>::max();
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<Record> rs;
    rs.push_back({ { std::string("PL"), int64_t(42), int64_t(7), 1.5, true, int64_t(1663927200000), std::string("x") }, 0 });
    rs.push_back({ { std::string(""), lmin, int64_t(-2147483648), -0.0, false, lmin + 1, int64_t(-1) }, 0 });
    rs.push_back({ { std::string("\xC3\xA9\xF0\x9F\x98\x80"), lmax, int64_t(2147483647), inf, true, lmax, nan }, 0 });
    rs.push_back({ { Value {}, Value {}, Value {}, Value {}, Value {}, Value {}, Value {} }, 0 });
    rs.push_back({ { std::string("0"), int64_t(0), int64_t(0), nan, false, int64_t(0), true }, 0 });
    return rs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto diagnostic = expr::Expression::check(text, schema());
    auto e = expr::Expression::compile(text, schema());
    if (e.ok() == diagnostic.has_value())
        std::abort(); // check() and compile() agree
    if (!e.ok()) {
        if (e.status().message().rfind("column ", 0) != 0)
            std::abort(); // every error names its column
        return 0;
    }
    static const std::vector<Record> kRecords = records();
    for (const auto& r : kRecords) {
        (void)e->evaluate(r);
        (void)e->test(r);
    }
    return 0;
}
