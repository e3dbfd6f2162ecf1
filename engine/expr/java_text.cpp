#include "expr/java_text.h"

#include "expr/java_case_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>

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

    // The mapping of `cp` by a sorted table of ranges; cp itself when none applies.
    template <size_t N> uint32_t mapByRanges(const casedata::CaseRange (&ranges)[N], uint32_t cp)
    {
        const auto* it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
            [](uint32_t c, const casedata::CaseRange& r) { return c < r.lo; });
        if (it == std::begin(ranges))
            return cp;
        const casedata::CaseRange& r = *(it - 1);
        if (cp > r.hi || (cp - r.lo) % r.step != 0)
            return cp;
        return static_cast<uint32_t>(static_cast<int32_t>(cp) + r.delta);
    }

    uint32_t lowerOf(uint32_t cp)
    {
        if (cp < 0x80)
            return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        return mapByRanges(casedata::kLower, cp);
    }

    uint32_t upperOf(uint32_t cp)
    {
        if (cp < 0x80)
            return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
        return mapByRanges(casedata::kUpper, cp);
    }

    const casedata::CaseExpansion* upperExpansion(uint32_t cp)
    {
        const auto* it
            = std::lower_bound(std::begin(casedata::kUpperExpansions), std::end(casedata::kUpperExpansions),
                cp, [](const casedata::CaseExpansion& e, uint32_t c) { return e.cp < c; });
        return it != std::end(casedata::kUpperExpansions) && it->cp == cp ? it : nullptr;
    }

    bool isCased(uint32_t cp)
    {
        return lowerOf(cp) != cp || upperOf(cp) != cp || upperExpansion(cp) || cp == 0x130;
    }

    // The common Case_Ignorable characters of Unicode: apostrophes, word-internal punctuation,
    // modifier letters and combining diacritics.
    bool isCaseIgnorable(uint32_t cp)
    {
        switch (cp) {
        case 0x27:
        case 0x2E:
        case 0x3A:
        case 0x5E:
        case 0x60:
        case 0xA8:
        case 0xAD:
        case 0xAF:
        case 0xB4:
        case 0xB7:
        case 0xB8:
        case 0x2018:
        case 0x2019:
        case 0x2024:
        case 0x2027:
            return true;
        default:
            return (cp >= 0x2B0 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489);
        }
    }

    // Java's Final_Sigma condition for the Σ at s[at, at + len): a cased letter before it and none
    // after it, skipping case-ignorable characters on both sides.
    bool isFinalSigma(std::string_view s, size_t at, size_t len)
    {
        bool casedBefore = false;
        for (size_t i = at; i > 0;) {
            size_t start = i - 1;
            while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
                --start;
            uint32_t cp = 0;
            if (decodeOne(s, start, cp) == 0)
                break;
            if (!isCaseIgnorable(cp)) {
                casedBefore = isCased(cp);
                break;
            }
            i = start;
        }
        if (!casedBefore)
            return false;
        for (size_t i = at + len; i < s.size();) {
            uint32_t cp = 0;
            const size_t n = decodeOne(s, i, cp);
            if (n == 0)
                return true;
            if (!isCaseIgnorable(cp))
                return !isCased(cp);
            i += n;
        }
        return true;
    }

    // Decodes `s` and calls map(out, cp, at, length) for each code point; bytes that are not UTF-8
    // are copied unchanged.
    template <class Map> std::string mapCase(std::string_view s, Map&& map)
    {
        std::string out;
        out.reserve(s.size());
        size_t i = 0;
        while (i < s.size()) {
            uint32_t cp = 0;
            const size_t len = decodeOne(s, i, cp);
            if (len == 0) {
                out += s[i];
                ++i;
                continue;
            }
            map(out, cp, i, len);
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
    return mapCase(utf8, [utf8](std::string& out, uint32_t cp, size_t at, size_t len) {
        if (cp == 0x130) { // İ becomes i + combining dot above
            out += 'i';
            appendUtf8(out, 0x307);
            return;
        }
        if (cp == 0x3A3 && isFinalSigma(utf8, at, len)) {
            appendUtf8(out, 0x3C2); // final sigma
            return;
        }
        appendUtf8(out, lowerOf(cp));
    });
}

std::string javaToUpperCase(std::string_view utf8)
{
    return mapCase(utf8, [](std::string& out, uint32_t cp, size_t, size_t) {
        if (const casedata::CaseExpansion* e = cp >= 0xDF ? upperExpansion(cp) : nullptr) {
            for (uint32_t to : e->to)
                if (to)
                    appendUtf8(out, to);
            return;
        }
        appendUtf8(out, upperOf(cp));
    });
}

} // namespace streamlab::expr
