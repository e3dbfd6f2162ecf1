#include "runtime/serializer.h"

#include "core/value_codec.h"

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
    // StreamElementSerializer: a tag (record with or without timestamp), then the timestamp.
    bool hasTs = r.timestamp != kMinTimestamp;
    out += static_cast<char>(hasTs ? 0 : 1);
    if (hasTs)
        putFixed(out, r.timestamp);
    const auto& fields = m_schema->fields;
    if (m_generic) {
        putString(out, kGenericTypeName);
        putVarint(out, fields.size());
        for (size_t i = 0; i < fields.size(); ++i) {
            putString(out, fields[i].name);
            putTagged(out, r.fields[i]);
        }
        return;
    }
    // Null mask, one bit per field.
    size_t maskAt = out.size();
    out.append((fields.size() + 7) / 8, '\0');
    for (size_t i = 0; i < fields.size(); ++i) {
        const Value& v = r.fields[i];
        if (isNull(v)) {
            out[maskAt + i / 8] = static_cast<char>(out[maskAt + i / 8] | (1 << (i % 8)));
            continue;
        }
        // A value of another alternative than its field's type (an expression typed loosely)
        // is coerced rather than trusted.
        auto asLong = [&] {
            if (auto* x = std::get_if<int64_t>(&v))
                return *x;
            if (auto* d = std::get_if<double>(&v))
                return static_cast<int64_t>(*d);
            if (auto* b = std::get_if<bool>(&v))
                return static_cast<int64_t>(*b);
            return int64_t(0);
        };
        switch (fields[i].type) {
        case FieldType::Int:
            putFixed(out, static_cast<int32_t>(asLong()));
            break;
        case FieldType::Long:
        case FieldType::Timestamp:
            putFixed(out, asLong());
            break;
        case FieldType::Double: {
            auto d = asDouble(v);
            putFixed(out, d ? *d : 0.0);
            break;
        }
        case FieldType::Boolean:
            out += static_cast<char>(std::holds_alternative<bool>(v) ? std::get<bool>(v) : asLong() != 0);
            break;
        case FieldType::String:
            if (auto* str = std::get_if<std::string>(&v))
                putString(out, *str);
            else
                putString(out, valueToText(v));
            break;
        case FieldType::Any:
            putTagged(out, v);
            break;
        }
    }
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
