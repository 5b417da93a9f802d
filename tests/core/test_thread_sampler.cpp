// The shared kernel sampler (core/sample) on its own, with plain forked children instead of an
// interpreter: what a blocked thread waits in, and core lanes that agree with the CPU time the
// kernel really gave each process, also when two share one core and when two run on two cores at
// once. Ratios against the children's own CPU time (wait4's rusage), never absolute times.
#include "core/sample/thread_sampler.h"
#include "core/trace/event.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <gtest/gtest.h>
#include <map>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace clab;
using sample::ThreadChange;

namespace {

// A child pinned to `core` that spins for `spin_ms` of wall time, then sleeps `sleep_ms`.
pid_t start_child(int core, int spin_ms, int sleep_ms) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlives the benchmark or test
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    sched_setaffinity(0, sizeof set, &set);
    const int64_t end = now_ns() + int64_t(spin_ms) * 1'000'000;
    volatile uint64_t n = 0;
    while (now_ns() < end)
        n = n + 1;
    const timespec pause{sleep_ms / 1000, long(sleep_ms % 1000) * 1'000'000};
    nanosleep(&pause, nullptr);
    _exit(0);
}

struct Ended {
    int64_t cpu_ns = 0;
};

Ended reap(pid_t pid) {
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    return {int64_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000'000 +
            int64_t(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000};
}

// [begin, end) on a core, per thread, from the sampled changes (in time order).
std::map<pid_t, std::vector<std::pair<int64_t, int64_t>>> on_core(const std::vector<ThreadChange>& changes,
                                                                  int64_t end) {
    std::map<pid_t, std::vector<std::pair<int64_t, int64_t>>> out;
    std::map<pid_t, int64_t> since; // on a core since
    for (const ThreadChange& c : changes) {
        if (const auto it = since.find(c.tid); it != since.end()) {
            out[c.tid].emplace_back(it->second, c.t_ns);
            since.erase(it);
        }
        if (!c.gone && c.state == SampledState::OnCpu && c.cpu != 0xFFFF) since[c.tid] = c.t_ns;
    }
    for (const auto& [tid, from] : since)
        out[tid].emplace_back(from, end);
    return out;
}

int64_t total(const std::vector<std::pair<int64_t, int64_t>>& spans) {
    int64_t sum = 0;
    for (const auto& [a, b] : spans)
        sum += b - a;
    return sum;
}

// How long both were shown on a core at the same moment.
int64_t overlap(const std::vector<std::pair<int64_t, int64_t>>& a,
                const std::vector<std::pair<int64_t, int64_t>>& b) {
    int64_t sum = 0;
    for (const auto& [a0, a1] : a)
        for (const auto& [b0, b1] : b)
            sum += std::max<int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
    return sum;
}

std::vector<ThreadChange> sample_children(const std::vector<pid_t>& pids, int64_t& end) {
    sample::ThreadSampler sampler(1000);
    for (const pid_t pid : pids)
        sampler.watch(pid);
    sampler.start();
    std::vector<ThreadChange> changes;
    // Until every child is a zombie: its exit is then known, nothing more to sample.
    for (bool running = true; running;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        running = false;
        for (const pid_t pid : pids) {
            siginfo_t info{};
            running |= waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
        }
    }
    end = now_ns();
    sampler.stop();
    sampler.take(changes);
    return changes;
}

} // namespace

TEST(ThreadSampler, ClassifiesWhatABlockedThreadWaitsIn) {
    EXPECT_EQ(sample::classify_syscall("running\n"), SampledState::OnCpu);
    char line[160];
    // CPython's take_gil: a futex wait with a timeout (pthread_cond_timedwait).
    snprintf(line, sizeof line, "%d 0x7f00 0x189 0x0 0x7ffc10 0x0 0xffffffff 0x7ffc 0x7f12\n",
             int(SYS_futex));
    EXPECT_EQ(sample::classify_syscall(line), SampledState::GilWait);
    // A lock acquired without a timeout.
    snprintf(line, sizeof line, "%d 0x7f00 0x80 0x2 0x0 0x0 0x0 0x7ffc 0x7f12\n", int(SYS_futex));
    EXPECT_EQ(sample::classify_syscall(line), SampledState::LockWait);
    snprintf(line, sizeof line, "%d 0x0 0x0 0x7ffc 0x0 0x0 0x0 0x7ffc 0x7f12\n", int(SYS_clock_nanosleep));
    EXPECT_EQ(sample::classify_syscall(line), SampledState::Sleep);
    snprintf(line, sizeof line, "%d 0x3 0x7ffc 0x1000 0x0 0x0 0x0 0x7ffc 0x7f12\n", int(SYS_read));
    EXPECT_EQ(sample::classify_syscall(line), SampledState::Io);
    EXPECT_EQ(sample::classify_syscall("-1 0x7ffc 0x7f12\n"), SampledState::Other);
    EXPECT_EQ(sample::classify_syscall(""), SampledState::Other);
}

