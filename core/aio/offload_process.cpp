#include "offload_process.h"

#include "core/net/socket_util.h"
#include "core/trace/recorder.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clab::aio {

namespace {
struct ChildReport {
    int64_t begin_ns;
    int64_t end_ns;
};

// Kills (if still running) and reaps the child, closes the pipe: whatever ends the await.
struct ChildGuard {
    EventLoop& loop;
    pid_t pid;
    int fd;
    bool reaped = false;
    ~ChildGuard() {
        loop.remove_reader(fd);
        ::close(fd);
        if (!reaped) {
            kill(pid, SIGKILL);
            while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    }
};
} // namespace

Coro<void> run_in_process(std::function<void()> work, std::string lane_name) {
    EventLoop& loop = *EventLoop::current();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(net::errno_message("pipe"));
    const uint32_t lane =
        loop.recorder() ? loop.recorder()->add_lane(LaneKind::Process, std::move(lane_name), loop.lane())
                        : kNoLane;
    const pid_t pid = fork();
    if (pid == 0) {
        ::close(fds[0]);
        ChildReport report{now_ns(), 0};
        work();
        report.end_ns = now_ns();
        [[maybe_unused]] const ssize_t n = ::write(fds[1], &report, sizeof report);
        _exit(0);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        throw std::runtime_error(net::errno_message("fork"));
    }
    ChildGuard guard{loop, pid, fds[0]};

    auto readable = make_future<void>(loop);
    loop.add_reader(fds[0], [readable] {
        if (!readable->done()) readable->set_result();
    });
    co_await readable;

    ChildReport report{};
    const ssize_t n = ::read(fds[0], &report, sizeof report);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    guard.reaped = true;
    if (n != ssize_t(sizeof report) || !WIFEXITED(status))
        throw std::runtime_error("the offload process died");
    if (Recorder* rec = loop.recorder()) {
        Event e;
        e.lane = lane;
        e.t_ns = report.begin_ns;
        e.kind = EventKind::Running;
        rec->record_event(e);
        e.t_ns = report.end_ns;
        e.kind = EventKind::WorkerExit;
        rec->record_event(e);
    }
}

} // namespace clab::aio
