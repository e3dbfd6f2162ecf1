#include "export/sql_exporter.h"

#include "export/sql_expression.h"
#include "expr/expression.h"

namespace streamlab::exporter::sql {

// The relation a node reads: its single input's, or a UNION ALL view of several.
Result<Relation> SqlExporter::inputOf(const NodeSpec& n, Statement& st)
{
    std::vector<const Relation*> ins;
    for (const auto* e : m_spec.inputsOf(n.id)) {
        std::string key = e->fromPort.empty() ? e->from : e->from + "." + e->fromPort;
        auto it = m_relations.find(key);
        if (it == m_relations.end())
            return Status::unsupported("node '" + n.id + "': its input '" + key + "' has no SQL form");
        ins.push_back(&it->second);
    }
    if (ins.empty())
        return Status::invalid("node '" + n.id + "' has no input");
    if (ins.size() == 1)
        return *ins[0];
    Relation u = *ins[0];
    std::string text;
    for (const auto* r : ins) {
        bool same = r->columns.size() == u.columns.size() && r->rowtime.empty() == u.rowtime.empty();
        for (size_t i = 0; same && i < r->columns.size(); ++i)
            same = r->columns[i].name == u.columns[i].name && r->columns[i].sql == u.columns[i].sql;
        if (!same)
            return Status::unsupported("node '" + n.id + "': its inputs '" + ins[0]->producer + "' and '"
                + r->producer + "' have different fields, which a SQL UNION ALL cannot combine");
        u.updating = u.updating || r->updating;
        text += std::string(text.empty() ? "" : "\nUNION ALL\n") + "SELECT " + r->selectList()
            + (r->rowtime.empty() ? "" : ", " + quoteIdent(r->rowtime)) + " FROM " + quoteIdent(r->name);
    }
    u.name = uniqueName(n.id + "_input");
    u.producer = n.id;
    Statement us;
    us.comments.push_back("the inputs of " + n.id + ", merged");
    us.text = "CREATE TEMPORARY VIEW " + quoteIdent(u.name) + " AS\n" + text;
    m_body.push_back(std::move(us));
    (void)st;
    return u;
}

std::string SqlExporter::translate(const std::string& text, const Relation& in, Statement& st,
    const std::string& nodeId, FieldType* type)
{
    auto compiled = expr::Expression::compile(text, in.schema());
    if (!compiled.ok()) {
        warn(st, nodeId,
            "expression '" + text + "' does not compile against the fields " + in.schema().names() + " ("
                + compiled.status().message() + "): written as it is");
        if (type)
            *type = FieldType::Any;
        return text;
    }
    if (type)
        *type = compiled->resultType();
    return translateExpression(
        compiled->root(), [&](const std::string& m) { warn(st, nodeId, "expression '" + text + "': " + m); });
}

Status SqlExporter::emitFilter(const NodeSpec& n)
{
    Statement st;
    st.comments.push_back("filter " + n.id + ": " + n.as<model::FilterSpec>().where);
    nodeCommonWarnings(n, st);
    auto in = inputOf(n, st);
    if (!in.ok())
        return in.status();
    Relation out = *in;
    out.name = uniqueName(n.id);
    out.producer = n.id;
    std::string where = translate(n.as<model::FilterSpec>().where, *in, st, n.id, nullptr);
    st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\nSELECT " + in->selectList()
        + (in->rowtime.empty() ? "" : ", " + quoteIdent(in->rowtime)) + "\nFROM " + quoteIdent(in->name)
        + "\nWHERE " + where;
    m_body.push_back(std::move(st));
    m_relations[n.id] = std::move(out);
    return {};
}

Status SqlExporter::emitMap(const NodeSpec& n)
{
    const auto& m = n.as<model::MapSpec>();
    Statement st;
    st.comments.push_back("map " + n.id);
    nodeCommonWarnings(n, st);
    auto in = inputOf(n, st);
    if (!in.ok())
        return in.status();
    Relation out;
    out.name = uniqueName(n.id);
    out.producer = n.id;
    out.rowtime = in->rowtime;
    out.updating = in->updating;
    std::map<std::string, std::pair<std::string, FieldType>> exprs;
    for (const auto& [field, text] : m.set) {
        FieldType t = FieldType::Any;
        std::string sql = translate(text, *in, st, n.id, &t);
        if (t == FieldType::Any && sql == "NULL")
            sql = "CAST(NULL AS STRING)";
        exprs[field] = { sql, t };
    }
    std::string select;
    auto add = [&](const std::string& name, const std::string& sqlText, FieldType t,
                   const std::string& sqlTypeName) {
        select += std::string(select.empty() ? "" : ",\n       ") + sqlText;
        out.columns.push_back({ name, t, sqlTypeName });
    };
    for (const auto& c : in->columns) {
        auto it = exprs.find(c.name);
        if (it == exprs.end())
            add(c.name, quoteIdent(c.name), c.type, c.sql);
        else
            add(c.name, it->second.first + " AS " + quoteIdent(c.name), it->second.second,
                sqlType(it->second.second));
    }
    for (const auto& [field, text] : m.set) {
        (void)text;
        if (in->column(field))
            continue;
        const auto& e = exprs[field];
        add(field, e.first + " AS " + quoteIdent(field), e.second, sqlType(e.second));
    }
    if (!in->rowtime.empty()) {
        if (out.column(in->rowtime))
            return Status::unsupported("node '" + n.id + "': field '" + in->rowtime
                + "' collides with the exported time attribute; rename it");
        select += ",\n       " + quoteIdent(in->rowtime);
    }
    st.text = "CREATE TEMPORARY VIEW " + quoteIdent(out.name) + " AS\nSELECT " + select + "\nFROM "
        + quoteIdent(in->name);
    m_body.push_back(std::move(st));
    m_relations[n.id] = std::move(out);
    return {};
}

// The SELECT list of a node's aggregates: "COUNT(*) AS `value`", or one item per `as` name.
std::string SqlExporter::aggregateSelect(const model::Aggregates& a, const Relation& in, std::vector<Column>& out,
    Statement& st, const std::string& nodeId)
{
    std::string text;
    for (const auto& part : a.parts) {
        Column c;
        std::string expr = aggregateExpr(part, in, c, st, nodeId);
        if (!text.empty())
            text += ", ";
        text += expr + " AS " + quoteIdent(c.name);
        out.push_back(std::move(c));
    }
    return text;
}

std::string SqlExporter::aggregateExpr(const model::AggregateSpec& a, const Relation& in, Column& out,
    Statement& st, const std::string& nodeId)
{
    out.name = a.as.empty() ? "value" : a.as;
    out.aggregate = true;
    const Column* f = a.field.empty() ? nullptr : in.column(a.field);
    FieldType ft = f ? f->type : FieldType::Any;
    std::string field = quoteIdent(a.field);
    bool integral = ft == FieldType::Int || ft == FieldType::Long || ft == FieldType::Timestamp;
    switch (a.fn) {
    case AggregateFn::Count:
        out.type = FieldType::Long;
        out.sql = "BIGINT";
        return "COUNT(*)";
    case AggregateFn::Sum:
        out.type = integral ? FieldType::Long : FieldType::Double;
        out.sql = sqlType(out.type);
        // Streamlab sums integers as Java longs; Flink's SUM of an INT column is an INT.
        return ft == FieldType::Int ? "SUM(CAST(" + field + " AS BIGINT))" : "SUM(" + field + ")";
    case AggregateFn::Avg:
        out.type = FieldType::Double;
        out.sql = "DOUBLE";
        // Flink's AVG of an integer column is an integer; Streamlab's avg is a double.
        return integral ? "AVG(CAST(" + field + " AS DOUBLE))" : "AVG(" + field + ")";
    case AggregateFn::Min:
    case AggregateFn::Max:
        out.type = ft;
        out.sql = f ? f->sql : "STRING";
        return std::string(a.fn == AggregateFn::Min ? "MIN(" : "MAX(") + field + ")";
    case AggregateFn::Collect: {
        out.type = FieldType::String;
        out.sql = "STRING";
        std::string arg;
        if (f) {
            arg = f->sql == "STRING" ? field : "CAST(" + field + " AS STRING)";
        } else {
            for (const auto& c : in.columns)
                arg += (arg.empty() ? "" : ", ") + std::string("KEY ") + quoteString(c.name) + " VALUE "
                    + quoteIdent(c.name);
            arg = "JSON_OBJECT(" + arg + ")";
        }
        warn(st, nodeId,
            "collect gives a list; exported as LISTAGG(...), one STRING joining the "
                + std::string(f ? "values" : "records (as JSON objects)")
                + " with ',' (ARRAY_AGG, which keeps a list, needs Flink 1.20 and is not in every SQL "
                  "tool's grammar)");
        return "LISTAGG(" + arg + ")";
    }
    }
    return "COUNT(*)";
}

} // namespace streamlab::exporter::sql
