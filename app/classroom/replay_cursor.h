// Replay: a time cursor over a finished run. Scrub to any time, step event by event forwards and
// backwards, and ask what each lane was doing, who held the GIL and which task the event loop ran
// at the cursor. Every answer comes from build_segments (the one source of what the timeline
// shows), so replay can never disagree with the plots. No Qt, no widgets: tested alone.
#pragma once

#include "core/trace/segments.h"
#include "core/trace/trace.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clab::classroom {

class ReplayCursor {
public:
    explicit ReplayCursor(std::shared_ptr<const Trace> trace);

    int64_t start_ns() const { return start_ns_; }
    int64_t end_ns() const { return end_ns_; }
    int64_t time_ns() const { return time_ns_; }
    double time_s() const { return double(time_ns_ - trace_->origin_ns) * 1e-9; } // timeline x
    double duration_s() const { return double(end_ns_ - trace_->origin_ns) * 1e-9; }

    // Events [0, position) have happened at the cursor.
    size_t position() const { return position_; }
    size_t event_count() const { return trace_->events.size(); }
    // The last event that happened (nullptr before the first).
    const Event* current_event() const;

    // Moves the cursor to `t_ns` (clamped to the run); every event stamped <= t has happened,
    // except at (or before) the start, where nothing has happened yet.
    void seek(int64_t t_ns);
    // Seconds on the timeline's axis; NaN or a time far outside the run lands at its nearest end
    // (clamped before the conversion to nanoseconds, which would overflow otherwise).
    void seek_seconds(double t_s);
    void seek_start() { seek(start_ns_); }
    void seek_end() { seek(end_ns_); }
    // One event forwards / back; with a lane, the next / previous event on that lane. Returns
    // false (and stays) at either end.
    bool step_forward(uint32_t lane = kNoLane);
    bool step_backward(uint32_t lane = kNoLane);

    // The segment a lane is in at the cursor, if any (before its first event, after it ended).
    std::optional<Segment> lane_segment(uint32_t lane) const;
    SegState lane_state(uint32_t lane) const; // SegState::Count when the lane is in no segment
    // Lanes running Python while holding the GIL (one with the classic GIL; one per interpreter
    // with per-interpreter GILs; none with the GIL off).
    std::vector<uint32_t> gil_holders() const;
    uint32_t gil_holder() const; // the first holder, or kNoLane
    size_t gil_waiters() const;  // lanes waiting for the GIL (incl. forced-switch waits)
    // The coroutine task whose step the event loop runs at the cursor, or kNoLane.
    uint32_t loop_task() const;

    // "0.123456 s  Thread-2  GilAcquired" for the current event; empty before the first.
    std::string describe_current() const;
    std::string lane_name(uint32_t lane) const;

    const Trace& trace() const { return *trace_; }
    const SegmentSet& segments() const { return segments_; }

private:
    std::shared_ptr<const Trace> trace_;
    SegmentSet segments_;
    int64_t start_ns_ = 0;
    int64_t end_ns_ = 0;
    int64_t time_ns_ = 0;
    size_t position_ = 0;
};

} // namespace clab::classroom
