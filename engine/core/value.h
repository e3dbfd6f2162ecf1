// Values, field types, schemas and records: what flows between operators.
// A Record is a row of Values in the order of its stream's Schema, plus its event timestamp.
// Value types; thread-compatible. Schemas are shared immutably (shared_ptr<const Schema>).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace streamlab {

inline constexpr int64_t kMinTimestamp = std::numeric_limits<int64_t>::min(); // Long.MIN_VALUE
inline constexpr int64_t kMaxTimestamp = std::numeric_limits<int64_t>::max(); // Long.MAX_VALUE

// The type of a field as declared in a source's schema. Int and Long differ only in how
// Flink hashes them (Integer.hashCode versus Long.hashCode); both are stored as int64.
enum class FieldType { String, Int, Long, Double, Boolean, Timestamp, Any };

std::string_view fieldTypeName(FieldType t);
std::optional<FieldType> parseFieldType(std::string_view name);

struct ValueList;
// An immutable list of values (a composite key, the result of `collect`), shared on copy.
using ListPtr = std::shared_ptr<const ValueList>;

// null, boolean, integer, double, string or list. Index order is part of the API.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string, ListPtr>;

struct ValueList {
    std::vector<Value> items;
};
inline Value makeList(std::vector<Value> items)
{
    return std::make_shared<const ValueList>(ValueList { std::move(items) });
}

inline bool isNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// Numeric view of an integer or double; nullopt otherwise.
std::optional<double> asDouble(const Value& v);
// Human-readable text of a value (strings without quotes), for messages and CSV.
std::string valueToText(const Value& v);
// Appends the JSON text of `v` (strings escaped) to `out`.
void appendJson(std::string& out, const Value& v);
void appendJsonString(std::string& out, std::string_view s);
// Total order used for min/max and for sorting results: null < bool < numbers < strings < lists.
int compareValues(const Value& a, const Value& b);

struct Field {
    std::string name;
    FieldType type = FieldType::Any;
};

struct Schema {
    std::vector<Field> fields;
    // True when the schema was declared in the job (not inferred from the data).
    bool declared = false;

    int indexOf(std::string_view name) const
    {
        for (size_t i = 0; i < fields.size(); ++i)
            if (fields[i].name == name)
                return static_cast<int>(i);
        return -1;
    }
    std::string names() const; // "a, b, c" for messages
};
using SchemaPtr = std::shared_ptr<const Schema>;

struct Record {
    std::vector<Value> fields;
    int64_t timestamp = kMinTimestamp; // event time; kMinTimestamp when the record has none
};

// Appends the record as a JSON object {"name": value, ...} in schema order.
void appendRecordJson(std::string& out, const Schema& schema, const Record& r);

// Appends one line of `streamlab run`'s output without its newline:
// {"sink":S,"subtask":N,"record":{...},"timestamp":T}, T the record's event timestamp as Flink
// carries it downstream, null for none. The GUI's Results view copies the same text.
void appendSinkLineJson(std::string& out, std::string_view sink, int subtask, const Schema& schema, const Record& r);

} // namespace streamlab
