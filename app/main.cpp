// streamlab: the GUI by default; headless sub-commands (run, keys, ...) without a display.
#include "cli.h"

#ifdef STREAMLAB_WITH_GUI
#include "shell/run_gui.h"

#include <QApplication>
#endif

#include <cstdio>

int main(int argc, char** argv)
{
    if (streamlab::app::isSubcommand(argc, argv))
        return streamlab::app::runCli(argc, argv);
#ifdef STREAMLAB_WITH_GUI
    return streamlab::ui::runGui(argc, argv);
#else
    std::fprintf(stderr, "streamlab: built without the GUI; use a sub-command (streamlab --help)\n");
    return 1;
#endif
}
