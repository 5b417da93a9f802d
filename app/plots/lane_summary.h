// Level of detail for a lane too dense to draw segment by segment (millions of segments, zoomed out).
//
// A level cuts time into buckets of 2^e seconds and merges the segments shorter than a bucket that
// start in one: they become one stretch (first start to last end) that records, per colour key, the
// share of the stretch its segments covered. Segments as long as a bucket, and lone segments, stay
// as they are. A level is used only where a bucket is at most a quarter of a pixel; there each
// stretch votes in the column(s) it touches with every key's share of the width it covers
// (LaneRasterizer::add_shares), which is the vote the pixel rule counts from the real segments, up to
// how a stretch cut by a column border divides between the two columns. 1-ns events keep their
// vote (a weight of 1 ns, as in the rule), and one alone in its bucket is drawn as itself. Zoomed in,
// or with few segments in view, the lane itself is drawn.
//
// Levels are built on first use at a zoom (one power of two of seconds per pixel, so nearby zooms
// share one), extended as the lane grows at its end, and rebuilt if segments were inserted in the
// middle (see LaneSegments::generation()). A level that would not halve the work is not kept.
#pragma once

#include "segment_store.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace clab::plots {

// One level: items in start order, each a real segment or a merged stretch with its keys' shares.
class SummaryLevel {
public:
    size_t size() const noexcept { return start_.size(); }
    double start(size_t i) const noexcept { return start_[i]; }
    double end(size_t i) const noexcept { return end_[i]; }
    uint8_t key(size_t i) const noexcept { return key_[i]; } // of a real segment
    // The keys and shares of a merged stretch (none for a real segment).
    size_t share_count(size_t i) const noexcept { return share_begin(i + 1) - share_begin(i); }
    const uint8_t* share_keys(size_t i) const noexcept { return share_key_.data() + share_begin(i); }
    const float* shares(size_t i) const noexcept { return share_.data() + share_begin(i); }
    // Items that overlap [t0, t1), as LaneSegments::visible.
    IndexRange visible(double t0, double t1) const noexcept;
    // Items plus shares: what drawing the level (or a range of it) costs, to compare with the lane's
    // segment count.
    size_t work() const noexcept { return start_.size() + share_.size(); }
    size_t work(IndexRange range) const noexcept {
        return range.size() + share_begin(range.end) - share_begin(range.begin);
    }
    size_t bytes_used() const noexcept;

    void add_segment(double start, double end, uint8_t key);
    void add_stretch(double start, double end, const uint8_t* keys, const float* shares, size_t n);

private:
    size_t share_begin(size_t i) const noexcept {
        return i < share_at_.size() ? share_at_[i] : share_key_.size();
    }
    void add_item(double start, double end, uint8_t key);

    std::vector<double> start_;
    std::vector<double> end_;
    std::vector<uint8_t> key_;
    std::vector<uint32_t> share_at_; // first share of each item
    std::vector<uint8_t> share_key_;
    std::vector<float> share_;
    double max_duration_ = 0.0;
    bool ends_sorted_ = true;
};

class LaneSummary {
public:
    // What to draw `lane` with at `seconds_per_px` when `visible` of its segments are in a view
    // `width_px` wide: a level, or nullptr for the lane itself. A level covers the lane's segments
    // [0, raw_from()); the ones after it (at most one bucket's worth) are drawn as they are.
    const SummaryLevel* level_for(const LaneSegments& lane, double seconds_per_px, size_t visible,
                                  int width_px);
    size_t raw_from() const noexcept { return raw_from_; }
    size_t bytes_used() const noexcept;
    // How many of the lane's segments level_for() would merge now (0 when its level is ready or the
    // lane is drawn as it is): what a first draw at a zoom is about to cost.
    size_t pending(const LaneSegments& lane, double seconds_per_px, size_t visible,
                   int width_px) const noexcept;

    // A level is worth trying from this many visible segments per pixel column on average.
    static constexpr double kMinSegmentsPerPx = 8.0;
    // Buckets per pixel column at least (a level of 2^e s is used from 4 * 2^e s per pixel).
    static constexpr double kBucketsPerPx = 4.0;
    // Levels kept per lane (the most recently used).
    static constexpr size_t kMaxLevels = 3;

private:
    struct Level {
        int exponent = 0;
        double bucket = 0.0; // seconds
        SummaryLevel items;
        size_t done = 0;      // lane segments merged so far
        bool useless = false; // merging does not halve the work at this zoom: draw the lane itself
        uint64_t used = 0;
    };
    static bool wanted(double seconds_per_px, size_t visible, int width_px) noexcept;
    static int exponent_for(double seconds_per_px) noexcept;
    Level& level(int exponent);
    static void extend(Level& level, const LaneSegments& lane);

    std::vector<Level> levels_;
    uint64_t generation_ = 0;
    uint64_t uses_ = 0;
    size_t raw_from_ = 0;
};

} // namespace clab::plots
