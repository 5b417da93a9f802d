// Small socket helpers shared by the slow server, the blocking client and the event loop's
// streams: loopback addresses, non-blocking mode, the fd limit, and a nanosecond epoll wait.
#pragma once

#include <cstdint>
#include <string>

struct epoll_event;

namespace clab::net {

// Raises the soft RLIMIT_NOFILE to the hard limit (10,000 connections need more than the usual
// 1024). Returns the soft limit now in force.
uint64_t raise_fd_limit() noexcept;

bool set_nonblocking(int fd) noexcept;
void set_nodelay(int fd) noexcept; // requests are tiny: don't let Nagle hold them back

// A TCP socket bound to 127.0.0.1 on an ephemeral port and listening; -1 and `error` on failure.
int listen_loopback(uint16_t* port_out, std::string* error);
// Starts a connection to 127.0.0.1:port. With `nonblocking` the connect may still be in progress
// (EINPROGRESS) when this returns; `*in_progress` says so. -1 and `error` on failure.
int connect_loopback(uint16_t port, bool nonblocking, bool* in_progress, std::string* error);

// epoll_wait with a nanosecond timeout (epoll_pwait2; falls back to epoll_wait rounded up to the
// next millisecond on kernels without it). timeout_ns < 0 blocks.
int epoll_wait_ns(int epfd, epoll_event* events, int max_events, int64_t timeout_ns) noexcept;

// "what failed: strerror(errno)"
std::string errno_message(const char* what);

} // namespace clab::net
