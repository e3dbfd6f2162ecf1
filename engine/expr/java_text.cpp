#include "expr/java_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace streamlab::expr {

namespace {

// Shortest decimal digits of |d| (finite, non-zero) and the exponent of the first digit:
// |d| = d1.d2d3... * 10^exponent. No trailing zeros.
void shortestDigits(double d, std::string& digits, int& exponent)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view s(buf, static_cast<size_t>(end - buf));
    // Java prefers two digits when one is enough ("4.9E-324" rather than "5.0E-324"): among the
    // two-digit decimals that read back as d it takes the closest.
    char two[64];
    if (s.find('.') == std::string_view::npos) {
        auto [end2, ec2] = std::to_chars(two, two + sizeof two, d, std::chars_format::scientific, 1);
        double back = 0;
        std::from_chars(two, end2, back);
        if (back == d)
            s = std::string_view(two, static_cast<size_t>(end2 - two));
    }
    const size_t e = s.find('e');
    digits.clear();
    for (char c : s.substr(0, e))
        if (c != '.')
            digits += c;
    const size_t expStart = e + 1 + (s[e + 1] == '+' ? 1 : 0);
    std::from_chars(s.data() + expStart, s.data() + s.size(), exponent);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
}

// Appends the code point as UTF-8.
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

// Length of the well-formed UTF-8 sequence at s[i] and its code point; 0 when malformed.
size_t decodeOne(std::string_view s, size_t i, uint32_t& cp)
{
    const auto b1 = static_cast<unsigned char>(s[i]);
    if (b1 < 0x80) {
        cp = b1;
        return 1;
    }
    size_t need = 0;
    uint32_t min = 0;
    if (b1 >= 0xC2 && b1 <= 0xDF) {
        need = 1;
        cp = b1 & 0x1F;
        min = 0x80;
    } else if (b1 >= 0xE0 && b1 <= 0xEF) {
        need = 2;
        cp = b1 & 0x0F;
        min = 0x800;
    } else if (b1 >= 0xF0 && b1 <= 0xF4) {
        need = 3;
        cp = b1 & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + need >= s.size())
        return 0;
    for (size_t k = 1; k <= need; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need + 1;
}

bool inRange(uint32_t cp, uint32_t lo, uint32_t hi) { return cp >= lo && cp <= hi; }

uint32_t lowerOf(uint32_t cp)
{
    if (inRange(cp, 'A', 'Z'))
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    if (inRange(cp, 0xC0, 0xDE) && cp != 0xD7)
        return cp + 32;
    if ((inRange(cp, 0x100, 0x137) || inRange(cp, 0x14A, 0x177) || inRange(cp, 0x460, 0x481)
            || inRange(cp, 0x48A, 0x4BF))
        && cp % 2 == 0)
        return cp + 1;
    if ((inRange(cp, 0x139, 0x148) || inRange(cp, 0x179, 0x17E)) && cp % 2 == 1)
        return cp + 1;
    if (cp == 0x178)
        return 0xFF;
    if (cp == 0x386)
        return 0x3AC;
    if (inRange(cp, 0x388, 0x38A))
        return cp + 37;
    if (cp == 0x38C)
        return 0x3CC;
    if (inRange(cp, 0x38E, 0x38F))
        return cp + 63;
    if (inRange(cp, 0x391, 0x3AB) && cp != 0x3A2)
        return cp + 32;
    if (inRange(cp, 0x400, 0x40F))
        return cp + 80;
    if (inRange(cp, 0x410, 0x42F))
        return cp + 32;
    return cp;
}

uint32_t upperOf(uint32_t cp)
{
    if (inRange(cp, 'a', 'z'))
        return cp - 32;
    if (cp < 0xB5)
        return cp;
    if (cp == 0xB5)
        return 0x39C;
    if (inRange(cp, 0xE0, 0xFE) && cp != 0xF7)
        return cp - 32;
    if (cp == 0xFF)
        return 0x178;
    if (cp == 0x131)
        return 'I';
    if (cp == 0x17F)
        return 'S';
    if ((inRange(cp, 0x101, 0x137) || inRange(cp, 0x14B, 0x177) || inRange(cp, 0x461, 0x481)
            || inRange(cp, 0x48B, 0x4BF))
        && cp % 2 == 1)
        return cp - 1;
    if ((inRange(cp, 0x13A, 0x148) || inRange(cp, 0x17A, 0x17E)) && cp % 2 == 0)
        return cp - 1;
    if (cp == 0x3AC)
        return 0x386;
    if (inRange(cp, 0x3AD, 0x3AF))
        return cp - 37;
    if (cp == 0x3CC)
        return 0x38C;
    if (inRange(cp, 0x3CD, 0x3CE))
        return cp - 63;
    if (cp == 0x3C2)
        return 0x3A3;
    if (inRange(cp, 0x3B1, 0x3CB))
        return cp - 32;
    if (inRange(cp, 0x430, 0x44F))
        return cp - 32;
    if (inRange(cp, 0x450, 0x45F))
        return cp - 80;
    return cp;
}

template <class Map>
std::string mapCase(std::string_view s, Map&& map)
{
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        uint32_t cp = 0;
        const size_t len = decodeOne(s, i, cp);
        if (len == 0) {
            out += s[i]; // not UTF-8: kept as it is
            ++i;
            continue;
        }
        map(out, cp);
        i += len;
    }
    return out;
}

} // namespace

