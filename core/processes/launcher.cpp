#include "launcher.h"

#include "core/experiment/descendant_usage.h"
#include "core/sync/fork_gate.h"
#include "forkserver.h"
#include "worker.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace clab::proc {

namespace {

std::atomic<bool> g_worker_mode{false};

bool fail(std::string* error, const std::string& what) {
    if (error) *error = what + ": " + std::strerror(errno);
    return false;
}

bool start_fork(const Preparation& prep, const int (&fds)[kLayoutFds], Child& out, std::string* error) {
    pid_t pid;
    int fork_errno;
    {
        // Under ASan, no observer thread of ours is inside the allocator at the fork
        // (core/sync/fork_gate.h); elsewhere this is nothing.
        const fork_gate::Forking gate;
        pid = ::fork();
        fork_errno = errno;
        if (pid == 0) {
            // The child of a multithreaded parent: another thread may have held any lock at the
            // moment of fork. From here on only our own code runs, which takes no lock the parent
            // shares (no Recorder, no stdio); glibc's malloc is reset for the child by its fork
            // handlers, and ASan's allocator was left alone by our observer threads (the gate).
            install_fixed_fds(fds);
            prepare_child_process(prep.cpus);
            _exit(run_worker(prep));
        }
    }
    if (pid < 0) {
        errno = fork_errno;
        return fail(error, "fork failed");
    }
    out.pid = pid;
    return true;
}

bool start_spawn(const Preparation& prep, const int (&fds)[kLayoutFds], int control_write, Child& out,
                 std::string* error) {
    if (!worker_mode_available()) {
        errno = ENOEXEC;
        return fail(error, "the spawn start method needs main() to call clab::maybe_run_process_worker()");
    }
    // Move the child's ends out of the way of the fixed numbers before dup2 puts them in place.
    int high[kLayoutFds];
    for (int i = 0; i < kLayoutFds; ++i)
        high[i] = fds[i] >= 0 ? ::fcntl(fds[i], F_DUPFD_CLOEXEC, 64) : -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int i = 0; i < kLayoutFds; ++i)
        if (high[i] >= 0) posix_spawn_file_actions_adddup2(&actions, high[i], kFdControl + i);
    posix_spawn_file_actions_addclosefrom_np(&actions, kFirstFreeFd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGCHLD);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    char arg0[] = "concurrency-lab-worker";
    char arg1[] = "__clab_worker__";
    char* argv[] = {arg0, arg1, nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (const int fd : high)
        if (fd >= 0) ::close(fd);
    if (rc != 0) {
        errno = rc;
        return fail(error, "posix_spawn failed");
    }
    out.pid = pid;
    // The "preparation data": a fresh process knows nothing until it has read this.
    const Frame frame = encode_prepare(prep);
    SigpipeGuard guard;
    if (!write_all(control_write, frame.data(), frame.size()))
        return fail(error, "cannot send the preparation data to the spawned process");
    return true;
}

bool start_forkserver(const Preparation& prep, const int (&fds)[kLayoutFds], int control_write, Child& out,
                      std::string* error) {
    if (!worker_mode_available()) {
        errno = ENOEXEC;
        return fail(error,
                    "the forkserver start method needs main() to call clab::maybe_run_process_worker()");
    }
    if (!Forkserver::instance().fork_worker(fds, out.pid, out.status, error)) return false;
    const Frame frame = encode_prepare(prep);
    SigpipeGuard guard;
    if (!write_all(control_write, frame.data(), frame.size()))
        return fail(error, "cannot send the preparation data to the forkserver's child");
    return true;
}

} // namespace

bool worker_mode_available() noexcept {
    return g_worker_mode.load(std::memory_order_relaxed);
}
void mark_worker_mode_available() noexcept {
    g_worker_mode.store(true, std::memory_order_relaxed);
}

const char* process_class_name(StartMethod method, bool pool) {
    switch (method) {
    case StartMethod::Fork:
        return pool ? "ForkProcess" : "Process";
    case StartMethod::Spawn:
        return "SpawnProcess";
    case StartMethod::Forkserver:
        return "ForkServerProcess";
    }
    return "Process";
}

void install_fixed_fds(const int (&fds)[kLayoutFds]) noexcept {
    int high[kLayoutFds];
    for (int i = 0; i < kLayoutFds; ++i)
        high[i] = fds[i] >= 0 ? ::fcntl(fds[i], F_DUPFD, 64) : -1;
    ::close_range(kFdControl, 63, 0);
    for (int i = 0; i < kLayoutFds; ++i)
        if (high[i] >= 0) ::dup2(high[i], kFdControl + i);
    ::close_range(kFirstFreeFd, ~0U, 0);
}

