#include "runtime/streams.h"

#include "expr/expression.h"
#include "io/event_reader.h"
#include "window/window_operator.h"

namespace streamlab::runtime {

using model::NodeKind;

Status nodeError(const model::NodeSpec& n, const std::string& field, const std::string& msg)
{
    return Status::invalid(
        "node '" + n.id + "'" + (field.empty() ? "" : ", field '" + field + "'") + ": " + msg);
}

namespace {

    bool sameSchema(const Schema& a, const Schema& b)
    {
        if (a.fields.size() != b.fields.size())
            return false;
        for (size_t i = 0; i < a.fields.size(); ++i)
            if (a.fields[i].name != b.fields[i].name || a.fields[i].type != b.fields[i].type)
                return false;
        return true;
    }

} // namespace

SchemaPtr Streams::schemaOf(const PlanExchange& x) const
{
    const auto& by = x.fromPort == "late" ? late : out;
    auto it = by.find(x.from);
    return it == by.end() ? nullptr : it->second;
}

Status Streams::keyOf(
    const model::JobSpec& spec, const PlanExchange& x, const Schema& schema, KeySelector& key) const
{
    for (const auto& f : x.keyFields) {
        int i = schema.indexOf(f);
        if (i < 0)
            return nodeError(*spec.node(x.keyBy), "key",
                "field '" + f + "' is not in the stream (fields: " + schema.names() + ")");
        key.fields.push_back(i);
        key.types.push_back(schema.fields[static_cast<size_t>(i)].type);
        key.names.push_back(f);
    }
    return {};
}

Result<Streams> resolveStreams(
    const model::JobSpec& spec, const Plan& plan, const std::map<std::string, SchemaPtr>& sourceSchemas)
{
    Streams s;
    for (const auto& o : plan.operators) {
        if (o.parallelism <= kMaxReplayParallelism)
            continue;
        const auto channels = static_cast<int64_t>(o.parallelism) * o.parallelism;
        return nodeError(*spec.node(o.id), "parallelism",
            std::to_string(o.parallelism) + " subtasks are more than a replay on one machine runs (at most "
                + std::to_string(kMaxReplayParallelism)
                + " per operator: an exchange costs parallelism² channels, " + std::to_string(channels)
                + " here); Flink runs it on a cluster and the export keeps it, but replay it "
                + "with less, for example --set config.parallelism=" + std::to_string(kMaxReplayParallelism));
    }
    for (const auto& n : spec.nodes) {
        if (n.kind != NodeKind::Source)
            continue;
        auto it = sourceSchemas.find(n.id);
        if (it == sourceSchemas.end() || !it->second)
            return nodeError(n, "", "its events have no schema");
        const auto& src = n.as<model::SourceSpec>();
        if (src.partitionBy != "roundRobin" && it->second->indexOf(src.partitionBy) < 0)
            return nodeError(n, "partitions.by",
                "field '" + src.partitionBy + "' is not in the events (fields: " + it->second->names() + ")");
        s.out[n.id] = it->second;
    }
    for (const auto& o : plan.operators) {
        if (o.kind == NodeKind::Source)
            continue;
        const model::NodeSpec& n = *spec.node(o.id);
        auto ins = plan.inputsOf(o.id);
        if (ins.empty())
            return nodeError(n, "", "has no input");
        SchemaPtr in;
        for (const auto* x : ins) {
            SchemaPtr sch = s.schemaOf(*x);
            if (!sch)
                return nodeError(n, "", "its input '" + x->from + "' has no schema");
            if (!in)
                in = sch;
            else if (!sameSchema(*in, *sch))
                return nodeError(n, "",
                    "its inputs carry different fields (" + in->names() + " versus " + sch->names()
                        + "); a node with several inputs needs the same schema on each");
        }
        KeySelector key;
        if (!ins.front()->keyBy.empty())
            STREAMLAB_RETURN_IF_ERROR(s.keyOf(spec, *ins.front(), *in, key));
        s.in[o.id] = in;
        s.key[o.id] = key;
        auto out = std::make_shared<Schema>(*in);
        switch (n.kind) {
        case NodeKind::Filter: {
            auto e = expr::Expression::compile(n.as<model::FilterSpec>().where, *in);
            if (!e.ok())
                return nodeError(n, "where", e.status().message());
            // Anything but a boolean would drop every record without a word.
            if (e->resultType() != FieldType::Boolean && e->resultType() != FieldType::Any)
                return nodeError(n, "where",
                    "'" + e->text() + "' is " + std::string(fieldTypeName(e->resultType()))
                        + ", not a condition; a filter keeps the records for which it is true (for example "
                        + e->text() + (e->resultType() == FieldType::String ? " == 'x'" : " > 0") + ")");
            break;
        }
        case NodeKind::Map: {
            for (const auto& [field, text] : n.as<model::MapSpec>().set) {
                auto e = expr::Expression::compile(text, *in);
                if (!e.ok())
                    return nodeError(n, "set." + field, e.status().message());
                int i = out->indexOf(field);
                if (i < 0)
                    out->fields.push_back({ field, e->resultType() });
                else
                    out->fields[static_cast<size_t>(i)].type = e->resultType();
            }
            break;
        }
        case NodeKind::Window:
        case NodeKind::Aggregate: {
            if (key.empty())
                return nodeError(n, "", "needs a keyBy directly before it");
            auto o2 = window::outputSchema(n, *in, key);
            if (!o2.ok())
                return o2.status();
            out = std::make_shared<Schema>(*o2);
            if (n.kind == NodeKind::Window)
                s.late[n.id] = in;
            break;
        }
        default:
            break;
        }
        s.out[n.id] = out;
    }
    // The keys of every HASH exchange resolve (the keyBy into an operator is checked above).
    for (const auto& x : plan.exchanges) {
        if (x.partitioner != model::Partitioner::Hash)
            continue;
        SchemaPtr schema = s.schemaOf(x);
        KeySelector key;
        if (schema)
            STREAMLAB_RETURN_IF_ERROR(s.keyOf(spec, x, *schema, key));
    }
    return s;
}

Result<Streams> checkStreams(
    const model::JobSpec& spec, const Plan& plan, const std::map<std::string, std::filesystem::path>& events)
{
    std::map<std::string, SchemaPtr> schemas;
    for (const auto& n : spec.nodes) {
        if (n.kind != NodeKind::Source)
            continue;
        auto src = n.as<model::SourceSpec>();
        if (auto it = events.find(n.id); it != events.end())
            src.path = it->second;
        auto reader = io::EventReader::open(src, n.id);
        if (!reader.ok())
            return reader.status();
        schemas[n.id] = (*reader)->schema();
    }
    return resolveStreams(spec, plan, schemas);
}

} // namespace streamlab::runtime
