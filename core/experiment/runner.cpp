#include "runner.h"

#include "core/net/slow_server.h"
#include "core/sync/fork_gate.h"
#include "core/trace/trace_memory.h"
#include "descendant_usage.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <sched.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace clab {

namespace {

double process_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    auto tv = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    // The forkserver's workers are not our children: their reaped rusage comes from its reports.
    const double descendants = double(reaped_descendants().cpu_ns) * 1e-9;
    // The lab's kernel sampler is not the program (descendant_usage.h).
    const double instruments = double(instrument_cpu_ns()) * 1e-9;
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9 + tv(children.ru_utime) + tv(children.ru_stime) +
           descendants - instruments;
}

long children_maxrss_kb() {
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    return std::max<long>(children.ru_maxrss, long(reaped_descendants().maxrss_kb));
}

struct CpuTimes {
    uint64_t busy = 0, total = 0;
};

// Per-core jiffies from /proc/stat (index = CPU number).
std::vector<CpuTimes> read_proc_stat() {
    std::vector<CpuTimes> cores;
    std::ifstream stat("/proc/stat");
    std::string line;
    while (std::getline(stat, line)) {
        if (line.rfind("cpu", 0) != 0 || line.size() < 4 || line[3] < '0' || line[3] > '9') continue;
        std::istringstream in(line.substr(3));
        size_t cpu = 0;
        uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
        in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
        if (cpu >= cores.size()) cores.resize(cpu + 1);
        cores[cpu].total = user + nice + system + idle + iowait + irq + softirq + steal;
        cores[cpu].busy = cores[cpu].total - idle - iowait;
    }
    return cores;
}

// Busy CPU seconds of the whole machine so far, every core and every program, and its core count.
std::pair<double, int> machine_busy_s() {
    const std::vector<CpuTimes> cores = read_proc_stat();
    uint64_t busy = 0;
    for (const CpuTimes& c : cores)
        busy += c.busy;
    return {double(busy) / double(sysconf(_SC_CLK_TCK)), int(cores.size())};
}

// start_ns + timeout_s in nanoseconds, saturating at INT64_MAX: no timeout (0, or a NaN that
// slipped past validate) and one too long to represent both mean "never".
int64_t deadline_after(int64_t start_ns, double timeout_s) {
    if (!(timeout_s > 0)) return INT64_MAX;
    const double room_s = double(INT64_MAX - start_ns) * 1e-9;
    if (timeout_s >= room_s) return INT64_MAX;
    return start_ns + int64_t(timeout_s * 1e9);
}

// The monitor: samples core utilisation and enforces the timeout until stopped; the run's stop
// wakes it at once to run `on_cancel`. Its mutex guards only `stop_` and the wait on it: the sampling runs
// unlocked, and the loop always sleeps between samples, so stop() never waits for more than one sample.
class Monitor {
public:
    // `on_cancel` runs once, on the monitor thread, as soon as the run is stopped (the stop wakes it).
    Monitor(Recorder& recorder, std::vector<uint32_t> core_lanes, const StopSignal& stop, int64_t start_ns,
            double timeout_s, uint64_t event_budget, std::function<void()> on_cancel)
        : recorder_(recorder)
        , core_lanes_(std::move(core_lanes))
        , stop_signal_(stop)
        , on_cancel_(std::move(on_cancel))
        , deadline_ns_(deadline_after(start_ns, timeout_s))
        , event_budget_(event_budget)
        , wake_(stop, mutex_, cond_)
        , thread_([this] { loop(); }) {}
    ~Monitor() { stop(); }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        cond_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    bool timed_out() const { return timed_out_.load(); }
    bool trace_full() const { return trace_full_.load(); }

private:
    static constexpr int64_t kSampleNs = 50'000'000;
    // The event budget is looked at more often than the cores are sampled when a run nears it.
    static constexpr int64_t kMinBudgetCheckNs = 1'000'000;
    // Events per ns that no run records (bench_trace_recorder: 15-30 ns per event and thread, so
    // at most ~0.1 on 2 cores; a GIL run records one thread at a time).
    static constexpr double kFastestRecording = 0.1;