std::string javaDoubleToString(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d > 0 ? "Infinity" : "-Infinity";
    if (d == 0)
        return std::signbit(d) ? "-0.0" : "0.0";
    std::string out;
    if (d < 0) {
        out += '-';
        d = -d;
    }
    std::string digits;
    int exponent = 0;
    shortestDigits(d, digits, exponent);
    if (exponent >= -3 && exponent < 7) {
        if (exponent >= 0) {
            const auto intDigits = static_cast<size_t>(exponent) + 1;
            if (digits.size() <= intDigits) {
                out += digits;
                out.append(intDigits - digits.size(), '0');
                out += ".0";
            } else {
                out.append(digits, 0, intDigits);
                out += '.';
                out.append(digits, intDigits);
            }
        } else {
            out += "0.";
            out.append(static_cast<size_t>(-exponent - 1), '0');
            out += digits;
        }
        return out;
    }
    out += digits[0];
    out += '.';
    if (digits.size() > 1)
        out.append(digits, 1);
    else
        out += '0';
    out += 'E';
    out += std::to_string(exponent);
    return out;
}

void appendJavaText(std::string& out, const Value& v)
{
    switch (v.index()) {
    case 0:
        out += "null";
        break;
    case 1:
        out += std::get<bool>(v) ? "true" : "false";
        break;
    case 2: {
        char buf[24];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v));
        out.append(buf, p);
        break;
    }
    case 3:
        out += javaDoubleToString(std::get<double>(v));
        break;
    case 4:
        out += std::get<std::string>(v);
        break;
    default: {
        out += '[';
        const auto& items = std::get<ListPtr>(v)->items;
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += ", ";
            appendJavaText(out, items[i]);
        }
        out += ']';
    }
    }
}

std::string javaToLowerCase(std::string_view utf8)
{
    return mapCase(utf8, [](std::string& out, uint32_t cp) {
        if (cp == 0x130) { // İ becomes i + combining dot above
            out += 'i';
            appendUtf8(out, 0x307);
            return;
        }
        appendUtf8(out, lowerOf(cp));
    });
}

std::string javaToUpperCase(std::string_view utf8)
{
    return mapCase(utf8, [](std::string& out, uint32_t cp) {
        if (cp == 0xDF) {
            out += "SS";
            return;
        }
        appendUtf8(out, upperOf(cp));
    });
}

} // namespace streamlab::expr
