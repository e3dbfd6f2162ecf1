#include "core/java_hash.h"

#include <bit>
#include <cmath>

namespace streamlab {

namespace {

    constexpr uint32_t kReplacement = 0xFFFD;

    bool isContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

    // Mirrors String(byte[], UTF_8) of the JDK: a sequence whose second byte is out of range (overlong,
    // beyond U+10FFFF) or whose continuation bytes stop early becomes one U+FFFD for the bytes read so
    // far. For lead byte ED the JDK accepts A0..BF as second byte (the whole encoded surrogate then
    // becomes a single U+FFFD), unlike the Unicode recommendation, and so do we.
    template <class Emit> void decodeUtf16Units(std::string_view s, Emit&& emit)
    {
        const size_t n = s.size();
        size_t i = 0;
        while (i < n) {
            const auto b1 = static_cast<unsigned char>(s[i]);
            if (b1 < 0x80) {
                emit(b1);
                ++i;
                continue;
            }
            int need = 0;
            unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
            if (b1 >= 0xC2 && b1 <= 0xDF) {
                need = 1;
            } else if (b1 >= 0xE0 && b1 <= 0xEF) {
                need = 2;
                if (b1 == 0xE0)
                    lo = 0xA0;
            } else if (b1 >= 0xF0 && b1 <= 0xF4) {
                need = 3;
                if (b1 == 0xF0)
                    lo = 0x90;
                else if (b1 == 0xF4)
                    hi = 0x8F;
            }
            int got = 0;
            while (got < need && i + 1 + got < n) {
                const auto b = static_cast<unsigned char>(s[i + 1 + got]);
                const bool ok = got == 0 ? (b >= lo && b <= hi) : isContinuation(b);
                if (!ok)
                    break;
                ++got;
            }
            if (need == 0 || got < need) {
                emit(kReplacement);
                i += 1 + static_cast<size_t>(got);
                continue;
            }
            uint32_t cp = b1 & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
            for (int k = 1; k <= need; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
            i += 1 + static_cast<size_t>(need);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                emit(kReplacement);
            } else if (cp >= 0x10000) {
                cp -= 0x10000;
                emit(0xD800 + (cp >> 10));
                emit(0xDC00 + (cp & 0x3FF));
            } else {
                emit(cp);
            }
        }
    }

} // namespace

int32_t javaStringHash(std::string_view utf8)
{
    uint32_t h = 0;
    size_t ascii = 0; // most keys are ASCII: one UTF-16 unit per byte
    while (ascii < utf8.size() && static_cast<unsigned char>(utf8[ascii]) < 0x80)
        h = 31 * h + static_cast<unsigned char>(utf8[ascii++]);
    decodeUtf16Units(utf8.substr(ascii), [&h](uint32_t unit) { h = 31 * h + unit; });
    return static_cast<int32_t>(h);
}

int32_t javaDoubleHash(double v)
{
    const uint64_t bits = std::isnan(v) ? 0x7ff8000000000000ULL : std::bit_cast<uint64_t>(v);
    return javaLongHash(static_cast<int64_t>(bits));
}

int32_t javaValueHash(const Value& v, FieldType t)
{
    switch (v.index()) {
    case 0:
        return 0;
    case 1:
        return javaBooleanHash(std::get<bool>(v));
    case 2: {
        const int64_t i = std::get<int64_t>(v);
        if (t == FieldType::Int)
            return javaIntHash(static_cast<int32_t>(i));
        if (t == FieldType::Double)
            return javaDoubleHash(static_cast<double>(i));
        return javaLongHash(i);
    }
    case 3:
        return javaDoubleHash(std::get<double>(v));
    case 4:
        return javaStringHash(std::get<std::string>(v));
    default: {
        // List.hashCode; the elements carry no declared type.
        uint32_t h = 1;
        for (const Value& item : std::get<ListPtr>(v)->items)
            h = 31 * h + static_cast<uint32_t>(javaValueHash(item, FieldType::Any));
        return static_cast<int32_t>(h);
    }
    }
}

} // namespace streamlab
