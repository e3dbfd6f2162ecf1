// Record serialization across network exchanges, as Flink serializes every record that leaves
// a chain, even between tasks of one process. Two encodings:
// - typed (a declared schema with every field's type known), like Flink's Tuple/POJO/Row
//   serializers: a tag, the timestamp, a null mask, then each field in a fixed binary form;
// - generic (a field of type `any`, or a schema inferred rather than declared), like the Kryo
//   fallback: the record's type name, then per field its name, a type tag and the value.
// Immutable after construction; thread-safe.
#pragma once

#include "core/value.h"

#include <string>
#include <string_view>

namespace streamlab::runtime {

class RecordSerializer {
public:
    RecordSerializer() = default;
    explicit RecordSerializer(SchemaPtr schema);

    bool generic() const { return m_generic; }
    // Appends the encoding of `r` to `out`.
    void serialize(const Record& r, std::string& out) const;
    // The typed encoding (not generic()) straight into a buffer: at most maxSize(r) bytes from
    // `p`, returning their end. What serialize() appends, without a string append per field.
    size_t maxSize(const Record& r) const;
    char* write(const Record& r, char* p) const;
    // Reads one record; false when the bytes are malformed (a bug: the same process wrote them).
    bool deserialize(std::string_view in, Record& out) const;

private:
    SchemaPtr m_schema;
    bool m_generic = true;
};

} // namespace streamlab::runtime
