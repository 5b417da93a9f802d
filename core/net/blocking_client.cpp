#include "blocking_client.h"

#include "socket_util.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <string>
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
        address_ = other.address_;
        address_length_ = other.address_length_;
        family_ = other.family_;
        other.fd_ = -1;
    }
    return *this;
}

bool BlockingClient::connect(uint16_t port, std::string* error) {
    return resolve(port, error) && open_socket(error) && connect_resolved(error);
}

bool BlockingClient::resolve(uint16_t port, std::string* error) {
    // create_connection's getaddrinfo("127.0.0.1", port, 0, SOCK_STREAM) parses the numeric
    // address; ours parses it the same way without glibc's getaddrinfo, which needs about 3 KB of
    // stack more. Our threads start 5 KB deep (the TLS of the Qt libraries the same binary links sits
    // at the top of every stack): it would make a third stack page resident per thread, where
    // python3's threads have two.
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr) != 1) {
        if (error) *error = errno_message("inet_pton 127.0.0.1");
        return false;
    }
    std::memcpy(&address_, &address, sizeof address);
    address_length_ = sizeof address;
    family_ = AF_INET;
    return true;
}

bool BlockingClient::open_socket(std::string* error) {
    close();
    fd_ = ::socket(family_, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ >= 0) return true;
    const int failure = errno; // EMFILE: the caller names the limit
    if (error) *error = errno_message("socket");
    errno = failure;
    return false;
}

bool BlockingClient::connect_resolved(std::string* error) {
    if (fd_ < 0 || address_length_ == 0) return false;
    int rc;
    do {
        rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address_), address_length_);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) return true;
    const int failure = errno;
    if (error) *error = errno_message("connect to 127.0.0.1");
    close();
    errno = failure;
    return false;
}

bool BlockingClient::request(int64_t latency_us, size_t reply_bytes) {
    return send_request(latency_us, reply_bytes) && receive_reply(reply_bytes);
}

bool BlockingClient::send_request(int64_t latency_us, size_t reply_bytes) {
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
    return true;
}

bool BlockingClient::receive_reply(size_t reply_bytes) {
    if (fd_ < 0) return false;
    reply_bytes = std::max<size_t>(reply_bytes, 1);
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
