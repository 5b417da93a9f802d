#include "summary.h"

#include "core/trace/segments.h"
#include "core/trace/trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace clab {

namespace {

// A tiny JSON writer: enough for one flat object with a nested spec and a worker list.
class Json {
public:
    void open(char c) {
        comma();
        out_ += c;
        first_ = true;
    }
    void close(char c) {
        out_ += c;
        first_ = false;
    }
    void key(std::string_view k) {
        comma();
        string(k);
        out_ += ':';
        first_ = true; // the value follows without a comma
    }
    void value(std::string_view v) {
        comma();
        string(v);
    }
    void value(bool v) {
        comma();
        out_ += v ? "true" : "false";
    }
    void value(double v) {
        comma();
        if (!std::isfinite(v)) {
            out_ += "null";
            return;
        }
        char buf[40];
        snprintf(buf, sizeof buf, "%.9g", v);
        out_ += buf;
    }
    void value(int64_t v) {
        comma();
        out_ += std::to_string(v);
    }
    void value(uint64_t v) {
        comma();
        out_ += std::to_string(v);
    }
    void value(int v) { value(int64_t(v)); }
    void value(uint32_t v) { value(uint64_t(v)); }
    template <typename T> void field(std::string_view k, const T& v) {
        key(k);
        value(v);
    }
    std::string take() { return std::move(out_); }

private:
    void comma() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    void string(std::string_view s) {
        out_ += '"';
        for (const char c : s) {
            switch (c) {
            case '"':
                out_ += "\\\"";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\t':
                out_ += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    snprintf(buf, sizeof buf, "\\u%04x", c);
                    out_ += buf;
                } else {
                    out_ += c;
                }
            }
        }
        out_ += '"';
    }
    std::string out_;
    bool first_ = true;
};

void write_spec(Json& j, const ExperimentSpec& s) {
    j.field("engine", to_string(s.engine));
    j.field("workload", to_string(s.workload));
    j.field("tasks", s.tasks);
    j.field("workers", s.workers);
    j.field("iterations", s.iterations);
    j.field("io_ms", s.io_ms);
    j.field("io_count", s.io_count);
    j.field("switch_interval_ms", s.switch_interval_ms);
    j.field("gil", to_string(s.gil));
    j.field("update", to_string(s.update));
    j.field("lock", s.lock);
    j.field("lock_order", std::string_view(s.lock_order_fixed ? "fixed" : "opposite"));
    j.field("start_method", to_string(s.start_method));
    j.field("chunksize", s.chunksize);
    j.field("payload_bytes", s.payload_bytes);
    j.field("concurrency", s.concurrency);
    j.field("cpu_percent", s.cpu_percent);
    j.field("cpus", s.cpus);
    j.field("blocker", to_string(s.blocker));
    j.field("offload", to_string(s.offload));
    j.field("debug", s.debug);
    j.field("time_scale", s.time_scale);
    j.field("timeout_s", s.timeout_s);
    if (s.engine == EngineKind::Python) {
        j.field("script", std::string_view(s.script));
        j.field("python", std::string_view(s.python));
        j.field("max_processes", s.max_processes);
    }
}

double median(std::vector<int64_t> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return double(v[v.size() / 2]);
}

} // namespace

std::string to_json(const ExperimentSpec& spec) {
    Json j;
    j.open('{');
    write_spec(j, spec);
    j.close('}');
    return j.take();
}

bool machine_was_busy(const Summary& s) {
    constexpr double kMinRunS = 0.2;       // shorter runs span too few of /proc/stat's 10 ms ticks
    constexpr double kNotableShare = 0.25; // of all the machine's cores
    return s.machine_cpus > 0 && s.wall_s >= kMinRunS &&
           s.other_cpu_s >= kNotableShare * s.machine_cpus * s.wall_s;
}

