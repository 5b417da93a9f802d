#include "trace.h"

#include "recorder.h"

#include <algorithm>

namespace clab {

void sort_by_time(std::vector<Event>& events) {
    // Where each ascending run starts, then merge neighbouring runs pairwise until one is left.
    std::vector<size_t> starts{0};
    for (size_t i = 1; i < events.size(); ++i)
        if (event_before(events[i], events[i - 1])) starts.push_back(i);
    while (starts.size() > 1) {
        std::vector<size_t> merged;
        for (size_t r = 0; r < starts.size(); r += 2) {
            merged.push_back(starts[r]);
            if (r + 1 == starts.size()) break;
            const size_t end = r + 2 < starts.size() ? starts[r + 2] : events.size();
            std::inplace_merge(events.begin() + long(starts[r]), events.begin() + long(starts[r + 1]),
                               events.begin() + long(end), event_before);
        }
        starts = std::move(merged);
    }
}

size_t Trace::append(std::vector<Event> batch) {
    if (batch.empty()) return events.size();
    sort_by_time(batch);
    const size_t old_size = events.size();
    // Events of a thread that published late may be older than what we already hold: merge
    // only the overlapping tail, which is short in practice.
    auto first_moved = std::upper_bound(events.begin(), events.end(), batch.front(), event_before);
    const size_t first_index = size_t(first_moved - events.begin());
    events.insert(events.end(), batch.begin(), batch.end());
    if (first_index < old_size)
        std::inplace_merge(events.begin() + long(first_index), events.begin() + long(old_size), events.end(),
                           event_before);
    return first_index;
}

size_t Trace::pull(Recorder& recorder) {
    std::vector<Event> batch;
    const size_t n = recorder.drain(batch);
    lanes = recorder.lanes();
    if (origin_ns == 0) origin_ns = recorder.origin_ns();
    append(std::move(batch));
    return n;
}

const LaneInfo* Trace::lane(uint32_t id) const {
    return id < lanes.size() ? &lanes[id] : nullptr;
}

} // namespace clab
