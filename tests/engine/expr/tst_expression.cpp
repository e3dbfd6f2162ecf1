// The expression language of filter.where and map.set: values worked out with Java's rules (checked
// against a JVM where Java gives an answer), compile errors with their columns, null handling, the
// functions and the syntax tree that exporters read.
#include "expr/compiler.h"
#include "expr/expression.h"
#include "expr/java_text.h"

#include <QtTest>
#include <cmath>
#include <limits>

using namespace streamlab;
using namespace streamlab::expr;

Q_DECLARE_METATYPE(streamlab::Value)
Q_DECLARE_METATYPE(streamlab::FieldType)

namespace {

constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

Value L(int64_t v) { return v; }
Value D(double v) { return v; }
Value S(const char* v) { return std::string(v); }
Value B(bool v) { return v; }
Value N() { return {}; }

// The test schema and one record of it.
Schema schema()
{
    Schema s;
    s.declared = true;
    s.fields = {
        { "name", FieldType::String },
        { "amount", FieldType::Long },
        { "count", FieldType::Int },
        { "price", FieldType::Double },
        { "active", FieldType::Boolean },
        { "ts", FieldType::Timestamp },
        { "nothing", FieldType::String },
        { "anyNum", FieldType::Any },
        { "anyText", FieldType::Any },
        { "anyNull", FieldType::Any },
        { "anyList", FieldType::Any },
        { "anyFlag", FieldType::Any },
    };
    return s;
}

Record record()
{
    Record r;
    r.fields = {
        S("Flink"),
        L(42),
        L(-1),
        D(2.5),
        B(true),
        L(1700000000000),
        N(),
        L(7),
        S("seven"),
        N(),
        makeList({ L(1), S("a") }),
        B(true),
    };
    return r;
}

// Type and value in one string, so that a failing comparison shows both (and 3 differs from 3.0).
QString describe(const Value& v)
{
    switch (v.index()) {
    case 0:
        return "null";
    case 1:
        return std::get<bool>(v) ? "boolean true" : "boolean false";
    case 2:
        return "long " + QString::number(std::get<int64_t>(v));
    case 3:
        return "double " + QString::fromStdString(javaDoubleToString(std::get<double>(v)));
    case 4:
        return "string \"" + QString::fromStdString(std::get<std::string>(v)) + "\"";
    default: {
        std::string text;
        appendJavaText(text, v);
        return "list " + QString::fromStdString(text);
    }
    }
}

Expression compileOrFail(const QString& text)
{
    Result<Expression> e = Expression::compile(text.toStdString(), schema());
    if (!e.ok())
        qFatal("%s does not compile: %s", qPrintable(text), e.status().message().c_str());
    return std::move(e).value();
}

} // namespace

class TestExpression : public QObject {
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void filterTest_data();
    void filterTest();
    void resultType_data();
    void resultType();
    void compileError_data();
    void compileError();
    void compileErrorStatus();
    void checkAcceptsValidText();
    void syntaxTree();
    void parenthesesBelongToTheSpan();
    void missingFieldsReadAsNull();
    void longChainsAndDeepNesting();
    void copiesShareTheTree();
    void doubleToString_data();
    void doubleToString();
    void caseMapping_data();
    void caseMapping();
};

