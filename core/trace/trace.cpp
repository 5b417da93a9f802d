#include "trace.h"

#include "recorder.h"

#include <algorithm>
#include <new>
#include <sys/mman.h>

namespace clab {

namespace {
// How many events a merge moves between two looks at `give_up`: a fraction of a millisecond.
constexpr size_t kGiveUpEvery = size_t(1) << 16;

// Merges the time-ordered ranges [a, a_end) and [b, b_end) into `out`, stably (a before b on
// equal stamps). False once `give_up` was seen.
bool merge_runs(const Event* a, const Event* a_end, const Event* b, const Event* b_end, Event* out,
                const std::atomic<bool>* give_up) {
    size_t until_look = kGiveUpEvery;
    while (a != a_end && b != b_end) {
        *out++ = event_before(*b, *a) ? *b++ : *a++;
        if (--until_look == 0) {
            if (give_up && give_up->load(std::memory_order_relaxed)) return false;
            until_look = kGiveUpEvery;
        }
    }
    out = std::copy(a, a_end, out);
    std::copy(b, b_end, out);
    return true;
}
// The sort's scratch room for `n` events, touched only as the merge writes it (a zero-filled
// vector faulted in every page before the first look at `give_up`: a second for 150 MB on a busy
// virtual machine). A large one is mapped on its own, with transparent huge pages where the system
// gives them on request (one fault per 2 MB instead of per 4 KB; `madvise` mode), and unmapped after.
class Scratch {
public:
    explicit Scratch(size_t n)
        : bytes_(n * sizeof(Event)) {
        if (bytes_ >= kMapFrom) {
            void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) throw std::bad_alloc();
            madvise(p, bytes_, MADV_HUGEPAGE); // advice: fine if refused
            data_ = static_cast<Event*>(p);
            mapped_ = true;
        } else {
            // Event is an aggregate of scalars: raw storage holds Events once written (C++20).
            data_ = static_cast<Event*>(::operator new(bytes_));
        }
    }
    ~Scratch() {
        if (mapped_)
            munmap(data_, bytes_);
        else
            ::operator delete(data_);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    Event* data() { return data_; }

private:
    static constexpr size_t kMapFrom = size_t(4) << 20;
    size_t bytes_;
    Event* data_ = nullptr;
    bool mapped_ = false;
};
} // namespace

bool sort_by_time(std::vector<Event>& events, const std::atomic<bool>* give_up) {
    // Where each ascending run starts (and, last, where the events end).
    std::vector<size_t> bounds{0};
    for (size_t i = 1; i < events.size(); ++i)
        if (event_before(events[i], events[i - 1])) bounds.push_back(i);
    bounds.push_back(events.size());
    if (bounds.size() <= 2) return true; // one run (or none): already in order

    Scratch scratch(events.size());
    Event* from = events.data();
    Event* to = scratch.data();
    while (bounds.size() > 2) {
        if (give_up && give_up->load(std::memory_order_relaxed)) return false;
        std::vector<size_t> merged{0};
        for (size_t r = 0; r + 1 < bounds.size(); r += 2) {
            const size_t begin = bounds[r], middle = bounds[r + 1];
            const size_t end = r + 2 < bounds.size() ? bounds[r + 2] : middle; // odd run out: copied
            if (!merge_runs(from + begin, from + middle, from + middle, from + end, to + begin, give_up))
                return false;
            merged.push_back(end);
        }
        bounds = std::move(merged);
        std::swap(from, to);
    }
    if (from != events.data()) std::copy(from, from + events.size(), events.data()); // resident pages
    return true;
}

size_t Trace::append(std::vector<Event> batch) {
    if (batch.empty()) return events.size();
    sort_by_time(batch);
    if (events.empty()) { // the first batch (the whole run, for the Runner): no copy
        events = std::move(batch);
        return 0;
    }
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
