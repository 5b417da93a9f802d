// Children are reaped exactly (issue 18.6): reap_child sleeps on the child's pidfd until it exits,
// instead of asking waitpid every 500 µs. Counted, not timed: the reaping thread's voluntary
// context switches while it waits (a few, against 109 for a 200 ms wait polled every 500 µs).
#include "core/processes/launcher.h"

#include <ctime>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace clab;
using namespace clab::proc;

namespace {

long voluntary_switches() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw;
}

Child sleeping_child(int sleep_ms, int exit_code) {
    Child child;
    child.pid = ::fork();
    if (child.pid == 0) {
        const timespec ts{sleep_ms / 1000, long(sleep_ms % 1000) * 1'000'000};
        nanosleep(&ts, nullptr);
        _exit(exit_code);
    }
    return child;
}

} // namespace

TEST(Reap, WaitsForTheExitWithoutPolling) {
    Child child = sleeping_child(200, 3);
    ASSERT_GT(child.pid, 0);
    const long before = voluntary_switches();
    EXPECT_TRUE(reap_child(child, 10'000));
    const long wakeups = voluntary_switches() - before;
    EXPECT_TRUE(child.reaped);
    ASSERT_TRUE(WIFEXITED(child.wait_status));
    EXPECT_EQ(WEXITSTATUS(child.wait_status), 3);
    EXPECT_LT(wakeups, 20) << "a polled wait wakes ~400 times in 200 ms";
    RecordProperty("wakeups", std::to_string(wakeups));
}

TEST(Reap, AChildStuckPastTheTimeoutIsKilledAndReaped) {
    Child child = sleeping_child(600'000, 0);
    ASSERT_GT(child.pid, 0);
    const int64_t t0 = now_ns();
    EXPECT_FALSE(reap_child(child, 100));
    const double waited_ms = double(now_ns() - t0) * 1e-6;
    EXPECT_TRUE(child.reaped);
    ASSERT_TRUE(WIFSIGNALED(child.wait_status));
    EXPECT_EQ(WTERMSIG(child.wait_status), SIGKILL);
    EXPECT_LT(waited_ms / 100, 10.0) << "the timeout was 100 ms; the child asked for 10 minutes";
    EXPECT_EQ(::waitpid(child.pid, nullptr, WNOHANG), -1) << "nothing left to reap";
}
