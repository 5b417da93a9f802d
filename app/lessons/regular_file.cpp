#include "regular_file.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace clab {

namespace {

QString kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return QStringLiteral("a folder");
    if (S_ISFIFO(mode)) return QStringLiteral("a FIFO");
    if (S_ISSOCK(mode)) return QStringLiteral("a socket");
    if (S_ISCHR(mode) || S_ISBLK(mode)) return QStringLiteral("a device");
    return QStringLiteral("not a regular file");
}

// Kernel file systems: their files are views of the kernel, some of which block on read.
bool is_kernel_file_system(const struct statfs& fs) {
    switch (static_cast<unsigned long>(fs.f_type)) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case BPF_FS_MAGIC:
    case EFIVARFS_MAGIC:
        return true;
    default:
        return false;
    }
}

std::optional<QByteArray> fail(QString* error, const QString& why) {
    if (error) *error = why;
    return std::nullopt;
}

} // namespace

std::optional<QByteArray> read_regular_file(const QString& path, qint64 max_bytes, QString* error) {
    const QByteArray native = QFile::encodeName(path);
    // Look before opening: opening a device or a FIFO can itself block or have effects.
    struct stat st {};
    if (::stat(native.constData(), &st) != 0)
        return fail(error,
                    QStringLiteral("cannot read the file: %1").arg(QString::fromLocal8Bit(strerror(errno))));
    if (!S_ISREG(st.st_mode))
        return fail(error, QStringLiteral("cannot read it: it is %1").arg(kind_of(st.st_mode)));
    const int fd = ::open(native.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(error,
                    QStringLiteral("cannot read the file: %1").arg(QString::fromLocal8Bit(strerror(errno))));
    // Look again at what was opened: the path may have been swapped in between.
    struct statfs fs {};
    std::optional<QString> refused;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        refused = QStringLiteral("cannot read it: it is %1").arg(kind_of(st.st_mode));
    else if (::fstatfs(fd, &fs) == 0 && is_kernel_file_system(fs))
        refused = QStringLiteral("cannot read it: it is a kernel file (/proc, /sys), not a lesson");
    else if (st.st_size > max_bytes)
        refused =
            QStringLiteral("the file is too large (%1 bytes, at most %2)").arg(st.st_size).arg(max_bytes);
    QByteArray bytes;
    while (!refused) {
        // One byte more than allowed tells a file that grew since fstat.
        const qint64 room = max_bytes + 1 - bytes.size();
        if (room <= 0) {
            refused = QStringLiteral("the file is too large (more than %1 bytes)").arg(max_bytes);
            break;
        }
        char buf[64 * 1024];
        const ssize_t n = ::read(fd, buf, size_t(std::min<qint64>(room, qint64(sizeof buf))));
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            refused =
                errno == EAGAIN
                    ? QStringLiteral("cannot read it: it has nothing to read yet (not a file on disk)")
                    : QStringLiteral("cannot read the file: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            break;
        }
        bytes.append(buf, qsizetype(n));
    }
    ::close(fd);
    if (refused) return fail(error, *refused);
    return bytes;
}

} // namespace clab
