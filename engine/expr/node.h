// The syntax tree of a compiled expression: what Expression evaluates and what exporters (Flink SQL)
// read. Built and type-checked once by the compiler; immutable afterwards, so it can be read from
// any thread.
#pragma once

#include "core/value.h"

#include <string>
#include <string_view>
#include <vector>

namespace streamlab::expr {

enum class NodeKind { FieldRef, Literal, Unary, Binary, Call };

// What a Unary, Binary or Call node computes; None for FieldRef and Literal.
enum class Op {
    None,
    Negate, // unary -
    Not, // unary !
    Multiply,
    Divide,
    Modulo,
    Add, // numbers, or text when one side is a string
    Subtract,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    And,
    Or,
    Lower,
    Upper,
    Abs,
    Concat,
    Hash,
};

struct Node {
    NodeKind kind = NodeKind::Literal;
    Op op = Op::None;
    std::string name; // operator as written ("+", "&&", "!") or function name ("lower"); empty otherwise
    std::string field; // FieldRef: the field name
    int fieldIndex = -1; // FieldRef: index of the field in the schema (and in Record::fields)
    Value literal; // Literal: its value (null for `null`)
    // Static type: the field's declared type for a FieldRef; Long for integer arithmetic, Int for
    // hash(); Any when it depends on fields typed Any, and for `null`.
    FieldType type = FieldType::Any;
    // Source span of the whole node (with parentheses written around it), in characters (code points),
    // 1-based. opColumn is where the operator or the function name stands (= column for others).
    int column = 0;
    int length = 0;
    int opColumn = 0;
    std::vector<Node> children; // operands in source order; call arguments
};

// The operator symbol or function name of an Op ("*", "&&", "lower"); "" for None.
std::string_view opName(Op op);

} // namespace streamlab::expr
