#include "stoppable_command.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace clab {

namespace {

// Closes a descriptor when the scope ends.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Starts argv in a new process group with stdout into `out_write`. Returns the pid or -1.
pid_t spawn(const std::vector<std::string>& argv, int out_write) {
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write, STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1); // none of our descriptors
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own group (pgid = its pid), so that a stop reaches everything it starts; default signal
    // handling and no blocked signals, whatever the calling thread has.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    if (posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ) != 0) pid = -1;
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

} // namespace

std::optional<CommandOutput> run_stoppable(const std::vector<std::string>& argv, const StopSignal* stop) {
    if (argv.empty() || (stop && stop->requested())) return std::nullopt;
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return std::nullopt;
    Fd out{ends[0]};
    pid_t pid = -1;
    {
        Fd write_end{ends[1]};
        pid = spawn(argv, write_end.fd);
    } // our copy of the write end closes here: EOF comes when the program and its children end
    if (pid < 0) return std::nullopt;
    Fd exited{int(syscall(SYS_pidfd_open, pid, 0))}; // readable once it has exited (Linux 5.3+)

    CommandOutput result;
    bool open = true, ended = false;
    const int stop_fd = stop ? stop->fd() : -1;
    while (open || !ended) {
        if (stop && stop->requested()) {
            ::kill(-pid, SIGKILL); // the group: a shim's children too
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return std::nullopt;
        }
        if (!open && exited.fd < 0) break; // no pidfd: reap below (it closed its stdout)
        pollfd fds[3];
        nfds_t n = 0;
        if (open) fds[n++] = {out.fd, POLLIN, 0};
        if (!ended && exited.fd >= 0) fds[n++] = {exited.fd, POLLIN, 0};
        if (stop_fd >= 0) fds[n++] = {stop_fd, POLLIN, 0};
        // Without an eventfd the stop is looked at every 5 ms.
        if (::poll(fds, n, stop && stop_fd < 0 ? 5 : -1) < 0 && errno != EINTR) break;
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == out.fd) {
                char buf[4096];
                const ssize_t got = ::read(out.fd, buf, sizeof buf);
                if (got > 0)
                    result.out.append(buf, size_t(got));
                else if (got == 0 || errno != EINTR)
                    open = false;
            } else if (fds[i].fd == exited.fd) {
                ended = true;
            }
        }
    }
    while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
    }
    return result;
}

} // namespace clab