void TestExpression::evaluate_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Value>("expected");

    // Literals
    QTest::newRow("integer literal") << "42" << L(42);
    QTest::newRow("decimal literal") << "2.5" << D(2.5);
    QTest::newRow("decimal starting with a point") << ".5" << D(0.5);
    QTest::newRow("decimal ending with a point") << "2." << D(2.0);
    QTest::newRow("exponent makes a double") << "1e3" << D(1000.0);
    QTest::newRow("negative exponent") << "15E-1" << D(1.5);
    QTest::newRow("single-quoted string with escaped quote") << R"('it\'s')" << S("it's");
    QTest::newRow("double-quoted string with escaped quotes") << R"("say \"hi\"")" << S("say \"hi\"");
    QTest::newRow("other quote needs no escape") << R"("it's")" << S("it's");
    QTest::newRow("tab, newline and backslash escapes") << R"('a\tb\nc\\')" << S("a\tb\nc\\");
    QTest::newRow("unicode escape") << R"('\u00e9')" << S("\xC3\xA9");
    QTest::newRow("surrogate pair escape") << R"('\uD83D\uDE00')" << S("\xF0\x9F\x98\x80");
    QTest::newRow("non-ASCII text as written") << "'\xC3\xA9t\xC3\xA9'" << S("\xC3\xA9t\xC3\xA9");
    QTest::newRow("true") << "true" << B(true);
    QTest::newRow("false") << "false" << B(false);
    QTest::newRow("null") << "null" << N();
    QTest::newRow("Long.MIN_VALUE written negated") << "-9223372036854775808" << L(kLongMin);
    QTest::newRow("Long.MAX_VALUE") << "9223372036854775807" << L(std::numeric_limits<int64_t>::max());

    // Fields
    QTest::newRow("string field") << "name" << S("Flink");
    QTest::newRow("int field") << "count" << L(-1);
    QTest::newRow("timestamp field is epoch milliseconds") << "ts" << L(1700000000000);
    QTest::newRow("null field") << "nothing" << N();
    QTest::newRow("list in an any field") << "anyList" << makeList({ L(1), S("a") });

    // Precedence and associativity
    QTest::newRow("* before +") << "1 + 2 * 3" << L(7);
    QTest::newRow("parentheses first") << "(1 + 2) * 3" << L(9);
    QTest::newRow("- is left-associative") << "10 - 4 - 3" << L(3);
    QTest::newRow("/ is left-associative") << "100 / 10 / 5" << L(2);
    QTest::newRow("* and % share a level, left to right") << "2 * 3 % 4" << L(2);
    QTest::newRow("unary minus before *") << "-2 * 3" << L(-6);
    QTest::newRow("double negation") << "- -3" << L(3);
    QTest::newRow("! before &&") << "!false && false" << B(false);
    QTest::newRow("&& before ||") << "true || false && false" << B(true);
    QTest::newRow("< before ==") << "1 < 2 == true" << B(true);
    QTest::newRow("+ before <") << "1 + 1 < 3" << B(true);
    QTest::newRow("whitespace anywhere") << " \t( 1+2 )*\n3 " << L(9);

    // Integer arithmetic is Java long arithmetic
    QTest::newRow("fields and literals") << "amount * 2 + count" << L(83);
    QTest::newRow("division truncates toward zero") << "-7 / 2" << L(-3);
    QTest::newRow("remainder keeps the dividend's sign (negative)") << "-7 % 2" << L(-1);
    QTest::newRow("remainder keeps the dividend's sign (positive)") << "7 % -2" << L(1);
    QTest::newRow("addition wraps around") << "9223372036854775807 + 1" << L(kLongMin);
    QTest::newRow("subtraction wraps around")
        << "-9223372036854775808 - 1" << L(std::numeric_limits<int64_t>::max());
    QTest::newRow("multiplication wraps around") << "4611686018427387904 * 2" << L(kLongMin);
    QTest::newRow("Long.MIN_VALUE / -1 overflows to itself") << "-9223372036854775808 / -1" << L(kLongMin);
    QTest::newRow("Long.MIN_VALUE % -1 is 0") << "-9223372036854775808 % -1" << L(0);
    QTest::newRow("negating Long.MIN_VALUE gives itself") << "-(-9223372036854775808)" << L(kLongMin);
    QTest::newRow("integer division by zero is null") << "amount / 0" << N();
    QTest::newRow("integer modulo by zero is null") << "amount % 0" << N();
    QTest::newRow("timestamp plus milliseconds") << "ts + 1000" << L(1700000001000);

    // Doubles
    QTest::newRow("integer plus double is double") << "1 + 2.5" << D(3.5);
    QTest::newRow("integer divided by double") << "7 / 2.0" << D(3.5);
    QTest::newRow("double field times long field") << "price * amount" << D(105.0);
    QTest::newRow("double arithmetic rounds as Java does") << "0.1 + 0.2" << D(0.1 + 0.2);
    QTest::newRow("double division by zero is Infinity")
        << "1 / 0.0" << D(std::numeric_limits<double>::infinity());
    QTest::newRow("negative double division by zero")
        << "-1 / 0.0" << D(-std::numeric_limits<double>::infinity());
    QTest::newRow("0.0 / 0 is NaN") << "0.0 / 0" << D(std::numeric_limits<double>::quiet_NaN());
    QTest::newRow("double remainder keeps the dividend's sign") << "-7.5 % 2" << D(-1.5);
    QTest::newRow("double remainder of an exact multiple") << "5 % 2.5" << D(0.0);
    QTest::newRow("negating a double") << "-price" << D(-2.5);

    // + with a string concatenates
    QTest::newRow("string plus integer") << "'a' + 1" << S("a1");
    QTest::newRow("integer plus string") << "1 + 'a'" << S("1a");
    QTest::newRow("string plus string field") << "name + '!'" << S("Flink!");
    QTest::newRow("a double keeps its .0") << "'x' + 1.0" << S("x1.0");
    QTest::newRow("large double in Java notation") << "'x' + 1e7" << S("x1.0E7");
    QTest::newRow("small double plain") << "'x' + 0.001" << S("x0.001");
    QTest::newRow("tiny double in Java notation") << "'x' + 1e-4" << S("x1.0E-4");
    QTest::newRow("NaN as Java writes it") << "'x' + 0.0 / 0" << S("xNaN");
    QTest::newRow("string plus null literal") << "'x' + null" << S("xnull");
    QTest::newRow("string plus null field") << "'x' + nothing" << S("xnull");
    QTest::newRow("null string field plus string") << "nothing + 'x'" << S("nullx");
    QTest::newRow("string plus boolean") << "'x' + true" << S("xtrue");
    QTest::newRow("left to right: numbers first") << "1 + 2 + 'a'" << S("3a");
    QTest::newRow("left to right: string first") << "'a' + 1 + 2" << S("a12");
    QTest::newRow("string plus list") << "'a' + anyList" << S("a[1, a]");

    // Comparisons
    QTest::newRow("less") << "1 < 2" << B(true);
    QTest::newRow("less or equal, equal") << "2 <= 2" << B(true);
    QTest::newRow("greater, false") << "3 > 4" << B(false);
    QTest::newRow("greater or equal") << "3 >= 3" << B(true);
    QTest::newRow("integer against double") << "1 < 1.5" << B(true);
    QTest::newRow("integer equals double") << "1 == 1.0" << B(true);
    QTest::newRow("long field against double field") << "amount > price" << B(true);
    QTest::newRow("strings lexicographically") << "'abc' < 'abd'" << B(true);
    QTest::newRow("prefix sorts first") << "'ab' < 'abc'" << B(true);
    QTest::newRow("strings by bytes: upper case first") << "'Z' < 'a'" << B(true);
    QTest::newRow("strings by bytes: non-ASCII after ASCII") << "'\xC3\xA9' > 'z'" << B(true);
    QTest::newRow("string equality") << "name == 'Flink'" << B(true);
    QTest::newRow("string equality is case-sensitive") << "name != 'flink'" << B(true);
    QTest::newRow("boolean equality") << "active == true" << B(true);
    QTest::newRow("NaN is not less than anything") << "0.0 / 0 < 1" << B(false);
    QTest::newRow("NaN is not greater or equal") << "0.0 / 0 >= 1" << B(false);
    QTest::newRow("NaN does not equal itself") << "0.0 / 0 == 0.0 / 0" << B(false);
    QTest::newRow("NaN differs from itself") << "0.0 / 0 != 0.0 / 0" << B(true);

    // null
    QTest::newRow("null equals null") << "null == null" << B(true);
    QTest::newRow("null field equals null") << "nothing == null" << B(true);
    QTest::newRow("null field is not different from null") << "nothing != null" << B(false);
    QTest::newRow("set field does not equal null") << "name == null" << B(false);
    QTest::newRow("null on the left") << "null != name" << B(true);
    QTest::newRow("null field does not equal a string") << "nothing == 'x'" << B(false);
    QTest::newRow("arithmetic with null literal is null") << "amount + null" << N();
    QTest::newRow("arithmetic with null any field is null") << "anyNull * 2" << N();
    QTest::newRow("comparison with null is null") << "amount > null" << N();
    QTest::newRow("comparison with null field is null") << "nothing < 'x'" << N();
    QTest::newRow("not null is null") << "!null" << N();
    QTest::newRow("minus null is null") << "-null" << N();
    QTest::newRow("null && true is false") << "null && true" << B(false);
    QTest::newRow("true && null is false") << "true && null" << B(false);
    QTest::newRow("null || true is true") << "null || true" << B(true);
    QTest::newRow("null || null is false") << "null || null" << B(false);

    // && and || short-circuit
    QTest::newRow("false && skips the right side") << "false && anyNum" << B(false);
    QTest::newRow("true || skips the right side") << "true || anyNum" << B(true);
    QTest::newRow("&& evaluates the right side when needed") << "true && anyNum" << N();
    QTest::newRow("boolean in an any field") << "anyFlag && active" << B(true);
    QTest::newRow("non-boolean any on the left of ||") << "anyNum || true" << N();

    // Fields typed Any are checked per record
    QTest::newRow("any number times integer") << "anyNum * 2" << L(14);
    QTest::newRow("any text times integer is null") << "anyText * 2" << N();
    QTest::newRow("any number plus integer") << "anyNum + 1" << L(8);
    QTest::newRow("any text plus integer concatenates") << "anyText + 1" << S("seven1");
    QTest::newRow("minus any text is null") << "-anyText" << N();
    QTest::newRow("not any number is null") << "!anyNum" << N();
    QTest::newRow("not any boolean") << "!anyFlag" << B(false);
    QTest::newRow("any number compared with integer") << "anyNum < 10" << B(true);
    QTest::newRow("any number compared with string is null") << "anyNum < 'x'" << N();
    QTest::newRow("any text equals string") << "anyText == 'seven'" << B(true);
    QTest::newRow("any text equals integer is null") << "anyText == 1" << N();
    QTest::newRow("any number equals double") << "anyNum == 7.0" << B(true);
    QTest::newRow("lists compare by content") << "anyList == anyList" << B(true);
    QTest::newRow("any null equals null") << "anyNull == null" << B(true);
    QTest::newRow("any null plus integer is null") << "anyNull + 1" << N();

    // lower, upper
    QTest::newRow("lower of a literal") << "lower('FlInK')" << S("flink");
    QTest::newRow("lower of a field") << "lower(name)" << S("flink");
    QTest::newRow("upper of a field") << "upper(name)" << S("FLINK");
    QTest::newRow("lower keeps digits and underscores") << "lower('A1_B')" << S("a1_b");
    QTest::newRow("lower of Latin-1 letters")
        << "lower('\xC3\x84\xC3\x96\xC3\x9C')" << S("\xC3\xA4\xC3\xB6\xC3\xBC");
    QTest::newRow("upper of sharp s is SS") << "upper('stra\xC3\x9F"
                                               "e')"
                                            << S("STRASSE");
    QTest::newRow("upper of Greek") << "upper('\xCE\xB1\xCE\xB2\xCE\xB3')" << S("\xCE\x91\xCE\x92\xCE\x93");
    QTest::newRow("lower of Cyrillic")
        << "lower('\xD0\x90\xD0\x91\xD0\x92')" << S("\xD0\xB0\xD0\xB1\xD0\xB2");
    QTest::newRow("lower of a word-final sigma")
        << "lower('\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3')" << S("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");
    QTest::newRow("upper of Romanian s with comma") << "upper('\xC8\x99')" << S("\xC8\x98");
    QTest::newRow("upper of any text") << "upper(anyText)" << S("SEVEN");
    QTest::newRow("lower of null is null") << "lower(null)" << N();
    QTest::newRow("upper of a null field is null") << "upper(nothing)" << N();
    QTest::newRow("lower of any number is null") << "lower(anyNum)" << N();

    // abs
    QTest::newRow("abs of a negative integer") << "abs(-5)" << L(5);
    QTest::newRow("abs of an int field") << "abs(count)" << L(1);
    QTest::newRow("abs of a double") << "abs(-2.5)" << D(2.5);
    QTest::newRow("abs of -0.0 is 0.0") << "abs(-0.0)" << D(0.0);
    QTest::newRow("abs of Long.MIN_VALUE stays negative") << "abs(-9223372036854775808)" << L(kLongMin);
    QTest::newRow("abs of null is null") << "abs(null)" << N();
    QTest::newRow("abs of any text is null") << "abs(anyText)" << N();

    // concat
    QTest::newRow("concat of one value") << "concat('a')" << S("a");
    QTest::newRow("concat of a number alone gives text") << "concat(42)" << S("42");
    QTest::newRow("concat of every kind of value")
        << "concat(name, '-', amount, '-', price, '-', active, '-', nothing, '-', null)"
        << S("Flink-42-2.5-true-null-null");
    QTest::newRow("concat of a list") << "concat(anyList)" << S("[1, a]");
    QTest::newRow("concat of a large double") << "concat(1e21)" << S("1.0E21");
    QTest::newRow("concat of expressions") << "concat(amount + 1, '/', upper(name))" << S("43/FLINK");

    // hash: Java hashCode of the value as Flink would hold it
    QTest::newRow("hash of a string literal") << "hash('flink')" << L(97520992);
    QTest::newRow("hash collision of Aa and BB") << "hash('Aa') == hash('BB')" << B(true);
    QTest::newRow("hash of an emoji") << "hash('\xF0\x9F\x98\x80')" << L(1772899);
    QTest::newRow("hash of a string field") << "hash(name)" << L(67968320);
    QTest::newRow("hash of an Int field is Integer.hashCode") << "hash(count)" << L(-1);
    QTest::newRow("hash of computed integers is Long.hashCode") << "hash(count * 1)" << L(0);
    QTest::newRow("hash of an integer literal is Long.hashCode") << "hash(-1)" << L(0);
    QTest::newRow("hash of a Long field") << "hash(amount)" << L(42);
    QTest::newRow("hash of a timestamp") << "hash(ts)" << L(-807048821);
    QTest::newRow("hash of a double") << "hash(price)" << L(1074003968);
    QTest::newRow("hash of a boolean") << "hash(active)" << L(1231);
    QTest::newRow("hash of false") << "hash(false)" << L(1237);
    QTest::newRow("hash of a null field is 0") << "hash(nothing)" << L(0);
    QTest::newRow("hash of null is 0") << "hash(null)" << L(0);
    QTest::newRow("hash of an integer in an any field is Long.hashCode") << "hash(anyNum)" << L(7);
    QTest::newRow("hash of a list") << "hash(anyList)" << L(1089);
    QTest::newRow("hash of a hash is Integer.hashCode") << "hash(hash('flink'))" << L(97520992);
    QTest::newRow("bucket from a hash") << "hash(name) % 1000" << L(320);
}

