#include "forkserver.h"

#include "launcher.h"
#include "worker.h"
#include "worker_entry.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace clab::proc {

namespace {

constexpr int kMaxFds = kLayoutFds + 1; // the layout slots + the status socket

bool send_request(int sock, const int (&fds)[kLayoutFds], int status_end) {
    uint32_t mask = 0;
    int passed[kMaxFds];
    int count = 0;
    for (int i = 0; i < kLayoutFds; ++i)
        if (fds[i] >= 0) {
            mask |= 1u << i;
            passed[count++] = fds[i];
        }
    passed[count++] = status_end;

    iovec iov{&mask, sizeof mask};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * size_t(count));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * size_t(count));
    std::memcpy(CMSG_DATA(cmsg), passed, sizeof(int) * size_t(count));
    for (;;) {
        const ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n >= 0) return true;
        if (errno != EINTR) return false;
    }
}

// Server side: one request -> the layout fds (mask order) and the status socket. 0 on EOF.
int receive_request(int sock, int (&fds)[kLayoutFds], int& status_fd) {
    uint32_t mask = 0;
    iovec iov{&mask, sizeof mask};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;
    int received[kMaxFds];
    int count = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            count = int((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            std::memcpy(received, CMSG_DATA(c), sizeof(int) * size_t(count));
        }
    int used = 0;
    for (int i = 0; i < kLayoutFds; ++i)
        fds[i] = (mask & (1u << i)) && used < count ? received[used++] : -1;
    status_fd = used < count ? received[used++] : -1;
    return 1;
}

} // namespace

Forkserver& Forkserver::instance() {
    static Forkserver server;
    return server;
}

Forkserver::~Forkserver() {
    shutdown();
}

pid_t Forkserver::server_pid() const {
    std::lock_guard lock(mutex_);
    return pid_;
}

bool Forkserver::ensure_started(std::string* error) {
    if (pid_ > 0) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) return true; // still serving
        pid_ = -1;                                               // it died: start a fresh one
        socket_.reset();
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        if (error) *error = std::string("cannot create the forkserver socket: ") + std::strerror(errno);
        return false;
    }
    UniqueFd ours(pair[0]), theirs(pair[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, theirs.get(), kFdControl);
    posix_spawn_file_actions_addclosefrom_np(&actions, kFdControl + 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    char arg0[] = "concurrency-lab-forkserver";
    char arg1[] = "__clab_forkserver__";
    char* argv[] = {arg0, arg1, nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        if (error) *error = std::string("cannot start the forkserver: ") + std::strerror(rc);
        return false;
    }
    pid_ = pid;
    socket_ = std::move(ours);
    return true;
}

bool Forkserver::fork_worker(const int (&fds)[kLayoutFds], pid_t& pid, UniqueFd& status, std::string* error) {
    std::lock_guard lock(mutex_);
    if (!ensure_started(error)) return false;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        if (error) *error = std::string("cannot create a status socket: ") + std::strerror(errno);
        return false;
    }
    UniqueFd ours(pair[0]), theirs(pair[1]);
    if (!send_request(socket_.get(), fds, theirs.get())) {
        if (error) *error = std::string("the forkserver does not answer: ") + std::strerror(errno);
        return false;
    }
    theirs.reset();
    int32_t child = -1;
    if (!read_all_timeout(ours.get(), &child, sizeof child, 10'000) || child <= 0) {
        if (error) *error = "the forkserver did not report the new process";
        return false;
    }
    pid = child;
    status = std::move(ours);
    return true;
}

void Forkserver::shutdown() {
    std::lock_guard lock(mutex_);
    if (pid_ <= 0) return;
    socket_.reset(); // end of file: the server kills its children and exits
    int status = 0;
    for (int i = 0; i < 2000; ++i) { // up to 2 s, then force it
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR)) {
            pid_ = -1;
            return;
        }
        ::usleep(1000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

int run_forkserver(int socket_fd) {
    // Started without its request socket (by hand: `concurrency-lab __clab_forkserver__`): nothing
    // to serve. Going on, the signalfd below would take the free descriptor and the server would
    // wait on it for ever.
    if (::fcntl(socket_fd, F_GETFD) < 0) return 2;
    ::signal(SIGPIPE, SIG_IGN); // a client that went away must not kill the server
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, nullptr);
    UniqueFd sigfd(::signalfd(-1, &chld, SFD_CLOEXEC));
    std::map<pid_t, int> status_of; // live child -> its status socket

    auto report_exits = [&] {
        for (;;) {
            int status = 0;
            rusage usage{};
            const pid_t pid = ::wait4(-1, &status, WNOHANG, &usage);
            if (pid <= 0) return;
            if (auto it = status_of.find(pid); it != status_of.end()) {
                ForkserverExit exit;
                exit.status = status;
                auto ns = [](const timeval& t) {
                    return int64_t(t.tv_sec) * 1'000'000'000 + int64_t(t.tv_usec) * 1000;
                };
                exit.cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
                exit.maxrss_kb = usage.ru_maxrss;
                write_all(it->second, &exit, sizeof exit);
                ::close(it->second);
                status_of.erase(it);
            }
        }
    };

    for (;;) {
        pollfd pfds[2] = {{socket_fd, POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
        if (::poll(pfds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (pfds[1].revents & POLLIN) {
            signalfd_siginfo info;
            while (::read(sigfd.get(), &info, sizeof info) < 0 && errno == EINTR) {
            }
            report_exits();
        }
        if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
            int fds[kLayoutFds];
            int status_fd = -1;
            if (receive_request(socket_fd, fds, status_fd) == 0) break; // the application is gone
            const pid_t pid = ::fork();
            if (pid == 0) {
                install_fixed_fds(fds); // also closes the server's socket and signalfd
                _exit(run_spawned_worker());
            }
            for (const int fd : fds)
                if (fd >= 0) ::close(fd);
            const int32_t reported = pid > 0 ? pid : -1;
            write_all(status_fd, &reported, sizeof reported);
            if (pid > 0)
                status_of[pid] = status_fd;
            else
                ::close(status_fd);
        }
    }
    // Nobody is left to talk to: end every child we still run, and reap them.
    for (const auto& [pid, fd] : status_of) {
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::close(fd);
    }
    return 0;
}

} // namespace clab::proc
