// A fresh path in the temporary folder ($TMPDIR, else /tmp) for a replay's scratch files (RocksDB
// state, file sinks of a measuring replay): PREFIX-PID-N, N counting up in this process.
// Thread-safe; creates nothing.
#pragma once

#include <filesystem>
#include <string_view>

namespace streamlab {

std::filesystem::path uniqueTempPath(std::string_view prefix);

} // namespace streamlab
