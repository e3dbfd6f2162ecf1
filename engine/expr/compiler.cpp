#include "expr/compiler.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace streamlab::expr {

namespace {

    enum class TokenKind { End, Error, Identifier, Integer, Decimal, String, Symbol };

    struct Token {
        TokenKind kind = TokenKind::End;
        size_t begin = 0; // byte offsets into the text
        size_t end = 0;
        std::string_view symbol; // Symbol: "+", "<=", "(", ...
        uint64_t integer = 0;
        bool integerOverflow = false; // Integer: more than 2^64 - 1
        double decimal = 0;
        std::string string; // String: the text with escapes resolved
    };

    // What the type checker knows of an operand. Int covers Int, Long and Timestamp fields.
    enum class Kind { Null, Bool, Int, Double, String, Any };

    struct Parsed {
        Node node;
        int depth = 1;
    };

    struct BinaryOp {
        std::string_view symbol;
        Op op;
    };

    // Lowest precedence first; all left-associative.
    const std::array<std::vector<BinaryOp>, 6> kLevels = { {
        { { "||", Op::Or } },
        { { "&&", Op::And } },
        { { "==", Op::Equal }, { "!=", Op::NotEqual } },
        { { "<", Op::Less }, { "<=", Op::LessEqual }, { ">", Op::Greater }, { ">=", Op::GreaterEqual } },
        { { "+", Op::Add }, { "-", Op::Subtract } },
        { { "*", Op::Multiply }, { "/", Op::Divide }, { "%", Op::Modulo } },
    } };

    struct Function {
        std::string_view name;
        Op op;
        size_t minArgs;
        size_t maxArgs;
    };

    const std::array<Function, 5> kFunctions = { {
        { "abs", Op::Abs, 1, 1 },
        { "concat", Op::Concat, 1, std::numeric_limits<size_t>::max() },
        { "hash", Op::Hash, 1, 1 },
        { "lower", Op::Lower, 1, 1 },
        { "upper", Op::Upper, 1, 1 },
    } };

    constexpr std::string_view kOperandExpected = "expected a field, a literal, a function call or '('";

    bool isDigit(char c) { return c >= '0' && c <= '9'; }
    bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
    bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
    bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

    std::string_view kindName(Kind k)
    {
        switch (k) {
        case Kind::Null:
            return "null";
        case Kind::Bool:
            return "a boolean";
        case Kind::Int:
            return "an integer";
        case Kind::Double:
            return "a double";
        case Kind::String:
            return "a string";
        case Kind::Any:
            return "of any type";
        }
        return "";
    }

    Kind kindOf(FieldType t)
    {
        switch (t) {
        case FieldType::String:
            return Kind::String;
        case FieldType::Int:
        case FieldType::Long:
        case FieldType::Timestamp:
            return Kind::Int;
        case FieldType::Double:
            return Kind::Double;
        case FieldType::Boolean:
            return Kind::Bool;
        case FieldType::Any:
            return Kind::Any;
        }
        return Kind::Any;
    }

    bool isNumeric(Kind k) { return k == Kind::Int || k == Kind::Double; }
    // Known at compile time: neither `null` nor decided only at run time.
    bool isKnown(Kind k) { return k != Kind::Null && k != Kind::Any; }

    // Kind of an arithmetic result: unknown if any operand is, double if any is, else integer.
    Kind numericResult(Kind a, Kind b)
    {
        if (a == Kind::Any || b == Kind::Any)
            return Kind::Any;
        if (a == Kind::Double || b == Kind::Double)
            return Kind::Double;
        if (a == Kind::Int || b == Kind::Int)
            return Kind::Int;
        return Kind::Null;
    }

    FieldType numericType(Kind k)
    {
        return k == Kind::Int ? FieldType::Long : k == Kind::Double ? FieldType::Double : FieldType::Any;
    }

