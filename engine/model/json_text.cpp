#include "model/json_text.h"

#include <vector>

namespace streamlab::model {

std::pair<int64_t, int64_t> lineColumn(std::string_view text, size_t byte)
{
    int64_t line = 1, col = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return { line, col };
}

namespace {

    // Builds the document from nlohmann's SAX events as its own DOM parser does, but refuses
    // nesting past kMaxJsonDepth and keeps where an error happened: the byte, and the field as a
    // path ("nodes[2].rate").
    class Builder {
    public:
        using number_integer_t = Json::number_integer_t;
        using number_unsigned_t = Json::number_unsigned_t;
        using number_float_t = Json::number_float_t;
        using string_t = Json::string_t;
        using binary_t = Json::binary_t;

        explicit Builder(Json& root)
            : m_root(root)
        {
        }

        bool null() { return put(Json(nullptr)); }
        bool boolean(bool v) { return put(Json(v)); }
        bool number_integer(number_integer_t v) { return put(Json(v)); }
        bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
        bool number_float(number_float_t v, const string_t&) { return put(Json(v)); }
        bool string(string_t& v) { return put(Json(std::move(v))); }
        bool binary(binary_t& v) { return put(Json::binary(std::move(v))); }
        bool start_object(std::size_t) { return open(Json::object()); }
        bool start_array(std::size_t) { return open(Json::array()); }
        bool key(string_t& k)
        {
            m_keys.back() = std::move(k);
            return true;
        }
        bool end_object() { return close(); }
        bool end_array() { return close(); }
        bool parse_error(
            std::size_t position, const std::string& lastToken, const nlohmann::json::exception& ex)
        {
            errorByte = position;
            errorToken = lastToken;
            errorWhat = ex.what();
            overflow = dynamic_cast<const nlohmann::json::out_of_range*>(&ex) != nullptr;
            return false;
        }

        // The field being written, as a path from the document's root.
        std::string path() const
        {
            std::string p;
            for (size_t i = 0; i < m_stack.size(); ++i) {
                if (m_stack[i]->is_array()) {
                    // The element being written is the next one unless a deeper level is open.
                    size_t index = m_stack[i]->size();
                    if (i + 1 < m_stack.size() && index > 0)
                        --index;
                    p += "[" + std::to_string(index) + "]";
                } else {
                    p += (p.empty() ? "" : ".") + m_keys[i];
                }
            }
            return p;
        }

        size_t errorByte = 0;
        std::string errorToken, errorWhat;
        bool overflow = false;
        bool tooDeep = false;

    private:
        Json* put(Json&& v)
        {
            if (m_stack.empty()) {
                m_root = std::move(v);
                return &m_root;
            }
            // Only the innermost open container grows, so the pointers below it stay valid.
            Json& top = *m_stack.back();
            if (top.is_array()) {
                top.push_back(std::move(v));
                return &top.back();
            }
            Json& slot = top[m_keys.back()];
            slot = std::move(v);
            return &slot;
        }
        bool open(Json&& container)
        {
            if (static_cast<int>(m_stack.size()) >= kMaxJsonDepth) {
                tooDeep = true;
                return false;
            }
            m_stack.push_back(put(std::move(container)));
            m_keys.emplace_back();
            return true;
        }
        bool close()
        {
            m_stack.pop_back();
            m_keys.pop_back();
            return true;
        }

        Json& m_root;
        std::vector<Json*> m_stack;
        std::vector<std::string> m_keys; // the current key of each open object
    };

    // The byte where nesting first goes past `limit` (outside strings).
    size_t tooDeepAt(std::string_view text, int limit)
    {
        int depth = 0;
        bool inString = false;
        for (size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > limit)
                    return i;
            } else if (c == '}' || c == ']') {
                --depth;
            }
        }
        return text.size();
    }

    std::string shortened(std::string s, size_t max)
    {
        if (s.size() > max)
            s = s.substr(0, max) + "...";
        return s;
    }

} // namespace

Result<Json> parseJson(std::string_view text, const std::string& sourceName, JsonFault* fault)
{
    JsonFault ignored;
    JsonFault& kind = fault ? *fault : ignored;
    kind = JsonFault::Syntax;
    Json doc;
    Builder builder(doc);
    bool ok = false;
    try {
        ok = Json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const nlohmann::json::exception& e) {
        // sax_parse reports through parse_error; this is for anything else it may throw.
        return Status::parseError(sourceName + ": not valid JSON (" + e.what() + ")");
    }
    if (ok)
        return doc;
    auto where = [&](size_t byte) {
        auto [line, col] = lineColumn(text, byte);
        return sourceName + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
    };
    const std::string field = builder.path();
    const std::string inField = field.empty() ? std::string() : " in field '" + shortened(field, 80) + "'";
    if (builder.tooDeep) {
        kind = JsonFault::TooDeep;
        return Status::parseError(where(tooDeepAt(text, kMaxJsonDepth))
            + "objects and arrays nest deeper than " + std::to_string(kMaxJsonDepth) + " levels" + inField
            + "; a job file needs a few");
    }
    if (builder.overflow) {
        kind = JsonFault::NumberTooLarge;
        size_t start = builder.errorByte >= builder.errorToken.size()
            ? builder.errorByte - builder.errorToken.size()
            : 0;
        return Status::parseError(where(start) + "the number " + shortened(builder.errorToken, 40) + inField
            + " is too large (a number in JSON must fit a double, up to about 1.8e308)");
    }
    // nlohmann reports the byte after the offending one; point at the offending one.
    std::string what = builder.errorWhat;
    if (auto pos = what.find("syntax error"); pos != std::string::npos)
        what = what.substr(pos);
    return Status::parseError(
        where(builder.errorByte > 0 ? builder.errorByte - 1 : 0) + "not valid JSON (" + what + ")");
}

} // namespace streamlab::model
