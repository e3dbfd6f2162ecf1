// Status and Result<T>: errors as values across the engine API (the RocksDB way).
// A Status is ok or carries a code and a message for people that names the file, line,
// node or field concerned. Value types; thread-compatible.
#pragma once

#include <cassert>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <variant>

namespace streamlab {

class [[nodiscard]] Status {
public:
    enum class Code {
        Ok,
        InvalidArgument, // bad input from outside: job file, parameter, CLI argument
        NotFound,        // a file or a named thing that does not exist
        IoError,         // the operating system refused a read or a write
        ParseError,      // an event file or an expression that cannot be read
        Unsupported,     // a combination the engine does not do
        Internal,        // a library failed (RocksDB, ...)
        Aborted,         // the run was stopped on request
    };

    Status() = default;
    static Status okStatus() { return {}; }
    static Status invalid(std::string m) { return { Code::InvalidArgument, std::move(m) }; }
    static Status notFound(std::string m) { return { Code::NotFound, std::move(m) }; }
    static Status ioError(std::string m) { return { Code::IoError, std::move(m) }; }
    static Status parseError(std::string m) { return { Code::ParseError, std::move(m) }; }
    static Status unsupported(std::string m) { return { Code::Unsupported, std::move(m) }; }
    static Status internal(std::string m) { return { Code::Internal, std::move(m) }; }
    static Status aborted(std::string m) { return { Code::Aborted, std::move(m) }; }

    bool ok() const { return m_code == Code::Ok; }
    Code code() const { return m_code; }
    const std::string& message() const { return m_message; }

    // Marks a deliberately ignored status, so that ignoring one is greppable.
    void permitUncheckedError() const { }

    // A new status with `prefix` put before the message ("jobs/a.json: " + message).
    Status withPrefix(const std::string& prefix) const
    {
        return ok() ? *this : Status(m_code, prefix + m_message);
    }

private:
    Status(Code c, std::string m)
        : m_code(c)
        , m_message(std::move(m))
    {
    }
    Code m_code = Code::Ok;
    std::string m_message;
};

// Runs `f` (returning a Status or a Result) on a thread of its own, where an exception that
// escaped would end the process: what a library still throws (an allocation that fails, a bug)
// becomes an Internal status with its message.
template <class F>
auto catchAll(F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return Status::internal("out of memory; the job or its input is too large for this machine");
    } catch (const std::exception& e) {
        return Status::internal(std::string("internal error: ") + e.what());
    }
}

// Either a value or a non-ok Status.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_v(std::move(value))
    {
    }
    Result(Status s)
        : m_v(std::move(s))
    {
        assert(!std::get<Status>(m_v).ok());
    }

    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    const Status& status() const
    {
        static const Status kOk;
        return ok() ? kOk : std::get<Status>(m_v);
    }
    T& value() &
    {
        assert(ok());
        return std::get<T>(m_v);
    }
    const T& value() const&
    {
        assert(ok());
        return std::get<T>(m_v);
    }
    T&& value() &&
    {
        assert(ok());
        return std::get<T>(std::move(m_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Status> m_v;
};

} // namespace streamlab

#define STREAMLAB_RETURN_IF_ERROR(expr)                                                                      \
    do {                                                                                                     \
        ::streamlab::Status _st = (expr);                                                                    \
        if (!_st.ok())                                                                                       \
            return _st;                                                                                      \
    } while (0)
