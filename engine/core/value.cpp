#include "core/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace streamlab {

std::string_view fieldTypeName(FieldType t)
{
    switch (t) {
    case FieldType::String:
        return "string";
    case FieldType::Int:
        return "int";
    case FieldType::Long:
        return "long";
    case FieldType::Double:
        return "double";
    case FieldType::Boolean:
        return "boolean";
    case FieldType::Timestamp:
        return "timestamp";
    case FieldType::Any:
        return "any";
    }
    return "any";
}

std::optional<FieldType> parseFieldType(std::string_view n)
{
    if (n == "string")
        return FieldType::String;
    if (n == "int" || n == "integer")
        return FieldType::Int;
    if (n == "long")
        return FieldType::Long;
    if (n == "double" || n == "float")
        return FieldType::Double;
    if (n == "boolean" || n == "bool")
        return FieldType::Boolean;
    if (n == "timestamp")
        return FieldType::Timestamp;
    if (n == "any")
        return FieldType::Any;
    return std::nullopt;
}

std::optional<double> asDouble(const Value& v)
{
    if (auto* i = std::get_if<int64_t>(&v))
        return static_cast<double>(*i);
    if (auto* d = std::get_if<double>(&v))
        return *d;
    return std::nullopt;
}

static void appendDouble(std::string& out, double d)
{
    if (!std::isfinite(d)) {
        out += "null"; // JSON has no NaN or infinity
        return;
    }
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view s(buf, static_cast<size_t>(p - buf));
    out += s;
    // Keep doubles recognisable as such ("2.0", not "2"), as Java's Double.toString does.
    if (s.find_first_of(".eEn") == std::string_view::npos)
        out += ".0";
}

std::string valueToText(const Value& v)
{
    std::string out;
    switch (v.index()) {
    case 0:
        return "null";
    case 1:
        return std::get<bool>(v) ? "true" : "false";
    case 2:
        return std::to_string(std::get<int64_t>(v));
    case 3:
        appendDouble(out, std::get<double>(v));
        return out;
    case 4:
        return std::get<std::string>(v);
    default:
        appendJson(out, v);
        return out;
    }
}

void appendJsonString(std::string& out, std::string_view s)
{
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJson(std::string& out, const Value& v)
{
    switch (v.index()) {
    case 0:
        out += "null";
        break;
    case 1:
        out += std::get<bool>(v) ? "true" : "false";
        break;
    case 2: {
        char buf[24];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v));
        out.append(buf, p);
        break;
    }
    case 3:
        appendDouble(out, std::get<double>(v));
        break;
    case 4:
        appendJsonString(out, std::get<std::string>(v));
        break;
    default: {
        out += '[';
        const auto& items = std::get<ListPtr>(v)->items;
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += ',';
            appendJson(out, items[i]);
        }
        out += ']';
    }
    }
}

int compareValues(const Value& a, const Value& b)
{
    auto rank = [](const Value& v) {
        switch (v.index()) {
        case 0:
            return 0;
        case 1:
            return 1;
        case 2:
        case 3:
            return 2;
        case 4:
            return 3;
        default:
            return 4;
        }
    };
    int ra = rank(a), rb = rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    switch (ra) {
    case 0:
        return 0;
    case 1:
        return static_cast<int>(std::get<bool>(a)) - static_cast<int>(std::get<bool>(b));
    case 2: {
        if (a.index() == 2 && b.index() == 2) {
            auto x = std::get<int64_t>(a), y = std::get<int64_t>(b);
            return x < y ? -1 : (x > y ? 1 : 0);
        }
        double x = *asDouble(a), y = *asDouble(b);
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case 3: {
        int c = std::get<std::string>(a).compare(std::get<std::string>(b));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default: {
        const auto& x = std::get<ListPtr>(a)->items;
        const auto& y = std::get<ListPtr>(b)->items;
        for (size_t i = 0; i < x.size() && i < y.size(); ++i)
            if (int c = compareValues(x[i], y[i]))
                return c;
        return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    }
}

std::string Schema::names() const
{
    std::string s;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i)
            s += ", ";
        s += fields[i].name;
    }
    return s;
}

void appendRecordJson(std::string& out, const Schema& schema, const Record& r)
{
    out += '{';
    for (size_t i = 0; i < schema.fields.size() && i < r.fields.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, schema.fields[i].name);
        out += ':';
        appendJson(out, r.fields[i]);
    }
    out += '}';
}

void appendSinkLineJson(std::string& out, std::string_view sink, int subtask, const Schema& schema, const Record& r)
{
    out += "{\"sink\":";
    appendJsonString(out, sink);
    out += ",\"subtask\":";
    out += std::to_string(subtask);
    out += ",\"record\":";
    appendRecordJson(out, schema, r);
    out += ",\"timestamp\":";
    if (r.timestamp == kMinTimestamp)
        out += "null";
    else
        out += std::to_string(r.timestamp);
    out += '}';
}

} // namespace streamlab
