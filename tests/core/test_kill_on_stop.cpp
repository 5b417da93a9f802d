// KillOnStop (both process engines): a stop kills every watched worker at once, on the thread that
// requests it, so the kernel tears a big worker down while the engine winds the run down; a worker
// started after the stop is killed as it is watched. Nobody else sends a signal here: without the
// mechanism the children would wait forever (each ends by itself after 60 s, so nothing hangs).
#include "core/processes/kill_on_stop.h"

#include <csignal>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace clab;
using namespace clab::proc;

namespace {

pid_t sleeping_child() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::sleep(60);
        _exit(0);
    }
    return pid;
}

// The child's wait status once it ended, or -1 if it was still alive after `timeout_ms` (then it
// is killed and reaped here).
int status_within(pid_t pid, int timeout_ms) {
    UniqueFd pidfd(int(::syscall(SYS_pidfd_open, pid, 0)));
    pollfd pfd{pidfd.get(), POLLIN, 0};
    const bool ended = ::poll(&pfd, 1, timeout_ms) == 1;
    if (!ended) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return ended ? status : -1;
}

} // namespace

TEST(KillOnStop, AStopKillsEveryWatchedProcessAndOnesWatchedLater) {
    StopSignal stop;
    KillOnStop kill_on_stop(stop);
    const pid_t before = sleeping_child();
    ASSERT_GT(before, 0);
    kill_on_stop.watch(before);
    stop.request();
    const pid_t after = sleeping_child(); // started while the stop was on its way
    ASSERT_GT(after, 0);
    kill_on_stop.watch(after);
    for (const pid_t pid : {before, after}) {
        const int status = status_within(pid, 10'000);
        ASSERT_NE(status, -1) << "pid " << pid << " was not killed";
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    }
}

TEST(KillOnStop, WithoutAStopNothingIsKilled) {
    StopSignal stop;
    const pid_t pid = sleeping_child();
    ASSERT_GT(pid, 0);
    {
        KillOnStop kill_on_stop(stop);
        kill_on_stop.watch(pid);
    } // gone before any stop: a later stop kills nothing
    stop.request();
    EXPECT_EQ(status_within(pid, 200), -1) << "killed without a stop";
}
