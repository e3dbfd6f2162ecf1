#include "model/job.h"

#include "model/json_text.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace streamlab::model {

std::string Problem::toString() const
{
    std::string s;
    if (!nodeId.empty())
        s = "node '" + nodeId + "'";
    else if (!edgeId.empty())
        s = "edge '" + edgeId + "'";
    else
        s = "job";
    if (!field.empty())
        s += ", field '" + field + "'";
    s += ": " + message;
    return s;
}

static std::string stringOr(const Json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Node::id() const { return stringOr(doc, "id"); }
std::string Node::kind() const { return stringOr(doc, "kind"); }

std::string Edge::from() const
{
    std::string f = stringOr(doc, "from");
    auto dot = f.find('.');
    return dot == std::string::npos ? f : f.substr(0, dot);
}
std::string Edge::fromPort() const
{
    std::string f = stringOr(doc, "from");
    auto dot = f.find('.');
    return dot == std::string::npos ? std::string() : f.substr(dot + 1);
}
std::string Edge::to() const { return stringOr(doc, "to"); }
std::string Edge::id() const { return stringOr(doc, "from") + "->" + to(); }

Result<Job> Job::parse(std::string_view text, const std::string& sourceName)
{
    auto doc = parseJson(text, sourceName);
    if (!doc.ok())
        return doc.status();
    return fromJson(*doc, sourceName);
}

Result<Job> Job::fromJson(const Json& doc, const std::string& sourceName)
{
    if (!doc.is_object())
        return Status::invalid(sourceName + ": a job file holds a JSON object, found " + doc.type_name());
    Job job;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it.key() == "nodes" || it.key() == "edges")
            continue;
        job.root[it.key()] = it.value();
    }
    if (auto it = doc.find("nodes"); it != doc.end()) {
        if (!it->is_array())
            return Status::invalid(sourceName + ": \"nodes\" must be an array");
        size_t i = 0;
        for (const auto& n : *it) {
            if (!n.is_object())
                return Status::invalid(sourceName + ": nodes[" + std::to_string(i) + "] must be an object");
            job.nodes.push_back(Node { n });
            ++i;
        }
    }
    if (auto it = doc.find("edges"); it != doc.end()) {
        if (!it->is_array())
            return Status::invalid(sourceName + ": \"edges\" must be an array");
        size_t i = 0;
        for (const auto& e : *it) {
            if (!e.is_object())
                return Status::invalid(sourceName + ": edges[" + std::to_string(i) + "] must be an object");
            job.edges.push_back(Edge { e });
            ++i;
        }
    }
    return job;
}

Result<Job> Job::load(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec))
            return Status::notFound(file.string() + ": no such job file");
        return Status::ioError(file.string() + ": cannot read (" + std::strerror(errno) + ")");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto job = parse(ss.str(), file.string());
    if (!job.ok())
        return job.status();
    job->path = std::filesystem::absolute(file);
    return job;
}

Json Job::toJson() const
{
    Json doc = Json::object();
    // Keep the conventional order: format and version first, then the rest as loaded.
    for (const char* k : { "format", "version" })
        if (root.contains(k))
            doc[k] = root[k];
    for (auto it = root.begin(); it != root.end(); ++it)
        if (!doc.contains(it.key()))
            doc[it.key()] = it.value();
    Json ns = Json::array();
    for (const auto& n : nodes)
        ns.push_back(n.doc);
    Json es = Json::array();
    for (const auto& e : edges)
        es.push_back(e.doc);
    doc["nodes"] = std::move(ns);
    doc["edges"] = std::move(es);
    return doc;
}

std::string Job::toText() const { return toJson().dump(2) + "\n"; }

Status writeFileAtomically(const std::filesystem::path& file, std::string_view content)
{
    std::filesystem::path tmp = file;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return Status::ioError(file.string() + ": cannot write (" + std::strerror(errno) + ")");
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return Status::ioError(file.string() + ": write failed (" + std::strerror(err) + ")");
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Status::ioError(file.string() + ": write failed (" + std::strerror(err) + ")");
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Status::ioError(file.string() + ": cannot replace (" + std::strerror(err) + ")");
    }
    return {};
}

Status Job::save(const std::filesystem::path& file) const { return writeFileAtomically(file, toText()); }

std::string Job::name() const { return stringOr(root, "name"); }

Node* Job::node(std::string_view id)
{
    for (auto& n : nodes)
        if (n.id() == id)
            return &n;
    return nullptr;
}
const Node* Job::node(std::string_view id) const { return const_cast<Job*>(this)->node(id); }

std::filesystem::path Job::resolve(std::string_view relative) const
{
    std::filesystem::path p(relative);
    if (p.is_absolute() || path.empty())
        return p;
    return path.parent_path() / p;
}

} // namespace streamlab::model
