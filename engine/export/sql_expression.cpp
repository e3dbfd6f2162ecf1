#include "export/sql_expression.h"

#include "export/sql_text.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace streamlab::exporter::sql {

namespace {

    class ExpressionTranslator {
    public:
        explicit ExpressionTranslator(std::function<void(const std::string&)> warn)
            : m_warn(std::move(warn))
        {
        }

        std::string translate(const expr::Node& n) { return emit(n, false); }

    private:
        static bool isIntegral(FieldType t)
        {
            return t == FieldType::Int || t == FieldType::Long || t == FieldType::Timestamp;
        }
        static bool isNullLiteral(const expr::Node& n)
        {
            return n.kind == expr::NodeKind::Literal && isNull(n.literal);
        }

        std::string literal(const Value& v)
        {
            if (isNull(v))
                return "NULL";
            if (auto b = std::get_if<bool>(&v))
                return *b ? "TRUE" : "FALSE";
            if (auto i = std::get_if<int64_t>(&v)) {
                if (*i == std::numeric_limits<int64_t>::min())
                    return "CAST(" + std::to_string(*i) + " AS BIGINT)";
                return std::to_string(*i);
            }
            if (auto d = std::get_if<double>(&v)) {
                if (std::isnan(*d))
                    return "CAST('NaN' AS DOUBLE)";
                if (std::isinf(*d))
                    return *d > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
                char buf[64];
                auto r = std::to_chars(buf, buf + sizeof buf, *d);
                std::string s(buf, r.ptr);
                // 1.5 is a DECIMAL literal in Flink SQL; 1.5E0 is a DOUBLE, as in the expression.
                auto e = s.find('e');
                if (e == std::string::npos)
                    s += "E0";
                else
                    s[e] = 'E';
                return s;
            }
            if (auto s = std::get_if<std::string>(&v))
                return quoteString(*s);
            return "NULL";
        }

        // An operand of integer arithmetic: Streamlab computes with Java longs, so an INT column
        // is widened to BIGINT to overflow where Streamlab overflows.
        std::string arithmeticOperand(const expr::Node& n)
        {
            std::string s = emit(n, true);
            if (n.type == FieldType::Int)
                return "CAST(" + s + " AS BIGINT)";
            return s;
        }

        // String.valueOf semantics of `+` with a string and of concat(): null reads "null".
        std::string asText(const expr::Node& n)
        {
            if (n.kind == expr::NodeKind::Literal) {
                if (isNull(n.literal))
                    return "'null'";
                if (auto s = std::get_if<std::string>(&n.literal))
                    return quoteString(*s);
                if (auto b = std::get_if<bool>(&n.literal))
                    return *b ? "'true'" : "'false'";
                return quoteString(valueToText(n.literal));
            }
            std::string inner = emit(n, false);
            if (n.type != FieldType::String)
                inner = "CAST(" + inner + " AS STRING)";
            return "COALESCE(" + inner + ", 'null')";
        }

        void flattenConcat(const expr::Node& n, std::vector<const expr::Node*>& parts)
        {
            if (n.kind == expr::NodeKind::Binary && n.op == expr::Op::Add && n.type == FieldType::String) {
                flattenConcat(n.children[0], parts);
                flattenConcat(n.children[1], parts);
            } else {
                parts.push_back(&n);
            }
        }

        std::string emit(const expr::Node& n, bool nested)
        {
            auto wrap = [nested](std::string s) { return nested ? "(" + s + ")" : s; };
            switch (n.kind) {
            case expr::NodeKind::FieldRef:
                return quoteIdent(n.field);
            case expr::NodeKind::Literal:
                return literal(n.literal);
            case expr::NodeKind::Unary:
                if (n.op == expr::Op::Not)
                    return wrap("NOT " + emit(n.children[0], true));
                return wrap("-" + arithmeticOperand(n.children[0]));
            case expr::NodeKind::Binary: {
                // CONCAT(...) and MOD(...) need no parentheses around them.
                bool call
                    = n.op == expr::Op::Modulo || (n.op == expr::Op::Add && n.type == FieldType::String);
                return call ? binary(n) : wrap(binary(n));
            }
            case expr::NodeKind::Call:
                return call(n);
            }
            return "NULL";
        }