void TestExpression::evaluate()
{
    QFETCH(QString, text);
    QFETCH(Value, expected);
    const Expression e = compileOrFail(text);
    QCOMPARE(describe(e.evaluate(record())), describe(expected));
}

void TestExpression::filterTest_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");

    QTest::newRow("true comparison passes") << "amount > 40" << true;
    QTest::newRow("false comparison drops") << "amount > 50" << false;
    QTest::newRow("combined condition") << "amount > 40 && lower(name) == 'flink'" << true;
    QTest::newRow("null result drops") << "amount > null" << false;
    QTest::newRow("null field compared drops") << "nothing < 'x'" << false;
    QTest::newRow("null literal drops") << "null" << false;
    QTest::newRow("any mismatch drops") << "anyText > 3" << false;
    QTest::newRow("boolean field") << "active" << true;
    QTest::newRow("negated boolean field") << "!active" << false;
    QTest::newRow("non-boolean result drops") << "amount" << false;
    QTest::newRow("the string 'true' is not boolean true") << "'true'" << false;
    QTest::newRow("null check keeps null rows") << "nothing == null" << true;
}

void TestExpression::filterTest()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);
    QCOMPARE(compileOrFail(text).test(record()), expected);
}

void TestExpression::resultType_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<FieldType>("expected");

    QTest::newRow("Long field") << "amount" << FieldType::Long;
    QTest::newRow("Int field keeps Int") << "count" << FieldType::Int;
    QTest::newRow("Timestamp field keeps Timestamp") << "ts" << FieldType::Timestamp;
    QTest::newRow("Any field") << "anyNum" << FieldType::Any;
    QTest::newRow("integer literal is Long") << "1" << FieldType::Long;
    QTest::newRow("Int arithmetic is Long") << "count + 1" << FieldType::Long;
    QTest::newRow("Timestamp arithmetic is Long") << "ts - 1000" << FieldType::Long;
    QTest::newRow("with a double it is Double") << "count * 1.5" << FieldType::Double;
    QTest::newRow("negated double") << "-price" << FieldType::Double;
    QTest::newRow("string concatenation") << "name + 1" << FieldType::String;
    QTest::newRow("Any plus number could be text") << "anyNum + 1" << FieldType::Any;
    QTest::newRow("Any times number") << "anyNum * 2" << FieldType::Any;
    QTest::newRow("Any plus string is String") << "anyNum + 'x'" << FieldType::String;
    QTest::newRow("comparison") << "amount < 3" << FieldType::Boolean;
    QTest::newRow("equality with Any") << "anyNum == 3" << FieldType::Boolean;
    QTest::newRow("logic") << "active || false" << FieldType::Boolean;
    QTest::newRow("null literal") << "null" << FieldType::Any;
    QTest::newRow("lower") << "lower(name)" << FieldType::String;
    QTest::newRow("upper of Any") << "upper(anyText)" << FieldType::String;
    QTest::newRow("abs of Int") << "abs(count)" << FieldType::Long;
    QTest::newRow("abs of Double") << "abs(price)" << FieldType::Double;
    QTest::newRow("abs of Any") << "abs(anyNum)" << FieldType::Any;
    QTest::newRow("concat") << "concat(amount)" << FieldType::String;
    QTest::newRow("hash is Int") << "hash(name)" << FieldType::Int;
    QTest::newRow("hash arithmetic is Long") << "hash(name) % 16" << FieldType::Long;
}

