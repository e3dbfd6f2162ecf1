#include "io/event_reader.h"

#include "core/cache_line.h"
#include "core/java_hash.h"
#include "io/line_source.h"

#include <absl/time/time.h>
#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <simdjson.h>

namespace streamlab::io {

std::optional<int64_t> parseTimestamp(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec == std::errc() && p == s.data() + s.size())
        return ms == kMinTimestamp ? std::nullopt : std::optional<int64_t>(ms); // MIN: "no timestamp"
    if (s.size() < 10 || s[4] != '-')
        return std::nullopt;
    std::string text(s);
    if (text.size() > 10 && text[10] == ' ')
        text[10] = 'T';
    absl::Time t;
    std::string err;
    bool ok = absl::ParseTime(absl::RFC3339_full, text, &t, &err);
    if (!ok) {
        // No zone: read as UTC. A date alone: midnight UTC.
        ok = absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S", text, absl::UTCTimeZone(), &t, &err)
            || absl::ParseTime("%Y-%m-%d%ET%H:%M", text, absl::UTCTimeZone(), &t, &err)
            || absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err);
    }
    if (!ok)
        return std::nullopt;
    const int64_t millis = absl::ToUnixMillis(t);
    if (millis == kMinTimestamp || millis == kMaxTimestamp) // saturated: the date is out of range
        return std::nullopt;
    return millis;
}

namespace {
    // A UTF-8 byte order mark, as spreadsheet programs write at the start of a file.
    constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
    void dropBom(std::string_view& firstLine)
    {
        if (firstLine.substr(0, kUtf8Bom.size()) == kUtf8Bom)
            firstLine.remove_prefix(kUtf8Bom.size());
    }
} // namespace

std::string notATimestamp(std::string_view text)
{
    std::string shown(text.substr(0, 40));
    if (text.size() > 40)
        shown += "...";
    const size_t digits = text.find_first_not_of("0123456789", !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0);
    const bool integer = !text.empty() && digits == std::string_view::npos && text.size() > 1 + (text[0] == '-');
    if (integer || (!text.empty() && text.find_first_not_of("0123456789+-.eE") == std::string_view::npos
                       && (text.find_first_of("eE.") != std::string_view::npos)))
        return "'" + shown + "' is outside the range of a timestamp (epoch milliseconds between -9223372036854775807 and "
            "9223372036854775807; Long.MIN_VALUE stands for 'no timestamp' in Flink)";
    return "'" + shown + "' is not a timestamp (epoch milliseconds or ISO-8601 such as 2022-09-23T10:00:00Z)";
}

Status EventReader::restorePosition(int64_t offset, int64_t line, const BadLines& bad)
{
    m_bad = bad;
    m_line = line;
    m_bytesRead = offset;
    return m_lines.seek(offset, line);
}

Status EventReader::badLine(int64_t line, int64_t column, const std::string& reason)
{
    std::string where = m_spec.path.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    // Failing, the line is the run's error, not a line skipped: it is not counted as one.
    if (m_spec.onError == model::OnError::Fail)
        return Status::parseError(where + reason + " (source '" + m_nodeId + "'; set onError to skip to go on past bad lines)");
    ++m_bad.count;
    if (m_bad.firstReasons.size() < BadLines::kKeep)
        m_bad.firstReasons.push_back(where + reason);
    return {};
}

namespace {

    // Schema inference reads the header and up to 200 lines of the file's first 256 KB.
    constexpr size_t kInferenceBytes = 256 * 1024;

