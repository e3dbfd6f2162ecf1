#include "time/duration.h"

#include <charconv>
#include <cmath>

namespace streamlab::time {

Result<int64_t> parseDuration(std::string_view text)
{
    std::string_view s = text;
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    auto bad = [&] {
        std::string m = "'";
        m += text;
        m += "' is not a duration (expected milliseconds or a number with a unit: 250ms, 5s, 1m, 2h, 1d)";
        return Status::invalid(m);
    };
    if (s.empty())
        return bad();
    size_t unitPos = s.size();
    while (unitPos > 0 && std::isalpha(static_cast<unsigned char>(s[unitPos - 1])))
        --unitPos;
    std::string_view number = s.substr(0, unitPos);
    std::string_view unit = s.substr(unitPos);
    while (!number.empty() && number.back() == ' ')
        number.remove_suffix(1);
    int64_t factor;
    if (unit.empty() || unit == "ms")
        factor = 1;
    else if (unit == "s" || unit == "sec")
        factor = 1000;
    else if (unit == "m" || unit == "min")
        factor = 60'000;
    else if (unit == "h")
        factor = 3'600'000;
    else if (unit == "d")
        factor = 86'400'000;
    else
        return bad();
    if (number.empty())
        return bad();
    if (number.find_first_of(".eE") == std::string_view::npos) {
        int64_t n = 0;
        auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
        if (ec != std::errc() || p != number.data() + number.size())
            return bad();
        int64_t r;
        if (__builtin_mul_overflow(n, factor, &r))
            return Status::invalid("duration is too large: " + std::string(text));
        return r;
    }
    double d = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
    if (ec != std::errc() || p != number.data() + number.size() || !std::isfinite(d))
        return bad();
    double ms = std::trunc(d * static_cast<double>(factor));
    if (std::fabs(ms) > 9.2e18)
        return Status::invalid("duration is too large: " + std::string(text));
    return static_cast<int64_t>(ms);
}

std::string formatDuration(int64_t ms)
{
    if (ms == 0)
        return "0ms";
    struct Unit {
        int64_t factor;
        const char* name;
    };
    static constexpr Unit kUnits[] = { { 86'400'000, "d" }, { 3'600'000, "h" }, { 60'000, "m" }, { 1000, "s" } };
    for (const auto& u : kUnits)
        if (ms % u.factor == 0)
            return std::to_string(ms / u.factor) + u.name;
    return std::to_string(ms) + "ms";
}

} // namespace streamlab::time
