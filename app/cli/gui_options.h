// The GUI's command-line options.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

namespace clab::cli {

struct GuiOptions {
    QString lesson; // lesson number or short name; empty: lesson 1 (or where the student left off)
    int step = 1;   // 1-based
    bool presenter = false;
    QString screenshot;                // save the window after the step's run finished, then quit
    QSize screenshot_size{1600, 1000}; // the window's size for --screenshot (presenter: full screen)
    QString lessons_dir;               // an instructor's own lesson folder
};

// Returns -1 to go on and open the window, or the exit code (0 after --help/--version, 2 after a
// bad flag, with usage on stderr).
int parse_gui_options(const QStringList& arguments, GuiOptions& options);

} // namespace clab::cli
