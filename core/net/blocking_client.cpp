#include "blocking_client.h"

#include "socket_util.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace clab::net {

namespace {
constexpr size_t kMostPerRecv = 16 * 1024;
} // namespace

BlockingClient& BlockingClient::operator=(BlockingClient&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

bool BlockingClient::connect(uint16_t port, std::string* error) {
    close();
    fd_ = connect_loopback(port, false, nullptr, error);
    return fd_ >= 0;
}

bool BlockingClient::request(int64_t latency_us, size_t reply_bytes) {
    if (fd_ < 0) return false;
    latency_us = std::max<int64_t>(latency_us, 0);
    reply_bytes = std::max<size_t>(reply_bytes, 1);

    const int64_t patience_us = latency_us + 10'000'000;
    timeval tv{};
    tv.tv_sec = time_t(patience_us / 1'000'000);
    tv.tv_usec = suseconds_t(patience_us % 1'000'000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    char line[64];
    const int len =
        std::snprintf(line, sizeof line, "%lld %zu\n", static_cast<long long>(latency_us), reply_bytes);
    for (int sent = 0; sent < len;) {
        const ssize_t n = ::send(fd_, line + sent, size_t(len - sent), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        sent += int(n);
    }
    // On the heap and as large as the reply (at most kMostPerRecv), like the bytes object CPython's
    // recv(n) allocates. A 16 KB array on this thread's stack made one more page of every thread's
    // stack resident where recv wrote, at its far end: 12 KB per thread where python3's have 8.
    const size_t chunk = std::min(reply_bytes, kMostPerRecv);
    const std::unique_ptr<char[]> buf(new char[chunk]);
    for (size_t got = 0; got < reply_bytes;) {
        const ssize_t n = ::recv(fd_, buf.get(), std::min(chunk, reply_bytes - got), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false; // closed, error, or SO_RCVTIMEO expired
        got += size_t(n);
    }
    return true;
}

void BlockingClient::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

} // namespace clab::net
