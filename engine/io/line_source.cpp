#include "io/line_source.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace streamlab::io {

LineSource::~LineSource()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Status LineSource::open(const std::filesystem::path& file)
{
    m_path = file.string();
    m_fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        if (errno == ENOENT)
            return Status::notFound(m_path + ": no such event file");
        return Status::ioError(m_path + ": cannot open (" + std::strerror(errno) + ")");
    }
    struct stat st { };
    if (::fstat(m_fd, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return Status::invalid(m_path + ": is a directory, not an event file");
        m_size = st.st_size;
    }
    ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    m_buf.assign(kChunk * 2 + kPadding, '\0');
    return {};
}

Status LineSource::readMore()
{
    // Keep the unread tail, then append a chunk; grow when one line fills the buffer.
    if (m_begin > 0) {
        std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_buf.size() - kPadding - m_end < kChunk)
        m_buf.resize(m_buf.size() + kChunk);
    for (;;) {
        ssize_t n = ::read(m_fd, m_buf.data() + m_end, m_buf.size() - kPadding - m_end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Status::ioError(m_path + ": read failed (" + std::strerror(errno) + ")");
        }
        if (n == 0)
            m_eof = true;
        m_end += static_cast<size_t>(n);
        std::memset(m_buf.data() + m_end, 0, kPadding);
        return {};
    }
}

Status LineSource::seek(int64_t offset, int64_t lineNumber)
{
    if (::lseek(m_fd, offset, SEEK_SET) != offset)
        return Status::ioError(m_path + ": cannot seek to byte " + std::to_string(offset) + " (" + std::strerror(errno) + ")");
    m_begin = m_end = 0;
    m_eof = false;
    m_consumed = offset;
    m_line = lineNumber;
    return {};
}

Status LineSource::fill(size_t bytes)
{
    while (!m_eof && m_end - m_begin < bytes)
        STREAMLAB_RETURN_IF_ERROR(readMore());
    return {};
}

Result<bool> LineSource::next(std::string_view& line)
{
    for (;;) {
        const char* start = m_buf.data() + m_begin;
        const void* nl = std::memchr(start, '\n', m_end - m_begin);
        if (nl || (m_eof && m_end > m_begin)) {
            size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : m_end - m_begin;
            size_t advance = nl ? len + 1 : len;
            if (len > 0 && start[len - 1] == '\r')
                --len;
            line = std::string_view(start, len);
            m_lastStart = m_consumed;
            m_begin += advance;
            m_consumed += static_cast<int64_t>(advance);
            ++m_line;
            return true;
        }
        if (m_eof)
            return false;
        STREAMLAB_RETURN_IF_ERROR(readMore());
    }
}

} // namespace streamlab::io
