// The slow server's epoll loop, separate from SlowServer so it can run in a thread or in a child.
#pragma once

#include <atomic>
#include <cstdint>

namespace clab::net {

// Accepts on `listen_fd` and answers requests until `stop_fd` becomes readable or hangs up.
// Closes every connection it accepted (not listen_fd / stop_fd) before returning.
void serve_slow_requests(int listen_fd, int stop_fd, std::atomic<uint64_t>& served);

} // namespace clab::net
