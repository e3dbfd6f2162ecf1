#include "expr/expression.h"

#include "expr/compiler.h"
#include "expr/evaluator.h"

namespace streamlab::expr {

Result<Expression> Expression::compile(std::string_view text, const Schema& schema)
{
    std::variant<Node, Diagnostic> tree = compileTree(text, schema);
    if (auto* d = std::get_if<Diagnostic>(&tree))
        return Status::parseError("column " + std::to_string(d->column) + ": " + d->message);
    return Expression(std::string(text), std::make_shared<const Node>(std::move(std::get<Node>(tree))));
}

std::optional<Diagnostic> Expression::check(std::string_view text, const Schema& schema)
{
    std::variant<Node, Diagnostic> tree = compileTree(text, schema);
    if (auto* d = std::get_if<Diagnostic>(&tree))
        return std::move(*d);
    return std::nullopt;
}

Value Expression::evaluate(const Record& r) const
{
    Value scratch;
    const Value& v = evaluateNode(*m_root, r, scratch);
    if (&v == &scratch)
        return scratch;
    return v;
}

bool Expression::test(const Record& r) const
{
    Value scratch;
    const Value& v = evaluateNode(*m_root, r, scratch);
    const auto* b = std::get_if<bool>(&v);
    return b && *b;
}

} // namespace streamlab::expr