std::string to_json(const Summary& s) {
    Json j;
    j.open('{');
    // The spec's main fields first, flat (engine, workload, tasks, workers), then the whole spec.
    j.field("engine", to_string(s.spec.engine));
    j.field("workload", to_string(s.spec.workload));
    j.field("tasks", s.spec.tasks);
    j.field("workers", s.spec.workers);
    j.field("completed", s.completed);
    j.field("cancelled", s.cancelled);
    j.field("error", std::string_view(s.error));
    j.field("wall_s", s.wall_s);
    j.field("cpu_s", s.cpu_s);
    j.field("events", s.events);
    j.field("peak_rss_mb", s.peak_rss_mb);
    j.field("gil_switches", s.gil_switches);
    j.field("forced_switches", s.forced_switches);
    j.field("gil_wait_s", s.gil_wait_s);
    j.field("median_gil_slice_ms", s.median_gil_slice_ms);
    j.field("lost_updates", s.lost_updates);
    j.field("counter_expected", s.counter_expected);
    j.field("counter_value", s.counter_value);
    j.field("deadlock", s.deadlock);
    j.field("io_latency_median_ms", s.io_latency_median_ms);
    j.field("io_latency_max_ms", s.io_latency_max_ms);
    j.field("process_start_s", s.process_start_s);
    j.field("ipc_bytes", s.ipc_bytes);
    j.field("serialize_s", s.serialize_s);
    j.field("broken", s.broken);
    j.field("loop_iterations", s.loop_iterations);
    j.field("task_switches", s.task_switches);
    j.field("max_loop_lag_s", s.max_loop_lag_s);
    j.field("slow_callbacks", s.slow_callbacks);
    j.field("baseline_wall_s", s.baseline_wall_s);
    j.field("speedup", s.speedup);
    j.field("efficiency", s.efficiency);
    if (s.spec.engine == EngineKind::Python) {
        j.field("python_version", std::string_view(s.python_version));
        j.field("exit_code", s.exit_code);
        j.field("stdout", std::string_view(s.program_stdout));
        j.field("stderr", std::string_view(s.program_stderr));
        j.field("sample_hz", s.sample_hz);
        j.field("interpreter_start_s", s.interpreter_start_s);
        j.key("notes");
        j.open('[');
        for (const std::string& note : s.notes)
            j.value(std::string_view(note));
        j.close(']');
        j.key("waited_objects");
        j.open('[');
        for (const std::string& name : s.waited_objects)
            j.value(std::string_view(name));
        j.close(']');
    }
    j.field("other_cpu_s", s.other_cpu_s);
    j.field("machine_cpus", s.machine_cpus);
    j.key("spec");
    j.open('{');
    write_spec(j, s.spec);
    j.close('}');
    j.key("worker_stats");
    j.open('[');
    for (const WorkerStats& w : s.workers) {
        j.open('{');
        j.field("lane", w.lane);
        j.field("name", std::string_view(w.name));
        j.field("busy_s", w.busy_s);
        j.field("gil_wait_s", w.gil_wait_s);
        j.field("blocked_s", w.blocked_s);
        j.field("lock_wait_s", w.lock_wait_s);
        j.field("tasks_done", w.tasks_done);
        j.close('}');
    }
    j.close(']');
    j.close('}');
    return j.take();
}

void summarize_trace(const Trace& trace, int64_t end_ns, Summary& summary) {
    summary.events = trace.events.size();

    // Per-worker time in each state, from the same segments the timeline draws.
    if (summary.workers.empty()) {
        const SegmentSet segments = build_segments(trace, end_ns);
        std::map<uint32_t, int> tasks_done;
        for (const Event& e : trace.events)
            if (e.kind == EventKind::TaskEnd) ++tasks_done[e.lane];
        for (const LaneInfo& lane : trace.lanes) {
            if (lane.kind != LaneKind::Main && lane.kind != LaneKind::Thread &&
                lane.kind != LaneKind::Process)
                continue;
            WorkerStats w;
            w.lane = lane.id;
            w.name = lane.name;
            if (lane.id < segments.by_lane.size()) {
                for (const Segment& seg : segments.by_lane[lane.id]) {
                    const double s = double(seg.end_ns - seg.start_ns) * 1e-9;
                    switch (seg.state) {
                    case SegState::Running:
                    case SegState::RunningFree:
                        w.busy_s += s;
                        break;
                    case SegState::GilWait:
                    case SegState::ForcedWait:
                        w.gil_wait_s += s;
                        break;
                    case SegState::BlockedIo:
                    case SegState::Joining:
                        w.blocked_s += s;
                        break;
                    case SegState::LockWait:
                    case SegState::Deadlocked:
                        w.lock_wait_s += s;
                        break;
                    default:
                        break;
                    }
                }
            }
            w.tasks_done = tasks_done[lane.id];
            summary.workers.push_back(std::move(w));
        }
    }
    double gil_wait = 0;
    for (const WorkerStats& w : summary.workers)
        gil_wait += w.gil_wait_s;
    if (summary.gil_wait_s == 0) summary.gil_wait_s = gil_wait;

    // GIL slices: how long each hold lasted. The median is taken over the holds that ended on a
    // drop request (the slices the switch interval governs); without any, over every hold.
    std::map<uint32_t, int64_t> held_since;
    std::vector<int64_t> forced_slices, all_slices;
    for (const Event& e : trace.events) {
        if (e.kind == EventKind::GilAcquired) {
            held_since[e.lane] = e.t_ns;
        } else if (e.kind == EventKind::GilRelease) {
            const auto it = held_since.find(e.lane);
            if (it == held_since.end()) continue;
            const int64_t held = e.t_ns - it->second;
            held_since.erase(it);
            all_slices.push_back(held);
            if (GilReleaseReason(e.arg & ~kSampledBit) == GilReleaseReason::Interval)
                forced_slices.push_back(held);
        } else if (e.kind == EventKind::DeadlockDetected) {
            summary.deadlock = true;
        }
    }
    const double slice_ns = median(forced_slices.empty() ? all_slices : forced_slices);
    summary.median_gil_slice_ms = slice_ns / 1e6;
}

} // namespace clab
