// Where the timeline keeps its segments: per lane, parallel arrays sorted by start, so the visible
// range of a lane is two binary searches and drawing touches only what is visible.
//
// 22 bytes per segment: start and end (double seconds from the run's start), state and colour key
// (one byte each), and `who` (the worker that ran on a core, the task of a loop callback).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clab::plots {

struct IndexRange {
    size_t begin = 0;
    size_t end = 0;
    size_t size() const noexcept { return end > begin ? end - begin : 0; }
    bool empty() const noexcept { return end <= begin; }
};

// One segment as handed in and out by value (not how it is stored).
struct SegmentRecord {
    double start = 0.0;
    double end = 0.0;
    uint8_t state = 0;
    uint8_t key = 0;
    uint32_t who = 0;
    friend bool operator==(const SegmentRecord&, const SegmentRecord&) = default;
};

class LaneSegments {
public:
    LaneSegments();

    // O(1) amortised when `start` is not before the last start (the normal, live case); a rare
    // out-of-order segment is inserted at its place.
    void append(const SegmentRecord& s);
    void reserve(size_t n);
    void shrink_to_fit();
    void clear();

    size_t size() const noexcept { return start_.size(); }
    bool empty() const noexcept { return start_.empty(); }
    SegmentRecord at(size_t i) const noexcept { return {start_[i], end_[i], state_[i], key_[i], who_[i]}; }
    const double* starts() const noexcept { return start_.data(); }
    const double* ends() const noexcept { return end_.data(); }
    const uint8_t* keys() const noexcept { return key_.data(); }

    // Segments that overlap [t0, t1): two binary searches. While the lane's segments do not overlap
    // their ends are sorted too, so the first visible one is found by its end; otherwise by
    // start >= t0 - longest duration.
    IndexRange visible(double t0, double t1) const noexcept;
    // The segment under time t, or the nearest one within `tolerance` seconds.
    std::optional<size_t> find(double t, double tolerance) const noexcept;

    double max_duration() const noexcept { return max_duration_; }
    double max_end() const noexcept { return max_end_; }
    bool ends_sorted() const noexcept { return ends_sorted_; }
    uint64_t key_mask() const noexcept { return key_mask_; } // bit per colour key present
    size_t bytes_used() const noexcept;                      // capacity of the arrays, the memory really held
    // Changes whenever segments already stored may have moved (an out-of-order insert, clear()), and
    // differs between lanes; appending at the end keeps it. What a LaneSummary checks before reusing
    // what it merged.
    uint64_t generation() const noexcept { return generation_; }
    static constexpr size_t kBytesPerSegment = 2 * sizeof(double) + 2 * sizeof(uint8_t) + sizeof(uint32_t);

private:
    std::vector<double> start_;
    std::vector<double> end_;
    std::vector<uint8_t> state_;
    std::vector<uint8_t> key_;
    std::vector<uint32_t> who_;
    double max_duration_ = 0.0;
    double max_end_ = 0.0;
    bool ends_sorted_ = true;
    uint64_t key_mask_ = 0;
    uint64_t generation_ = 0;
};

// A group of lanes drawn by one plottable (the workers, the cores, the GIL holder, the loop).
// Lanes are rows 0..n-1 from the top. Each lane may have one still-open segment (the live edge)
// that is drawn but not stored.
class SegmentStore {
public:
    struct Lane {
        std::string name;
        uint32_t source = 0; // trace lane id, or the CPU number for core lanes
        LaneSegments segments;
        std::optional<SegmentRecord> open;
    };

    void clear() { lanes_.clear(); }
    size_t add_lane(std::string name, uint32_t source);
    size_t lane_count() const noexcept { return lanes_.size(); }
    Lane& lane(size_t row) { return lanes_[row]; }
    const Lane& lane(size_t row) const { return lanes_[row]; }
    // The row of a source id, or -1.
    int row_of(uint32_t source) const noexcept;

    size_t segment_count() const noexcept;
    size_t bytes_used() const noexcept;
    // Earliest start and latest end over stored and open segments; false when empty.
    bool time_span(double& lo, double& hi) const noexcept;
    // Which colour keys appear (bit per key), for the legend.
    uint64_t keys_present() const noexcept;

private:
    std::vector<Lane> lanes_;
};

} // namespace clab::plots
