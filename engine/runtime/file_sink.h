// A file sink that writes exactly once across failures, as Flink's FileSink with checkpoints
// does: records go to a pending buffer per subtask; a checkpoint stages the pending records in
// `<path>.pending-<id>` before the checkpoint is marked complete, then commits them (appends to
// `<path>`). A restore truncates `<path>` to its length at the checkpoint and finishes that
// checkpoint's commit, so a killed and resumed run leaves the same bytes as an uninterrupted one.
// Not thread-safe; owned by the simulation.
#pragma once

#include "core/status.h"
#include "core/value.h"

#include <filesystem>
#include <string>
#include <vector>

namespace streamlab::runtime {

class FileSinkCommitter {
public:
    FileSinkCommitter(std::filesystem::path path, std::string format, int subtasks);

    // Starts a fresh run: an empty output file.
    Status start();
    void append(int subtask, const Schema& schema, const Record& r);

    // Phase 1 of checkpoint `id`: writes the pending records to the staged file (synced) and
    // returns the output's committed length before and after them.
    Status stage(int64_t id, int64_t& before, int64_t& after);
    // Phase 2, once the checkpoint is complete: appends the staged file to the output.
    Status commit(int64_t id);
    // End of input: stage and commit what is pending.
    Status finish();
    // Resume from checkpoint `id`: the output as it was at the checkpoint plus its commit.
    Status restore(int64_t id, int64_t before, int64_t after);

    const std::filesystem::path& path() const { return m_path; }
    int64_t committedBytes() const { return m_committed; }

private:
    std::filesystem::path staged(int64_t id) const;

    std::filesystem::path m_path;
    std::string m_format; // jsonl or csv
    std::vector<std::string> m_pending; // per subtask
    int64_t m_committed = 0;
    bool m_headerWritten = false;
};

} // namespace streamlab::runtime
