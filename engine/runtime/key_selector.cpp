#include "runtime/key_selector.h"

#include "core/java_hash.h"

namespace streamlab::runtime {

Value KeySelector::key(const Record& r) const
{
    if (fields.size() == 1)
        return r.fields[static_cast<size_t>(fields[0])];
    std::vector<Value> items;
    items.reserve(fields.size());
    for (int f : fields)
        items.push_back(r.fields[static_cast<size_t>(f)]);
    return makeList(std::move(items));
}

int32_t KeySelector::hashCode(const Record& r) const
{
    if (fields.size() == 1)
        return javaValueHash(r.fields[static_cast<size_t>(fields[0])], types[0]);
    uint32_t h = 0;
    for (size_t i = 0; i < fields.size(); ++i)
        h = 31u * h + static_cast<uint32_t>(javaValueHash(r.fields[static_cast<size_t>(fields[i])], types[i]));
    return static_cast<int32_t>(h);
}

int32_t keyHashCode(const Value& key, FieldType type)
{
    if (auto* l = std::get_if<ListPtr>(&key)) {
        uint32_t h = 0;
        for (const auto& v : (*l)->items)
            h = 31u * h + static_cast<uint32_t>(javaValueHash(v, FieldType::Any));
        return static_cast<int32_t>(h);
    }
    return javaValueHash(key, type);
}

} // namespace streamlab::runtime
