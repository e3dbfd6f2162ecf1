// Text the way Java makes it, for the string operations of expressions: String.valueOf of a value
// (what `"a" + x` and concat(...) append) and String.toLowerCase / toUpperCase.
// Pure functions; thread-safe.
#pragma once

#include "core/value.h"

#include <string>
#include <string_view>

namespace streamlab::expr {

// Double.toString as defined since JDK 19 (older JDKs print a longer digit string for about one
// double in a thousand): the shortest decimal that reads back as `d`, with at least one digit after
// the point, plain for 1e-3 <= |d| < 1e7 ("0.001", "2.5", "100.0") and in computer
// scientific notation otherwise ("1.0E7", "1.5E-5"); "NaN", "Infinity", "-Infinity", "-0.0".
std::string javaDoubleToString(double d);

// Appends String.valueOf(v): "null", "true", "42", javaDoubleToString, the string itself, and
// List.toString ("[1, a]") for lists.
void appendJavaText(std::string& out, const Value& v);

// String.toLowerCase / toUpperCase with Locale.ROOT, for all of Unicode (the data of JDK 17):
// ß -> "SS", "ﬃ" -> "FFI", İ -> "i̇", Σ at the end of a word -> ς. Bytes that are not UTF-8 are
// kept as they are. Only rarely used case-ignorable characters between a Σ and its neighbours are
// not recognised.
std::string javaToLowerCase(std::string_view utf8);
std::string javaToUpperCase(std::string_view utf8);

} // namespace streamlab::expr