void TestExpression::resultType()
{
    QFETCH(QString, text);
    QFETCH(FieldType, expected);
    QCOMPARE(compileOrFail(text).resultType(), expected);
}

void TestExpression::compileError_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("length");
    QTest::addColumn<QString>("message");

    // Syntax
    QTest::newRow("empty") << "" << 1 << 1 << "the expression is empty; expected e.g. amount > 10";
    QTest::newRow("only spaces") << "   " << 1 << 3 << "the expression is empty";
    QTest::newRow("missing right operand")
        << "amount >" << 9 << 1
        << "unexpected end of the expression; expected a field, a literal, a function call or '('";
    QTest::newRow("two operators in a row")
        << "amount > > 1" << 10 << 1 << "unexpected '>'; expected a field";
    QTest::newRow("two operands in a row")
        << "amount 1" << 8 << 1 << "unexpected '1' after a complete expression; expected an operator";
    QTest::newRow("unclosed parenthesis")
        << "(amount + 1" << 12 << 1
        << "unexpected end of the expression; expected ')' to close the '(' at column 1";
    QTest::newRow("extra closing parenthesis")
        << "amount + 1)" << 11 << 1 << "unexpected ')' after a complete expression";
    QTest::newRow("empty parentheses") << "()" << 2 << 1 << "unexpected ')'; expected a field";
    QTest::newRow("single = is not comparison")
        << "amount = 1" << 8 << 1 << "'=' is not an operator; expected '=='";
    QTest::newRow("single & is not and")
        << "active & true" << 8 << 1 << "'&' is not an operator; expected '&&'";
    QTest::newRow("single | is not or")
        << "active | true" << 8 << 1 << "'|' is not an operator; expected '||'";
    QTest::newRow("unknown character") << "amount # 2" << 8 << 1 << "unexpected character '#'";
    QTest::newRow("unknown non-ASCII character")
        << "amount \xC2\xA7 2" << 8 << 1 << "unexpected character '\xC2\xA7'";
    QTest::newRow("letters glued to a number") << "12abc" << 1 << 5 << "malformed number '12abc'";
    QTest::newRow("exponent without digits")
        << "1e + 2" << 1 << 2 << "malformed number '1e'; expected digits after";
    QTest::newRow("integer beyond Long.MAX_VALUE")
        << "9223372036854775808" << 1 << 19
        << "integer 9223372036854775808 is too large; expected at most 9223372036854775807";
    QTest::newRow("integer beyond 64 bits")
        << "amount + 99999999999999999999" << 10 << 20 << "integer 99999999999999999999 is too large";
    QTest::newRow("double out of range")
        << "1e999" << 1 << 5 << "number 1e999 is out of the range of a double";
    QTest::newRow("unterminated string")
        << "name == 'abc" << 9 << 4 << "unterminated string; expected a closing '";
    QTest::newRow("unterminated string ending in a backslash")
        << R"('abc\)" << 1 << 5 << "unterminated string";
    QTest::newRow("unknown escape") << R"('a\qb')" << 3 << 2 << R"(unknown escape sequence '\q')";
    QTest::newRow("short unicode escape")
        << R"('\u12x4')" << 2 << 4 << R"(malformed escape '\u12'; expected \u and 4 hex digits)";
    QTest::newRow("unpaired surrogate escape") << R"('\uD83D')" << 2 << 6 << R"(unpaired surrogate \uD83D)";
    QTest::newRow("missing argument after comma")
        << "concat(1,)" << 10 << 1 << "unexpected ')'; expected a field";
    QTest::newRow("missing comma between arguments")
        << "concat(1 2)" << 10 << 1 << "unexpected '2'; expected ',' or ')' after an argument of concat()";
    QTest::newRow("syntax errors come before unknown names")
        << "nmae + foo(" << 12 << 1 << "unexpected end of the expression";
    QTest::newRow("columns count characters, not bytes")
        << "'\xC3\xA9\xC3\xA9' + * 2" << 8 << 1 << "unexpected '*'";

    // Names
    QTest::newRow("unknown field") << "nmae == 'x'" << 1 << 4
                                   << "unknown field 'nmae'; expected one of the fields name, amount, count, "
                                      "price, active, ts, nothing, "
                                      "anyNum, anyText, anyNull, anyList, anyFlag";
    QTest::newRow("unknown field after non-ASCII text")
        << "'\xC3\xA9' + nmae" << 7 << 4 << "unknown field 'nmae'";
    QTest::newRow("field names are case-sensitive") << "Amount > 1" << 1 << 6 << "unknown field 'Amount'";
    QTest::newRow("unknown function")
        << "foo(1)" << 1 << 3 << "unknown function 'foo'; expected one of abs, concat, hash, lower, upper";
    QTest::newRow("unknown function later in the text")
        << "amount + lowr(name)" << 10 << 4 << "unknown function 'lowr'";
    QTest::newRow("too few arguments") << "lower()" << 1 << 5 << "lower() takes 1 argument, got 0";
    QTest::newRow("too many arguments") << "abs(1, 2)" << 1 << 3 << "abs() takes 1 argument, got 2";
    QTest::newRow("concat needs an argument")
        << "concat()" << 1 << 6 << "concat() takes at least 1 argument, got 0";
    QTest::newRow("hash takes one argument")
        << "hash(name, amount)" << 1 << 4 << "hash() takes 1 argument, got 2";

    // Types
    QTest::newRow("string times integer")
        << "'a' * 2" << 1 << 3 << "operator '*' needs numbers, but 'a' is a string";
    QTest::newRow("integer minus string field")
        << "2 - name" << 5 << 4 << "operator '-' needs numbers, but name is a string";
    QTest::newRow("division of booleans")
        << "amount / active" << 10 << 6 << "operator '/' needs numbers, but active is a boolean";
    QTest::newRow("not of a number") << "!5" << 2 << 1 << "operator '!' needs a boolean, but 5 is an integer";
    QTest::newRow("negated string") << "-name" << 2 << 4
                                    << "operator '-' needs a number, but name is a string";
    QTest::newRow("boolean plus number")
        << "active + 1" << 1 << 6 << "operator '+' needs numbers or a string, but active is a boolean";
    QTest::newRow("string less than integer")
        << "'x' < 3" << 5 << 1
        << "operator '<' cannot compare a string with an integer; expected two numbers or two strings";
    QTest::newRow("double compared with string")
        << "price >= 'x'" << 7 << 2 << "operator '>=' cannot compare a double with a string";
    QTest::newRow("booleans have no order")
        << "active < true" << 1 << 6 << "operator '<' needs numbers or strings, but active is a boolean";
    QTest::newRow("chained comparison")
        << "1 < 2 < 3" << 1 << 5 << "operator '<' needs numbers or strings, but 1 < 2 is a boolean";
    QTest::newRow("string equals integer")
        << "name == 1" << 6 << 2
        << "operator '==' cannot compare a string with an integer; expected two values of the same kind";
    QTest::newRow("boolean differs from integer")
        << "active != 0" << 8 << 2 << "operator '!=' cannot compare a boolean with an integer";
    QTest::newRow("&& of a number") << "amount && true" << 1 << 6
                                    << "operator '&&' needs booleans, but amount is an integer";
    QTest::newRow("|| of a string on the right")
        << "active || name" << 11 << 4 << "operator '||' needs booleans, but name is a string";
    QTest::newRow("lower of a number")
        << "lower(amount)" << 7 << 6 << "lower() needs a string, but amount is an integer";
    QTest::newRow("upper of a boolean")
        << "upper(true)" << 7 << 4 << "upper() needs a string, but true is a boolean";
    QTest::newRow("abs of a string") << "abs(name)" << 5 << 4 << "abs() needs a number, but name is a string";
    QTest::newRow("operand in parentheses is underlined with them")
        << "('a' + 1) * 2" << 1 << 9 << "operator '*' needs numbers, but ('a' + 1) is a string";
    QTest::newRow("error inside a function argument")
        << "concat(name, -name)" << 15 << 4 << "operator '-' needs a number, but name is a string";
    QTest::newRow("long operands are shortened in messages")
        << "concat(name, name, name, name, name, name) * 2" << 1 << 42
        << "operator '*' needs numbers, but concat(name, name, name, name, name, ... is a string";
}

