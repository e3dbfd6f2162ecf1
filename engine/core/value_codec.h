// Binary encoding of values: a type tag (the Value's index) then the value. Used for state
// keys and values in RocksDB, keys of timers, and the generic record encoding. Equal values
// give equal bytes. Pure functions; thread-safe.
#pragma once

#include "core/value.h"

#include <string>
#include <string_view>

namespace streamlab {

// Writes `v` (LEB128) into a buffer with room for kMaxVarint bytes; returns the end. Inline: a
// pipelined run writes a few per record (runtime/simulation_pipe.h, Pipe).
inline constexpr size_t kMaxVarint = 10;
inline char* putVarint(char* p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
}
// The same, appended to `out`.
inline void putVarint(std::string& out, uint64_t v)
{
    char buf[kMaxVarint];
    out.append(buf, static_cast<size_t>(putVarint(buf, v) - buf));
}
void encodeValue(std::string& out, const Value& v);

// Reads what encodeValue and putVarint wrote, advancing `pos`; `ok` turns false on bad bytes.
struct ByteReader {
    std::string_view in;
    size_t pos = 0;
    bool ok = true;

    // Inline: a record crossing an exchange is read with a few calls per field.
    uint64_t varint()
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= in.size()) {
                ok = false;
                return 0;
            }
            auto b = static_cast<uint8_t>(in[pos++]);
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        ok = false;
        return 0;
    }
    std::string_view bytes(size_t n)
    {
        if (!ok || n > in.size() - pos) {
            ok = false;
            return {};
        }
        auto s = in.substr(pos, n);
        pos += n;
        return s;
    }
    template <class T>
    T fixed()
    {
        T v {};
        auto b = bytes(sizeof(T));
        if (ok)
            __builtin_memcpy(&v, b.data(), sizeof(T));
        return v;
    }
    Value value();
    // A value that must be an integer (as encodeValue wrote an int64_t); ok turns false otherwise.
    int64_t int64();
    // A value that must be a boolean; ok turns false otherwise.
    bool boolean();
    bool atEnd() const { return pos == in.size(); }
};

} // namespace streamlab