TEST(ThreadSampler, ShowsAProcessOnItsCoreForTheCpuTimeItUsedThenAsleep) {
    const pid_t child = start_child(0, 400, 200);
    int64_t end = 0;
    const std::vector<ThreadChange> changes = sample_children({child}, end);
    const Ended ended = reap(child);
    const auto spans = on_core(changes, end);
    ASSERT_TRUE(spans.count(child));
    const double shown = double(total(spans.at(child)));
    EXPECT_GT(shown / double(ended.cpu_ns), 0.6)
        << shown * 1e-9 << " s shown, " << ended.cpu_ns * 1e-9 << " s CPU";
    EXPECT_LT(shown / double(ended.cpu_ns), 1.5)
        << shown * 1e-9 << " s shown, " << ended.cpu_ns * 1e-9 << " s CPU";
    for (const ThreadChange& c : changes)
        if (c.tid == child && c.state == SampledState::OnCpu && c.cpu != 0xFFFF) {
            EXPECT_EQ(c.cpu, 0); // pinned
        }
    EXPECT_TRUE(std::any_of(changes.begin(), changes.end(), [&](const ThreadChange& c) {
        return c.tid == child && c.state == SampledState::Sleep;
    }));
}

TEST(ThreadSampler, TwoProcessesSharingOneCoreTakeTurnsOnIt) {
    // Both pinned to core 0: the kernel time-slices them. The core lane shows one at a time, each
    // for about the CPU time it got.
    const pid_t a = start_child(0, 600, 0), b = start_child(0, 600, 0);
    int64_t end = 0;
    const std::vector<ThreadChange> changes = sample_children({a, b}, end);
    const Ended ea = reap(a), eb = reap(b);
    const auto spans = on_core(changes, end);
    ASSERT_TRUE(spans.count(a) && spans.count(b));
    EXPECT_EQ(overlap(spans.at(a), spans.at(b)), 0); // never both on core 0
    for (const auto& [pid, cpu] : {std::pair{a, ea.cpu_ns}, std::pair{b, eb.cpu_ns}}) {
        const double shown = double(total(spans.at(pid)));
        EXPECT_GT(shown / double(cpu), 0.6) << shown * 1e-9 << " s shown, " << cpu * 1e-9 << " s CPU";
        EXPECT_LT(shown / double(cpu), 1.5) << shown * 1e-9 << " s shown, " << cpu * 1e-9 << " s CPU";
    }
    // Taking turns: several hand-overs, not one block after the other.
    int turns = 0;
    pid_t last = 0;
    for (const ThreadChange& c : changes)
        if (c.state == SampledState::OnCpu && c.cpu != 0xFFFF && c.tid != last) {
            ++turns;
            last = c.tid;
        }
    EXPECT_GE(turns, 4);
}

TEST(ThreadSampler, TwoProcessesOnTwoCoresAreShownOnBothAtOnce) {
    if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one core";
    const int64_t from = now_ns();
    const pid_t a = start_child(0, 600, 0), b = start_child(1, 600, 0);
    int64_t end = 0;
    const std::vector<ThreadChange> changes = sample_children({a, b}, end);
    const Ended ea = reap(a), eb = reap(b);
    const auto spans = on_core(changes, end);
    ASSERT_TRUE(spans.count(a) && spans.count(b));
    // Their CPU times say how long they at least ran at the same moment (all of it on a quiet
    // machine, less when other programs took the cores); the core lanes show most of that.
    const double window = double(end - from);
    const double at_least_together = double(ea.cpu_ns + eb.cpu_ns) - window;
    const double shown_together = double(overlap(spans.at(a), spans.at(b)));
    EXPECT_GE(shown_together, 0.5 * at_least_together - 30e6)
        << "shown together " << shown_together * 1e-9 << " s, CPU " << ea.cpu_ns * 1e-9 << " + "
        << eb.cpu_ns * 1e-9 << " s in " << window * 1e-9 << " s";
    std::printf("[ info ] CPU %.3f + %.3f s in %.3f s: together at least %.3f s, shown together %.3f s\n",
                ea.cpu_ns * 1e-9, eb.cpu_ns * 1e-9, window * 1e-9, at_least_together * 1e-9,
                shown_together * 1e-9);
}
