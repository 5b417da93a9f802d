// BlockingClient: one connection to the SlowServer with ordinary blocking sockets, the way a
// Python thread would use `socket` (the threads engines use it; the asyncio engine has streams).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/socket.h>

namespace clab::net {

class BlockingClient {
public:
    BlockingClient() = default;
    ~BlockingClient() { close(); }
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;
    BlockingClient(BlockingClient&& other) noexcept
        : fd_(other.fd_)
        , address_(other.address_)
        , address_length_(other.address_length_)
        , family_(other.family_) {
        other.fd_ = -1;
    }
    BlockingClient& operator=(BlockingClient&& other) noexcept;

    // socket.create_connection(("127.0.0.1", port)): resolve, open_socket and connect_resolved in
    // a row. The threads engines make them one at a time, because CPython releases the GIL around
    // each (Modules/socketmodule.c: getaddrinfo, socket, connect).
    bool connect(uint16_t port, std::string* error = nullptr);
    bool resolve(uint16_t port, std::string* error = nullptr);
    bool open_socket(std::string* error = nullptr);
    bool connect_resolved(std::string* error = nullptr);

    // Sends "<latency_us> <reply_bytes>\n" and blocks until all reply_bytes bytes arrived: send_request
    // (sendall) then receive_reply (recv until all arrived), each without the GIL in CPython. False
    // if the connection failed, closed early, or no answer came within latency + 10 s (a dead
    // server never hangs a worker forever).
    bool request(int64_t latency_us, size_t reply_bytes = 64);
    bool send_request(int64_t latency_us, size_t reply_bytes = 64);
    bool receive_reply(size_t reply_bytes = 64);
    void close();
    bool connected() const { return fd_ >= 0; }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    sockaddr_storage address_{}; // what resolve found
    socklen_t address_length_ = 0;
    int family_ = AF_INET;
};

} // namespace clab::net
