// Text the way Java makes it, for the string operations of expressions: String.valueOf of a value
// (what `"a" + x` and concat(...) append) and String.toLowerCase / toUpperCase.
// Pure functions; thread-safe.
#pragma once

#include "core/value.h"

#include <string>
#include <string_view>

namespace streamlab::expr {

// Double.toString (JDK 19+ definition): the shortest decimal that reads back as `d`, with at least
// one digit after the point, plain for 1e-3 <= |d| < 1e7 ("0.001", "2.5", "100.0") and in computer
// scientific notation otherwise ("1.0E7", "1.5E-5"); "NaN", "Infinity", "-Infinity", "-0.0".
std::string javaDoubleToString(double d);

// Appends String.valueOf(v): "null", "true", "42", javaDoubleToString, the string itself, and
// List.toString ("[1, a]") for lists.
void appendJavaText(std::string& out, const Value& v);

// String.toLowerCase / toUpperCase (locale-independent) for ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic, including ß -> "SS" and İ -> "i̇". Characters of other scripts, the final
// sigma rule and bytes that are not UTF-8 are kept as they are.
std::string javaToLowerCase(std::string_view utf8);
std::string javaToUpperCase(std::string_view utf8);

} // namespace streamlab::expr
