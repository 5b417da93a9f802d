// The kernel sampler's cost (core/sample): what one read of each /proc file costs for a thread
// that runs and for one that sleeps (the sampler's budget is made of these), and the sampler's
// own CPU time while it follows 8 threads at 1 kHz: a python3 program (4 threads computing under
// the GIL, 4 sleeping) and 8 worker processes computing (the processes engine's case).
// Goal: ≤ 5 % of one core. Run on a quiet machine; `uptime` next to the figures.
#include "core/python/interpreter.h"
#include "core/python/process_tree.h"
#include "core/sample/thread_sampler.h"

#include <benchmark/benchmark.h>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace clab;

namespace {

// A child that spins (arg 1) or sleeps (arg 0) until killed.
pid_t start_child(bool spin) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlives the benchmark or test
    volatile uint64_t n = 0;
    while (spin)
        n = n + 1;
    pause();
    _exit(0);
}

void end_child(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

// One pread of /proc/<pid>/task/<pid>/<file>, the descriptor kept open (as the sampler does).
void BM_ProcRead(benchmark::State& state, const char* file, bool spin) {
    const pid_t child = start_child(spin);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    char path[80], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/%s", int(child), int(child), file);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    for (auto _ : state)
        benchmark::DoNotOptimize(pread(fd, buf, sizeof buf, 0));
    close(fd);
    end_child(child);
}
BENCHMARK_CAPTURE(BM_ProcRead, schedstat_running, "schedstat", true);
BENCHMARK_CAPTURE(BM_ProcRead, schedstat_sleeping, "schedstat", false);
BENCHMARK_CAPTURE(BM_ProcRead, stat_running, "stat", true);
BENCHMARK_CAPTURE(BM_ProcRead, stat_sleeping, "stat", false);
BENCHMARK_CAPTURE(BM_ProcRead, syscall_running, "syscall", true);
BENCHMARK_CAPTURE(BM_ProcRead, syscall_sleeping, "syscall", false);

void report(benchmark::State& state, const sample::ThreadSampler& sampler, double seconds) {
    state.SetIterationTime(seconds);
    state.counters["cpu_share_of_a_core"] = sampler.cpu_s() / seconds;
    state.counters["ticks_per_s"] = double(sampler.ticks()) / seconds;
    state.counters["reads_per_tick"] =
        sampler.ticks() ? double(sampler.reads()) / double(sampler.ticks()) : 0;
    state.counters["threads_per_tick"] =
        sampler.ticks() ? double(sampler.samples()) / double(sampler.ticks()) : 0;
}

// The sampler alone, watching a python3 with 8 threads (4 spinning, 4 sleeping), for 2 s.
void BM_SamplerCpu8PythonThreads1kHz(benchmark::State& state) {
    const auto python = py::find_interpreter("", nullptr);
    if (!python) return state.SkipWithError("no python3");
    char file[] = "/tmp/clab-bench-XXXXXX.py";
    const int fd = mkstemps(file, 3);
    const std::string source = "import threading, time\n"
                               "def spin():\n"
                               "    end = time.monotonic() + 2.5\n"
                               "    while time.monotonic() < end: pass\n"
                               "ts = [threading.Thread(target=spin) for _ in range(4)]\n"
                               "ts += [threading.Thread(target=time.sleep, args=(2.5,)) for _ in range(4)]\n"
                               "for t in ts: t.start()\n"
                               "for t in ts: t.join()\n";
    (void)!write(fd, source.data(), source.size());
    close(fd);
    for (auto _ : state) {
        py::ProgramProcess p;
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e)
            env.emplace_back(*e);
        std::string error;
        p.start({python->executable, file}, env, &error);
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the threads are up
        sample::ThreadSampler sampler(1000);
        sampler.watch(p.pid());
        sampler.start();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        report(state, sampler, 2.0);
        sampler.stop();
        p.kill_tree();
    }
    unlink(file);
}
BENCHMARK(BM_SamplerCpu8PythonThreads1kHz)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond);

// The processes engine's case: 8 single-threaded worker processes computing on 2 cores.
void BM_SamplerCpu8Processes1kHz(benchmark::State& state) {
    for (auto _ : state) {
        std::vector<pid_t> children;
        for (int i = 0; i < 8; ++i)
            children.push_back(start_child(true));
        sample::ThreadSampler sampler(1000);
        for (const pid_t pid : children)
            sampler.watch(pid);
        sampler.start();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        report(state, sampler, 2.0);
        sampler.stop();
        for (const pid_t pid : children)
            end_child(pid);
    }
}
BENCHMARK(BM_SamplerCpu8Processes1kHz)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond);

// Nothing to watch: what waking up 1000 times a second costs on its own.
void BM_SamplerCpuNothingWatched1kHz(benchmark::State& state) {
    for (auto _ : state) {
        sample::ThreadSampler sampler(1000);
        sampler.start();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        report(state, sampler, 2.0);
        sampler.stop();
    }
}
BENCHMARK(BM_SamplerCpuNothingWatched1kHz)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
