// The forkserver: a single-threaded helper process, started once (posix_spawn of our own
// executable in forkserver mode) and kept for the life of the application, that forks worker
// processes on request. Forking a single-threaded process is safe; forking the multithreaded GUI
// is not (another thread may hold a lock at that instant). This is multiprocessing's forkserver.
//
// Protocol (a SOCK_SEQPACKET unix socket): each request is one message whose SCM_RIGHTS carry the
// child's pipe ends (the fixed layout of worker.h, presence mask in the data) plus one end of a
// fresh "status" socket. The server forks; on the status socket it writes the child's pid, and
// later, once it has reaped the child (wait4), a ForkserverExit: its wait status and its rusage,
// which the kernel would otherwise never count for the application (not its child). When the request socket
// closes (the application exited or shut it down) the server kills its remaining children and exits.
#pragma once

#include "fd_io.h"
#include "worker.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <sys/types.h>

namespace clab::proc {

struct ForkserverExit {
    int32_t status = 0; // waitpid's status
    int32_t reserved = 0;
    int64_t cpu_ns = 0;    // ru_utime + ru_stime
    int64_t maxrss_kb = 0; // ru_maxrss
};

class Forkserver {
public:
    static Forkserver& instance();

    // Forks a worker with these ends (index = fixed fd - kFdControl, -1 = absent; [7] = death pipe).
    // Starts the server on first use.
    bool fork_worker(const int (&fds)[kLayoutFds], pid_t& pid, UniqueFd& status, std::string* error);
    // Stops the server (it kills what it still runs) and reaps it. The next request starts a new one.
    void shutdown();
    pid_t server_pid() const;

    ~Forkserver();

private:
    Forkserver() = default;
    bool ensure_started(std::string* error);

    mutable std::mutex mutex_;
    pid_t pid_ = -1;
    UniqueFd socket_;
};

// The server's main loop (forkserver mode of the executable): serves requests on `socket_fd`.
int run_forkserver(int socket_fd);

} // namespace clab::proc
