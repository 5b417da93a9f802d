#include "replay_cursor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace clab::classroom {

ReplayCursor::ReplayCursor(std::shared_ptr<const Trace> trace)
    : trace_(std::move(trace)) {
    if (!trace_) trace_ = std::make_shared<const Trace>();
    const auto& events = trace_->events;
    start_ns_ = events.empty() ? trace_->origin_ns : std::min(trace_->origin_ns, events.front().t_ns);
    end_ns_ = std::max(start_ns_, trace_->end_ns());
    segments_ = build_segments(*trace_, end_ns_);
    time_ns_ = start_ns_;
}

const Event* ReplayCursor::current_event() const {
    return position_ == 0 ? nullptr : &trace_->events[position_ - 1];
}

void ReplayCursor::seek_seconds(double t_s) {
    const double first = double(start_ns_ - trace_->origin_ns) * 1e-9;
    const double last = double(end_ns_ - trace_->origin_ns) * 1e-9;
    if (!(t_s > first)) return seek(start_ns_); // also NaN
    if (t_s >= last) return seek(end_ns_);
    seek(trace_->origin_ns + int64_t(std::llround(t_s * 1e9)));
}

void ReplayCursor::seek(int64_t t_ns) {
    time_ns_ = std::clamp(t_ns, start_ns_, end_ns_);
    if (t_ns <= start_ns_) { // the very beginning: nothing has happened yet
        position_ = 0;
        return;
    }
    const auto& events = trace_->events;
    const auto it = std::upper_bound(events.begin(), events.end(), time_ns_,
                                     [](int64_t t, const Event& e) { return t < e.t_ns; });
    position_ = size_t(it - events.begin());
}

bool ReplayCursor::step_forward(uint32_t lane) {
    const auto& events = trace_->events;
    size_t next = position_;
    while (next < events.size() && lane != kNoLane && events[next].lane != lane)
        ++next;
    if (next >= events.size()) return false;
    position_ = next + 1;
    time_ns_ = events[next].t_ns;
    return true;
}

bool ReplayCursor::step_backward(uint32_t lane) {
    if (position_ == 0) return false;
    const auto& events = trace_->events;
    // The current event is position_-1; step back to the one before it (on `lane`).
    size_t previous = position_ - 1;
    while (previous > 0) {
        --previous;
        if (lane == kNoLane || events[previous].lane == lane) {
            position_ = previous + 1;
            time_ns_ = events[previous].t_ns;
            return true;
        }
    }
    position_ = 0;
    time_ns_ = start_ns_;
    return true;
}

std::optional<Segment> ReplayCursor::lane_segment(uint32_t lane) const {
    if (lane >= segments_.by_lane.size() || position_ == 0) return std::nullopt;
    const auto& segs = segments_.by_lane[lane];
    // Segments are in start order and do not overlap: the last one starting at or before the
    // cursor is the only candidate.
    auto it = std::upper_bound(segs.begin(), segs.end(), time_ns_,
                               [](int64_t t, const Segment& s) { return t < s.start_ns; });
    if (it == segs.begin()) return std::nullopt;
    --it;
    // At the very end of the run, the closing segments still count (end is inclusive there).
    if (time_ns_ < it->end_ns || (time_ns_ == end_ns_ && it->end_ns == end_ns_)) return *it;
    return std::nullopt;
}

SegState ReplayCursor::lane_state(uint32_t lane) const {
    const auto seg = lane_segment(lane);
    return seg ? seg->state : SegState::Count;
}

std::vector<uint32_t> ReplayCursor::gil_holders() const {
    std::vector<uint32_t> holders;
    for (uint32_t lane = 0; lane < segments_.by_lane.size(); ++lane)
        if (lane_state(lane) == SegState::Running) holders.push_back(lane);
    return holders;
}

uint32_t ReplayCursor::gil_holder() const {
    const auto holders = gil_holders();
    return holders.empty() ? kNoLane : holders.front();
}

size_t ReplayCursor::gil_waiters() const {
    size_t waiting = 0;
    for (uint32_t lane = 0; lane < segments_.by_lane.size(); ++lane) {
        const SegState s = lane_state(lane);
        if (s == SegState::GilWait || s == SegState::ForcedWait) ++waiting;
    }
    return waiting;
}

uint32_t ReplayCursor::loop_task() const {
    // A task lane whose step is running is the direct answer; the loop lane's callback segment
    // names the task too (`who`), which covers the moments around the step itself.
    for (uint32_t lane = 0; lane < segments_.by_lane.size(); ++lane)
        if (lane_state(lane) == SegState::TaskStep) return lane;
    for (uint32_t lane = 0; lane < segments_.by_lane.size(); ++lane) {
        const auto seg = lane_segment(lane);
        if (seg && seg->state == SegState::Callback && seg->who != kNoLane && seg->who != lane)
            return seg->who;
    }
    return kNoLane;
}

std::string ReplayCursor::lane_name(uint32_t lane) const {
    const LaneInfo* info = trace_->lane(lane);
    return info ? info->name : "lane " + std::to_string(lane);
}

std::string ReplayCursor::describe_current() const {
    const Event* e = current_event();
    if (e == nullptr) return {};
    char time[32];
    std::snprintf(time, sizeof time, "%.6f s", double(e->t_ns - trace_->origin_ns) * 1e-9);
    return std::string(time) + "  " + lane_name(e->lane) + "  " + std::string(kind_name(e->kind));
}

} // namespace clab::classroom
