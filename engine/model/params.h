// The catalogue of node parameters: every parameter each node kind and the job's config
// understand, with its type, allowed values and a one-line description. Used to check
// `--set NODE.PARAM=VALUE`, and by the designer's property panel. Immutable; thread-safe.
#pragma once

#include "core/status.h"
#include "model/job.h"

#include <string>
#include <string_view>
#include <vector>

namespace streamlab::model {

enum class ParamType { String, Path, Integer, Number, Boolean, Duration, Enum, Expression, FieldList, Field, Schema, Object, ExpressionMap, LateFiring, Ttl };

struct ParamInfo {
    std::string path; // dotted: "watermark.maxOutOfOrderness"
    ParamType type;
    std::vector<std::string> values; // for Enum
    std::string description;
    std::string defaultText; // as shown to people; empty when there is none
};

// Parameters of a node kind ("source", ...) or of "config". Empty for an unknown kind.
const std::vector<ParamInfo>& paramsOf(std::string_view kind);
// The parameter at `path` for `kind`, or null. A path under an ExpressionMap, Schema or Ttl
// parameter ("set.total", "schema.user", "ttl.update") resolves to that parameter.
const ParamInfo* findParam(std::string_view kind, std::string_view path);

// What a parameter of `kind` does, in Flink's terms (the designer's tooltips): several sentences
// naming the Flink API or option it stands for. Falls back to the catalogue's description.
std::string paramHelp(std::string_view kind, std::string_view path);
// The unit or form of a value of `type` ("a duration: 250ms, 5s, 1m, 2h, 1d"), or "".
std::string paramUnit(ParamType type);

// Applies `--set TARGET.PARAM=VALUE` to the job: TARGET is a node id or "config". VALUE is
// read as JSON when it parses as JSON (numbers, true, objects, "quoted"), else as a string.
// Unknown nodes and parameters are refused with a message that lists what exists.
Status applySet(Job& job, std::string_view assignment);

// A node's `aggregate` as one line of text and back, for the designer: "count",
// "sum(amount)", or for a list "count, sum(amount) as total". One item without `as` is the
// object form (its result stays `value`); anything else is the list form. Errors name the item.
std::string aggregateText(const Json& aggregate);
Result<Json> parseAggregateText(std::string_view text);

} // namespace streamlab::model
