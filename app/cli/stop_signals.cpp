#include "stop_signals.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace clab::cli {

namespace {
sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}
} // namespace

StopSignals::StopSignals() {
    const sigset_t set = stop_set();
    sigset_t old;
    if (pthread_sigmask(SIG_BLOCK, &set, &old) != 0) return;
    // Already blocked by whoever started us: leave the mask as it was found.
    blocked_ = !sigismember(&old, SIGINT) || !sigismember(&old, SIGTERM);
    signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (signal_fd_ >= 0 && wake_fd_ >= 0) thread_ = std::thread([this] { watch(); });
}

StopSignals::~StopSignals() {
    if (thread_.joinable()) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
        thread_.join();
    }
    if (signal_fd_ >= 0) ::close(signal_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (blocked_) {
        // A signal that arrived after the run ended is still pending: it keeps its usual meaning.
        const sigset_t set = stop_set();
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    }
}

void StopSignals::watch() {
    for (;;) {
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents & POLLIN) return;
        if (!(fds[0].revents & POLLIN)) continue;
        signalfd_siginfo info{};
        if (::read(signal_fd_, &info, sizeof info) != ssize_t(sizeof info)) continue;
        const int signo = int(info.ssi_signo);
        if (stop_.requested()) _exit(128 + signo); // asked twice: the user wants out now
        signal_.store(signo);
        stop_.request();
    }
}

} // namespace clab::cli
