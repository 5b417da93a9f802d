// SlowServer: the loopback "slow server" every I/O workload talks to, so the threads engine
// (blocking sockets) and the asyncio engine (non-blocking sockets + epoll) wait on the same real I/O.
//
// Protocol: the client sends one line "<latency_us> <reply_bytes>\n"; the server answers with
// exactly reply_bytes bytes (at least 1; all '.') latency_us after it read the line. A connection
// may carry many requests, pipelined or one after another. A malformed line closes the connection.
//
// The server listens on 127.0.0.1 on an ephemeral port and serves from one epoll loop with a timer
// heap (non-blocking sockets), so thousands of concurrent connections cost it no threads.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <thread>

namespace clab::net {

// Where the server's epoll loop runs.
//  - ChildProcess (default): a forked child with its own fd table. 10,000 connections need 20,000
//    sockets if both ends live in one process, more than a typical hard RLIMIT_NOFILE (20,000 on
//    the lab machine) allows; and the engine's peak RSS is then measured without the server in it.
//    The child only runs the loop (no threads, no exec), closes every inherited fd it does not
//    need, and dies with its parent (PR_SET_PDEATHSIG and the stop pipe's hang-up).
//  - Thread: a thread of this process (handy under a debugger).
enum class ServerHost { ChildProcess, Thread };

class SlowServer {
public:
    explicit SlowServer(ServerHost host = ServerHost::ChildProcess);
    ~SlowServer(); // stops
    SlowServer(const SlowServer&) = delete;
    SlowServer& operator=(const SlowServer&) = delete;

    // Binds, listens and starts serving; the port is known when this returns. Also raises the
    // RLIMIT_NOFILE soft limit to the hard limit (for this process and the server).
    bool start(std::string* error = nullptr);
    // Stops serving, closes every connection and joins the thread / reaps the child. Idempotent.
    void stop();
    bool running() const { return listen_port_ != 0; }
    uint16_t port() const { return listen_port_; }
    uint64_t requests_served() const; // replies started so far (counted when the latency elapsed)

private:
    struct Shared;
    ServerHost host_;
    uint16_t listen_port_ = 0;
    int stop_write_fd_ = -1;
    pid_t child_ = -1;
    std::thread thread_;
    Shared* shared_ = nullptr; // a MAP_SHARED page, so a child process can count for us
};

} // namespace clab::net
