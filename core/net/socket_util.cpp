#include "socket_util.h"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace clab::net {

uint64_t raise_fd_limit() noexcept {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur;
}

bool set_nonblocking(int fd) noexcept {
    const int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void set_nodelay(int fd) noexcept {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string errno_message(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

static sockaddr_in loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int listen_loopback(uint16_t* port_out, std::string* error) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (error) *error = errno_message("socket");
        return -1;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    // The backlog is capped by net.core.somaxconn; ask for plenty so a burst of 10,000 connects
    // is queued rather than dropped (a dropped SYN costs the client a 1 s retransmit).
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 65535) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (error) *error = errno_message("listen on 127.0.0.1");
        ::close(fd);
        return -1;
    }
    *port_out = ntohs(addr.sin_port);
    return fd;
}

int connect_loopback(uint16_t port, bool nonblocking, bool* in_progress, std::string* error) {
    if (in_progress) *in_progress = false;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) {
        if (error) *error = errno_message("socket");
        return -1;
    }
    set_nodelay(fd);
    const sockaddr_in addr = loopback(port);
    int rc;
    do {
        rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc != 0 && errno == EINTR && !nonblocking);
    if (rc != 0) {
        if (nonblocking && (errno == EINPROGRESS || errno == EINTR)) {
            if (in_progress) *in_progress = true;
            return fd;
        }
        if (error) *error = errno_message("connect to 127.0.0.1");
        ::close(fd);
        return -1;
    }
    return fd;
}

int epoll_wait_ns(int epfd, epoll_event* events, int max_events, int64_t timeout_ns) noexcept {
    static std::atomic<bool> have_pwait2{true};
    if (have_pwait2.load(std::memory_order_relaxed)) {
        timespec ts{};
        timespec* tsp = nullptr;
        if (timeout_ns >= 0) {
            ts.tv_sec = timeout_ns / 1'000'000'000;
            ts.tv_nsec = timeout_ns % 1'000'000'000;
            tsp = &ts;
        }
        const int n = epoll_pwait2(epfd, events, max_events, tsp, nullptr);
        if (n >= 0 || errno != ENOSYS) return n;
        have_pwait2.store(false, std::memory_order_relaxed);
    }
    const int timeout_ms = timeout_ns < 0 ? -1 : int((timeout_ns + 999'999) / 1'000'000);
    return epoll_wait(epfd, events, max_events, timeout_ms);
}

} // namespace clab::net
