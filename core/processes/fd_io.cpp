#include "fd_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace clab::proc {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

bool make_pipe(Pipe& out, std::string* error) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        if (error) *error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    out.read.reset(fds[0]);
    out.write.reset(fds[1]);
    return true;
}

bool set_nonblocking(int fd, bool on) noexcept {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return false;
    return ::fcntl(fd, F_SETFL, on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK)) == 0;
}

bool write_all(int fd, const void* data, size_t size) noexcept {
    auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool read_all(int fd, void* data, size_t size) noexcept {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) {
            errno = EPIPE;
            return false;
        }
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool read_all_timeout(int fd, void* data, size_t size, int timeout_ms) noexcept {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        pollfd pfd{fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            if (ready == 0) errno = ETIMEDOUT;
            return false;
        }
        const ssize_t n = ::read(fd, p, size);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        if (n == 0) {
            errno = EPIPE;
            return false;
        }
        p += n;
        size -= size_t(n);
    }
    return true;
}

namespace {

// Waits until `fd` is ready for `events`; false on the stop (errno ECANCELED) or when the peer's
// sentinel fired while `fd` is not ready (errno EPIPE).
bool wait_ready(int fd, short events, const StopSignal& stop, int peer_sentinel) noexcept {
    for (;;) {
        if (stop.requested()) {
            errno = ECANCELED;
            return false;
        }
        // poll ignores negative descriptors. Without an eventfd the stop is seen every 5 ms.
        pollfd fds[3] = {{fd, events, 0}, {stop.fd(), POLLIN, 0}, {peer_sentinel, POLLIN, 0}};
        const int ready = ::poll(fds, 3, stop.fd() >= 0 ? -1 : 5);
        if (ready < 0 && errno != EINTR) return false;
        if (ready <= 0) continue;
        if (fds[0].revents != 0) return true; // ready, or an error the call will report
        if (fds[2].revents != 0) {
            errno = EPIPE;
            return false;
        }
    }
}

} // namespace

bool write_all(int fd, const void* data, size_t size, const StopSignal& stop, int peer_sentinel) noexcept {
    if (!set_nonblocking(fd, true)) return false;
    auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN || !wait_ready(fd, POLLOUT, stop, peer_sentinel)) return false;
            continue;
        }
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool read_all(int fd, void* data, size_t size, const StopSignal& stop, int peer_sentinel) noexcept {
    if (!set_nonblocking(fd, true)) return false;
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN || !wait_ready(fd, POLLIN, stop, peer_sentinel)) return false;
            continue;
        }
        if (n == 0) {
            errno = EPIPE;
            return false;
        }
        p += n;
        size -= size_t(n);
    }
    return true;
}

SigpipeGuard::SigpipeGuard() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old_);
    was_blocked_ = sigismember(&old_, SIGPIPE) == 1;
}

SigpipeGuard::~SigpipeGuard() {
    if (was_blocked_) return;
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

std::string describe_wait_status(int status) {
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = strsignal(sig);
        return "signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
    }
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    return "status " + std::to_string(status);
}

int exitcode_of(int status) noexcept {
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return -1;
}

} // namespace clab::proc