    void appendUtf8(std::string& out, uint32_t cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    class Compiler {
    public:
        Compiler(std::string_view text, const Schema& schema)
            : m_text(text)
            , m_schema(schema)
        {
            // Columns count characters, so that a GUI underlines the right place after non-ASCII text.
            m_columnOfByte.resize(text.size() + 1);
            m_columnOfByte[0] = 1;
            for (size_t b = 0; b < text.size(); ++b) {
                if (!isContinuation(text[b]))
                    m_byteOfColumn.push_back(b);
                m_columnOfByte[b + 1] = m_columnOfByte[b] + (isContinuation(text[b]) ? 0 : 1);
            }
            m_byteOfColumn.push_back(text.size());
        }

        std::variant<Node, Diagnostic> run()
        {
            advance();
            std::optional<Parsed> tree;
            if (m_token.kind == TokenKind::End) {
                fail(0, m_text.size(), "the expression is empty; expected e.g. amount > 10");
            } else {
                tree = parseLevel(0);
                if (tree && m_token.kind != TokenKind::End)
                    fail(m_token.begin, m_token.end,
                        "unexpected " + describe(m_token)
                            + " after a complete expression; expected an operator");
            }
            if (!m_error && tree)
                check(tree->node);
            if (m_error)
                return *m_error;
            return std::move(tree->node);
        }

    private:
        // --- errors and positions ---------------------------------------------------------------

        std::nullopt_t fail(size_t beginByte, size_t endByte, std::string message)
        {
            const int column = m_columnOfByte[beginByte];
            return failAt(column, m_columnOfByte[endByte] - column, std::move(message));
        }

        // Only the first error counts: later ones are often consequences of it.
        std::nullopt_t failAt(int column, int length, std::string message)
        {
            if (!m_error)
                m_error = Diagnostic { column, std::max(length, 1), std::move(message) };
            return std::nullopt;
        }

        void setSpan(Node& n, size_t beginByte, size_t endByte)
        {
            n.column = m_columnOfByte[beginByte];
            n.length = m_columnOfByte[endByte] - n.column;
            if (n.opColumn == 0)
                n.opColumn = n.column;
        }
        size_t beginByte(const Node& n) const { return m_byteOfColumn[static_cast<size_t>(n.column - 1)]; }
        size_t endByte(const Node& n) const
        {
            return m_byteOfColumn[static_cast<size_t>(n.column - 1 + n.length)];
        }

        // The source text of a node for messages, shortened when long.
        std::string snippet(const Node& n) const
        {
            constexpr int kMax = 40;
            if (n.length <= kMax)
                return std::string(m_text.substr(beginByte(n), endByte(n) - beginByte(n)));
            const size_t cut = m_byteOfColumn[static_cast<size_t>(n.column - 1 + kMax - 3)];
            return std::string(m_text.substr(beginByte(n), cut - beginByte(n))) + "...";
        }

        std::string describe(const Token& t) const
        {
            if (t.kind == TokenKind::End)
                return "end of the expression";
            std::string quoted = "'";
            quoted.append(m_text.substr(t.begin, t.end - t.begin));
            quoted += '\'';
            return quoted;
        }

        // --- lexer --------------------------------------------------------------------------------

        void advance() { m_token = m_error ? errorToken(m_pos) : lex(); }

        Token take()
        {
            Token t = std::move(m_token);
            m_token = Token {};
            advance();
            return t;
        }

        bool atSymbol(std::string_view s) const
        {
            return m_token.kind == TokenKind::Symbol && m_token.symbol == s;
        }

        Token lexError(size_t begin, size_t end, std::string message)
        {
            fail(begin, end, std::move(message));
            return errorToken(begin);
        }

        // A token that stops the parser; the error itself has been recorded.
        static Token errorToken(size_t at)
        {
            Token t;
            t.kind = TokenKind::Error;
            t.begin = at;
            t.end = at;
            return t;
        }

        Token lex()
        {
            const std::string_view s = m_text;
            size_t& i = m_pos;
            while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
                ++i;
            Token t;
            t.begin = i;
            if (i == s.size()) {
                t.end = i;
                return t;
            }
            const char c = s[i];
            if (isIdentStart(c)) {
                while (i < s.size() && isIdentChar(s[i]))
                    ++i;
                t.kind = TokenKind::Identifier;
                t.end = i;
                return t;
            }
            if (isDigit(c) || (c == '.' && i + 1 < s.size() && isDigit(s[i + 1])))
                return lexNumber();
            if (c == '\'' || c == '"')
                return lexString();
            static constexpr std::array<std::string_view, 17> kSymbols = { "<=", ">=", "==", "!=", "&&", "||",
                "+", "-", "*", "/", "%", "<", ">", "!", "(", ")", "," };
            for (std::string_view sym : kSymbols) {
                if (s.substr(i, sym.size()) == sym) {
                    t.kind = TokenKind::Symbol;
                    t.symbol = sym;
                    i += sym.size();
                    t.end = i;
                    return t;
                }
            }
            if (c == '=')
                return lexError(i, i + 1, "'=' is not an operator; expected '==' to compare");
            if (c == '&')
                return lexError(i, i + 1, "'&' is not an operator; expected '&&'");
            if (c == '|')
                return lexError(i, i + 1, "'|' is not an operator; expected '||'");
            size_t end = i + 1;
            while (end < s.size() && isContinuation(s[end]))
                ++end;
            return lexError(i, end,
                "unexpected character '" + std::string(s.substr(i, end - i)) + "'; "
                    + std::string(kOperandExpected) + " or an operator");
        }

        Token lexNumber()
        {
            const std::string_view s = m_text;
            size_t& i = m_pos;
            const size_t begin = i;
            bool decimal = false;
            while (i < s.size() && isDigit(s[i]))
                ++i;
            if (i < s.size() && s[i] == '.') {
                decimal = true;
                ++i;
                while (i < s.size() && isDigit(s[i]))
                    ++i;
            }
            if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
                size_t j = i + 1;
                if (j < s.size() && (s[j] == '+' || s[j] == '-'))
                    ++j;
                if (j >= s.size() || !isDigit(s[j]))
                    return lexError(begin, j,
                        "malformed number '" + std::string(s.substr(begin, j - begin))
                            + "'; expected digits after the exponent");
                decimal = true;
                i = j;
                while (i < s.size() && isDigit(s[i]))
                    ++i;
            }
            if (i < s.size() && (isIdentChar(s[i]) || s[i] == '.')) {
                size_t end = i;
                while (end < s.size() && (isIdentChar(s[end]) || s[end] == '.'))
                    ++end;
                return lexError(begin, end,
                    "malformed number '" + std::string(s.substr(begin, end - begin))
                        + "'; expected digits, a decimal point or an exponent like 1.5e3");
            }
            Token t;
            t.begin = begin;
            t.end = i;
            const char* first = s.data() + begin;
            const char* last = s.data() + i;
            if (!decimal) {
                t.kind = TokenKind::Integer;
                auto [p, ec] = std::from_chars(first, last, t.integer);
                t.integerOverflow = ec == std::errc::result_out_of_range;
                return t;
            }
            t.kind = TokenKind::Decimal;
            // from_chars wants a digit before the point.
            std::string text = s[begin] == '.' ? "0" + std::string(first, last) : std::string(first, last);
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), t.decimal);
            if (ec == std::errc::result_out_of_range)
                return lexError(begin, i,
                    "number " + std::string(first, last)
                        + " is out of the range of a double; expected a magnitude between 4.9e-324 and "
                          "1.7976931348623157e308");
            return t;
        }

        Token lexString()
        {
            const std::string_view s = m_text;
            size_t& i = m_pos;
            const size_t begin = i;
            const char quote = s[i++];
            Token t;
            t.kind = TokenKind::String;
            t.begin = begin;
            while (true) {
                if (i >= s.size())
                    return lexError(
                        begin, s.size(), std::string("unterminated string; expected a closing ") + quote);
                const char c = s[i];
                if (c == quote) {
                    ++i;
                    break;
                }
                if (c != '\\') {
                    t.string += c;
                    ++i;
                    continue;
                }
                const size_t escape = i;
                if (i + 1 >= s.size())
                    return lexError(
                        begin, s.size(), std::string("unterminated string; expected a closing ") + quote);
                const char e = s[i + 1];
                i += 2;
                switch (e) {
                case 'n':
                    t.string += '\n';
                    break;
                case 't':
                    t.string += '\t';
                    break;
                case 'r':
                    t.string += '\r';
                    break;
                case 'b':
                    t.string += '\b';
                    break;
                case 'f':
                    t.string += '\f';
                    break;
                case '0':
                    t.string += '\0';
                    break;
                case '\\':
                case '\'':
                case '"':
                case '/':
                    t.string += e;
                    break;
                case 'u': {
                    std::optional<uint32_t> unit = hex4(escape);
                    if (!unit)
                        return errorToken(escape);
                    uint32_t cp = *unit;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        std::optional<uint32_t> low;
                        if (s.substr(i, 2) == "\\u")
                            low = hex4(i);
                        if (!low || *low < 0xDC00 || *low > 0xDFFF)
                            return lexError(escape, escape + 6,
                                "unpaired surrogate " + std::string(s.substr(escape, 6))
                                    + "; expected a pair like \\uD83D\\uDE00");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return lexError(escape, escape + 6,
                            "unpaired surrogate " + std::string(s.substr(escape, 6))
                                + "; expected a pair like \\uD83D\\uDE00");
                    }
                    appendUtf8(t.string, cp);
                    break;
                }
                default: {
                    size_t end = i;
                    while (end < s.size() && isContinuation(s[end]))
                        ++end;
                    return lexError(escape, end,
                        "unknown escape sequence '" + std::string(s.substr(escape, end - escape))
                            + "'; expected one of \\n \\t \\r \\b \\f \\0 \\\\ \\' \\\" \\/ or \\uXXXX");
                }
                }
            }
            t.end = i;
            return t;
        }

        // The value of the \uXXXX escape at `at` (pointing at the backslash); advances m_pos past it.
        std::optional<uint32_t> hex4(size_t at)
        {
            const std::string_view s = m_text;
            uint32_t v = 0;
            size_t k = at + 2;
            for (; k < at + 6 && k < s.size(); ++k) {
                const char c = s[k];
                int d = -1;
                if (isDigit(c))
                    d = c - '0';
                else if (c >= 'a' && c <= 'f')
                    d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                    d = c - 'A' + 10;
                if (d < 0)
                    break;
                v = v * 16 + static_cast<uint32_t>(d);
            }
            if (k != at + 6) {
                fail(at, std::min(k, s.size()),
                    "malformed escape '" + std::string(s.substr(at, k - at))
                        + "'; expected \\u and 4 hex digits");
                return std::nullopt;
            }
            m_pos = at + 6;
            return v;
        }

        // --- parser -------------------------------------------------------------------------------

        std::optional<Parsed> tooDeep(size_t beginByte, size_t endByte)
        {
            return fail(beginByte, endByte,
                "the expression nests too deeply; expected at most " + std::to_string(kMaxNesting)
                    + " levels of parentheses, operators and calls");
        }

        std::optional<Parsed> parseLevel(size_t level)
        {
            if (level == kLevels.size())
                return parseUnary();
            std::optional<Parsed> left = parseLevel(level + 1);
            if (!left)
                return std::nullopt;
            while (m_token.kind == TokenKind::Symbol) {
                const BinaryOp* found = nullptr;
                for (const BinaryOp& b : kLevels[level])
                    if (b.symbol == m_token.symbol)
                        found = &b;
                if (!found)
                    break;
                Token opToken = take();
                std::optional<Parsed> right = parseLevel(level + 1);
                if (!right)
                    return std::nullopt;
                Parsed p;
                p.node.kind = NodeKind::Binary;
                p.node.op = found->op;
                p.node.name = std::string(found->symbol);
                p.node.opColumn = m_columnOfByte[opToken.begin];
                const size_t begin = beginByte(left->node);
                const size_t end = endByte(right->node);
                setSpan(p.node, begin, end);
                p.depth = 1 + std::max(left->depth, right->depth);
                p.node.children.push_back(std::move(left->node));
                p.node.children.push_back(std::move(right->node));
                if (p.depth > kMaxTreeDepth)
                    return fail(begin, end,
                        "the expression is too long; expected at most " + std::to_string(kMaxTreeDepth)
                            + " operators in a chain");
                left = std::move(p);
            }
            return left;
        }

        std::optional<Parsed> parseUnary()
        {
            if (!atSymbol("-") && !atSymbol("!"))
                return parsePrimary();
            Token opToken = take();
            if (++m_nesting > kMaxNesting)
                return tooDeep(opToken.begin, opToken.end);
            Parsed p;
            // Long.MIN_VALUE can only be written negated, as in Java.
            if (opToken.symbol == "-" && m_token.kind == TokenKind::Integer && !m_token.integerOverflow
                && m_token.integer == uint64_t { 1 } << 63) {
                Token literal = take();
                p.node.kind = NodeKind::Literal;
                p.node.literal = std::numeric_limits<int64_t>::min();
                setSpan(p.node, opToken.begin, literal.end);
                --m_nesting;
                return p;
            }
            std::optional<Parsed> operand = parseUnary();
            if (!operand)
                return std::nullopt;
            --m_nesting;
            p.node.kind = NodeKind::Unary;
            p.node.op = opToken.symbol == "-" ? Op::Negate : Op::Not;
            p.node.name = std::string(opToken.symbol);
            setSpan(p.node, opToken.begin, endByte(operand->node));
            p.depth = operand->depth + 1;
            p.node.children.push_back(std::move(operand->node));
            return p;
        }

        std::optional<Parsed> parsePrimary()
        {
            Parsed p;
            switch (m_token.kind) {
            case TokenKind::Integer: {
                if (m_token.integerOverflow
                    || m_token.integer > uint64_t { std::numeric_limits<int64_t>::max() })
                    return fail(m_token.begin, m_token.end,
                        "integer " + std::string(m_text.substr(m_token.begin, m_token.end - m_token.begin))
                            + " is too large; expected at most 9223372036854775807 (write a decimal like "
                              "1e19 "
                              "for larger numbers)");
                Token t = take();
                p.node.kind = NodeKind::Literal;
                p.node.literal = static_cast<int64_t>(t.integer);
                setSpan(p.node, t.begin, t.end);
                return p;
            }
            case TokenKind::Decimal: {
                Token t = take();
                p.node.kind = NodeKind::Literal;
                p.node.literal = t.decimal;
                setSpan(p.node, t.begin, t.end);
                return p;
            }
            case TokenKind::String: {
                Token t = take();
                p.node.kind = NodeKind::Literal;
                p.node.literal = std::move(t.string);
                setSpan(p.node, t.begin, t.end);
                return p;
            }
            case TokenKind::Identifier:
                return parseIdentifier();
            case TokenKind::Symbol:
                if (m_token.symbol == "(") {
                    Token open = take();
                    if (++m_nesting > kMaxNesting)
                        return tooDeep(open.begin, open.end);
                    std::optional<Parsed> inner = parseLevel(0);
                    if (!inner)
                        return std::nullopt;
                    --m_nesting;
                    if (!atSymbol(")"))
                        return fail(m_token.begin, m_token.end,
                            "unexpected " + describe(m_token) + "; expected ')' to close the '(' at column "
                                + std::to_string(m_columnOfByte[open.begin]));
                    Token close = take();
                    setSpan(inner->node, open.begin, close.end);
                    return inner;
                }
                break;
            case TokenKind::End:
            case TokenKind::Error:
                break;
            }
            return fail(m_token.begin, m_token.end,
                "unexpected " + describe(m_token) + "; " + std::string(kOperandExpected));
        }

        std::optional<Parsed> parseIdentifier()
        {
            Token id = take();
            const std::string_view name = m_text.substr(id.begin, id.end - id.begin);
            Parsed p;
            p.node.kind = NodeKind::Literal;
            if (name == "true" || name == "false" || name == "null") {
                if (name != "null")
                    p.node.literal = name == "true";
                setSpan(p.node, id.begin, id.end);
                return p;
            }
            if (!atSymbol("(")) {
                p.node.kind = NodeKind::FieldRef;
                p.node.field = std::string(name);
                setSpan(p.node, id.begin, id.end);
                return p;
            }
            Token open = take();
            if (++m_nesting > kMaxNesting)
                return tooDeep(open.begin, open.end);
            p.node.kind = NodeKind::Call;
            p.node.name = std::string(name);
            if (!atSymbol(")")) {
                while (true) {
                    std::optional<Parsed> arg = parseLevel(0);
                    if (!arg)
                        return std::nullopt;
                    p.depth = std::max(p.depth, arg->depth + 1);
                    p.node.children.push_back(std::move(arg->node));
                    if (atSymbol(",")) {
                        take();
                        continue;
                    }
                    if (atSymbol(")"))
                        break;
                    return fail(m_token.begin, m_token.end,
                        "unexpected " + describe(m_token) + "; expected ',' or ')' after an argument of "
                            + std::string(name) + "()");
                }
            }
            --m_nesting;
            Token close = take();
            setSpan(p.node, id.begin, close.end);
            if (p.depth > kMaxTreeDepth)
                return tooDeep(id.begin, close.end);
            return p;
        }

        // --- names and types ----------------------------------------------------------------------

        std::optional<Kind> failOperand(const Node& operand, std::string message)
        {
            failAt(operand.column, operand.length, std::move(message));
            return std::nullopt;
        }

        std::optional<Kind> failOperator(const Node& n, std::string message)
        {
            failAt(n.opColumn, static_cast<int>(n.name.size()), std::move(message));
            return std::nullopt;
        }

        // Resolves fields and functions, checks operand types and sets Node::type. Children first, in
        // reading order, so that the first error reported is the leftmost innermost one.
        std::optional<Kind> check(Node& n)
        {
            switch (n.kind) {
            case NodeKind::FieldRef: {
                const int index = m_schema.indexOf(n.field);
                if (index < 0) {
                    std::string message = "unknown field '" + n.field + "'; ";
                    message += m_schema.fields.empty() ? "the input has no fields"
                                                       : "expected one of the fields " + m_schema.names();
                    return failOperand(n, std::move(message));
                }
                n.fieldIndex = index;
                n.type = m_schema.fields[static_cast<size_t>(index)].type;
                return kindOf(n.type);
            }
            case NodeKind::Literal:
                switch (n.literal.index()) {
                case 1:
                    n.type = FieldType::Boolean;
                    return Kind::Bool;
                case 2:
                    n.type = FieldType::Long;
                    return Kind::Int;
                case 3:
                    n.type = FieldType::Double;
                    return Kind::Double;
                case 4:
                    n.type = FieldType::String;
                    return Kind::String;
                default:
                    n.type = FieldType::Any;
                    return Kind::Null;
                }
            case NodeKind::Unary:
                return checkUnary(n);
            case NodeKind::Binary:
                return checkBinary(n);
            case NodeKind::Call:
                return checkCall(n);
            }
            return std::nullopt;
        }

        std::optional<Kind> checkUnary(Node& n)
        {
            const std::optional<Kind> k = check(n.children[0]);
            if (!k)
                return std::nullopt;
            if (n.op == Op::Negate) {
                if (*k == Kind::Bool || *k == Kind::String)
                    return failOperand(n.children[0],
                        "operator '-' needs a number, but " + snippet(n.children[0]) + " is "
                            + std::string(kindName(*k)));
                n.type = numericType(*k);
                return *k;
            }
            if (*k != Kind::Bool && isKnown(*k))
                return failOperand(n.children[0],
                    "operator '!' needs a boolean, but " + snippet(n.children[0]) + " is "
                        + std::string(kindName(*k)));
            n.type = FieldType::Boolean;
            return Kind::Bool;
        }

        std::optional<Kind> checkBinary(Node& n)
        {
            const std::optional<Kind> a = check(n.children[0]);
            if (!a)
                return std::nullopt;
            const std::optional<Kind> b = check(n.children[1]);
            if (!b)
                return std::nullopt;
            const Kind kinds[2] = { *a, *b };
            auto operandError = [&](int i, std::string_view needs) {
                return failOperand(n.children[static_cast<size_t>(i)],
                    "operator '" + n.name + "' needs " + std::string(needs) + ", but "
                        + snippet(n.children[static_cast<size_t>(i)]) + " is "
                        + std::string(kindName(kinds[i])));
            };
            switch (n.op) {
            case Op::Add:
                if (*a == Kind::String || *b == Kind::String) {
                    n.type = FieldType::String;
                    return Kind::String;
                }
                if (*a != Kind::Any && *b != Kind::Any) {
                    for (int i = 0; i < 2; ++i)
                        if (kinds[i] == Kind::Bool)
                            return operandError(i, "numbers or a string");
                }
                n.type = numericType(numericResult(*a, *b));
                return numericResult(*a, *b);
            case Op::Subtract:
            case Op::Multiply:
            case Op::Divide:
            case Op::Modulo:
                for (int i = 0; i < 2; ++i)
                    if (kinds[i] == Kind::Bool || kinds[i] == Kind::String)
                        return operandError(i, "numbers");
                n.type = numericType(numericResult(*a, *b));
                return numericResult(*a, *b);
            case Op::Less:
            case Op::LessEqual:
            case Op::Greater:
            case Op::GreaterEqual:
                for (int i = 0; i < 2; ++i)
                    if (kinds[i] == Kind::Bool)
                        return operandError(i, "numbers or strings");
                if ((*a == Kind::String && isNumeric(*b)) || (isNumeric(*a) && *b == Kind::String))
                    return failOperator(n,
                        "operator '" + n.name + "' cannot compare " + std::string(kindName(*a)) + " with "
                            + std::string(kindName(*b)) + "; expected two numbers or two strings");
                n.type = FieldType::Boolean;
                return Kind::Bool;
            case Op::Equal:
            case Op::NotEqual:
                if (isKnown(*a) && isKnown(*b) && *a != *b && !(isNumeric(*a) && isNumeric(*b)))
                    return failOperator(n,
                        "operator '" + n.name + "' cannot compare " + std::string(kindName(*a)) + " with "
                            + std::string(kindName(*b)) + "; expected two values of the same kind (or null)");
                n.type = FieldType::Boolean;
                return Kind::Bool;
            case Op::And:
            case Op::Or:
                for (int i = 0; i < 2; ++i)
                    if (kinds[i] != Kind::Bool && isKnown(kinds[i]))
                        return operandError(i, "booleans");
                n.type = FieldType::Boolean;
                return Kind::Bool;
            default:
                return std::nullopt;
            }
        }

        std::optional<Kind> checkCall(Node& n)
        {
            const Function* f = nullptr;
            for (const Function& candidate : kFunctions)
                if (candidate.name == n.name)
                    f = &candidate;
            if (!f) {
                std::string names;
                for (const Function& candidate : kFunctions)
                    names += (names.empty() ? "" : ", ") + std::string(candidate.name);
                return failOperator(n, "unknown function '" + n.name + "'; expected one of " + names);
            }
            n.op = f->op;
            const size_t count = n.children.size();
            if (count < f->minArgs || count > f->maxArgs) {
                std::string expected = f->minArgs == f->maxArgs ? std::to_string(f->minArgs)
                                                                : "at least " + std::to_string(f->minArgs);
                return failOperator(n,
                    n.name + "() takes " + expected + (f->minArgs == 1 ? " argument" : " arguments")
                        + ", got " + std::to_string(count));
            }
            std::vector<Kind> kinds;
            for (Node& arg : n.children) {
                const std::optional<Kind> k = check(arg);
                if (!k)
                    return std::nullopt;
                kinds.push_back(*k);
            }
            switch (f->op) {
            case Op::Lower:
            case Op::Upper:
                if (kinds[0] != Kind::String && isKnown(kinds[0]))
                    return failOperand(n.children[0],
                        n.name + "() needs a string, but " + snippet(n.children[0]) + " is "
                            + std::string(kindName(kinds[0])));
                n.type = FieldType::String;
                return Kind::String;
            case Op::Abs:
                if (kinds[0] == Kind::Bool || kinds[0] == Kind::String)
                    return failOperand(n.children[0],
                        "abs() needs a number, but " + snippet(n.children[0]) + " is "
                            + std::string(kindName(kinds[0])));
                n.type = numericType(kinds[0]);
                return kinds[0];
            case Op::Concat:
                n.type = FieldType::String;
                return Kind::String;
            case Op::Hash:
                n.type = FieldType::Int;
                return Kind::Int;
            default:
                return std::nullopt;
            }
        }

        std::string_view m_text;
        const Schema& m_schema;
        std::vector<int> m_columnOfByte; // size text + 1
        std::vector<size_t> m_byteOfColumn; // column - 1 -> byte offset; one past the last character too
        size_t m_pos = 0;
        Token m_token;
        int m_nesting = 0;
        std::optional<Diagnostic> m_error;
    };

} // namespace

std::variant<Node, Diagnostic> compileTree(std::string_view text, const Schema& schema)
{
    return Compiler(text, schema).run();
}

} // namespace streamlab::expr
