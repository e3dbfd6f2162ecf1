// Stateless operators: filter, map, and the sink that hands records to the listener.
#pragma once

#include "expr/expression.h"
#include "runtime/file_sink.h"
#include "runtime/operator.h"
#include "runtime/simulation.h"

#include <memory>
#include <vector>

namespace streamlab::runtime {

class FilterOperator final : public Operator {
public:
    explicit FilterOperator(expr::Expression where)
        : m_where(std::move(where))
    {
    }
    void processElement(const Record& r) override
    {
        if (m_where.test(r))
            m_ctx.out->collect(r);
    }

private:
    expr::Expression m_where;
};

class MapOperator final : public Operator {
public:
    // `targets[i]` is the output field set by `exprs[i]`; other output fields copy the input's.
    MapOperator(std::vector<expr::Expression> exprs, std::vector<int> targets)
        : m_exprs(std::move(exprs))
        , m_targets(std::move(targets))
    {
    }
    void processElement(const Record& r) override
    {
        m_scratch.timestamp = r.timestamp;
        m_scratch.fields.resize(m_ctx.outSchema->fields.size());
        std::copy(r.fields.begin(), r.fields.end(), m_scratch.fields.begin());
        // Every expression reads the input record, so the order of `set` does not matter.
        for (size_t i = 0; i < m_exprs.size(); ++i)
            m_scratch.fields[static_cast<size_t>(m_targets[i])] = m_exprs[i].evaluate(r);
        m_ctx.out->collect(m_scratch);
    }

private:
    std::vector<expr::Expression> m_exprs;
    std::vector<int> m_targets;
    Record m_scratch;
};

class SinkOperator final : public Operator {
public:
    SinkOperator(ResultListener* listener, FileSinkCommitter* file)
        : m_listener(listener)
        , m_file(file)
    {
    }
    void processElement(const Record& r) override
    {
        if (m_listener)
            m_listener->onRecord(m_ctx.nodeId, m_ctx.subtask, *m_ctx.inSchema, r);
        if (m_file)
            m_file->append(m_ctx.subtask, *m_ctx.inSchema, r);
    }

private:
    ResultListener* m_listener;
    FileSinkCommitter* m_file; // file sinks: exactly-once output
};

} // namespace streamlab::runtime
