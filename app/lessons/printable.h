// Text from files and command lines made safe to show in a message: control characters (ESC, BEL,
// CR, newline, DEL, C1) and the invisible bidirectional overrides are written as escapes ("\x1b",
// "\n", "\u202e"), so a crafted lesson file cannot drive the terminal of whoever runs
// `lessons check`, break a "file:line: message" line in two, or reorder what a message seems to say.
// Backslashes stay as they are, so printable(printable(t)) == printable(t).
#pragma once

#include <QString>

namespace clab {

QString printable(const QString& text);

} // namespace clab
