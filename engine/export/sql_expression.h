// Translation of a compiled Streamlab expression to Flink SQL, keeping Streamlab's (Java's)
// semantics where SQL's differ: integer arithmetic in BIGINT, null-safe division, String.valueOf
// concatenation, IS NULL for comparisons with null. What has no faithful SQL form is reported to
// `warn` and written in its closest form. Pure functions.
#pragma once

#include "expr/node.h"

#include <functional>
#include <string>

namespace streamlab::exporter::sql {

std::string translateExpression(const expr::Node& root, const std::function<void(const std::string&)>& warn);

} // namespace streamlab::exporter::sql
