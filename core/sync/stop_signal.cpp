#include "stop_signal.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace clab {

namespace {

int64_t monotonic_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

StopSignal::StopSignal(const StopSignal* follows)
    : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    // Last: the followed signal may have been requested already, and then this runs at once.
    if (follows) follow_.emplace(*follows, [this] { request(); });
}

StopSignal::~StopSignal() {
    follow_.reset(); // first: the followed signal must not reach a half-destroyed one
    if (fd_ >= 0) ::close(fd_);
}

void StopSignal::request() const noexcept {
    if (flag_.exchange(true)) return;
    if (fd_ >= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
    }
    source_.request_stop(); // runs every Wake, here, on this thread
}

bool StopSignal::sleep_until(int64_t deadline_ns) const noexcept {
    for (;;) {
        if (requested()) return false;
        const int64_t left = deadline_ns - monotonic_ns();
        if (left <= 0) return true;
        const int64_t slice = fd_ >= 0 ? left : std::min<int64_t>(left, 5'000'000);
        const timespec timeout{time_t(slice / 1'000'000'000), long(slice % 1'000'000'000)};
        pollfd pfd{fd_, POLLIN, 0};
        ::ppoll(&pfd, fd_ >= 0 ? 1 : 0, &timeout, nullptr);
    }
}

StopSignal::Wake::Wake(const StopSignal& signal, std::mutex& mutex, std::condition_variable& cond)
    : Wake(signal, [&mutex, &cond] {
        // Taking the mutex orders this after a waiter's look at requested(): the waiter is
        // either already waiting (and is notified) or will see the flag.
        std::lock_guard lock(mutex);
        cond.notify_all();
    }) {}

StopSignal::Wake::Wake(const StopSignal& signal, std::function<void()> action)
    : callback_(signal.source_.get_token(), std::move(action)) {}

} // namespace clab
