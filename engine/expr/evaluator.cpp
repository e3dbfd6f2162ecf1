#include "expr/evaluator.h"

#include "core/java_hash.h"
#include "expr/java_text.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace streamlab::expr {

namespace {

    const Value kNull;

    // Java long arithmetic wraps; unsigned arithmetic gives the same bits without undefined behaviour.
    int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

    Value arithmetic(Op op, const Value& a, const Value& b)
    {
        const auto* ia = std::get_if<int64_t>(&a);
        const auto* ib = std::get_if<int64_t>(&b);
        if (ia && ib) {
            const int64_t x = *ia, y = *ib;
            switch (op) {
            case Op::Add:
                return wrap(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
            case Op::Subtract:
                return wrap(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
            case Op::Multiply:
                return wrap(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
            case Op::Divide:
                if (y == 0)
                    return {};
                if (y == -1) // Long.MIN_VALUE / -1 overflows to Long.MIN_VALUE in Java
                    return wrap(0 - static_cast<uint64_t>(x));
                return x / y;
            case Op::Modulo:
                if (y == 0)
                    return {};
                if (y == -1)
                    return int64_t { 0 };
                return x % y;
            default:
                return {};
            }
        }
        const std::optional<double> da = asDouble(a);
        const std::optional<double> db = asDouble(b);
        if (!da || !db)
            return {}; // null, or a mismatch of an Any field
        switch (op) {
        case Op::Add:
            return *da + *db;
        case Op::Subtract:
            return *da - *db;
        case Op::Multiply:
            return *da * *db;
        case Op::Divide:
            return *da / *db;
        case Op::Modulo:
            return std::fmod(*da, *db); // Java's % on doubles truncates like fmod
        default:
            return {};
        }
    }

    // How a relates to b. Unordered: a NaN, or unequal booleans or lists; Mismatch: values that Java
    // would not compare (a string with a number, ...). `equality` also accepts booleans and lists.
    enum class Order { Less, Equal, Greater, Unordered, Mismatch };

    Order order(const Value& a, const Value& b, bool equality)
    {
        if (a.index() == 2 && b.index() == 2) {
            const int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
            return x < y ? Order::Less : x > y ? Order::Greater : Order::Equal;
        }
        const std::optional<double> da = asDouble(a);
        const std::optional<double> db = asDouble(b);
        if (da && db) {
            // long versus double: the long is widened, as Java's binary numeric promotion does.
            if (*da < *db)
                return Order::Less;
            if (*da > *db)
                return Order::Greater;
            return *da == *db ? Order::Equal : Order::Unordered;
        }
        if (a.index() == 4 && b.index() == 4) {
            const int c = std::get<std::string>(a).compare(std::get<std::string>(b)); // bytes, unsigned
            return c < 0 ? Order::Less : c > 0 ? Order::Greater : Order::Equal;
        }
        if (equality && a.index() == b.index() && (a.index() == 1 || a.index() == 5))
            return compareValues(a, b) == 0 ? Order::Equal : Order::Unordered;
        return Order::Mismatch;
    }

    Value compare(Op op, const Value& a, const Value& b)
    {
        if (op == Op::Equal || op == Op::NotEqual) {
            bool equal;
            if (isNull(a) || isNull(b)) {
                equal = isNull(a) && isNull(b);
            } else {
                const Order o = order(a, b, true);
                if (o == Order::Mismatch)
                    return {};
                equal = o == Order::Equal;
            }
            return op == Op::Equal ? equal : !equal;
        }
        if (isNull(a) || isNull(b))
            return {};
        const Order o = order(a, b, false);
        switch (o) {
        case Order::Mismatch:
            return {};
        case Order::Unordered:
            return false;
        default:
            break;
        }
        switch (op) {
        case Op::Less:
            return o == Order::Less;
        case Op::LessEqual:
            return o != Order::Greater;
        case Op::Greater:
            return o == Order::Greater;
        case Op::GreaterEqual:
            return o != Order::Less;
        default:
            return {};
        }
    }

    enum class Truth { False, True, Mismatch };

    // Operands of && and ||: null counts as false; anything but a boolean is a mismatch.
    Truth truth(const Value& v)
    {
        if (const auto* b = std::get_if<bool>(&v))
            return *b ? Truth::True : Truth::False;
        return isNull(v) ? Truth::False : Truth::Mismatch;
    }

    const Value& logic(const Node& n, const Record& r, Value& scratch)
    {
        Value tmp;
        const Truth left = truth(evaluateNode(n.children[0], r, tmp));
        if (left == Truth::Mismatch) {
            scratch = Value {};
            return scratch;
        }
        const bool isAnd = n.op == Op::And;
        if ((isAnd && left == Truth::False) || (!isAnd && left == Truth::True)) {
            scratch = !isAnd;
            return scratch;
        }
        Value tmp2;
        const Truth right = truth(evaluateNode(n.children[1], r, tmp2));
        if (right == Truth::Mismatch)
            scratch = Value {};
        else
            scratch = right == Truth::True;
        return scratch;
    }

    const Value& call(const Node& n, const Record& r, Value& scratch)
    {
        if (n.op == Op::Concat) {
            std::string out;
            for (const Node& arg : n.children) {
                Value tmp;
                appendJavaText(out, evaluateNode(arg, r, tmp));
            }
            scratch = std::move(out);
            return scratch;
        }
        Value tmp;
        const Value& a = evaluateNode(n.children[0], r, tmp);
        switch (n.op) {
        case Op::Lower:
        case Op::Upper:
            if (const auto* s = std::get_if<std::string>(&a))
                scratch = n.op == Op::Lower ? javaToLowerCase(*s) : javaToUpperCase(*s);
            else
                scratch = Value {};
            break;
        case Op::Abs:
            if (const auto* i = std::get_if<int64_t>(&a))
                scratch
                    = *i < 0 ? wrap(0 - static_cast<uint64_t>(*i)) : *i; // abs(Long.MIN_VALUE) stays negative
            else if (const auto* d = std::get_if<double>(&a))
                scratch = std::fabs(*d);
            else
                scratch = Value {};
            break;
        case Op::Hash:
            scratch = int64_t { javaValueHash(a, n.children[0].type) };
            break;
        default:
            scratch = Value {};
        }
        return scratch;
    }

} // namespace

const Value& evaluateNode(const Node& n, const Record& r, Value& scratch)
{
    switch (n.kind) {
    case NodeKind::FieldRef: {
        const auto index = static_cast<size_t>(n.fieldIndex);
        return index < r.fields.size() ? r.fields[index] : kNull;
    }
    case NodeKind::Literal:
        return n.literal;
    case NodeKind::Unary: {
        Value tmp;
        const Value& a = evaluateNode(n.children[0], r, tmp);
        if (n.op == Op::Not) {
            if (const auto* b = std::get_if<bool>(&a))
                scratch = !*b;
            else
                scratch = Value {};
        } else if (const auto* i = std::get_if<int64_t>(&a)) {
            scratch = wrap(0 - static_cast<uint64_t>(*i));
        } else if (const auto* d = std::get_if<double>(&a)) {
            scratch = -*d;
        } else {
            scratch = Value {};
        }
        return scratch;
    }
    case NodeKind::Binary: {
        if (n.op == Op::And || n.op == Op::Or)
            return logic(n, r, scratch);
        Value tmpA, tmpB;
        const Value& a = evaluateNode(n.children[0], r, tmpA);
        const Value& b = evaluateNode(n.children[1], r, tmpB);
        switch (n.op) {
        case Op::Add:
            if (a.index() == 4 || b.index() == 4) {
                std::string out;
                appendJavaText(out, a);
                appendJavaText(out, b);
                scratch = std::move(out);
                return scratch;
            }
            [[fallthrough]];
        case Op::Subtract:
        case Op::Multiply:
        case Op::Divide:
        case Op::Modulo:
            scratch = arithmetic(n.op, a, b);
            return scratch;
        default:
            scratch = compare(n.op, a, b);
            return scratch;
        }
    }
    case NodeKind::Call:
        return call(n, r, scratch);
    }
    return kNull;
}

} // namespace streamlab::expr