    // Type inference from sample text values, widening as values disagree.
    struct Inferred {
        bool any = false, allInt = true, allNum = true, allBool = true, allTs = true;
        void see(std::string_view v)
        {
            if (v.empty())
                return;
            any = true;
            int64_t i;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
            bool isInt = ec == std::errc() && p == v.data() + v.size();
            double d;
            auto [p2, ec2] = std::from_chars(v.data(), v.data() + v.size(), d);
            bool isNum = isInt || (ec2 == std::errc() && p2 == v.data() + v.size());
            allInt &= isInt;
            allNum &= isNum;
            allBool &= (v == "true" || v == "false");
            allTs &= !isNum && parseTimestamp(v).has_value();
        }
        FieldType type(bool isTimestampField) const
        {
            if (isTimestampField)
                return FieldType::Timestamp;
            if (!any)
                return FieldType::String;
            if (allInt)
                return FieldType::Long;
            if (allNum)
                return FieldType::Double;
            if (allBool)
                return FieldType::Boolean;
            if (allTs)
                return FieldType::Timestamp;
            return FieldType::String;
        }
    };

    // Splits one CSV record into fields (RFC 4180 quoting, "" escapes). Returns the column of
    // each field's start. `unquoted` holds the unescaped text of quoted fields: a deque, because
    // `fields` holds views into its strings while it grows (a vector would move them, and a
    // short string's text moves with it).
    struct CsvSplitter {
        CacheLineVector<std::string_view> fields; // written for every line: lines of its own (see Gate)
        std::vector<int64_t> columns;
        std::deque<std::string> unquoted;
        bool unterminated = false;
        bool quoted = false;
        const char* lineStart = nullptr;

        // The 1-based column where field `i` starts (for messages).
        int64_t column(size_t i) const
        {
            if (!quoted)
                return static_cast<int64_t>(fields[i].data() - lineStart) + 1;
            return columns[i];
        }

        void split(std::string_view line)
        {
            fields.clear();
            columns.clear();
            size_t nUnquoted = 0;
            unterminated = false;
            lineStart = line.data();
            // The common case: no quotes, fields are views into the line. One pass over its
            // bytes (a line is a few dozen: a memchr call per field and one for quotes cost more).
            quoted = false;
            const char* start = line.data();
            const char* const end = start + line.size();
            for (const char* p = start; p != end; ++p) {
                if (*p == ',') {
                    fields.emplace_back(start, static_cast<size_t>(p - start));
                    start = p + 1;
                } else if (*p == '"') {
                    quoted = true;
                    break;
                }
            }
            if (!quoted) {
                fields.emplace_back(start, static_cast<size_t>(end - start));
                return;
            }
            fields.clear();
            size_t i = 0;
            for (;;) {
                columns.push_back(static_cast<int64_t>(i) + 1);
                if (i < line.size() && line[i] == '"') {
                    if (unquoted.size() <= nUnquoted)
                        unquoted.emplace_back();
                    std::string& out = unquoted[nUnquoted++];
                    out.clear();
                    ++i;
                    bool closed = false;
                    while (i < line.size()) {
                        if (line[i] == '"') {
                            if (i + 1 < line.size() && line[i + 1] == '"') {
                                out += '"';
                                i += 2;
                                continue;
                            }
                            ++i;
                            closed = true;
                            break;
                        }
                        out += line[i++];
                    }
                    if (!closed) {
                        unterminated = true;
                        return;
                    }
                    // Text after the closing quote up to the comma is kept (lenient).
                    while (i < line.size() && line[i] != ',')
                        out += line[i++];
                    fields.emplace_back(out);
                } else {
                    size_t comma = line.find(',', i);
                    size_t end = comma == std::string_view::npos ? line.size() : comma;
                    fields.push_back(line.substr(i, end - i));
                    i = end;
                }
                if (i >= line.size())
                    break;
                ++i; // the comma
                if (i == line.size()) {
                    columns.push_back(static_cast<int64_t>(i) + 1);
                    fields.emplace_back();
                    break;
                }
            }
        }
    };

