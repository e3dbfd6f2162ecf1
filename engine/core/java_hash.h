// Java hash codes (String.hashCode, Long.hashCode, ...) computed exactly as a JVM computes them, so
// that key groups, partitions and `hash(x)` agree with what Flink would compute for the same data.
// Pure functions; thread-safe.
#pragma once

#include "core/value.h"

#include <cstdint>
#include <string_view>

namespace streamlab {

// String.hashCode of the Java string that `new String(bytes, UTF_8)` makes of `utf8`: the text is
// decoded to UTF-16 code units (characters outside the BMP become surrogate pairs) and
// h = 31 * h + unit, wrapping at 32 bits. Malformed input is replaced by U+FFFD the way Java's
// decoder does: one U+FFFD for each maximal malformed subpart (an invalid byte on its own, or the
// valid start of a sequence cut short), and one for an encoded surrogate (ED A0..BF xx).
// "" -> 0, "Aa" and "BB" -> 2112, "flink" -> 97520992, "😀" -> 1772899.
int32_t javaStringHash(std::string_view utf8);

// Integer.hashCode: the value itself.
inline int32_t javaIntHash(int32_t v) { return v; }

// Long.hashCode: (int) (v ^ (v >>> 32)). -1 -> 0, 2^32 -> 1.
inline int32_t javaLongHash(int64_t v)
{
    const auto u = static_cast<uint64_t>(v);
    return static_cast<int32_t>(static_cast<uint32_t>(u ^ (u >> 32)));
}

// Boolean.hashCode: 1231 for true, 1237 for false.
inline int32_t javaBooleanHash(bool v) { return v ? 1231 : 1237; }

// Double.hashCode: Long.hashCode of Double.doubleToLongBits (every NaN is the canonical
// 0x7ff8000000000000L; 0.0 and -0.0 differ).
int32_t javaDoubleHash(double v);

// The hash code of `v` as the Java object Flink would hold for a field of type `t`:
// String.hashCode for strings, Integer.hashCode of the (int) value for Int, Long.hashCode for
// Long and Timestamp, Boolean.hashCode, Double.hashCode (an integer in a Double field is hashed
// as that double), List.hashCode for lists, and 0 for null. The runtime alternative decides
// where it does not fit `t`; FieldType::Any hashes an integer as a Long.
int32_t javaValueHash(const Value& v, FieldType t);

} // namespace streamlab
