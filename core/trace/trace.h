// Trace: every event of a run, merged into one time-ordered sequence, plus the lanes.
// Fed incrementally from a Recorder while the run goes on; complete once the run has ended.
#pragma once

#include "event.h"
#include "lane.h"

#include <atomic>
#include <vector>

namespace clab {

class Recorder;

// The one order of a trace: by stamp; equal stamps on different lanes by lane number (one kernel
// sample stamps every thread it saw with the same time), so every reader builds the same segments
// whatever order the events arrived in. Equal stamps on one lane keep their recording order.
inline bool event_before(const Event& a, const Event& b) {
    return a.t_ns < b.t_ns || (a.t_ns == b.t_ns && a.lane < b.lane);
}

// Sorts into event_before's order, stably. Linear for what a drain gives: one
// time-ordered run per thread's buffer, concatenated, so a batch of k runs costs O(n log k)
// moves instead of a full sort's O(n log n): neighbouring runs are merged pairwise, pass after
// pass, between `events` and one scratch buffer of the same size (allocated once, not once per
// merge as std::inplace_merge does: for 27 M events those allocations and their page faults
// were most of the sort's time; trace.cpp says how the scratch is mapped).
//
// `give_up` (optional) is read every few tens of thousands of events: once it is true the sort
// stops and returns false, leaving `events` in no particular order (or partly overwritten), for
// a caller that no longer wants the result (a run whose window is closing) and must not wait for
// a sort of millions of events. Returns true when `events` is sorted.
bool sort_by_time(std::vector<Event>& events, const std::atomic<bool>* give_up = nullptr);

struct Trace {
    std::vector<LaneInfo> lanes;
    std::vector<Event> events; // in event_before's order
    int64_t origin_ns = 0;     // t = 0 of the run (the Runner's start)

    // Adds a batch (any order); keeps `events` sorted. Returns the index of the first event that
    // moved or was added, so an incremental consumer knows what to look at again.
    size_t append(std::vector<Event> batch);
    // Drains `recorder` and appends. Refreshes `lanes`. Returns the number of new events.
    size_t pull(Recorder& recorder);

    int64_t end_ns() const { return events.empty() ? origin_ns : events.back().t_ns; }
    double seconds(int64_t t_ns) const { return double(t_ns - origin_ns) * 1e-9; }
    const LaneInfo* lane(uint32_t id) const;
};

} // namespace clab