    // A whole decimal integer (optional '-', at most 18 digits: no overflow possible), else
    // std::from_chars' verdict. The digit loop multiplies by a constant, which the compiler
    // turns into two additions a digit; from_chars multiplies by a base in a register.
    bool parseInteger(std::string_view text, int64_t& v)
    {
        const char* p = text.data();
        const char* end = p + text.size();
        const bool negative = p != end && *p == '-';
        if (negative)
            ++p;
        if (p != end && end - p <= 18) {
            uint64_t u = 0;
            for (; p != end; ++p) {
                const auto d = static_cast<unsigned>(*p - '0');
                if (d > 9)
                    break;
                u = u * 10 + d;
            }
            if (p == end) {
                v = negative ? -static_cast<int64_t>(u) : static_cast<int64_t>(u);
                return true;
            }
        }
        auto [q, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        return ec == std::errc() && q == text.data() + text.size();
    }

    // Converts text to a typed value; false with `why` when it does not fit.
    bool convert(std::string_view text, FieldType type, Value& out, std::string& why)
    {
        switch (type) {
        case FieldType::String:
            if (auto* s = std::get_if<std::string>(&out))
                s->assign(text.data(), text.size());
            else
                out = std::string(text);
            return true;
        case FieldType::Int:
        case FieldType::Long: {
            if (text.empty()) {
                out = std::monostate {};
                return true;
            }
            int64_t v;
            if (!parseInteger(text, v)) {
                why = "'" + std::string(text) + "' is not an integer";
                return false;
            }
            if (type == FieldType::Int && (v < INT32_MIN || v > INT32_MAX)) {
                why = "'" + std::string(text) + "' does not fit an int (use long)";
                return false;
            }
            out = v;
            return true;
        }
        case FieldType::Double: {
            if (text.empty()) {
                out = std::monostate {};
                return true;
            }
            double v;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || p != text.data() + text.size()) {
                why = "'" + std::string(text) + "' is not a number";
                return false;
            }
            out = v;
            return true;
        }
        case FieldType::Boolean:
            if (text.empty())
                out = std::monostate {};
            else if (text == "true" || text == "TRUE" || text == "True" || text == "1")
                out = true;
            else if (text == "false" || text == "FALSE" || text == "False" || text == "0")
                out = false;
            else {
                why = "'" + std::string(text) + "' is not true or false";
                return false;
            }
            return true;
        case FieldType::Timestamp: {
            if (text.empty()) {
                out = std::monostate {};
                return true;
            }
            int64_t ms; // the common case, epoch milliseconds, without the ISO-8601 machinery
            if (parseInteger(text, ms) && ms != kMinTimestamp) {
                out = ms;
                return true;
            }
            auto ts = parseTimestamp(text);
            if (!ts) {
                why = notATimestamp(text);
                return false;
            }
            out = *ts;
            return true;
        }
        case FieldType::Any: {
            if (text.empty()) {
                out = std::monostate {};
                return true;
            }
            int64_t i;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
            if (ec == std::errc() && p == text.data() + text.size()) {
                out = i;
                return true;
            }
            double d;
            auto [p2, ec2] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec2 == std::errc() && p2 == text.data() + text.size()) {
                out = d;
                return true;
            }
            if (text == "true" || text == "false") {
                out = text == "true";
                return true;
            }
            out = std::string(text);
            return true;
        }
        }
        return false;
    }

    class CsvReader final : public EventReader {
    public:
        Status init(const model::SourceSpec& spec, const std::string& nodeId)
        {
            m_spec = spec;
            m_nodeId = nodeId;
            STREAMLAB_RETURN_IF_ERROR(m_lines.open(spec.path));
            m_fileSize = m_lines.fileSize();
            std::string_view header;
            auto r = m_lines.next(header);
            if (!r.ok())
                return r.status();
            if (!*r)
                return Status::invalid(spec.path.string() + ": the file is empty; a CSV event file starts with a header line");
            dropBom(header);
            m_split.split(header);
            for (auto f : m_split.fields) {
                std::string name(f);
                while (!name.empty() && name.back() == ' ')
                    name.pop_back();
                while (!name.empty() && name.front() == ' ')
                    name.erase(name.begin());
                m_header.push_back(name);
            }
            auto headerIndex = [&](const std::string& n) {
                for (size_t i = 0; i < m_header.size(); ++i)
                    if (m_header[i] == n)
                        return static_cast<int>(i);
                return -1;
            };
            auto schema = std::make_shared<Schema>();
            if (spec.schema.declared) {
                *schema = spec.schema;
                for (const auto& f : schema->fields) {
                    int c = headerIndex(f.name);
                    if (c < 0)
                        return Status::invalid(spec.path.string() + ":1: the header has no column '" + f.name
                            + "' declared in the schema of source '" + nodeId + "' (columns: " + joined() + ")");
                    m_columnOf.push_back(c);
                }
            } else {
                // Infer from the header and up to 200 lines of the first chunk.
                STREAMLAB_RETURN_IF_ERROR(m_lines.fill(kInferenceBytes));
                std::vector<Inferred> inf(m_header.size());
                std::string_view rest = m_lines.buffered();
                for (int n = 0; n < 200 && !rest.empty(); ++n) {
                    size_t nl = rest.find('\n');
                    std::string_view line = rest.substr(0, nl);
                    if (!line.empty() && line.back() == '\r')
                        line.remove_suffix(1);
                    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
                    m_split.split(line);
                    for (size_t i = 0; i < m_split.fields.size() && i < inf.size(); ++i)
                        inf[i].see(m_split.fields[i]);
                }
                schema->declared = false;
                for (size_t i = 0; i < m_header.size(); ++i) {
                    schema->fields.push_back({ m_header[i], inf[i].type(m_header[i] == spec.timestampField) });
                    m_columnOf.push_back(static_cast<int>(i));
                }
            }
            if (!spec.timestampField.empty()) {
                m_tsIndex = schema->indexOf(spec.timestampField);
                if (m_tsIndex < 0)
                    return Status::invalid(spec.path.string() + ":1: the timestamp field '" + spec.timestampField
                        + "' of source '" + nodeId + "' is not a column (columns: " + joined() + ")");
            }
            if (!spec.arrivalField.empty()) {
                m_arrivalColumn = headerIndex(spec.arrivalField);
                if (m_arrivalColumn < 0)
                    return Status::invalid(spec.path.string() + ":1: the arrival field '" + spec.arrivalField
                        + "' of source '" + nodeId + "' is not a column (columns: " + joined() + ")");
            }
            m_schema = std::move(schema);
            return {};
        }

        Result<bool> next(Event& out) override
        {
            out.isWatermark = false;
            out.arrival.reset();
            auto& fields = out.record.fields;
            const auto& schemaFields = m_schema->fields;
            fields.resize(schemaFields.size());
            for (;;) {
                std::string_view line;
                auto r = m_lines.next(line);
                if (!r.ok())
                    return r.status();
                m_line = m_lines.lineNumber();
                m_bytesRead = m_lines.bytesConsumed();
                if (!*r)
                    return false;
                if (line.empty())
                    continue;
                m_eventOffset = m_lines.lastLineStart();
                m_eventLine = m_line - 1;
                m_split.split(line);
                int64_t startLine = m_line;
                while (m_split.unterminated) {
                    // A quoted field spans lines: join the next physical line and split again.
                    m_multi.assign(line.data(), line.size());
                    std::string_view more;
                    auto r2 = m_lines.next(more);
                    if (!r2.ok())
                        return r2.status();
                    m_line = m_lines.lineNumber();
                    if (!*r2) {
                        STREAMLAB_RETURN_IF_ERROR(badLine(startLine, 1, "a quoted field is not closed before the end of the file"));
                        return false;
                    }
                    m_multi += '\n';
                    m_multi.append(more.data(), more.size());
                    line = m_multi;
                    m_split.split(line);
                }
                if (m_split.fields.size() != m_header.size()) {
                    STREAMLAB_RETURN_IF_ERROR(badLine(startLine, 1,
                        "expected " + std::to_string(m_header.size()) + " fields (" + joined() + "), found "
                            + std::to_string(m_split.fields.size())));
                    continue;
                }
                bool good = true;
                for (size_t i = 0; i < schemaFields.size(); ++i) {
                    size_t c = static_cast<size_t>(m_columnOf[i]);
                    if (!convert(m_split.fields[c], schemaFields[i].type, fields[i], m_why)) {
                        STREAMLAB_RETURN_IF_ERROR(
                            badLine(startLine, m_split.column(c), "field '" + schemaFields[i].name + "': " + m_why));
                        good = false;
                        break;
                    }
                }
                if (!good)
                    continue;
                if (m_tsIndex >= 0) {
                    const Value& ts = fields[static_cast<size_t>(m_tsIndex)];
                    if (auto* v = std::get_if<int64_t>(&ts)) {
                        out.record.timestamp = *v;
                    } else {
                        size_t c = static_cast<size_t>(m_columnOf[static_cast<size_t>(m_tsIndex)]);
                        STREAMLAB_RETURN_IF_ERROR(badLine(startLine, m_split.column(c),
                            "timestamp field '" + m_spec.timestampField + "' is empty; every event needs its event time"));
                        continue;
                    }
                } else {
                    out.record.timestamp = kMinTimestamp;
                }
                if (m_arrivalColumn >= 0) {
                    auto a = parseTimestamp(m_split.fields[static_cast<size_t>(m_arrivalColumn)]);
                    if (!a) {
                        STREAMLAB_RETURN_IF_ERROR(badLine(startLine, m_split.column(static_cast<size_t>(m_arrivalColumn)),
                            "arrival field '" + m_spec.arrivalField
                                + "': " + notATimestamp(m_split.fields[static_cast<size_t>(m_arrivalColumn)])));
                        continue;
                    }
                    out.arrival = *a;
                }
                return true;
            }
        }

    private:
        std::string joined() const
        {
            std::string s;
            for (const auto& h : m_header)
                s += (s.empty() ? "" : ", ") + h;
            return s;
        }

        CsvSplitter m_split;
        std::vector<std::string> m_header;
        std::vector<int> m_columnOf;
        int m_arrivalColumn = -1;
        std::string m_multi;
        std::string m_why;
    };

    class JsonLinesReader final : public EventReader {
    public:
        Status init(const model::SourceSpec& spec, const std::string& nodeId)
        {
            m_spec = spec;
            m_nodeId = nodeId;
            STREAMLAB_RETURN_IF_ERROR(m_lines.open(spec.path));
            m_fileSize = m_lines.fileSize();
            auto schema = std::make_shared<Schema>();
            if (spec.schema.declared) {
                *schema = spec.schema;
            } else {
                STREAMLAB_RETURN_IF_ERROR(m_lines.fill(kInferenceBytes));
                std::string_view rest = m_lines.buffered();
                dropBom(rest);
                std::vector<std::string> names;
                std::vector<FieldType> types;
                simdjson::ondemand::parser parser;
                for (int n = 0; n < 200 && !rest.empty(); ++n) {
                    size_t nl = rest.find('\n');
                    std::string_view line = rest.substr(0, nl);
                    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
                    simdjson::padded_string padded(line);
                    simdjson::ondemand::document doc;
                    if (parser.iterate(padded).get(doc))
                        continue;
                    simdjson::ondemand::object obj;
                    if (doc.get_object().get(obj))
                        continue;
                    for (auto f : obj) {
                        std::string_view key;
                        if (f.unescaped_key().get(key))
                            break;
                        if (key == "@watermark")
                            break;
                        simdjson::ondemand::json_type jt;
                        if (f.value().type().get(jt))
                            break;
                        FieldType t = FieldType::Any;
                        if (jt == simdjson::ondemand::json_type::string)
                            t = FieldType::String;
                        else if (jt == simdjson::ondemand::json_type::boolean)
                            t = FieldType::Boolean;
                        else if (jt == simdjson::ondemand::json_type::number) {
                            simdjson::ondemand::number_type nt;
                            t = (!f.value().get_number_type().get(nt) && nt != simdjson::ondemand::number_type::floating_point_number)
                                ? FieldType::Long
                                : FieldType::Double;
                        } else if (jt == simdjson::ondemand::json_type::null)
                            t = FieldType::Any;
                        std::string k(key);
                        size_t i = 0;
                        while (i < names.size() && names[i] != k)
                            ++i;
                        if (i == names.size()) {
                            names.push_back(k);
                            types.push_back(jt == simdjson::ondemand::json_type::null ? FieldType::String : t);
                            m_sawNull.push_back(jt == simdjson::ondemand::json_type::null);
                        } else if (types[i] != t && jt != simdjson::ondemand::json_type::null) {
                            if (m_sawNull[i])
                                types[i] = t;
                            else if ((types[i] == FieldType::Long && t == FieldType::Double)
                                || (types[i] == FieldType::Double && t == FieldType::Long))
                                types[i] = FieldType::Double;
                            else
                                types[i] = FieldType::Any;
                            m_sawNull[i] = false;
                        }
                    }
                }
                for (size_t i = 0; i < names.size(); ++i) {
                    FieldType t = types[i];
                    if (names[i] == spec.timestampField)
                        t = FieldType::Timestamp;
                    else if (m_sawNull[i])
                        t = FieldType::Any; // only nulls seen: the type is unknown
                    schema->fields.push_back({ names[i], t });
                }
                schema->declared = false;
                if (!spec.timestampField.empty() && schema->indexOf(spec.timestampField) < 0)
                    schema->fields.push_back({ spec.timestampField, FieldType::Timestamp });
            }
            if (!spec.timestampField.empty()) {
                m_tsIndex = schema->indexOf(spec.timestampField);
                if (m_tsIndex < 0)
                    return Status::invalid(spec.path.string() + ": the timestamp field '" + spec.timestampField
                        + "' of source '" + nodeId + "' is not in its schema (" + schema->names() + ")");
            }
            m_schema = std::move(schema);
            return {};
        }

        Result<bool> next(Event& out) override
        {
            const auto& schemaFields = m_schema->fields;
            auto& fields = out.record.fields;
            for (;;) {
                std::string_view line;
                auto r = m_lines.next(line);
                if (!r.ok())
                    return r.status();
                m_line = m_lines.lineNumber();
                m_bytesRead = m_lines.bytesConsumed();
                if (!*r)
                    return false;
                if (m_line == 1)
                    dropBom(line);
                size_t firstNonSpace = line.find_first_not_of(" \t");
                if (firstNonSpace == std::string_view::npos)
                    continue;
                m_eventOffset = m_lines.lastLineStart();
                m_eventLine = m_line - 1;
                out.isWatermark = false;
                out.partition = -1;
                out.arrival.reset();
                fields.assign(schemaFields.size(), Value {});
                auto status = parseLine(line, out);
                if (!status.ok())
                    return status;
                if (m_lineBad)
                    continue;
                return true;
            }
        }

    private:
        int64_t columnOf(std::string_view line, std::string_view key) const
        {
            std::string quoted = "\"" + std::string(key) + "\"";
            auto pos = line.find(quoted);
            return pos == std::string_view::npos ? 1 : static_cast<int64_t>(pos) + 1;
        }

        Status parseLine(std::string_view line, Event& out)
        {
            m_lineBad = false;
            auto bad = [&](int64_t col, const std::string& why) {
                m_lineBad = true;
                return badLine(m_line, col, why);
            };
            simdjson::ondemand::document doc;
            auto err = m_parser.iterate(line.data(), line.size(), line.size() + LineSource::kPadding).get(doc);
            if (err)
                return bad(1, std::string("not valid JSON (") + simdjson::error_message(err) + ")");
            simdjson::ondemand::object obj;
            if (doc.get_object().get(obj))
                return bad(1, "expected a JSON object per line");
            bool sawTs = false;
            // "partition" names the partition a watermark line is for, before or after
            // "@watermark"; on an event line it is an ordinary field.
            std::optional<int64_t> partition;
            int64_t partitionColumn = 0;
            std::string_view key;
            for (auto f : obj) {
                if ((err = f.unescaped_key().get(key)))
                    return bad(1, std::string("not valid JSON (") + simdjson::error_message(err) + ")");
                simdjson::ondemand::value v;
                if ((err = f.value().get(v)))
                    return bad(columnOf(line, key), std::string("not valid JSON (") + simdjson::error_message(err) + ")");
                if (key == "@watermark") {
                    int64_t w;
                    if (v.get_int64().get(w))
                        return bad(columnOf(line, key), "\"@watermark\" must be an integer (epoch milliseconds)");
                    out.isWatermark = true;
                    out.watermark = w;
                    continue;
                }
                if (key == "partition" && indexOf(key) < 0) {
                    partitionColumn = columnOf(line, key);
                    int64_t p;
                    partition = v.get_int64().get(p) ? std::optional<int64_t>(-1) : std::optional<int64_t>(p);
                    continue;
                }
                if (!m_spec.arrivalField.empty() && key == m_spec.arrivalField) {
                    auto a = readTime(v, m_why);
                    if (!a)
                        return bad(columnOf(line, key), "arrival field '" + m_spec.arrivalField + "': " + m_why);
                    out.arrival = *a;
                    int idx = m_schema->indexOf(key);
                    if (idx >= 0)
                        out.record.fields[static_cast<size_t>(idx)] = *a;
                    continue;
                }
                int idx = indexOf(key);
                if (idx < 0)
                    continue;
                const Field& field = m_schema->fields[static_cast<size_t>(idx)];
                Value& dst = out.record.fields[static_cast<size_t>(idx)];
                if (auto why = readValue(v, field.type, dst); !why.empty())
                    return bad(columnOf(line, key), "field '" + field.name + "': " + why);
                if (idx == m_tsIndex)
                    sawTs = true;
                if (key == "partition") {
                    partitionColumn = columnOf(line, key);
                    const auto* p = std::get_if<int64_t>(&dst);
                    partition = p ? *p : -1;
                }
            }
            // `{...}{...}`: a second value would be lost without a word. Past the object's end,
            // the document has a location only when another token follows.
            if (const char* at = nullptr; !doc.current_location().get(at)) {
                int64_t col = at >= line.data() && at <= line.data() + line.size() ? static_cast<int64_t>(at - line.data()) + 1 : 1;
                return bad(col, "more than one JSON value on the line (JSON Lines holds one object a line)");
            }
            if (out.isWatermark) {
                if (partition) {
                    if (*partition < 0 || *partition > std::numeric_limits<int>::max())
                        return bad(partitionColumn, "\"partition\" of a watermark line must be a partition number (0, 1, ...)");
                    out.partition = static_cast<int>(*partition);
                }
                return {};
            }
            if (m_tsIndex >= 0) {
                const Value& ts = out.record.fields[static_cast<size_t>(m_tsIndex)];
                if (!sawTs || !std::holds_alternative<int64_t>(ts))
                    return bad(1, "timestamp field '" + m_spec.timestampField + "' is missing; every event needs its event time");
                out.record.timestamp = std::get<int64_t>(ts);
            } else {
                out.record.timestamp = kMinTimestamp;
            }
            return {};
        }

        int indexOf(std::string_view key) const
        {
            const auto& fs = m_schema->fields;
            for (size_t i = 0; i < fs.size(); ++i)
                if (fs[i].name == key)
                    return static_cast<int>(i);
            return -1;
        }

        // A time as epoch milliseconds (a number, whole or not) or ISO-8601 text; else nullopt
        // with the reason in `why`.
        static std::optional<int64_t> readTime(simdjson::ondemand::value& v, std::string& why)
        {
            int64_t i;
            if (!v.get_int64().get(i) && i != kMinTimestamp)
                return i;
            std::string_view s;
            if (!v.get_string().get(s)) {
                auto t = parseTimestamp(s);
                if (!t)
                    why = notATimestamp(s);
                return t;
            }
            // Strictly inside (Long.MIN_VALUE, 2^63): the cast is defined there, and MIN means "none".
            double d;
            if (!v.get_double().get(d) && d > -9223372036854775808.0 && d < 9223372036854775808.0) {
                const auto t = static_cast<int64_t>(d);
                if (t != kMinTimestamp)
                    return t;
            }
            std::string_view raw = v.raw_json_token();
            while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t'))
                raw.remove_suffix(1);
            why = notATimestamp(raw);
            return std::nullopt;
        }

        // The JSON text of a value of any type (objects and arrays whole).
        static bool rawText(simdjson::ondemand::value& v, simdjson::ondemand::json_type jt, std::string_view& out)
        {
            if (jt == simdjson::ondemand::json_type::object) {
                simdjson::ondemand::object o;
                return !v.get_object().get(o) && !o.raw_json().get(out);
            }
            if (jt == simdjson::ondemand::json_type::array) {
                simdjson::ondemand::array a;
                return !v.get_array().get(a) && !a.raw_json().get(out);
            }
            out = v.raw_json_token();
            return true;
        }

        // Reads `v` as `type` into `out`; returns an explanation when it does not fit.
        static std::string readValue(simdjson::ondemand::value& v, FieldType type, Value& out)
        {
            simdjson::ondemand::json_type jt;
            if (v.type().get(jt))
                return "not valid JSON";
            if (jt == simdjson::ondemand::json_type::null) {
                out = std::monostate {};
                return {};
            }
            switch (type) {
            case FieldType::String: {
                std::string_view s;
                if (!v.get_string().get(s)) {
                    out = std::string(s);
                    return {};
                }
                std::string_view raw;
                if (rawText(v, jt, raw)) {
                    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t'))
                        raw.remove_suffix(1);
                    out = std::string(raw);
                    return {};
                }
                return "expected a string";
            }
            case FieldType::Int:
            case FieldType::Long: {
                int64_t i;
                if (v.get_int64().get(i))
                    return "expected an integer";
                if (type == FieldType::Int && (i < INT32_MIN || i > INT32_MAX))
                    return std::to_string(i) + " does not fit an int (use long)";
                out = i;
                return {};
            }
            case FieldType::Double: {
                double d;
                if (v.get_double().get(d))
                    return "expected a number";
                out = d;
                return {};
            }
            case FieldType::Boolean: {
                bool b;
                if (v.get_bool().get(b))
                    return "expected true or false";
                out = b;
                return {};
            }
            case FieldType::Timestamp: {
                std::string why;
                auto t = readTime(v, why);
                if (!t)
                    return why;
                out = *t;
                return {};
            }
            case FieldType::Any: {
                switch (jt) {
                case simdjson::ondemand::json_type::boolean: {
                    bool b = false;
                    if (v.get_bool().get(b))
                        return "not valid JSON";
                    out = b;
                    return {};
                }
                case simdjson::ondemand::json_type::number: {
                    int64_t i;
                    if (!v.get_int64().get(i)) {
                        out = i;
                        return {};
                    }
                    double d = 0;
                    if (v.get_double().get(d))
                        return "not a valid number";
                    out = d;
                    return {};
                }
                case simdjson::ondemand::json_type::string: {
                    std::string_view s;
                    if (v.get_string().get(s))
                        return "not a valid string";
                    out = std::string(s);
                    return {};
                }
                default: {
                    std::string_view raw;
                    if (!rawText(v, jt, raw))
                        return "not valid JSON";
                    out = std::string(raw);
                    return {};
                }
                }
            }
            }
            return "unsupported type";
        }

        simdjson::ondemand::parser m_parser;
        std::vector<bool> m_sawNull;
        std::string m_why;
        bool m_lineBad = false;
    };

} // namespace

Result<std::unique_ptr<EventReader>> EventReader::open(const model::SourceSpec& spec, const std::string& nodeId)
{
    if (spec.format == model::EventFormat::Csv) {
        auto r = std::make_unique<CsvReader>();
        STREAMLAB_RETURN_IF_ERROR(r->init(spec, nodeId));
        return std::unique_ptr<EventReader>(std::move(r));
    }
    auto r = std::make_unique<JsonLinesReader>();
    STREAMLAB_RETURN_IF_ERROR(r->init(spec, nodeId));
    return std::unique_ptr<EventReader>(std::move(r));
}

} // namespace streamlab::io
