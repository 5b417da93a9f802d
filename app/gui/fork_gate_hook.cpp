#include "fork_gate_hook.h"

#include "core/sync/fork_gate.h"

#if defined(CLAB_FORK_GATE)
#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QThread>
#include <cerrno>
#include <dlfcn.h>
#include <poll.h>
#endif

namespace clab::gui {

#if defined(CLAB_FORK_GATE)
namespace {

// glib's own signatures, declared here so that glib's headers are no dependency: on Linux a GPollFD
// is laid out as struct pollfd, and a GPollFunc is poll().
using GPollFunc = int (*)(pollfd* fds, unsigned count, int timeout_ms);
using SetPollFunc = void (*)(void* context, GPollFunc poll);
using DefaultContext = void* (*)();

// The one place the GUI thread's glib loop waits. Qt's aboutToBlock/awake signals cannot mark it:
// the glib dispatcher emits them around a whole iteration, timers and redraws included.
int poll_marking_the_wait(pollfd* fds, unsigned count, int timeout_ms) {
    fork_gate::host_thread_busy(false);
    const int ready = ::poll(fds, count, timeout_ms);
    const int saved_errno = errno;
    fork_gate::host_thread_busy(true);
    errno = saved_errno;
    return ready;
}

} // namespace
#endif

void watchEventLoopForForks() {
#if defined(CLAB_FORK_GATE)
    static bool watching = false;
    const QCoreApplication* app = QCoreApplication::instance();
    if (watching || !app || QThread::currentThread() != app->thread()) return;
    // Qt's glib dispatcher runs the GUI thread on glib's default context; another dispatcher
    // (QT_NO_GLIB) has no wait we could mark, and the fork gate then goes on without it.
    const QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance();
    if (!dispatcher || !dispatcher->inherits("QEventDispatcherGlib")) return;
    const auto set_poll = reinterpret_cast<SetPollFunc>(dlsym(RTLD_DEFAULT, "g_main_context_set_poll_func"));
    const auto default_context =
        reinterpret_cast<DefaultContext>(dlsym(RTLD_DEFAULT, "g_main_context_default"));
    if (!set_poll || !default_context) return;
    watching = true;
    fork_gate::host_thread_busy(true); // it is at work now, out of its wait
    set_poll(default_context(), poll_marking_the_wait);
#endif
}

} // namespace clab::gui
