// The lexical side of the Flink SQL export: quoted identifiers and strings, interval literals,
// durations in Flink's configuration syntax, and the SQL type of each field type. Pure functions.
#pragma once

#include "core/value.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace streamlab::exporter::sql {

// `name`, with backquotes doubled.
std::string quoteIdent(std::string_view name);
// 'text', with single quotes doubled.
std::string quoteString(std::string_view text);
// A Flink SQL interval literal: INTERVAL '5' MINUTE, INTERVAL '1.5' SECOND, ... DAY TO SECOND.
std::string sqlInterval(int64_t ms);
// A duration in Flink's configuration syntax (TimeUtils): "200 ms", "10 s", "1 min", "2 h", "1 d".
std::string configDuration(int64_t ms);
// A duration for people, in comments and warnings ("5 min", "1.5 s").
std::string human(int64_t ms);
// The Flink SQL type that holds a field of type `t` as the expression language sees it.
std::string sqlType(FieldType t);

} // namespace streamlab::exporter::sql
