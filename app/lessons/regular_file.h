// Reading a small document (a lesson file) from a folder somebody else may control, without ever
// blocking: only a regular file on a real file system is read — not a FIFO, a device, a socket,
// nor anything under /proc or /sys (whose "regular" files can block forever, like /proc/kmsg),
// even through a symlink — and never more than a size cap.
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace clab {

// The file's bytes, or nullopt with `error` set to a sentence ("is a FIFO, not a file").
std::optional<QByteArray> read_regular_file(const QString& path, qint64 max_bytes, QString* error);

} // namespace clab