void TestExpression::compileError()
{
    QFETCH(QString, text);
    QFETCH(int, column);
    QFETCH(int, length);
    QFETCH(QString, message);

    const std::string utf8 = text.toStdString();
    const std::optional<Diagnostic> d = Expression::check(utf8, schema());
    QVERIFY(d.has_value());
    QVERIFY2(QString::fromStdString(d->message).startsWith(message), d->message.c_str());
    QCOMPARE(d->column, column);
    QCOMPARE(d->length, length);

    const Result<Expression> e = Expression::compile(utf8, schema());
    QVERIFY(!e.ok());
    QCOMPARE(e.status().code(), Status::Code::ParseError);
    QCOMPARE(QString::fromStdString(e.status().message()),
        QString("column %1: %2").arg(column).arg(QString::fromStdString(d->message)));
}

void TestExpression::compileErrorStatus()
{
    const Result<Expression> e = Expression::compile("amount > 10 && nmae == 'x'", schema());
    QVERIFY(!e.ok());
    QCOMPARE(QString::fromStdString(e.status().message()),
        QString(
            "column 16: unknown field 'nmae'; expected one of the fields name, amount, count, price, active, "
            "ts, nothing, anyNum, anyText, anyNull, anyList, anyFlag"));

    Schema empty;
    const Result<Expression> none = Expression::compile("x", empty);
    QVERIFY(!none.ok());
    QCOMPARE(QString::fromStdString(none.status().message()),
        QString("column 1: unknown field 'x'; the input has no fields"));
}

