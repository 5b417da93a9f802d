#include "kill_on_stop.h"

#include <csignal>
#include <sys/syscall.h>
#include <unistd.h>

namespace clab::proc {

namespace {

void kill_through(int pidfd) noexcept {
    if (pidfd >= 0) ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
}

} // namespace

KillOnStop::KillOnStop(const StopSignal& stop) {
    wake_.emplace(stop, [this] { kill_all(); });
}

KillOnStop::~KillOnStop() {
    wake_.reset(); // no kill can run past here
}

void KillOnStop::watch(pid_t pid) {
    UniqueFd pidfd(int(::syscall(SYS_pidfd_open, pid, 0)));
    std::lock_guard lock(mutex_);
    if (fired_) kill_through(pidfd.get()); // started while the stop was on its way
    pidfds_.push_back(std::move(pidfd));
}

void KillOnStop::kill_all() {
    std::lock_guard lock(mutex_);
    fired_ = true;
    for (const UniqueFd& pidfd : pidfds_)
        kill_through(pidfd.get());
}

} // namespace clab::proc
