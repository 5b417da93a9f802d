#include "run_stats.h"

#include "core_sampler.h"

#include <algorithm>

namespace clab::proc {

RunStats::RunStats(Recorder& recorder)
    : recorder_(recorder) {}

RunStats::~RunStats() = default; // stops the core sampler

void RunStats::watch_process(uint32_t lane, pid_t pid) {
    std::lock_guard lock(mutex_);
    if (!cores_) cores_ = std::make_unique<CoreSampler>(recorder_);
    cores_->watch(pid, lane);
}

uint32_t RunStats::add_worker_lane(std::string name, uint32_t parent) {
    const uint32_t lane = recorder_.add_lane(LaneKind::Process, name, parent);
    std::lock_guard lock(mutex_);
    auto& track = lanes_[lane];
    track.name = std::move(name);
    track.worker = true;
    worker_order_.push_back(lane);
    return lane;
}

void RunStats::rename(uint32_t lane, std::string name) {
    recorder_.rename_lane(lane, name);
    std::lock_guard lock(mutex_);
    lanes_[lane].name = std::move(name);
}

void RunStats::record(uint32_t lane, EventKind kind, uint64_t arg) {
    record_at(now_ns(), lane, kind, arg);
}

void RunStats::record_at(int64_t t_ns, uint32_t lane, EventKind kind, uint64_t arg) {
    Event e;
    e.t_ns = t_ns;
    e.lane = lane;
    e.kind = kind;
    // A process being started is on no core yet: the parent's core is not the child's (segments.h:
    // its start-up is shown on a core once the child or the kernel sampler says which).
    e.cpu = kind == EventKind::ProcessStartBegin ? uint16_t(0xFFFF) : current_cpu();
    e.arg = arg;
    recorder_.record_event(e);
    std::lock_guard lock(mutex_);
    track(lanes_[lane], e);
}

void RunStats::ingest(uint32_t lane, std::vector<Event>& events) {
    std::lock_guard lock(mutex_);
    auto& tracked = lanes_[lane];
    for (Event& e : events) {
        e.lane = lane;
        recorder_.record_event(e);
        track(tracked, e);
    }
}

void RunStats::add_ipc_bytes(uint64_t bytes) {
    std::lock_guard lock(mutex_);
    ipc_bytes_ += bytes;
}

void RunStats::track(LaneTrack& lane, const Event& e) {
    auto close = [&](int64_t& since) -> int64_t {
        const int64_t d = since >= 0 ? e.t_ns - since : 0;
        since = -1;
        return std::max<int64_t>(d, 0);
    };
    switch (e.kind) {
    case EventKind::ProcessStartBegin:
        lane.start_begin = e.t_ns;
        break;
    case EventKind::ProcessStartEnd:
        if (lane.start_begin >= 0) start_durations_s_.push_back(double(close(lane.start_begin)) * 1e-9);
        break;
    case EventKind::SerializeBegin:
        lane.serialize_begin = e.t_ns;
        break;
    case EventKind::SerializeEnd:
        serialize_ns_ += close(lane.serialize_begin);
        break;
    case EventKind::DeserializeBegin:
        lane.deserialize_begin = e.t_ns;
        break;
    case EventKind::DeserializeEnd:
        serialize_ns_ += close(lane.deserialize_begin);
        break;
    case EventKind::Running:
        if (lane.running_since < 0) lane.running_since = e.t_ns;
        break;
    case EventKind::IoBegin:
        lane.busy_s += double(close(lane.running_since)) * 1e-9;
        lane.io_begin = e.t_ns;
        break;
    case EventKind::IoEnd:
        lane.blocked_s += double(close(lane.io_begin)) * 1e-9;
        break;
    case EventKind::TaskEnd:
        lane.busy_s += double(close(lane.running_since)) * 1e-9;
        ++lane.tasks_done;
        break;
    default:
        break;
    }
}

std::vector<double> RunStats::start_durations_s() const {
    std::lock_guard lock(mutex_);
    return start_durations_s_;
}

uint64_t RunStats::ipc_bytes() const {
    std::lock_guard lock(mutex_);
    return ipc_bytes_;
}

double RunStats::serialize_s() const {
    std::lock_guard lock(mutex_);
    return double(serialize_ns_) * 1e-9;
}

void RunStats::fill(Summary& summary) const {
    std::lock_guard lock(mutex_);
    if (cores_) {
        cores_->stop(); // its last changes are in the recorder before the run is summed up
        summary.sample_hz = cores_->hz();
    }
    std::vector<double> starts = start_durations_s_;
    if (!starts.empty()) {
        std::nth_element(starts.begin(), starts.begin() + std::ptrdiff_t(starts.size() / 2), starts.end());
        summary.process_start_s = starts[starts.size() / 2];
    }
    summary.ipc_bytes = ipc_bytes_;
    summary.serialize_s = double(serialize_ns_) * 1e-9;
    for (const uint32_t lane : worker_order_) {
        const LaneTrack& t = lanes_.at(lane);
        WorkerStats w;
        w.lane = lane;
        w.name = t.name;
        w.busy_s = t.busy_s;
        w.blocked_s = t.blocked_s;
        w.tasks_done = t.tasks_done;
        summary.workers.push_back(std::move(w));
    }
}

} // namespace clab::proc