void TestExpression::checkAcceptsValidText()
{
    QVERIFY(!Expression::check("amount > 10 && lower(name) == 'flink'", schema()).has_value());
    QVERIFY(!Expression::check("concat(name, '-', hash(name) % 16)", schema()).has_value());
    QVERIFY(!Expression::check("anyNum * 2 > anyText", schema()).has_value());
}

void TestExpression::syntaxTree()
{
    const Expression e = compileOrFail("amount * 2 > price && lower(name) == 'flink'");
    QCOMPARE(QString::fromStdString(e.text()), QString("amount * 2 > price && lower(name) == 'flink'"));

    const Node& root = e.root();
    QCOMPARE(root.kind, NodeKind::Binary);
    QCOMPARE(root.op, Op::And);
    QCOMPARE(QString::fromStdString(root.name), QString("&&"));
    QCOMPARE(root.type, FieldType::Boolean);
    QCOMPARE(root.column, 1);
    QCOMPARE(root.length, 44);
    QCOMPARE(root.opColumn, 20);
    QCOMPARE(root.children.size(), size_t { 2 });

    const Node& greater = root.children[0];
    QCOMPARE(greater.op, Op::Greater);
    QCOMPARE(QString::fromStdString(greater.name), QString(">"));
    QCOMPARE(greater.column, 1);
    QCOMPARE(greater.length, 18);

    const Node& times = greater.children[0];
    QCOMPARE(times.kind, NodeKind::Binary);
    QCOMPARE(times.op, Op::Multiply);
    QCOMPARE(times.type, FieldType::Long);
    const Node& amount = times.children[0];
    QCOMPARE(amount.kind, NodeKind::FieldRef);
    QCOMPARE(QString::fromStdString(amount.field), QString("amount"));
    QCOMPARE(amount.fieldIndex, 1);
    QCOMPARE(amount.type, FieldType::Long);
    QCOMPARE(amount.column, 1);
    QCOMPARE(amount.length, 6);
    const Node& two = times.children[1];
    QCOMPARE(two.kind, NodeKind::Literal);
    QCOMPARE(describe(two.literal), QString("long 2"));
    QCOMPARE(two.column, 10);

    const Node& price = greater.children[1];
    QCOMPARE(price.kind, NodeKind::FieldRef);
    QCOMPARE(price.fieldIndex, 3);
    QCOMPARE(price.type, FieldType::Double);

    const Node& equals = root.children[1];
    QCOMPARE(equals.op, Op::Equal);
    const Node& lower = equals.children[0];
    QCOMPARE(lower.kind, NodeKind::Call);
    QCOMPARE(lower.op, Op::Lower);
    QCOMPARE(QString::fromStdString(lower.name), QString("lower"));
    QCOMPARE(lower.column, 23);
    QCOMPARE(lower.length, 11);
    QCOMPARE(lower.type, FieldType::String);
    QCOMPARE(lower.children.size(), size_t { 1 });
    QCOMPARE(lower.children[0].fieldIndex, 0);
    QCOMPARE(describe(equals.children[1].literal), QString("string \"flink\""));

    const Expression negation = compileOrFail("-amount");
    const Node& negated = negation.root();
    QCOMPARE(negated.kind, NodeKind::Unary);
    QCOMPARE(negated.op, Op::Negate);
    QCOMPARE(QString::fromStdString(negated.name), QString("-"));
    QCOMPARE(negated.children[0].kind, NodeKind::FieldRef);

    QVERIFY(opName(Op::GreaterEqual) == ">=");
    QVERIFY(opName(Op::Concat) == "concat");
}

