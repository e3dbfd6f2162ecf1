// The headless sub-commands of `streamlab` (run, keys, ...), per DESIGN.md's CLI contract.
#pragma once

#include <string>
#include <vector>

namespace streamlab::app {

// True when argv names a headless sub-command (so no display is needed).
bool isSubcommand(int argc, char** argv);
// Runs the sub-command; returns the process exit status.
int runCli(int argc, char** argv);

} // namespace streamlab::app
