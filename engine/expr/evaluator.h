// Evaluation of a type-checked tree (see compiler.h) against one record, with the Java-like
// semantics documented in expression.h. Stateless; thread-safe.
#pragma once

#include "core/value.h"
#include "expr/node.h"

namespace streamlab::expr {

// The value of `n` for `r`. Returns a reference to a field of `r`, to a literal of `n` or to
// `scratch`, so that reading a field or a literal copies nothing.
// REQUIRES: `n` came out of compileTree for the schema that `r` follows.
const Value& evaluateNode(const Node& n, const Record& r, Value& scratch);

} // namespace streamlab::expr
