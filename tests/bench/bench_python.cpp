// The python engine's cost: a traced run of lesson 4's two-thread count against the same program
// run untraced (python3 FILE, nothing else), the kernel sampler's own CPU with 8 threads at 1 kHz,
// and how many tracer records per second reach the app.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "core/python/interpreter.h"
#include "core/python/process_tree.h"
#include "core/sample/thread_sampler.h"

#include <benchmark/benchmark.h>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace clab;

namespace {

const char* kLesson4 = R"(import threading
import time


def count(n):
    total = 0
    for _ in range(n):
        total += 1


start = time.perf_counter()
threads = [threading.Thread(target=count, args=(10_000_000,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with_threads = time.perf_counter() - start
print(f"two threads {with_threads:.2f} s")
)";

std::string write_program(const std::string& source) {
    char path[] = "/tmp/clab-bench-XXXXXX.py";
    const int fd = mkstemps(path, 3);
    (void)!write(fd, source.data(), source.size());
    close(fd);
    return path;
}

// The program's own figure ("two threads 1.23 s"), so start-up costs do not blur the comparison.
double program_seconds(const std::string& out) {
    const auto at = out.find("two threads ");
    return at == std::string::npos ? 0 : std::atof(out.c_str() + at + 12);
}

double run_untraced(const std::string& python, const std::string& file) {
    py::ProgramProcess p;
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        env.emplace_back(*e);
    std::string error;
    if (!p.start({python, file}, env, &error)) return 0;
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = read(p.out_fd(), buf, sizeof buf)) > 0)
        out.append(buf, size_t(n));
    p.kill_tree();
    return program_seconds(out);
}

void BM_Lesson4TwoThreads_Untraced(benchmark::State& state) {
    const auto python = py::find_interpreter("", nullptr);
    if (!python) return state.SkipWithError("no python3");
    const std::string file = write_program(kLesson4);
    for (auto _ : state)
        state.SetIterationTime(run_untraced(python->executable, file));
    unlink(file.c_str());
}

void BM_Lesson4TwoThreads_Traced(benchmark::State& state) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.source = kLesson4;
    for (auto _ : state) {
        const Summary s = Runner::run(spec);
        if (!s.completed) return state.SkipWithError(s.error.c_str());
        state.SetIterationTime(program_seconds(s.program_stdout));
        state.counters["gil_switches"] = double(s.gil_switches);
        state.counters["events"] = double(s.events);
    }
}

// The sampler alone, watching a python3 with 8 threads (4 spinning, 4 sleeping), for 2 s.
void BM_SamplerCpu8Threads1kHz(benchmark::State& state) {
    const auto python = py::find_interpreter("", nullptr);
    if (!python) return state.SkipWithError("no python3");
    const std::string file =
        write_program("import threading, time\n"
                      "def spin():\n"
                      "    end = time.monotonic() + 2.5\n"
                      "    while time.monotonic() < end: pass\n"
                      "ts = [threading.Thread(target=spin) for _ in range(4)]\n"
                      "ts += [threading.Thread(target=time.sleep, args=(2.5,)) for _ in range(4)]\n"
                      "for t in ts: t.start()\n"
                      "for t in ts: t.join()\n");
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
        const double cpu = sampler.cpu_s();
        const uint64_t ticks = sampler.ticks(), samples = sampler.samples();
        sampler.stop();
        p.kill_tree();
        state.SetIterationTime(2.0);
        state.counters["cpu_share_of_a_core"] = cpu / 2.0;
        state.counters["ticks_per_s"] = double(ticks) / 2.0;
        state.counters["threads_per_tick"] = ticks ? double(samples) / double(ticks) : 0;
    }
    unlink(file.c_str());
}

// Records per second through tracer -> socket -> app: an asyncio program of many short task steps
// and a lock-heavy thread program.
void BM_TracerRecordsPerSecond(benchmark::State& state) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.source = "import asyncio\n"
                  "async def hop(n):\n"
                  "    for _ in range(n): await asyncio.sleep(0)\n"
                  "async def main():\n"
                  "    await asyncio.gather(*(hop(20000) for _ in range(10)))\n"
                  "asyncio.run(main())\n";
    for (auto _ : state) {
        const Summary s = Runner::run(spec);
        if (!s.completed) return state.SkipWithError(s.error.c_str());
        state.SetIterationTime(s.wall_s);
        state.counters["events_per_s"] = double(s.events) / s.wall_s;
        state.counters["task_steps"] = double(s.task_switches);
        state.counters["dropped_notes"] = double(s.notes.size());
    }
}

} // namespace

BENCHMARK(BM_Lesson4TwoThreads_Untraced)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lesson4TwoThreads_Traced)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SamplerCpu8Threads1kHz)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TracerRecordsPerSecond)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    register_builtin_engines();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
