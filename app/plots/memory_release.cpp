#include "memory_release.h"

#include <QCoreApplication>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace clab::plots {

void release_freed_memory_soon() {
#ifdef __GLIBC__
    static bool pending = false;
    if (pending || QCoreApplication::instance() == nullptr) return;
    pending = true;
    // Later than the frees of the same burst (deleteLater'd windows go in the next loop turn).
    QTimer::singleShot(300, QCoreApplication::instance(), [] {
        pending = false;
        malloc_trim(0);
    });
#endif
}

} // namespace clab::plots
