#include "program_trace.h"

#include "core/experiment/spec.h"

#include <algorithm>

namespace clab::py {

namespace {

constexpr int64_t kSlowCallbackNs = 100'000'000; // asyncio's slow_callback_duration

std::string pid_suffix(pid_t pid) {
    return " (pid " + std::to_string(pid) + ")";
}

StartMethod start_method_of(uint8_t origin) {
    switch (Origin(origin)) {
    case Origin::Spawn:
        return StartMethod::Spawn;
    case Origin::Forkserver:
        return StartMethod::Forkserver;
    default:
        return StartMethod::Fork;
    }
}

IoKind io_kind_of(SampledState s) {
    return s == SampledState::Sleep ? IoKind::Sleep : IoKind::Pipe;
}

} // namespace

ProgramTrace::ProgramTrace(Recorder& recorder, uint32_t main_lane, sample::ThreadSampler* sampler,
                           uint64_t max_records)
    : recorder_(recorder)
    , main_lane_(main_lane)
    , sampler_(sampler)
    , max_records_(max_records) {}

void ProgramTrace::record(int64_t t, uint32_t lane, EventKind kind, uint64_t arg, uint16_t cpu) {
    Event e;
    e.t_ns = t;
    e.lane = lane;
    e.kind = kind;
    e.cpu = cpu;
    e.arg = arg;
    recorder_.record_event(e);
}

ProgramTrace::Process* ProgramTrace::process_of_stream(int stream) {
    const auto s = stream_pid_.find(stream);
    if (s == stream_pid_.end()) return nullptr;
    const auto p = processes_.find(s->second);
    return p == processes_.end() ? nullptr : &p->second;
}

ProgramTrace::Thread* ProgramTrace::thread_for(const Process& p, uint32_t tid) {
    const auto it = threads_.find(tid);
    if (it == threads_.end() || it->second.pid != p.pid) return nullptr;
    return &it->second;
}

uint32_t ProgramTrace::object_index(pid_t pid, uint64_t key) {
    const auto [it, added] = object_ids_.emplace(std::make_pair(pid, key), uint32_t(stats_.objects.size()));
    if (added) stats_.objects.push_back("object" + pid_suffix(pid));
    return it->second;
}

void ProgramTrace::note(const std::string& text) {
    std::lock_guard lock(mutex_);
    add_note(text);
}

void ProgramTrace::add_note(const std::string& text) {
    if (stats_.notes.size() >= 100) return;
    stats_.notes.push_back(text);
    record(now_ns(), main_lane_, EventKind::TracerNote, stats_.notes.size() - 1);
}

void ProgramTrace::hello(int stream, const Record& r) {
    const Hello h = parse_hello(r);
    stream_pid_[stream] = h.pid;
    Process& p = processes_[h.pid];
    p.pid = h.pid;
    p.main_tid = h.main_tid;
    p.origin = h.origin;
    p.gil = h.gil;
    stats_.pids.push_back(h.pid);
    if (h.origin == Origin::Main) {
        p.lane = main_lane_;
        if (stats_.first_record_ns == 0) stats_.first_record_ns = r.t_ns;
        stats_.python_version = h.version;
        stats_.gil = h.gil;
        recorder_.rename_lane(main_lane_, "MainThread" + pid_suffix(h.pid));
        if (!h.gil) add_note("this interpreter runs without a GIL (free-threaded build): no GIL lane");
    } else {
        const auto parent = processes_.find(h.ppid);
        const uint32_t parent_lane = parent != processes_.end() ? parent->second.lane : main_lane_;
        const std::string name = h.origin == Origin::Helper ? "helper" : "Process";
        p.lane = recorder_.add_lane(LaneKind::Process, name + pid_suffix(h.pid), parent_lane, h.pid);
    }
    record(r.t_ns, p.lane, EventKind::WorkerStart, uint64_t(h.origin));
    Thread& main = threads_[h.main_tid];
    main = Thread{};
    main.lane = p.lane;
    main.pid = h.pid;
    main.start = main.drawn_from = r.t_ns;
    if (sampler_) {
        if (h.flusher_tid) sampler_->ignore_thread(pid_t(h.flusher_tid));
        if (!h.gil) sampler_->no_gil(h.pid);
        sampler_->watch(h.pid);
    }
    if (const auto s = spawns_.find(h.pid); s != spawns_.end()) {
        p.spawn_begin = s->second.begin;
        p.spawn_method = s->second.method;
    }
    show_start(p);
}

// Start-up is drawn once both ends are known: the parent's Process.start and the child's target.
void ProgramTrace::show_start(Process& p) {
    if (p.start_shown || p.spawn_begin < 0 || p.run_at < 0) return;
    p.start_shown = true;
    const auto method = uint64_t(start_method_of(p.spawn_method));
    record(p.spawn_begin, p.lane, EventKind::ProcessStartBegin, method);
    record(p.run_at, p.lane, EventKind::ProcessStartEnd, method);
}

void ProgramTrace::on_record(int stream, const Record& r) {
    std::lock_guard lock(mutex_);
    if (++stats_.records > max_records_) {
        if (stats_.records_dropped++ == 0)
            add_note("more than " + std::to_string(max_records_) +
                     " tracer records: the rest of the run is not drawn");
        return;
    }
    if (r.kind == RecordKind::Hello) {
        hello(stream, r);
        return;
    }
    Process* pp = process_of_stream(stream);
    if (!pp) return; // a stream must say hello first
    Process& p = *pp;
    switch (r.kind) {
    case RecordKind::ThreadStart: {
        if (r.tid == p.main_tid) break;
        Thread& t = threads_[r.tid];
        t = Thread{};
        t.pid = p.pid;
        t.start = t.drawn_from = r.t_ns;
        t.lane = recorder_.add_lane(LaneKind::Thread, std::string(r.text(0)), p.lane, r.tid);
        record(r.t_ns, t.lane, EventKind::WorkerStart);
        break;
    }
    case RecordKind::ThreadEnd: {
        Thread* t = thread_for(p, r.tid);
        if (!t || r.tid == p.main_tid) break;
        t->end = r.t_ns;
        recorder_.rename_lane(t->lane, std::string(r.text(0)));
        record(r.t_ns, t->lane, EventKind::WorkerExit);
        break;
    }
    case RecordKind::Object: {
        const uint32_t index = object_index(p.pid, r.u64(0));
        stats_.objects[index] = std::string(r.text(9)) + pid_suffix(p.pid);
        break;
    }
    case RecordKind::WaitBegin: {
        Thread* t = thread_for(p, r.tid);
        if (!t) break;
        const uint32_t index = object_index(p.pid, r.u64(0));
        t->waits.emplace_back(r.t_ns, INT64_MAX);
        record(r.t_ns, t->lane, EventKind::LockWaitBegin, index);
        break;
    }
    case RecordKind::WaitEnd: {
        Thread* t = thread_for(p, r.tid);
        if (!t) break;
        if (!t->waits.empty() && t->waits.back().second == INT64_MAX) t->waits.back().second = r.t_ns;
        record(r.t_ns, t->lane, EventKind::LockAcquired, object_index(p.pid, r.u64(0)));
        break;
    }
    case RecordKind::BlockBegin: {
        Thread* t = thread_for(p, r.tid);
        if (!t) break;
        t->waits.emplace_back(r.t_ns, INT64_MAX);
        const auto kind = BlockKind(r.u8(0)) == BlockKind::Sleep ? IoKind::Sleep : IoKind::Pipe;
        record(r.t_ns, t->lane, EventKind::IoBegin, uint64_t(kind));
        break;
    }
    case RecordKind::BlockEnd: {
        Thread* t = thread_for(p, r.tid);
        if (!t || t->waits.empty() || t->waits.back().second != INT64_MAX) break;
        t->waits.back().second = r.t_ns;
        record(r.t_ns, t->lane, EventKind::IoEnd, uint64_t(r.t_ns - t->waits.back().first));
        break;
    }
    case RecordKind::SpawnBegin:
        starting_[r.tid] = Spawn{r.t_ns, r.u8(0)};
        break;
    case RecordKind::SpawnEnd: {
        const auto s = starting_.find(r.tid);
        const pid_t child = r.i32(0);
        if (s == starting_.end() || child <= 0) break;
        spawns_[child] = s->second;
        starting_.erase(s);
        if (const auto c = processes_.find(child); c != processes_.end()) {
            c->second.spawn_begin = spawns_[child].begin;
            c->second.spawn_method = spawns_[child].method;
            show_start(c->second);
        }
        break;
    }
    case RecordKind::ProcRun:
        // Until its target runs, a child process is drawn starting up (show_start), whatever the
        // sampler saw meanwhile.
        if (Thread* t = thread_for(p, p.main_tid); t && p.origin != Origin::Main)
            t->drawn_from = std::max(t->drawn_from, r.t_ns);
        if (p.origin != Origin::Main)
            recorder_.rename_lane(p.lane, std::string(r.text(0)) + pid_suffix(p.pid));
        p.run_at = r.t_ns;
        show_start(p);
        break;
    case RecordKind::ProcExit:
        if (p.exited) break;
        p.exited = true;
        if (p.origin != Origin::Main)
            record(r.t_ns, p.lane, EventKind::WorkerExit, uint64_t(int64_t(r.i32(0))));
        if (Thread* t = thread_for(p, p.main_tid)) t->end = r.t_ns;
        break;
    case RecordKind::TaskNew: {
        const auto key = std::make_pair(p.pid, r.u64(0));
        const std::string name(r.text(8));
        if (const auto it = tasks_.find(key); it != tasks_.end()) {
            recorder_.rename_lane(it->second, name);
        } else {
            const Thread* t = thread_for(p, r.tid);
            tasks_[key] = recorder_.add_lane(LaneKind::Task, name, t ? t->lane : p.lane, 0);
        }
        break;
    }
    case RecordKind::StepBegin: {
        const auto it = tasks_.find({p.pid, r.u64(0)});
        if (it == tasks_.end()) break;
        ++stats_.task_switches;
        step_begin_[it->second] = r.t_ns;
        // The loop lag: the step was ready at the latest when its iteration's select returned
        // (CPython runs what is ready then, in order), so it waited at least this long.
        if (const auto loop = loop_of_thread_.find(r.tid); loop != loop_of_thread_.end())
            if (const auto end = last_select_end_.find(loop->second); end != last_select_end_.end())
                note_callback_lag(r.t_ns, loop->second, r.t_ns - end->second);
        record(r.t_ns, it->second, EventKind::TaskStepBegin);
        break;
    }
    case RecordKind::StepEnd: {
        const auto it = tasks_.find({p.pid, r.u64(0)});
        if (it == tasks_.end()) break;
        record(r.t_ns, it->second, EventKind::TaskStepEnd, r.u8(8));
        const auto b = step_begin_.find(it->second);
        if (b != step_begin_.end() && r.t_ns - b->second >= kSlowCallbackNs) {
            ++stats_.slow_callbacks;
            record(r.t_ns, it->second, EventKind::SlowCallback, uint64_t(r.t_ns - b->second));
        }
        break;
    }
    case RecordKind::LoopNew: {
        const Thread* t = thread_for(p, r.tid);
        loops_[{p.pid, r.u64(0)}] =
            recorder_.add_lane(LaneKind::Loop, "event loop" + pid_suffix(p.pid), t ? t->lane : p.lane, r.tid);
        loop_of_thread_[r.tid] = loops_[{p.pid, r.u64(0)}];
        break;
    }
    case RecordKind::SelectBegin: {
        const auto it = loops_.find({p.pid, r.u64(0)});
        if (it == loops_.end()) break;
        ++stats_.loop_iterations;
        const int64_t timeout = r.i64(8);
        record(r.t_ns, it->second, EventKind::LoopIteration, uint64_t(r.u32(16)) << 32 | r.u32(20));
        record(r.t_ns, it->second, EventKind::SelectBegin, timeout < 0 ? UINT64_MAX : uint64_t(timeout));
        break;
    }
    case RecordKind::SelectEnd: {
        const auto it = loops_.find({p.pid, r.u64(0)});
        if (it == loops_.end()) break;
        last_select_end_[it->second] = r.t_ns;
        record(r.t_ns, it->second, EventKind::SelectEnd, r.u32(8));
        // The earliest timer was due this long ago: its callback runs later still.
        note_callback_lag(r.t_ns, it->second, r.i64(12));
        break;
    }
    case RecordKind::Note:
        add_note(std::string(r.text(0)) + pid_suffix(p.pid));
        break;
    default:
        break;
    }
}

void ProgramTrace::note_callback_lag(int64_t t, uint32_t loop_lane, int64_t lag_ns) {
    if (lag_ns <= 0) return;
    stats_.max_loop_lag_s = std::max(stats_.max_loop_lag_s, double(lag_ns) * 1e-9);
    record(t, loop_lane, EventKind::CallbackLag, uint64_t(lag_ns));
}

void ProgramTrace::on_samples(std::vector<sample::ThreadChange> changes) {
    std::lock_guard lock(mutex_);
    samples_.insert(samples_.end(), changes.begin(), changes.end());
}

void ProgramTrace::apply_samples(int64_t until_ns) {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    while (n < samples_.size() && samples_[n].t_ns <= until_ns)
        apply(samples_[n++]);
    samples_.erase(samples_.begin(), samples_.begin() + long(n));
    // A thread sampled before it is drawn (a new process's interpreter starting, a thread before
    // its run()) and unchanged since: what it did then, it does from then on.
    for (auto& [tid, t] : threads_)
        if (t.has_early && t.drawn_from <= until_ns) {
            sample::ThreadChange c = t.early;
            c.t_ns = t.drawn_from;
            t.has_early = false;
            apply(c);
        }
}

bool ProgramTrace::gil_shared(const Process& p, int64_t t) const {
    if (!p.gil) return false;
    int alive = 0;
    for (const auto& [tid, th] : threads_)
        if (th.pid == p.pid && th.start <= t && t < th.end && ++alive > 1) return true;
    return false;
}

void ProgramTrace::apply(const sample::ThreadChange& c) {
    const auto it = threads_.find(uint32_t(c.tid));
    if (it == threads_.end() || c.gone) return;
    Thread& t = it->second;
    if (c.t_ns >= t.end) return;
    if (c.t_ns < t.drawn_from) { // kept for when the thread is drawn (apply_samples)
        t.early = c;
        t.has_early = true;
        return;
    }
    t.has_early = false;
    // Inside a recorded wait the tracer already says what the thread does.
    for (auto w = t.waits.rbegin(); w != t.waits.rend(); ++w)
        if (w->first <= c.t_ns && c.t_ns < w->second) return;
    const auto pit = processes_.find(t.pid);
    if (pit == processes_.end()) return;
    Process& p = pit->second;
    const uint64_t S = kSampledBit;

    if (t.has_state && c.state == t.state) {
        if (c.state == SampledState::OnCpu && c.cpu != t.cpu) {
            t.cpu = c.cpu;
            record(c.t_ns, t.lane, EventKind::CpuMigrated, S, c.cpu);
        }
        return;
    }
    // Leave the old state.
    if (t.pushed) {
        record(c.t_ns, t.lane,
               t.state == SampledState::LockWait || t.state == SampledState::GilWait ? EventKind::LockAcquired
                                                                                     : EventKind::IoEnd,
               S);
        t.pushed = false;
    } else if (t.holds_gil) {
        const auto reason =
            c.state == SampledState::GilWait ? GilReleaseReason::Interval : GilReleaseReason::Io;
        record(c.t_ns, t.lane, EventKind::GilRelease, S | uint64_t(reason));
        t.holds_gil = false;
    }
    t.has_state = true;
    t.state = c.state;
    t.cpu = c.cpu;
    const bool shared = gil_shared(p, c.t_ns);
    switch (c.state) {
    case SampledState::OnCpu:
        if (shared) {
            record(c.t_ns, t.lane, EventKind::GilAcquired, S, c.cpu);
            t.holds_gil = true;
            if (p.last_holder != 0 && p.last_holder != uint32_t(c.tid)) ++stats_.gil_switches;
            p.last_holder = uint32_t(c.tid);
        } else {
            record(c.t_ns, t.lane, EventKind::Running, S, c.cpu);
        }
        break;
    case SampledState::GilWait:
        if (shared) {
            record(c.t_ns, t.lane, EventKind::GilWaitBegin, S);
        } else { // alone in its process: a timed wait on something else
            record(c.t_ns, t.lane, EventKind::LockWaitBegin, S);
            t.pushed = true;
        }
        break;
    case SampledState::LockWait:
        record(c.t_ns, t.lane, EventKind::LockWaitBegin, S);
        t.pushed = true;
        break;
    case SampledState::Sleep:
    case SampledState::Io:
    case SampledState::Other:
        record(c.t_ns, t.lane, EventKind::IoBegin, S | uint64_t(io_kind_of(c.state)));
        t.pushed = true;
        break;
    }
}

void ProgramTrace::program_exit(int64_t t_ns, int status) {
    std::lock_guard lock(mutex_);
    record(t_ns, main_lane_, EventKind::ProgramExit, uint64_t(int64_t(status)));
    record(t_ns, main_lane_, EventKind::WorkerExit, uint64_t(int64_t(status)));
}

ProgramStats ProgramTrace::stats() const {
    std::lock_guard lock(mutex_);
    ProgramStats s = stats_;
    std::vector<double> starts;
    for (const auto& [pid, p] : processes_)
        if (p.start_shown) starts.push_back(double(p.run_at - p.spawn_begin) * 1e-9);
    if (!starts.empty()) {
        std::nth_element(starts.begin(), starts.begin() + long(starts.size() / 2), starts.end());
        s.process_start_s = starts[starts.size() / 2];
    }
    return s;
}

size_t ProgramTrace::processes() const {
    std::lock_guard lock(mutex_);
    return processes_.size();
}

} // namespace clab::py