void TestExpression::parenthesesBelongToTheSpan()
{
    const Expression e = compileOrFail("(amount) + 1");
    const Node& left = e.root().children[0];
    QCOMPARE(left.kind, NodeKind::FieldRef);
    QCOMPARE(left.column, 1);
    QCOMPARE(left.length, 8);
    QCOMPARE(e.root().opColumn, 10);
}

void TestExpression::missingFieldsReadAsNull()
{
    const Expression e = compileOrFail("amount + 1");
    Record shortRecord;
    shortRecord.fields = { S("Flink") };
    QCOMPARE(describe(e.evaluate(shortRecord)), QString("null"));
    QVERIFY(!compileOrFail("amount > 1").test(shortRecord));
}

void TestExpression::longChainsAndDeepNesting()
{
    QString chain = "1";
    for (int i = 1; i < 900; ++i)
        chain += " + 1";
    QCOMPARE(describe(compileOrFail(chain).evaluate(record())), QString("long 900"));

    QString tooLong = "1";
    for (int i = 0; i < kMaxTreeDepth; ++i)
        tooLong += "+1";
    const std::optional<Diagnostic> longError = Expression::check(tooLong.toStdString(), schema());
    QVERIFY(longError.has_value());
    QVERIFY2(longError->message.starts_with("the expression is too long"), longError->message.c_str());

    QString nested = QString(kMaxNesting, '(') + "1" + QString(kMaxNesting, ')');
    QCOMPARE(describe(compileOrFail(nested).evaluate(record())), QString("long 1"));

    QString tooDeep = QString(kMaxNesting + 1, '(') + "1" + QString(kMaxNesting + 1, ')');
    const std::optional<Diagnostic> deepError = Expression::check(tooDeep.toStdString(), schema());
    QVERIFY(deepError.has_value());
    QCOMPARE(deepError->column, kMaxNesting + 1);
    QVERIFY2(deepError->message.starts_with("the expression nests too deeply"), deepError->message.c_str());

    QString negations = QString(kMaxNesting + 1, '-') + "1";
    QVERIFY(Expression::check(negations.toStdString(), schema()).has_value());
}

