#include "runtime/serializer.h"

#include "core/value_codec.h"

#include <cassert>
#include <cstring>

namespace streamlab::runtime {

namespace {

    constexpr char kGenericTypeName[] = "streamlab.GenericRecord";

    template <class T>
    void putFixed(std::string& out, T v)
    {
        char buf[sizeof(T)];
        std::memcpy(buf, &v, sizeof(T));
        out.append(buf, sizeof(T));
    }
    void putString(std::string& out, std::string_view s)
    {
        putVarint(out, s.size());
        out.append(s.data(), s.size());
    }

    void putTagged(std::string& out, const Value& v) { encodeValue(out, v); }

} // namespace

RecordSerializer::RecordSerializer(SchemaPtr schema)
    : m_schema(std::move(schema))
{
    m_generic = !m_schema->declared;
    for (const auto& f : m_schema->fields)
        if (f.type == FieldType::Any)
            m_generic = true;
}

void RecordSerializer::serialize(const Record& r, std::string& out) const
{
    if (!m_generic) {
        const size_t at = out.size();
        out.resize(at + maxSize(r));
        char* end = write(r, out.data() + at);
        out.resize(static_cast<size_t>(end - out.data()));
        return;
    }
    // StreamElementSerializer: a tag (record with or without timestamp), then the timestamp.
    bool hasTs = r.timestamp != kMinTimestamp;
    out += static_cast<char>(hasTs ? 0 : 1);
    if (hasTs)
        putFixed(out, r.timestamp);
    const auto& fields = m_schema->fields;
    putString(out, kGenericTypeName);
    putVarint(out, fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
        putString(out, fields[i].name);
        putTagged(out, r.fields[i]);
    }
}

namespace {

    // A value of another alternative than its field's type (an expression typed loosely) is
    // coerced rather than trusted.
    int64_t coercedLong(const Value& v)
    {
        if (auto* x = std::get_if<int64_t>(&v))
            return *x;
        if (auto* d = std::get_if<double>(&v))
            return static_cast<int64_t>(*d);
        if (auto* b = std::get_if<bool>(&v))
            return static_cast<int64_t>(*b);
        return 0;
    }
    template <class T>
    char* putRaw(char* p, T v)
    {
        std::memcpy(p, &v, sizeof(T));
        return p + sizeof(T);
    }
    char* putRawString(char* p, std::string_view s)
    {
        p = putVarint(p, s.size());
        std::memcpy(p, s.data(), s.size());
        return p + s.size();
    }

} // namespace

size_t RecordSerializer::maxSize(const Record& r) const
{
    const auto& fields = m_schema->fields;
    size_t n = 1 + sizeof(int64_t) + (fields.size() + 7) / 8;
    for (size_t i = 0; i < fields.size(); ++i) {
        const Value& v = r.fields[i];
        if (fields[i].type == FieldType::String) {
            auto* str = std::get_if<std::string>(&v);
            n += kMaxVarint + (str ? str->size() : isNull(v) ? 0 : valueToText(v).size());
        } else {
            n += sizeof(int64_t);
        }
    }
    return n;
}

char* RecordSerializer::write(const Record& r, char* p) const
{
    assert(!m_generic);
    // StreamElementSerializer: a tag (record with or without timestamp), then the timestamp.
    const bool hasTs = r.timestamp != kMinTimestamp;
    *p++ = static_cast<char>(hasTs ? 0 : 1);
    if (hasTs)
        p = putRaw(p, r.timestamp);
    // Null mask, one bit per field.
    const auto& fields = m_schema->fields;
    char* mask = p;
    std::memset(mask, 0, (fields.size() + 7) / 8);
    p += (fields.size() + 7) / 8;
    for (size_t i = 0; i < fields.size(); ++i) {
        const Value& v = r.fields[i];
        if (isNull(v)) {
            mask[i / 8] = static_cast<char>(mask[i / 8] | (1 << (i % 8)));
            continue;
        }
        switch (fields[i].type) {
        case FieldType::Int:
            p = putRaw(p, static_cast<int32_t>(coercedLong(v)));
            break;
        case FieldType::Long:
        case FieldType::Timestamp:
            p = putRaw(p, coercedLong(v));
            break;
        case FieldType::Double: {
            auto d = asDouble(v);
            p = putRaw(p, d ? *d : 0.0);
            break;
        }
        case FieldType::Boolean:
            *p++ = static_cast<char>(std::holds_alternative<bool>(v) ? std::get<bool>(v) : coercedLong(v) != 0);
            break;
        case FieldType::String:
            if (auto* str = std::get_if<std::string>(&v))
                p = putRawString(p, *str);
            else
                p = putRawString(p, valueToText(v));
            break;
        case FieldType::Any: // not typed: serialize() takes the generic path
            break;
        }
    }
    return p;
}

bool RecordSerializer::deserialize(std::string_view in, Record& out) const
{
    ByteReader r { in };
    auto tag = r.fixed<uint8_t>();
    out.timestamp = tag == 0 ? r.fixed<int64_t>() : kMinTimestamp;
    const auto& fields = m_schema->fields;
    out.fields.resize(fields.size());
    if (m_generic) {
        r.bytes(r.varint()); // the type name
        uint64_t n = r.varint();
        if (n != fields.size())
            return false;
        for (size_t i = 0; i < fields.size() && r.ok; ++i) {
            r.bytes(r.varint()); // the field name
            out.fields[i] = r.value();
        }
        return r.ok;
    }
    size_t maskAt = r.pos;
    r.pos += (fields.size() + 7) / 8;
    for (size_t i = 0; i < fields.size() && r.ok; ++i) {
        if (static_cast<uint8_t>(in[maskAt + i / 8]) & (1 << (i % 8))) {
            out.fields[i] = Value {};
            continue;
        }
        switch (fields[i].type) {
        case FieldType::Int:
            out.fields[i] = static_cast<int64_t>(r.fixed<int32_t>());
            break;
        case FieldType::Long:
        case FieldType::Timestamp:
            out.fields[i] = r.fixed<int64_t>();
            break;
        case FieldType::Double:
            out.fields[i] = r.fixed<double>();
            break;
        case FieldType::Boolean:
            out.fields[i] = r.fixed<uint8_t>() != 0;
            break;
        case FieldType::String: {
            auto s = r.bytes(r.varint());
            if (auto* str = std::get_if<std::string>(&out.fields[i]))
                str->assign(s.data(), s.size());
            else
                out.fields[i] = std::string(s);
            break;
        }
        case FieldType::Any:
            out.fields[i] = r.value();
            break;
        }
    }
    return r.ok && r.pos == in.size();
}

} // namespace streamlab::runtime
