#include "process_tree.h"

#include "core/trace/event.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace clab::py {

namespace {

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return -1;
}

bool read_stat(pid_t pid, ProcInfo& info) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[512];
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return false;
    buf[n] = 0;
    const char* close_paren = strrchr(buf, ')'); // the command name may contain anything
    if (!close_paren) return false;
    int ppid = 0, pgrp = 0, sid = 0;
    char state = '?';
    if (sscanf(close_paren + 2, "%c %d %d %d", &state, &ppid, &pgrp, &sid) != 4) return false;
    info = {pid, pid_t(ppid), pid_t(sid), state};
    return true;
}

} // namespace

std::vector<ProcInfo> list_processes() {
    std::vector<ProcInfo> out;
    DIR* dir = opendir("/proc");
    if (!dir) return out;
    while (const dirent* d = readdir(dir)) {
        if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
        ProcInfo info;
        if (read_stat(pid_t(atoi(d->d_name)), info)) out.push_back(info);
    }
    closedir(dir);
    return out;
}

std::vector<pid_t> tree_of(const std::vector<ProcInfo>& all, pid_t root, pid_t sid) {
    std::multimap<pid_t, pid_t> children;
    for (const ProcInfo& p : all)
        children.emplace(p.ppid, p.pid);
    std::vector<pid_t> out;
    std::vector<pid_t> todo{root};
    while (!todo.empty()) {
        const pid_t p = todo.back();
        todo.pop_back();
        if (std::find(out.begin(), out.end(), p) != out.end()) continue;
        out.push_back(p);
        auto [a, b] = children.equal_range(p);
        for (auto it = a; it != b; ++it)
            todo.push_back(it->second);
    }
    if (sid > 0)
        for (const ProcInfo& p : all)
            if (p.sid == sid && std::find(out.begin(), out.end(), p.pid) == out.end()) out.push_back(p.pid);
    return out;
}

ProgramProcess::~ProgramProcess() {
    if (running()) kill_tree();
    close_output();
}

void ProgramProcess::close_output() {
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
    out_fd_ = err_fd_ = -1;
}

bool ProgramProcess::start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                           std::string* error) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        if (error) *error = std::string("pipe: ") + strerror(errno);
        return false;
    }
    if (pipe2(err, O_CLOEXEC) != 0) {
        if (error) *error = std::string("pipe: ") + strerror(errno);
        close(out[0]);
        close(out[1]);
        return false;
    }
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    // Everything the child needs is prepared here: after fork it may only call async-signal-safe
    // functions (this process has other threads).
    std::vector<char*> args, envp;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const std::string& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    subreaper_ = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    const pid_t pid = fork();
    if (pid == 0) {
        setsid();
        if (null_fd >= 0) dup2(null_fd, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        syscall(SYS_close_range, 3u, ~0u, 0u); // nothing of the app leaks into the program
        execve(args[0], args.data(), envp.data());
        const char msg[] = "concurrency-lab: could not start the interpreter\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(127);
    }
    if (null_fd >= 0) close(null_fd);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        if (error) *error = std::string("fork: ") + strerror(errno);
        close(out[0]);
        close(err[0]);
        return false;
    }
    pid_ = pid;
    out_fd_ = out[0];
    err_fd_ = err[0];
    reaped_ = false;
    return true;
}

bool ProgramProcess::poll_exit(int& status) {
    if (pid_ <= 0) return false;
    if (reaped_) {
        status = status_;
        return true;
    }
    int raw = 0;
    const pid_t r = waitpid(pid_, &raw, WNOHANG);
    if (r != pid_) return false;
    reaped_ = true;
    status_ = decode_status(raw);
    status = status_;
    return true;
}

namespace {

// Waits until every process in `pidfds` has ended (a pidfd turns readable when its process is a
// zombie or gone), at most `timeout_ms`. Closes the descriptors.
void wait_all_ended(std::vector<int>& pidfds, int timeout_ms) {
    std::vector<pollfd> fds;
    for (const int fd : pidfds)
        fds.push_back({fd, POLLIN, 0});
    const int64_t deadline = now_ns() + int64_t(timeout_ms) * 1'000'000;
    while (!fds.empty()) {
        const int64_t left_ms = (deadline - now_ns()) / 1'000'000;
        if (left_ms <= 0) break;
        const int n = poll(fds.data(), nfds_t(fds.size()), int(left_ms));
        if (n < 0 && errno != EINTR) break;
        std::erase_if(fds, [](const pollfd& p) { return p.revents != 0; });
    }
    for (const int fd : pidfds)
        close(fd);
    pidfds.clear();
}

} // namespace

int ProgramProcess::kill_tree(const std::vector<pid_t>& also) {
    if (pid_ <= 0) return status_;
    const pid_t self = getpid();
    std::vector<pid_t> known(also.begin(), also.end());
    // Each round: list the tree, SIGKILL all of it, sleep until every one of them has ended (their
    // pidfds), reap what is ours. Orphans reparented to us meanwhile are found by the next round's
    // listing; a round that finds nothing ends it. Without pidfds (Linux < 5.3), or when only
    // zombies are left for their parents to reap, a round waits 1 ms.
    for (int round = 0; round < 40; ++round) {
        const std::vector<ProcInfo> all = list_processes();
        std::vector<pid_t> victims = tree_of(all, pid_, pid_);
        // A process the tracer reported that left the session and lost its parent came to us (we
        // are a subreaper): it and its descendants too. A reported pid that is not our child now is
        // not touched: it may be an unrelated process that got a recycled pid.
        for (const ProcInfo& p : all)
            if (p.ppid == self && p.pid != pid_ &&
                std::find(known.begin(), known.end(), p.pid) != known.end())
                for (const pid_t d : tree_of(all, p.pid, 0))
                    if (std::find(victims.begin(), victims.end(), d) == victims.end()) victims.push_back(d);
        kill(-pid_, SIGKILL); // the session's own group (the root is its leader)
        bool present = false, waited = true;
        std::vector<int> pidfds;
        std::vector<pid_t> ours;
        for (const pid_t p : victims) {
            const auto it =
                std::find_if(all.begin(), all.end(), [&](const ProcInfo& i) { return i.pid == p; });
            if (it == all.end() || p == self) continue;
            present = true;
            if (it->state != 'Z') {
                kill(p, SIGKILL);
                if (const int fd = int(syscall(SYS_pidfd_open, p, 0)); fd >= 0)
                    pidfds.push_back(fd);
                else if (errno != ESRCH)
                    waited = false;
            }
            // Our own children (the root, and orphans we adopted as subreaper) are ours to reap.
            if (it->ppid == self) ours.push_back(p);
        }
        // Nothing to sleep on (only zombies, or no pidfds): give their parents a moment.
        if (pidfds.empty()) waited = false;
        wait_all_ended(pidfds, 2000);
        for (const pid_t p : ours) {
            int raw = 0;
            if (waitpid(p, &raw, 0) == p && p == pid_) {
                reaped_ = true;
                status_ = decode_status(raw);
            }
        }
        if (!reaped_) {
            int raw = 0;
            const pid_t r = waitpid(pid_, &raw, WNOHANG);
            if (r == pid_) {
                reaped_ = true;
                status_ = decode_status(raw);
            } else if (r < 0 && errno == ECHILD) {
                reaped_ = true;
            }
        }
        if (!present && reaped_) break;
        if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (subreaper_) {
        prctl(PR_SET_CHILD_SUBREAPER, 0);
        subreaper_ = false;
    }
    return status_;
}

} // namespace clab::py
