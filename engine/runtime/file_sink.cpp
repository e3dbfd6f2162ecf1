#include "runtime/file_sink.h"

#include "model/job.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace streamlab::runtime {

FileSinkCommitter::FileSinkCommitter(std::filesystem::path path, std::string format, int subtasks)
    : m_path(std::move(path))
    , m_format(std::move(format))
    , m_pending(static_cast<size_t>(subtasks))
{
}

std::filesystem::path FileSinkCommitter::staged(int64_t id) const
{
    auto p = m_path;
    p += ".pending-" + std::to_string(id);
    return p;
}

Status FileSinkCommitter::start()
{
    std::error_code ec;
    if (std::filesystem::is_directory(m_path, ec))
        return Status::invalid(m_path.string() + " is a folder; a file sink writes one file (name a file in it, such as "
            + (m_path / ("results." + m_format)).string() + ")");
    if (m_path.has_parent_path()) {
        std::filesystem::create_directories(m_path.parent_path(), ec);
        if (ec)
            return Status::ioError(m_path.parent_path().string() + ": cannot create the folder of " + m_path.string() + " ("
                + ec.message() + ")");
    }
    m_committed = 0;
    m_headerWritten = false;
    return model::writeFileAtomically(m_path, "");
}

void FileSinkCommitter::append(int subtask, const Schema& schema, const Record& r)
{
    std::string& out = m_pending[static_cast<size_t>(subtask)];
    if (m_format == "csv") {
        if (!m_headerWritten) {
            // The header goes first into subtask 0's pending lines, once.
            std::string header;
            for (size_t i = 0; i < schema.fields.size(); ++i)
                header += (i ? "," : "") + schema.fields[i].name;
            m_pending[0].insert(0, header + "\n");
            m_headerWritten = true;
        }
        for (size_t i = 0; i < schema.fields.size() && i < r.fields.size(); ++i) {
            if (i)
                out += ',';
            std::string text = isNull(r.fields[i]) ? std::string() : valueToText(r.fields[i]);
            if (text.find_first_of(",\"\n") != std::string::npos) {
                std::string q = "\"";
                for (char c : text)
                    q += c == '"' ? std::string("\"\"") : std::string(1, c);
                text = q + "\"";
            }
            out += text;
        }
        out += '\n';
    } else {
        appendRecordJson(out, schema, r);
        out += '\n';
    }
}

static Status writeAll(int fd, const std::string& data, const std::filesystem::path& p)
{
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Status::ioError(p.string() + ": write failed (" + std::strerror(errno) + ")");
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

Status FileSinkCommitter::stage(int64_t id, int64_t& before, int64_t& after)
{
    std::string all;
    for (auto& p : m_pending) {
        all += p;
        p.clear();
    }
    before = m_committed;
    after = m_committed + static_cast<int64_t>(all.size());
    return model::writeFileAtomically(staged(id), all);
}

Status FileSinkCommitter::commit(int64_t id)
{
    auto from = staged(id);
    std::error_code ec;
    auto size = std::filesystem::file_size(from, ec);
    if (ec)
        return Status::ioError(from.string() + ": cannot read the staged output (" + ec.message() + ")");
    std::string data;
    data.resize(size);
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return Status::ioError(from.string() + ": cannot open (" + std::strerror(errno) + ")");
    size_t got = 0;
    while (got < size) {
        ssize_t n = ::read(in, data.data() + got, size - got);
        if (n <= 0)
            break;
        got += static_cast<size_t>(n);
    }
    ::close(in);
    int out = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (out < 0)
        return Status::ioError(m_path.string() + ": cannot write (" + std::strerror(errno) + ")");
    // Idempotent: the output is cut back to its committed length before appending.
    if (::ftruncate(out, m_committed) != 0 || ::lseek(out, m_committed, SEEK_SET) != m_committed) {
        ::close(out);
        return Status::ioError(m_path.string() + ": cannot truncate (" + std::strerror(errno) + ")");
    }
    auto st = writeAll(out, data, m_path);
    if (st.ok() && ::fsync(out) != 0)
        st = Status::ioError(m_path.string() + ": fsync failed");
    ::close(out);
    if (!st.ok())
        return st;
    m_committed += static_cast<int64_t>(data.size());
    std::filesystem::remove(from, ec);
    return {};
}

Status FileSinkCommitter::finish()
{
    int64_t before, after;
    STREAMLAB_RETURN_IF_ERROR(stage(-1, before, after));
    return commit(-1);
}

Status FileSinkCommitter::restore(int64_t id, int64_t before, int64_t after)
{
    m_headerWritten = after > 0; // a CSV header, if any, is in what the checkpoint commits
    for (auto& p : m_pending)
        p.clear();
    std::error_code ec;
    if (std::filesystem::exists(staged(id), ec)) {
        m_committed = before; // the checkpoint completed, its commit did not: finish it
        return commit(id);
    }
    int64_t committedLength = after;
    m_committed = after;
    // The commit finished before the failure: cut whatever came after it.
    int out = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (out < 0)
        return Status::ioError(m_path.string() + ": cannot write (" + std::strerror(errno) + ")");
    int rc = ::ftruncate(out, committedLength);
    ::close(out);
    if (rc != 0)
        return Status::ioError(m_path.string() + ": cannot truncate");
    return {};
}

} // namespace streamlab::runtime