void TestExpression::copiesShareTheTree()
{
    const Expression original = compileOrFail("upper(name) + amount");
    const Expression copy = original; // NOLINT(performance-unnecessary-copy-initialization)
    QCOMPARE(&copy.root(), &original.root());
    QVERIFY(copy.text() == original.text());
    QCOMPARE(describe(copy.evaluate(record())), QString("string \"FLINK42\""));
}

void TestExpression::doubleToString_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");

    // Double.toString of a JVM.
    QTest::newRow("zero") << 0.0 << "0.0";
    QTest::newRow("negative zero") << -0.0 << "-0.0";
    QTest::newRow("integral value keeps .0") << 100.0 << "100.0";
    QTest::newRow("fraction") << -1234.5 << "-1234.5";
    QTest::newRow("shortest digits that read back") << 0.1 + 0.2 << "0.30000000000000004";
    QTest::newRow("one third") << 1.0 / 3 << "0.3333333333333333";
    QTest::newRow("just below 10^7 is plain") << 9999999.0 << "9999999.0";
    QTest::newRow("10^7 is scientific") << 1e7 << "1.0E7";
    QTest::newRow("scientific with digits") << 12345678.9 << "1.23456789E7";
    QTest::newRow("10^-3 is plain") << 0.001 << "0.001";
    QTest::newRow("below 10^-3 is scientific") << 1e-4 << "1.0E-4";
    QTest::newRow("negative exponent with digits") << 1.5e-5 << "1.5E-5";
    QTest::newRow("large exponent") << 1e100 << "1.0E100";
    QTest::newRow("Double.MAX_VALUE") << std::numeric_limits<double>::max() << "1.7976931348623157E308";
    QTest::newRow("Double.MIN_VALUE has two digits")
        << std::numeric_limits<double>::denorm_min() << "4.9E-324";
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "NaN";
    QTest::newRow("Infinity") << std::numeric_limits<double>::infinity() << "Infinity";
    QTest::newRow("-Infinity") << -std::numeric_limits<double>::infinity() << "-Infinity";
}

void TestExpression::doubleToString()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(javaDoubleToString(value)), expected);
}

void TestExpression::caseMapping_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("lower");
    QTest::addColumn<QByteArray>("upper");

    // String.toLowerCase / toUpperCase (Locale.ROOT) of a JVM.
    QTest::newRow("ASCII") << QByteArray("Flink 1.18_x") << QByteArray("flink 1.18_x")
                           << QByteArray("FLINK 1.18_X");
    QTest::newRow("sharp s grows to SS") << QByteArray("stra\xC3\x9F"
                                                       "e")
                                         << QByteArray("stra\xC3\x9F"
                                                       "e")
                                         << QByteArray("STRASSE");
    QTest::newRow("ligature ffi grows to FFI")
        << QByteArray("\xEF\xAC\x83") << QByteArray("\xEF\xAC\x83") << QByteArray("FFI");
    QTest::newRow("dotted capital I lowers to i and a combining dot")
        << QByteArray("\xC4\xB0") << QByteArray("i\xCC\x87") << QByteArray("\xC4\xB0");
    QTest::newRow("dotless i uppers to I")
        << QByteArray("\xC4\xB1") << QByteArray("\xC4\xB1") << QByteArray("I");
    QTest::newRow("sigma inside a word")
        << QByteArray("\xCE\x91\xCE\xA3\xCE\x91") << QByteArray("\xCE\xB1\xCF\x83\xCE\xB1")
        << QByteArray("\xCE\x91\xCE\xA3\xCE\x91");
    QTest::newRow("sigma at the end of a word")
        << QByteArray("\xCE\x91\xCE\xA3 \xCE\x92") << QByteArray("\xCE\xB1\xCF\x82 \xCE\xB2")
        << QByteArray("\xCE\x91\xCE\xA3 \xCE\x92");
    QTest::newRow("sigma alone") << QByteArray("\xCE\xA3") << QByteArray("\xCF\x83")
                                 << QByteArray("\xCE\xA3");
    QTest::newRow("sigma before an apostrophe and a letter")
        << QByteArray("\xCE\x91\xCE\xA3'\xCE\x91") << QByteArray("\xCE\xB1\xCF\x83'\xCE\xB1")
        << QByteArray("\xCE\x91\xCE\xA3'\xCE\x91");
    QTest::newRow("Deseret, outside the BMP")
        << QByteArray("\xF0\x90\x90\x80") << QByteArray("\xF0\x90\x90\xA8") << QByteArray("\xF0\x90\x90\x80");
    QTest::newRow("bytes that are not UTF-8 are kept") << QByteArray("A\xFF"
                                                                     "B")
                                                       << QByteArray("a\xFF"
                                                                     "b")
                                                       << QByteArray("A\xFF"
                                                                     "B");
    QTest::newRow("CJK has no case") << QByteArray("\xE6\xB5\x81") << QByteArray("\xE6\xB5\x81")
                                     << QByteArray("\xE6\xB5\x81");
}

void TestExpression::caseMapping()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, lower);
    QFETCH(QByteArray, upper);
    const std::string_view view(text.constData(), static_cast<size_t>(text.size()));
    QCOMPARE(QByteArray::fromStdString(javaToLowerCase(view)), lower);
    QCOMPARE(QByteArray::fromStdString(javaToUpperCase(view)), upper);
}

QTEST_APPLESS_MAIN(TestExpression)
#include "tst_expression.moc"