        std::string binary(const expr::Node& n)
        {
            const auto& a = n.children[0];
            const auto& b = n.children[1];
            using expr::Op;
            switch (n.op) {
            case Op::And:
                return emit(a, true) + " AND " + emit(b, true);
            case Op::Or:
                return emit(a, true) + " OR " + emit(b, true);
            case Op::Equal:
            case Op::NotEqual: {
                bool eq = n.op == Op::Equal;
                if (isNullLiteral(b) || isNullLiteral(a)) {
                    const auto& other = isNullLiteral(b) ? a : b;
                    return emit(other, true) + (eq ? " IS NULL" : " IS NOT NULL");
                }
                return emit(a, true) + (eq ? " = " : " <> ") + emit(b, true);
            }
            case Op::Less:
                return emit(a, true) + " < " + emit(b, true);
            case Op::LessEqual:
                return emit(a, true) + " <= " + emit(b, true);
            case Op::Greater:
                return emit(a, true) + " > " + emit(b, true);
            case Op::GreaterEqual:
                return emit(a, true) + " >= " + emit(b, true);
            case Op::Add:
                if (n.type == FieldType::String) {
                    std::vector<const expr::Node*> parts;
                    flattenConcat(n, parts);
                    std::string s;
                    for (const auto* p : parts)
                        s += (s.empty() ? "" : ", ") + asText(*p);
                    return "CONCAT(" + s + ")";
                }
                return arithmeticOperand(a) + " + " + arithmeticOperand(b);
            case Op::Subtract:
                return arithmeticOperand(a) + " - " + arithmeticOperand(b);
            case Op::Multiply:
                return arithmeticOperand(a) + " * " + arithmeticOperand(b);
            case Op::Divide:
            case Op::Modulo: {
                // Integer division or remainder by zero is null in Streamlab; NULLIF keeps it so
                // instead of failing the Flink job.
                std::string divisor = arithmeticOperand(b);
                bool integral = isIntegral(a.type) && isIntegral(b.type);
                bool literalNonZero = b.kind == expr::NodeKind::Literal
                    && std::holds_alternative<int64_t>(b.literal) && std::get<int64_t>(b.literal) != 0;
                if (integral && !literalNonZero)
                    divisor = "NULLIF(" + divisor + ", 0)";
                if (n.op == Op::Divide)
                    return arithmeticOperand(a) + " / " + divisor;
                // MOD keeps the dividend's sign, as Java's % does.
                return "MOD(" + emit(a, false) + ", " + divisor + ")";
            }
            default:
                return "NULL";
            }
        }

        std::string call(const expr::Node& n)
        {
            using expr::Op;
            switch (n.op) {
            case Op::Lower:
                return "LOWER(" + emit(n.children[0], false) + ")";
            case Op::Upper:
                return "UPPER(" + emit(n.children[0], false) + ")";
            case Op::Abs:
                return "ABS(" + arithmeticOperand(n.children[0]) + ")";
            case Op::Concat: {
                std::string s;
                for (const auto& c : n.children)
                    s += (s.empty() ? "" : ", ") + asText(c);
                return "CONCAT(" + s + ")";
            }
            case Op::Hash:
                m_warn("hash() is Java's hashCode, which Flink SQL has no built-in function for: exported as "
                       "HASH_CODE(...), a scalar UDF to register (String.hashCode / Long.hashCode / "
                       "Double.hashCode) "
                       "before the script runs");
                return "HASH_CODE(" + emit(n.children[0], false) + ")";
            default:
                return "NULL";
            }
        }

        std::function<void(const std::string&)> m_warn;
    };

} // namespace

std::string translateExpression(const expr::Node& root, const std::function<void(const std::string&)>& warn)
{
    return ExpressionTranslator(warn).translate(root);
}

} // namespace streamlab::exporter::sql