namespace {

// A fork or spawn child inherits the affinity of the thread that starts it: pinned from its first
// instruction, as under `taskset`, it never runs on another core, not even for its start-up (which
// the core lanes show: segments.h). The thread's own affinity is restored at once.
class PinnedWhileStarting {
public:
    explicit PinnedWhileStarting(int cpus) {
        cpu_set_t pinned;
        if (first_cores(cpus, pinned) && sched_getaffinity(0, sizeof saved_, &saved_) == 0)
            restore_ = sched_setaffinity(0, sizeof pinned, &pinned) == 0;
    }
    ~PinnedWhileStarting() {
        if (restore_) sched_setaffinity(0, sizeof saved_, &saved_);
    }
    PinnedWhileStarting(const PinnedWhileStarting&) = delete;
    PinnedWhileStarting& operator=(const PinnedWhileStarting&) = delete;

private:
    cpu_set_t saved_{};
    bool restore_ = false;
};

} // namespace

bool start_worker(StartMethod method, const Preparation& prep, const ChildEnds& ends, int control_write,
                  Child& out, std::string* error) {
    Pipe death;
    if (!make_pipe(death, error)) return false;
    int fds[kLayoutFds];
    for (int i = 0; i + 1 < kLayoutFds; ++i)
        fds[i] = ends.fds[size_t(i)];
    fds[kLayoutFds - 1] = death.write.get();
    out.method = method;
    bool ok = false;
    switch (method) {
    case StartMethod::Fork: {
        const PinnedWhileStarting pinned(prep.cpus);
        ok = start_fork(prep, fds, out, error);
        break;
    }
    case StartMethod::Spawn: {
        const PinnedWhileStarting pinned(prep.cpus);
        ok = start_spawn(prep, fds, control_write, out, error);
        break;
    }
    case StartMethod::Forkserver:
        ok = start_forkserver(prep, fds, control_write, out, error);
        break;
    }
    if (!ok && out.pid > 0) {
        kill_child(out);
        reap_child(out, 1000);
    }
    if (!ok) return false;
    // Only the child holds the write end now: its death closes the pipe.
    death.write.reset();
    out.sentinel = std::move(death.read);
    return true;
}

void kill_child(Child& child) noexcept {
    if (child.pid > 0 && !child.reaped) ::kill(child.pid, SIGKILL);
}

bool reap_child(Child& child, int timeout_ms) {
    if (child.pid <= 0 || child.reaped) return true;
    if (child.method == StartMethod::Forkserver) {
        ForkserverExit exit;
        if (!read_all_timeout(child.status.get(), &exit, sizeof exit, timeout_ms)) {
            ::kill(child.pid, SIGKILL);
            if (!read_all_timeout(child.status.get(), &exit, sizeof exit, 1000))
                exit = ForkserverExit{SIGKILL};
        }
        child.wait_status = exit.status;
        // The kernel counts a reaped child in our RUSAGE_CHILDREN; this one is the forkserver's.
        add_reaped_descendant(exit.cpu_ns, exit.maxrss_kb);
        child.reaped = true;
        child.status.reset();
        return true;
    }
    // Our own child: its pidfd turns readable when it exits, so we sleep until then (or the
    // timeout) instead of polling. Without pidfds (Linux < 5.3, or the pid is gone already) the
    // waitpid loop below does the same by polling.
    if (const int pidfd = int(::syscall(SYS_pidfd_open, child.pid, 0)); pidfd >= 0) {
        const int64_t deadline = now_ns() + int64_t(timeout_ms) * 1'000'000;
        int ready = 0;
        for (;;) {
            pollfd pfd{pidfd, POLLIN, 0};
            const int64_t left_ms = std::max<int64_t>(0, (deadline - now_ns() + 999'999) / 1'000'000);
            ready = ::poll(&pfd, 1, int(left_ms));
            if (ready >= 0 || errno != EINTR) break;
        }
        ::close(pidfd);
        if (ready == 0) ::kill(child.pid, SIGKILL); // stuck past the timeout
        int status = 0;
        pid_t r;
        while ((r = ::waitpid(child.pid, &status, 0)) < 0 && errno == EINTR) {
        }
        child.reaped = true;
        if (r != child.pid) return false; // not our child any more (someone else reaped it)
        child.wait_status = status;
        return ready > 0;
    }
    const int64_t deadline = now_ns() + int64_t(timeout_ms) * 1'000'000;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(child.pid, &status, WNOHANG);
        if (r == child.pid) {
            child.wait_status = status;
            child.reaped = true;
            return true;
        }
        if (r < 0 && errno != EINTR) { // not our child any more (someone else reaped it)
            child.reaped = true;
            return false;
        }
        if (now_ns() >= deadline) {
            ::kill(child.pid, SIGKILL);
            if (::waitpid(child.pid, &status, 0) == child.pid) child.wait_status = status;
            child.reaped = true;
            return false;
        }
        ::usleep(500);
    }
}

} // namespace clab::proc
