// The expression language of `filter.where` and `map.set`: field names, literals, arithmetic,
// comparisons, logic and a few functions, with Java semantics so that results match a Flink job.
//
//   amount * 2 > 100 && lower(country) == 'de'
//   concat(user, '/', hash(user) % 16)
//
// An Expression is compiled once against the schema of its input (names resolved to indices,
// types checked), then evaluated per record. Immutable value type: copies share the tree;
// evaluate() and test() are const and thread-safe, and allocate nothing unless the result or an
// intermediate value is a string.
//
// Language
// - Fields: identifiers [A-Za-z_][A-Za-z0-9_]* naming a field of the schema.
// - Literals: 42 (int64), 1.5, .5, 1e3 (double), 'text' or "text" with backslash escapes
//   (\n \t \r \b \f \0 \\ \' \" \/ \uXXXX), true, false, null.
// - Operators, tightest first: unary - and !; * / %; + -; < <= > >=; == !=; &&; ||; (...).
// - Functions: lower(s), upper(s), abs(n), concat(a, ...) (one or more values as text, null ->
//   "null"), hash(x) (Java hashCode, see core/java_hash.h, as an Int).
// Semantics
// - Integers are Java longs: wraparound, / truncates toward zero, % keeps the dividend's sign;
//   integer / or % by zero gives null. With a double operand the operation is double (x / 0.0
//   is Infinity). Timestamp fields are epoch milliseconds, plain integers.
// - + with a string operand concatenates String.valueOf of the other side ('a' + 1.0 is "a1.0",
//   'a' + null is "anull").
// - Arithmetic, ordering comparisons, !, lower, upper and abs of null give null; == and != treat
//   null as a value (x == null). Numbers compare numerically (an integer against a double is
//   widened), strings by their UTF-8 bytes.
// - && and || short-circuit and treat null as false; their result is a boolean (null only when a
//   field typed Any holds something else).
// - Mixing types that do not fit ('a' * 2, !5, 'x' < 3, 'x' == 1) is a compile error; for fields
//   typed Any the check happens per record and a mismatch gives null.
// Errors name the column, in characters, and say what was expected:
//   "column 8: unknown field 'amout'; expected one of the fields user, amount, ts".
#pragma once

#include "core/status.h"
#include "core/value.h"
#include "expr/diagnostic.h"
#include "expr/node.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace streamlab::expr {

class Expression {
public:
    // Parses and type-checks `text` against `schema`. On error a ParseError whose message reads
    // "column N: <what is wrong, what was expected>".
    static Result<Expression> compile(std::string_view text, const Schema& schema);
    // The same check, returning the error with its place (for a GUI that underlines it); nullopt
    // when the expression compiles.
    static std::optional<Diagnostic> check(std::string_view text, const Schema& schema);

    // REQUIRES: r.fields are in the order of the schema compiled against (missing ones read as null).
    Value evaluate(const Record& r) const;
    // Filter semantics: true only when the value is boolean true (null and other values: false).
    bool test(const Record& r) const;

    // Static type of the result: Boolean for comparisons and logic, String for text, Long for
    // integer arithmetic, the declared type for a bare field, Int for hash(); Any when it depends
    // on fields typed Any, and for `null`.
    FieldType resultType() const { return m_root->type; }
    const std::string& text() const { return m_text; }
    // The type-checked syntax tree, for exporters.
    const Node& root() const { return *m_root; }

private:
    Expression(std::string text, std::shared_ptr<const Node> root)
        : m_text(std::move(text))
        , m_root(std::move(root))
    {
    }

    std::string m_text;
    std::shared_ptr<const Node> m_root; // never null
};

} // namespace streamlab::expr
