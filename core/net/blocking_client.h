// BlockingClient: one connection to the SlowServer with ordinary blocking sockets, the way a
// Python thread would use `socket` (the threads engines use it; the asyncio engine has streams).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clab::net {

class BlockingClient {
public:
    BlockingClient() = default;
    ~BlockingClient() { close(); }
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;
    BlockingClient(BlockingClient&& other) noexcept
        : fd_(other.fd_) {
        other.fd_ = -1;
    }
    BlockingClient& operator=(BlockingClient&& other) noexcept;

    bool connect(uint16_t port, std::string* error = nullptr);
    // Sends "<latency_us> <reply_bytes>\n" and blocks until all reply_bytes bytes arrived. False if
    // the connection failed, closed early, or no answer came within latency + 10 s (a dead server
    // never hangs a worker forever).
    bool request(int64_t latency_us, size_t reply_bytes = 64);
    void close();
    bool connected() const { return fd_ >= 0; }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

} // namespace clab::net
