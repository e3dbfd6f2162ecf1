// A compile error of an expression with its place, for messages and for a GUI that underlines it.
// Value type.
#pragma once

#include <string>

namespace streamlab::expr {

struct Diagnostic {
    int column = 0; // 1-based, in characters (code points) of the expression text
    int length = 1; // characters to underline, at least 1
    std::string message; // what is wrong and what was expected, without the column
};

} // namespace streamlab::expr
