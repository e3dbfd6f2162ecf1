#include "core/value_codec.h"

#include <cstring>

namespace streamlab {

template <class T>
static void putFixed(std::string& out, T v)
{
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
}

void encodeValue(std::string& out, const Value& v)
{
    out += static_cast<char>(v.index());
    switch (v.index()) {
    case 1:
        out += static_cast<char>(std::get<bool>(v));
        break;
    case 2:
        putFixed(out, std::get<int64_t>(v));
        break;
    case 3:
        putFixed(out, std::get<double>(v));
        break;
    case 4: {
        const auto& s = std::get<std::string>(v);
        putVarint(out, s.size());
        out += s;
        break;
    }
    case 5: {
        const auto& items = std::get<ListPtr>(v)->items;
        putVarint(out, items.size());
        for (const auto& x : items)
            encodeValue(out, x);
        break;
    }
    default:
        break;
    }
}

int64_t ByteReader::int64()
{
    Value v = value();
    if (auto* x = std::get_if<int64_t>(&v))
        return *x;
    ok = false;
    return 0;
}

bool ByteReader::boolean()
{
    Value v = value();
    if (auto* x = std::get_if<bool>(&v))
        return *x;
    ok = false;
    return false;
}

Value ByteReader::value()
{
    auto tag = fixed<uint8_t>();
    if (!ok)
        return Value {};
    switch (tag) {
    case 0:
        return Value {};
    case 1:
        return fixed<uint8_t>() != 0;
    case 2:
        return fixed<int64_t>();
    case 3:
        return fixed<double>();
    case 4: {
        auto n = varint();
        return std::string(bytes(n));
    }
    case 5: {
        uint64_t n = varint();
        std::vector<Value> items;
        for (uint64_t i = 0; i < n && ok; ++i)
            items.push_back(value());
        return makeList(std::move(items));
    }
    default:
        ok = false;
        return Value {};
    }
}

} // namespace streamlab
