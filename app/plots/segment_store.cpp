#include "segment_store.h"

#include <algorithm>
#include <atomic>

namespace clab::plots {

namespace {
uint64_t next_generation() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
}
} // namespace

LaneSegments::LaneSegments()
    : generation_(next_generation()) {}

void LaneSegments::append(const SegmentRecord& s) {
    const double duration = s.end - s.start;
    max_duration_ = std::max(max_duration_, duration);
    key_mask_ |= uint64_t(1) << (s.key & 63);
    if (start_.empty() || s.start >= start_.back()) {
        if (!end_.empty() && s.end < end_.back()) ends_sorted_ = false;
        max_end_ = start_.empty() ? s.end : std::max(max_end_, s.end);
        start_.push_back(s.start);
        end_.push_back(s.end);
        state_.push_back(s.state);
        key_.push_back(s.key);
        who_.push_back(s.who);
        return;
    }
    // Out of order (a thread published late): insert after every segment with the same start.
    generation_ = next_generation();
    const size_t i = size_t(std::upper_bound(start_.begin(), start_.end(), s.start) - start_.begin());
    if (i > 0 && end_[i - 1] > s.end) ends_sorted_ = false;
    if (s.end > end_[i]) ends_sorted_ = false;
    max_end_ = std::max(max_end_, s.end);
    start_.insert(start_.begin() + long(i), s.start);
    end_.insert(end_.begin() + long(i), s.end);
    state_.insert(state_.begin() + long(i), s.state);
    key_.insert(key_.begin() + long(i), s.key);
    who_.insert(who_.begin() + long(i), s.who);
}

void LaneSegments::reserve(size_t n) {
    start_.reserve(n);
    end_.reserve(n);
    state_.reserve(n);
    key_.reserve(n);
    who_.reserve(n);
}

void LaneSegments::shrink_to_fit() {
    start_.shrink_to_fit();
    end_.shrink_to_fit();
    state_.shrink_to_fit();
    key_.shrink_to_fit();
    who_.shrink_to_fit();
}

void LaneSegments::clear() {
    *this = LaneSegments();
}

IndexRange LaneSegments::visible(double t0, double t1) const noexcept {
    const auto hi = std::lower_bound(start_.begin(), start_.end(), t1);
    const size_t end = size_t(hi - start_.begin());
    size_t begin;
    if (ends_sorted_) {
        // First segment that ends after t0; a zero-length segment exactly at t0 still counts.
        begin = size_t(std::lower_bound(end_.begin(), end_.begin() + long(end), t0) - end_.begin());
    } else {
        begin = size_t(std::lower_bound(start_.begin(), hi, t0 - max_duration_) - start_.begin());
    }
    return {begin, std::max(begin, end)};
}

std::optional<size_t> LaneSegments::find(double t, double tolerance) const noexcept {
    const IndexRange r = visible(t - tolerance, t + tolerance);
    std::optional<size_t> best;
    double best_distance = tolerance;
    for (size_t i = r.begin; i < r.end; ++i) {
        const double distance = t < start_[i] ? start_[i] - t : (t > end_[i] ? t - end_[i] : 0.0);
        // Prefer a segment that covers t; among those, the shortest (the one drawn on top).
        if (!best || distance < best_distance ||
            (distance == best_distance && end_[i] - start_[i] < end_[*best] - start_[*best])) {
            if (distance <= tolerance) {
                best = i;
                best_distance = distance;
            }
        }
    }
    return best;
}

size_t LaneSegments::bytes_used() const noexcept {
    return start_.capacity() * sizeof(double) + end_.capacity() * sizeof(double) + state_.capacity() +
           key_.capacity() + who_.capacity() * sizeof(uint32_t);
}

size_t SegmentStore::add_lane(std::string name, uint32_t source) {
    Lane lane;
    lane.name = std::move(name);
    lane.source = source;
    lanes_.push_back(std::move(lane));
    return lanes_.size() - 1;
}

int SegmentStore::row_of(uint32_t source) const noexcept {
    for (size_t i = 0; i < lanes_.size(); ++i)
        if (lanes_[i].source == source) return int(i);
    return -1;
}

size_t SegmentStore::segment_count() const noexcept {
    size_t n = 0;
    for (const Lane& lane : lanes_)
        n += lane.segments.size();
    return n;
}

size_t SegmentStore::bytes_used() const noexcept {
    size_t n = 0;
    for (const Lane& lane : lanes_)
        n += lane.segments.bytes_used();
    return n;
}

bool SegmentStore::time_span(double& lo, double& hi) const noexcept {
    bool found = false;
    for (const Lane& lane : lanes_) {
        if (!lane.segments.empty()) {
            const double s = lane.segments.starts()[0];
            const double e = lane.segments.max_end();
            lo = found ? std::min(lo, s) : s;
            hi = found ? std::max(hi, e) : e;
            found = true;
        }
        if (lane.open) {
            lo = found ? std::min(lo, lane.open->start) : lane.open->start;
            hi = found ? std::max(hi, lane.open->end) : lane.open->end;
            found = true;
        }
    }
    return found;
}

uint64_t SegmentStore::keys_present() const noexcept {
    uint64_t mask = 0;
    for (const Lane& lane : lanes_) {
        mask |= lane.segments.key_mask();
        if (lane.open) mask |= uint64_t(1) << (lane.open->key & 63);
    }
    return mask;
}

} // namespace clab::plots