    // Sleeps until `wake_ns` (or the deadline, if sooner and still ahead); false once stop() was
    // called.
    bool sleep_until(int64_t wake_ns) {
        const int64_t now = now_ns();
        if (!timed_out_.load() && deadline_ns_ > now) wake_ns = std::min(wake_ns, deadline_ns_);
        std::unique_lock lock(mutex_);
        cond_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(0, wake_ns - now)),
                       [this] { return stop_ || (on_cancel_ && stop_signal_.requested()); });
        return !stop_;
    }

    // Stops the run once it has recorded its budget; returns when to look again. A busy run records
    // millions of events a second, so looking once a sample (50 ms) let it run far past a small
    // budget. The next look is due when the run could have used half of what is left, at the rate
    // it recorded since the last look or, if higher, kFastestRecording: a run's rate can jump
    // between two looks (its threads past their start-up), so the observed rate alone is no
    // bound. At least 1 ms, at most a sample apart: a run is stopped a millisecond or so of
    // events past its budget, and one far from it is looked at once a sample. recorded() takes no
    // lock, so a reader's long drain can't delay a look either.
    int64_t check_budget(int64_t now) {
        if (event_budget_ == 0 || trace_full_.load()) return now + kSampleNs;
        const uint64_t recorded = recorder_.recorded();
        if (recorded >= event_budget_) {
            trace_full_.store(true);
            stop_signal_.request();
            return now + kSampleNs;
        }
        const double observed =
            double(recorded - budget_seen_) / double(std::max<int64_t>(1, now - budget_seen_ns_));
        budget_seen_ = recorded;
        budget_seen_ns_ = now;
        const double half_left_ns =
            0.5 * double(event_budget_ - recorded) / std::max(observed, kFastestRecording);
        return now + int64_t(std::clamp(half_left_ns, double(kMinBudgetCheckNs), double(kSampleNs)));
    }

    void loop() {
        std::vector<CpuTimes> previous = read_proc_stat();
        int64_t next_sample_ns = now_ns() + kSampleNs;
        budget_seen_ns_ = now_ns();
        int64_t next_budget_ns = check_budget(budget_seen_ns_);
        while (sleep_until(std::min(next_sample_ns, next_budget_ns))) {
            const int64_t now = now_ns();
            if (now >= deadline_ns_ && !timed_out_.load()) {
                timed_out_.store(true);
                stop_signal_.request();
            }
            if (now >= next_budget_ns) next_budget_ns = check_budget(now);
            if (on_cancel_ && stop_signal_.requested()) {
                on_cancel_();
                on_cancel_ = nullptr;
            }
            if (now < next_sample_ns) continue;
            next_sample_ns = now + kSampleNs;
            // It allocates: not while a worker is forked (core/sync/fork_gate.h).
            const fork_gate::Observing gate;
            std::vector<CpuTimes> current = read_proc_stat();
            for (size_t cpu = 0; cpu < core_lanes_.size() && cpu < current.size() && cpu < previous.size();
                 ++cpu) {
                const uint64_t total = current[cpu].total - previous[cpu].total;
                const uint64_t busy = current[cpu].busy - previous[cpu].busy;
                if (total == 0) continue; // less than a jiffy passed: nothing to say yet
                recorder_.record(core_lanes_[cpu], EventKind::CoreUtilisation,
                                 std::min<uint64_t>(1000, busy * 1000 / total));
            }
            previous = std::move(current);
        }
    }

    Recorder& recorder_;
    std::vector<uint32_t> core_lanes_;
    const StopSignal& stop_signal_;
    std::function<void()> on_cancel_; // only the monitor thread touches it
    const int64_t deadline_ns_;
    const uint64_t event_budget_; // 0: none
    std::atomic<bool> timed_out_{false};
    std::atomic<bool> trace_full_{false};
    uint64_t budget_seen_ = 0; // recorded() at the last look at the budget (monitor thread only)
    int64_t budget_seen_ns_ = 0;
    std::mutex mutex_;
    std::condition_variable cond_;
    bool stop_ = false;
    StopSignal::Wake wake_;
    std::thread thread_; // last: starts after everything above is ready
};

// What a run stopped by its event budget says (the GUI's summary headline, the command line).
std::string trace_full_message(uint64_t budget) {
    char text[320];
    std::snprintf(
        text, sizeof text,
        "stopped after %.3g million recorded events: one run keeps at most that many (%.0f MB), and "
        "this one had filled them. Fewer tasks or iterations, or less slow motion, make a run that fits",
        double(budget) / 1e6, double(budget) * double(sizeof(Event)) / 1048576.0);
    return text;
}

// Summary::completed: not stopped, no deadlock (the events may tell of one), nothing broken or failed.
bool ran_to_the_end(const Summary& s) {
    return !s.cancelled && !s.deadlock && !s.broken && s.error.empty();
}

// Restricts the calling thread to the first `n` CPUs it may use; restores the old mask on scope exit.
class Pinning {
public:
    explicit Pinning(int n) {
        if (n <= 0 || sched_getaffinity(0, sizeof old_, &old_) != 0) return;
        cpu_set_t mask;
        CPU_ZERO(&mask);
        int picked = 0;
        for (int cpu = 0; cpu < CPU_SETSIZE && picked < n; ++cpu)
            if (CPU_ISSET(cpu, &old_)) {
                CPU_SET(cpu, &mask);
                ++picked;
            }
        active_ = sched_setaffinity(0, sizeof mask, &mask) == 0;
    }
    ~Pinning() {
        if (active_) sched_setaffinity(0, sizeof old_, &old_);
    }

private:
    cpu_set_t old_{};
    bool active_ = false;
};

} // namespace

