// Shared by the fuzz targets: a scratch folder of this process, where a target writes the files
// that the engine reads from paths (event files, a job's neighbours).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace streamlab::fuzz {

// A folder of this process's own, made once and kept for the whole run.
inline const std::filesystem::path& scratch()
{
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("streamlab-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::filesystem::path writeScratch(const std::string& name, std::string_view text)
{
    auto path = scratch() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return path;
}

} // namespace streamlab::fuzz
