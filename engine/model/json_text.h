// Reading JSON text from outside (job files, --set values, the clipboard, the property panel's
// JSON fields) into model::Json, with every failure a Status for people: a syntax error, a
// number too large for a double (1e400), or nesting deeper than kMaxJsonDepth, each named by
// file, line, column and the field where it happened. No exception of nlohmann/json leaves
// these functions. Stateless; thread-safe.
#pragma once

#include "core/status.h"
#include "model/job.h"

#include <string>
#include <string_view>

namespace streamlab::model {

// How deep objects and arrays may nest. A job file nests six levels at most (a node's
// watermark inside a node inside "nodes"); designer data in "ui" a few more. Past this the
// text is refused: printing or copying a document walks it recursively, and 45,000 levels
// overflow the stack.
inline constexpr int kMaxJsonDepth = 256;

// What was wrong with text that parseJson refused.
enum class JsonFault { Syntax, NumberTooLarge, TooDeep };

// Parses `text`; errors start with `sourceName` ("jobs/a.json:3:17: ..."). On an error, `fault`
// (when given) says which kind it was.
Result<Json> parseJson(std::string_view text, const std::string& sourceName, JsonFault* fault = nullptr);

// 1-based line and column of byte `byte` of `text`.
std::pair<int64_t, int64_t> lineColumn(std::string_view text, size_t byte);

} // namespace streamlab::model