ExperimentSpec time_scaled(const ExperimentSpec& spec) {
    ExperimentSpec s = spec;
    const double k = spec.time_scale;
    if (k == 1.0) return s;
    s.iterations = int64_t(double(spec.iterations) * k + 0.5);
    s.io_ms = spec.io_ms * k;
    s.switch_interval_ms = spec.switch_interval_ms * k;
    return s;
}

int workers_used(const ExperimentSpec& spec) {
    switch (spec.engine) {
    case EngineKind::Sequential:
        return 1;
    case EngineKind::Threads:
    case EngineKind::Processes:
        return spec.workers > 0 ? std::min(spec.workers, spec.tasks) : spec.tasks;
    case EngineKind::ThreadPool: {
        const int pool =
            spec.workers > 0 ? spec.workers : int(std::min(32u, std::thread::hardware_concurrency() + 4));
        return std::min(pool, spec.tasks);
    }
    case EngineKind::ProcessPool: {
        const int pool =
            spec.workers > 0 ? spec.workers : int(std::max(1u, std::thread::hardware_concurrency()));
        return std::min(pool, spec.tasks);
    }
    case EngineKind::Asyncio:
    case EngineKind::Python:
        return 1;
    }
    return 1;
}

Runner::Runner()
    : recorder_(std::make_unique<Recorder>())
    , output_(std::make_unique<ProgramOutput>()) {}

Runner::~Runner() {
    abandon(); // nobody can read what the run's thread would merge and sum up: don't wait for it
    if (thread_.joinable()) thread_.join();
}

bool Runner::start(const ExperimentSpec& spec, const StopSignal* follows, EventReader reader) {
    if (running_.load()) {
        error_ = "a run is already going";
        return false;
    }
    if (const auto problem = validate(spec)) {
        error_ = *problem;
        return false;
    }
    if (thread_.joinable()) thread_.join();
    error_.clear();
    summary_ = Summary{};
    trace_ = Trace{};
    recorder_ = std::make_unique<Recorder>();
    output_ = std::make_unique<ProgramOutput>();
    auto stop = std::make_shared<const StopSignal>(follows);
    {
        std::lock_guard lock(stop_mutex_);
        stop_ = stop;
    }
    finished_.store(false);
    abandoned_.store(false);
    running_.store(true);
    thread_ = std::thread([this, spec, stop, reader] { body(spec, *stop, reader); });
    return true;
}

void Runner::cancel() {
    std::lock_guard lock(stop_mutex_);
    if (stop_) stop_->request();
}

void Runner::abandon() {
    abandoned_.store(true);
    cancel();
}

const Summary& Runner::wait() {
    if (thread_.joinable()) thread_.join();
    return summary_;
}

bool Runner::running() const {
    return running_.load();
}
bool Runner::finished() const {
    return finished_.load();
}

