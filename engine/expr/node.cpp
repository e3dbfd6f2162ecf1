#include "expr/node.h"

namespace streamlab::expr {

std::string_view opName(Op op)
{
    switch (op) {
    case Op::None:
        return "";
    case Op::Negate:
        return "-";
    case Op::Not:
        return "!";
    case Op::Multiply:
        return "*";
    case Op::Divide:
        return "/";
    case Op::Modulo:
        return "%";
    case Op::Add:
        return "+";
    case Op::Subtract:
        return "-";
    case Op::Less:
        return "<";
    case Op::LessEqual:
        return "<=";
    case Op::Greater:
        return ">";
    case Op::GreaterEqual:
        return ">=";
    case Op::Equal:
        return "==";
    case Op::NotEqual:
        return "!=";
    case Op::And:
        return "&&";
    case Op::Or:
        return "||";
    case Op::Lower:
        return "lower";
    case Op::Upper:
        return "upper";
    case Op::Abs:
        return "abs";
    case Op::Concat:
        return "concat";
    case Op::Hash:
        return "hash";
    }
    return "";
}

} // namespace streamlab::expr
