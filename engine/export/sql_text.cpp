#include "export/sql_text.h"

#include "time/duration.h"

#include <cstdio>

namespace streamlab::exporter::sql {

std::string quoteIdent(std::string_view name)
{
    std::string s = "`";
    for (char c : name) {
        if (c == '`')
            s += '`';
        s += c;
    }
    return s + "`";
}

std::string quoteString(std::string_view text)
{
    std::string s = "'";
    for (char c : text) {
        if (c == '\'')
            s += '\'';
        s += c;
    }
    return s + "'";
}

// A Flink SQL interval literal. Calcite's default leading precision is 2 digits, so a value
// of 100 or more in one unit is written as DAY TO SECOND.
std::string sqlInterval(int64_t ms)
{
    if (ms < 0)
        return "-" + sqlInterval(-ms);
    struct Unit {
        int64_t ms;
        const char* name;
    };
    static const Unit kUnits[]
        = { { 86400000, "DAY" }, { 3600000, "HOUR" }, { 60000, "MINUTE" }, { 1000, "SECOND" } };
    if (ms == 0)
        return "INTERVAL '0' SECOND";
    for (const auto& u : kUnits)
        if (ms % u.ms == 0 && ms / u.ms < 100)
            return "INTERVAL '" + std::to_string(ms / u.ms) + "' " + u.name;
    char buf[64];
    if (ms < 100000) {
        std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
            static_cast<long long>(ms % 1000));
        std::string s = buf;
        while (s.back() == '0')
            s.pop_back();
        return "INTERVAL '" + s + "' SECOND";
    }
    std::snprintf(buf, sizeof buf, "%lld %02lld:%02lld:%02lld.%03lld",
        static_cast<long long>(ms / 86400000), static_cast<long long>(ms / 3600000 % 24),
        static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
        static_cast<long long>(ms % 1000));
    return std::string("INTERVAL '") + buf + "' DAY TO SECOND";
}

// A duration in Flink's configuration syntax (TimeUtils): "200 ms", "10 s", "1 min", "2 h", "1 d".
std::string configDuration(int64_t ms)
{
    struct Unit {
        int64_t ms;
        const char* name;
    };
    static const Unit kUnits[] = { { 86400000, "d" }, { 3600000, "h" }, { 60000, "min" }, { 1000, "s" } };
    if (ms != 0)
        for (const auto& u : kUnits)
            if (ms % u.ms == 0)
                return std::to_string(ms / u.ms) + " " + u.name;
    return std::to_string(ms) + " ms";
}

std::string human(int64_t ms) { return time::formatDuration(ms); }

std::string sqlType(FieldType t)
{
    switch (t) {
    case FieldType::String:
        return "STRING";
    case FieldType::Int:
        return "INT";
    case FieldType::Long:
    case FieldType::Timestamp: // epoch milliseconds, as the expression language sees them
        return "BIGINT";
    case FieldType::Double:
        return "DOUBLE";
    case FieldType::Boolean:
        return "BOOLEAN";
    case FieldType::Any:
        return "STRING";
    }
    return "STRING";
}

} // namespace streamlab::exporter::sql
