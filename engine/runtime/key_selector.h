// The key of a keyed stream: the keyBy fields of a record, hashed as Flink hashes them
// (a single field by its Java hashCode, several by the Tuple fold 31*h + h(fi)).
// Immutable after construction; thread-safe.
#pragma once

#include "core/value.h"

#include <string>
#include <vector>

namespace streamlab::runtime {

struct KeySelector {
    std::vector<int> fields; // indices in the keyed stream's schema
    std::vector<FieldType> types;
    std::vector<std::string> names;

    bool empty() const { return fields.empty(); }
    // The key value: the field itself, or a list for a composite key.
    Value key(const Record& r) const;
    int32_t hashCode(const Record& r) const;
    // FieldType of the key value (Any for a composite key).
    FieldType keyType() const { return fields.size() == 1 ? types[0] : FieldType::Any; }
};

// Java hashCode of a key value as produced by KeySelector::key (lists fold as a Tuple).
int32_t keyHashCode(const Value& key, FieldType type);

} // namespace streamlab::runtime
