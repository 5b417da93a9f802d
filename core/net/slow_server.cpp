#include "slow_server.h"

#include "core/sync/fork_gate.h"
#include "serve_loop.h"
#include "socket_util.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace clab::net {

struct SlowServer::Shared {
    std::atomic<uint64_t> served{0};
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "the counter is shared with a child process");

namespace {

// Closes every fd of a freshly forked child except 0-2 and `keep_a`, `keep_b`, so the server does
// not hold copies of pipes and sockets that other parts of the program wait to see closed.
void close_inherited_fds(int keep_a, int keep_b) {
    const int lo = std::min(keep_a, keep_b), hi = std::max(keep_a, keep_b);
    auto close_between = [](int first, int last) {
        if (first <= last) syscall(SYS_close_range, unsigned(first), unsigned(last), 0u);
    };
    close_between(3, lo - 1);
    close_between(lo + 1, hi - 1);
    close_between(hi + 1, 0x7FFFFFFF);
}

[[noreturn]] void child_main(int listen_fd, int stop_fd, pid_t parent, std::atomic<uint64_t>& served) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0); // the parent died before prctl took effect
    signal(SIGPIPE, SIG_IGN);
    close_inherited_fds(listen_fd, stop_fd);
    serve_slow_requests(listen_fd, stop_fd, served);
    _exit(0);
}

} // namespace

SlowServer::SlowServer(ServerHost host)
    : host_(host) {}

SlowServer::~SlowServer() {
    stop();
    if (shared_) {
        shared_->~Shared();
        munmap(shared_, sizeof(Shared));
    }
}

bool SlowServer::start(std::string* error) {
    if (running()) return true;
    raise_fd_limit();
    if (!shared_) {
        void* page = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) {
            if (error) *error = errno_message("mmap");
            return false;
        }
        shared_ = new (page) Shared();
    }
    shared_->served.store(0, std::memory_order_relaxed);

    uint16_t port = 0;
    const int listen_fd = listen_loopback(&port, error);
    // The stop "pipe" is a socket pair so that stop() can write with MSG_NOSIGNAL: a server child
    // that died must not take this process with it through SIGPIPE.
    int stop_pipe[2] = {-1, -1};
    if (listen_fd >= 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stop_pipe) != 0) {
        if (error) *error = errno_message("socketpair");
        ::close(listen_fd);
        stop_pipe[0] = -1;
    }
    if (listen_fd < 0 || stop_pipe[0] < 0) return false;

    if (host_ == ServerHost::ChildProcess) {
        const pid_t parent = getpid();
        pid_t pid;
        {
            // The child serves in C++ and allocates: under ASan, not while an observer thread of
            // ours is inside the allocator (core/sync/fork_gate.h); elsewhere this is nothing.
            const fork_gate::Forking gate;
            pid = fork();
            if (pid == 0) child_main(listen_fd, stop_pipe[0], parent, shared_->served);
        }
        ::close(listen_fd); // the child owns the listener now
        ::close(stop_pipe[0]);
        if (pid < 0) {
            if (error) *error = errno_message("fork (slow server)");
            ::close(stop_pipe[1]);
            return false;
        }
        child_ = pid;
    } else {
        thread_ = std::thread([listen_fd, stop_fd = stop_pipe[0], shared = shared_] {
            serve_slow_requests(listen_fd, stop_fd, shared->served);
            ::close(listen_fd);
            ::close(stop_fd);
        });
    }
    stop_write_fd_ = stop_pipe[1];
    listen_port_ = port;
    return true;
}

void SlowServer::stop() {
    if (!running()) return;
    // A byte, not just the close: a process forked meanwhile may hold a copy of the write end.
    const char byte = 'q';
    [[maybe_unused]] const ssize_t n = ::send(stop_write_fd_, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(stop_write_fd_);
    stop_write_fd_ = -1;
    if (thread_.joinable()) thread_.join();
    if (child_ > 0) {
        // The loop notices within one iteration; give it 2 s, then kill (never leave a zombie).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        int status = 0;
        pid_t r;
        while ((r = waitpid(child_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (r == 0) {
            kill(child_, SIGKILL);
            while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {
            }
        }
        child_ = -1;
    }
    listen_port_ = 0;
    // Keep the counter page: requests_served() stays readable after stop().
}

uint64_t SlowServer::requests_served() const {
    return shared_ ? shared_->served.load(std::memory_order_relaxed) : 0;
}

} // namespace clab::net
