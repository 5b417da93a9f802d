// The python engine's cost: a traced run of lesson 4's two-thread count against the same program
// run untraced (python3 FILE, nothing else), and how many tracer records per second reach the app.
// The kernel sampler's own cost: bench_sample.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "core/python/interpreter.h"
#include "core/python/process_tree.h"

#include <algorithm>
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

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The issue's figure: lesson 4's count traced over untraced, the two alternating (5 pairs) so both
// see the same machine. `ratio` compares the program's own time (its count); `whole_ratio` the
// whole `python3 FILE` against the traced run's wall_s + interpreter_start_s (start-up included).
void BM_Lesson4TracedOverUntraced(benchmark::State& state) {
    const auto python = py::find_interpreter("", nullptr);
    if (!python) return state.SkipWithError("no python3");
    const std::string file = write_program(kLesson4);
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.source = kLesson4;
    for (auto _ : state) {
        std::vector<double> plain, traced, plain_whole, traced_whole, startup;
        for (int i = 0; i < 5; ++i) {
            const int64_t t0 = now_ns();
            plain.push_back(run_untraced(python->executable, file));
            plain_whole.push_back(double(now_ns() - t0) * 1e-9);
            const Summary s = Runner::run(spec);
            if (!s.completed) return state.SkipWithError(s.error.c_str());
            traced.push_back(program_seconds(s.program_stdout));
            traced_whole.push_back(s.wall_s + s.interpreter_start_s);
            startup.push_back(s.interpreter_start_s);
        }
        state.SetIterationTime(median(traced));
        state.counters["untraced_s"] = median(plain);
        state.counters["traced_s"] = median(traced);
        state.counters["ratio"] = median(traced) / median(plain);
        state.counters["untraced_whole_s"] = median(plain_whole);
        state.counters["traced_whole_s"] = median(traced_whole);
        state.counters["whole_ratio"] = median(traced_whole) / median(plain_whole);
        state.counters["interpreter_start_s"] = median(startup);
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
BENCHMARK(BM_Lesson4TracedOverUntraced)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TracerRecordsPerSecond)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    register_builtin_engines();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