void Runner::body(ExperimentSpec spec, const StopSignal& stop, EventReader reader) {
    Summary s;
    s.spec = spec;
    Recorder& recorder = *recorder_;
    const uint32_t main_lane =
        recorder.add_lane(LaneKind::Main, "MainThread", kNoLane, int64_t(syscall(SYS_gettid)));
    std::vector<uint32_t> core_lanes;
    const long cpus = sysconf(_SC_NPROCESSORS_CONF);
    for (long cpu = 0; cpu < std::max(1L, cpus); ++cpu)
        core_lanes.push_back(recorder.add_lane(LaneKind::Core, "core " + std::to_string(cpu), kNoLane, cpu));

    std::unique_ptr<Engine> engine = make_engine(spec.engine);
    std::unique_ptr<net::SlowServer> server;
    if (!engine) {
        s.error = "the " + std::string(to_string(spec.engine)) + " engine is not built into this program";
    } else if (spec.workload == WorkloadKind::Net) {
        server = std::make_unique<net::SlowServer>();
        std::string why;
        if (!server->start(&why)) s.error = "could not start the loopback slow server: " + why;
    }

    // Before the clock: what the engine prepares once (a cold calibration runs python3 for
    // seconds) is no part of the run.
    if (engine && s.error.empty()) {
        try {
            engine->prepare(time_scaled(spec), stop);
        } catch (const std::exception& e) {
            s.error = std::string("the engine could not prepare the run: ") + e.what();
        }
    }
    const int64_t start_ns = now_ns();
    if (s.error.empty()) {
        trace_memory::start_peak(); // the run's peak leaves the trace's own memory out
        const long children_rss_before = children_maxrss_kb();
        const double cpu_before = process_cpu_s();
        const double machine_before = machine_busy_s().first;
        RunContext ctx{recorder, stop, stop.flag(), main_lane, start_ns};
        ctx.server_port = server ? server->port() : 0;
        ctx.output = output_.get();
        // A thread blocked in a socket read cannot see the cancel flag: stopping the server closes
        // its connections, so every blocking request returns at once.
        net::SlowServer* const to_stop = server.get();
        Monitor monitor(recorder, core_lanes, stop, start_ns, spec.timeout_s, event_budget_, [to_stop] {
            if (to_stop) to_stop->stop();
        });
        {
            Pinning pin(spec.cpus);
            // The engines catch what their threads throw and join them; this keeps anything that
            // still escapes (bad_alloc while setting up a run) from ending the program.
            try {
                engine->run(time_scaled(spec), ctx, s);
            } catch (const std::exception& e) {
                s.error = std::string("the engine failed: ") + e.what();
            }
        }
        const int64_t end_ns = now_ns();
        monitor.stop();
        // A real interpreter's start-up is reported apart (Summary::interpreter_start_s).
        s.wall_s = double(end_ns - start_ns) * 1e-9 - s.interpreter_start_s;
        s.cpu_s = process_cpu_s() - cpu_before;
        // Other programs' share: the machine's busy time minus this process's and its children's.
        const auto [machine_after, machine_cpus] = machine_busy_s();
        s.other_cpu_s = std::max(0.0, machine_after - machine_before - s.cpu_s);
        s.machine_cpus = machine_cpus;
        s.peak_rss_mb = trace_memory::peak_kb() / 1024.0;
        const long children_rss = children_maxrss_kb();
        if (children_rss > children_rss_before) s.peak_rss_mb += double(children_rss) / 1024.0;
        if (monitor.timed_out() && s.error.empty() && !s.deadlock)
            s.error = "stopped after the time limit of " + std::to_string(spec.timeout_s) + " s";
        if (monitor.trace_full() && s.error.empty() && !s.deadlock)
            s.error = trace_full_message(event_budget_);
    }
    if (server) server->stop();

    // Everything the engine recorded is published now (its threads have ended). Merging and
    // summing up millions of events takes seconds (much more under a sanitizer): an owner that
    // abandoned the run does not want them, and must not wait for them (issue 19: a window closed
    // after a Stop waited more than a minute for the merge of a 27-million-event run). A caller
    // that reads the events itself (EventReader::Caller) sums them up itself: nothing to copy here.
    trace_.origin_ns = recorder.origin_ns();
    trace_.lanes = recorder.lanes();
    std::vector<Event> events;
    const bool merge = reader == EventReader::Runner;
    if (merge && !abandoned_.load()) recorder.snapshot(events);
    s.cancelled = stop.requested();
    if (merge && !abandoned_.load() && sort_by_time(events, &abandoned_)) {
        trace_.append(std::move(events)); // sorted already: a scan, then a move
        if (!abandoned_.load()) summarize_trace(trace_, std::max(trace_.end_ns(), start_ns), s);
    }
    s.completed = ran_to_the_end(s);
    std::vector<Event>().swap(events); // an abandoned merge's events go now, not with the Runner
    summary_ = std::move(s);
    {
        // The run is over: its stop signal (an eventfd) goes with it; only this thread's copy is
        // left, and it ends with the thread.
        std::lock_guard lock(stop_mutex_);
        stop_.reset();
    }
    running_.store(false);
    finished_.store(true);
}

Summary Runner::run(const ExperimentSpec& spec, Trace* trace_out, const StopSignal* stop) {
    Runner runner;
    if (!runner.start(spec, stop)) {
        Summary s;
        s.spec = spec;
        s.error = runner.error();
        return s;
    }
    Summary s = runner.wait(); // the run's stop follows `stop`: nothing to watch from here
    if (trace_out) *trace_out = runner.trace();
    return s;
}

void Runner::sum_up_events(const Trace& trace, int64_t end_ns, Summary& s) {
    summarize_trace(trace, end_ns, s);
    s.completed = ran_to_the_end(s);
}

Summary Runner::run_with_baseline(const ExperimentSpec& spec, Trace* trace_out, const StopSignal* stop) {
    Summary s = run(spec, trace_out, stop);
    if (!s.completed || (stop && stop->requested())) return s;
    const Summary base = run(sequential_baseline(spec), nullptr, stop);
    if (!base.completed || s.wall_s <= 0) return s;
    s.baseline_wall_s = base.wall_s;
    s.speedup = base.wall_s / s.wall_s;
    s.efficiency = s.speedup / std::max(1, workers_used(spec));
    return s;
}

} // namespace clab
