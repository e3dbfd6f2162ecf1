// Turns expression text into a type-checked syntax tree: lexing, parsing with the usual
// precedence, resolving field names to indices of the schema and checking the static types.
// Used by Expression; pure functions, thread-safe.
#pragma once

#include "core/value.h"
#include "expr/diagnostic.h"
#include "expr/node.h"

#include <string_view>
#include <variant>

namespace streamlab::expr {

// Deepest tree and deepest nesting (parentheses, unary operators, calls) that compile accepts, so
// that neither compiling nor evaluating can exhaust the stack.
inline constexpr int kMaxTreeDepth = 1000;
inline constexpr int kMaxNesting = 200;

// The tree of `text` against `schema`, or the first error (leftmost syntax error, else the first
// unknown name or type error in reading order).
std::variant<Node, Diagnostic> compileTree(std::string_view text, const Schema& schema);

} // namespace streamlab::expr
