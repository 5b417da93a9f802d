// Tight limits: when the OS refuses a thread (RLIMIT_NPROC, as a normal user hits it), the engines
// end the run with "could not start thread N of M: ..." and join what they started, never
// std::terminate. Each case runs in a forked child whose user may own only a few more tasks
// (root ignores RLIMIT_NPROC, so a root child becomes `nobody` first).
#include "core/workload/calibration.h"
#include "test_process_util.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace clab;

namespace {

// Tasks (threads) the user `uid` owns right now, from /proc/<pid>/status.
long tasks_of_user(uid_t uid) {
    long total = 0;
    DIR* proc = opendir("/proc");
    if (!proc) return -1;
    while (dirent* entry = readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        std::ifstream status(std::string("/proc/") + entry->d_name + "/status");
        std::string line;
        long real_uid = -1, threads = 0;
        while (std::getline(status, line)) {
            if (line.rfind("Uid:", 0) == 0) real_uid = std::strtol(line.c_str() + 4, nullptr, 10);
            if (line.rfind("Threads:", 0) == 0) threads = std::strtol(line.c_str() + 8, nullptr, 10);
        }
        if (real_uid == long(uid)) total += threads;
    }
    closedir(proc);
    return total;
}

// Runs `spec` in a child that may start only `spare` more threads. The child exits 0 when the run
// ended with the thread-start error, 3 when it completed anyway, 4 on another error.
void expect_clean_refusal(const ExperimentSpec& spec, int spare) {
    (void)calibration(); // measured (python3) before the fork, not in the limited child
    std::fflush(nullptr);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(5);
        const long owned = tasks_of_user(getuid());
        const rlimit limit{rlim_t(owned + spare), rlim_t(owned + spare)};
        if (owned < 0 || setrlimit(RLIMIT_NPROC, &limit) != 0) _exit(6);
        Recorder recorder;
        StopSignal cancel;
        const Summary s = testing_util::run_engine(spec, recorder, cancel);
        std::fprintf(stderr, "[child] %s\n", s.error.c_str());
        if (s.error.empty()) _exit(3);
        _exit(s.error.rfind("could not start thread ", 0) == 0 ? 0 : 4);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                   << " (std::terminate is SIGABRT = 6)";
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "3: completed despite the limit, 4: another error, 5/6: setup failed";
}

// The premise: every thread started is still alive when the one past the limit is started, so the
// sleep must outlast all the starts. Each Thread.start() waits for the new thread to run (and
// under ThreadSanitizer one took ~18 ms: 300 of them 5.4 s), so 50 ms sleepers ended as fast as
// new ones began and never more than a few existed at once: the run completed within the limit.
// A minute outlasts any start; the refusal stops the sleepers at once (Workload::fail), so a run
// that hits the limit still ends in a fraction of a second.
ExperimentSpec sleepers(EngineKind engine, int tasks) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = WorkloadKind::Sleep;
    s.tasks = tasks;
    s.io_ms = 60'000;
    s.io_count = 1;
    return s;
}

} // namespace

TEST(ThreadLimits, ThreadsEngineReportsTheThreadItCouldNotStart) {
    expect_clean_refusal(sleepers(EngineKind::Threads, 300), 20);
}

TEST(ThreadLimits, ThreadPoolReportsTheWorkerItCouldNotStart) {
    ExperimentSpec s = sleepers(EngineKind::ThreadPool, 300);
    s.workers = 300;
    expect_clean_refusal(s, 20);
}
