#include "core/temp_path.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace streamlab {

std::filesystem::path uniqueTempPath(std::string_view prefix)
{
    static std::atomic<int> counter { 0 };
    const char* tmp = std::getenv("TMPDIR");
    std::string name(prefix);
    name += '-';
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(++counter);
    return std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / name;
}

} // namespace streamlab
