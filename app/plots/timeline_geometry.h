// View math of the timeline, free of widgets (like hotspot's TimeLineData): the time <-> pixel
// mapping of one draw, and the pixel rule that turns a lane's segments into a few merged pixel runs.
//
// The pixel rule: a segment owns the pixel columns whose centres it covers. A segment that covers no
// centre (narrower than a pixel, or sitting between two centres) is "sub-pixel": it votes in the
// column(s) it touches with its covered width, and a column that received any vote shows the winner
// of the vote instead of its centre owner. So an event of 1 ns still colours one column at any zoom,
// and dense data shows the state that dominates each column. Adjacent columns of one colour are
// merged, so the output size is bounded by the width in pixels, not by the data size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace clab::plots {

// Colour keys: what the rasterizer compares. States use their SegState value, worker colours start
// at kWorkerKeyBase. One byte, stored with every segment.
inline constexpr int kMaxKeys = 64;
inline constexpr uint8_t kNoKey = 255;

// Time (seconds from the run's start) <-> pixels, computed once per draw. Pixel coordinates are
// relative to the left edge of the plotted area; column c covers [c, c + 1) and has its centre at c + 0.5.
struct TimeMapping {
    double t0 = 0.0; // time at the left edge
    double t1 = 1.0; // time at the right edge
    int width = 0;   // columns
    double px_per_second = 0.0;

    static TimeMapping make(double t0, double t1, int width) noexcept;
    bool valid() const noexcept { return width > 0 && px_per_second > 0.0; }
    double to_px(double t) const noexcept { return (t - t0) * px_per_second; }
    double to_time(double px) const noexcept { return t0 + px / px_per_second; }
    double seconds_per_px() const noexcept { return 1.0 / px_per_second; }
};

// One merged run of columns [x0, x1) of one colour key.
struct PixelRun {
    int x0 = 0;
    int x1 = 0;
    uint8_t key = kNoKey;
    friend bool operator==(const PixelRun&, const PixelRun&) = default;
};

// Applies the pixel rule to one lane. Feed segments in start order (pixel coordinates from
// TimeMapping::to_px), then collect the runs. Reusable across lanes and draws without allocating.
class LaneRasterizer {
public:
    void begin(int width);
    // A segment from xs to xe (pixels, xs <= xe) with colour key `key` (< kMaxKeys).
    void add(double xs, double xe, uint8_t key) noexcept {
        if (xe < 0.0 || xs > width_ || key >= kMaxKeys) return;
        // Clamp so the integer casts below only ever see small positive numbers.
        if (xs < -1.0) xs = -1.0;
        if (xe > width_ + 1.0) xe = width_ + 1.0;
        // Columns whose centre c + 0.5 lies in [xs, xe): c0 = ceil(xs - 0.5), c1 = ceil(xe - 0.5) - 1.
        const int c0 = ceil_small(xs - 0.5);
        const int c1 = ceil_small(xe - 0.5) - 1;
        if (c0 <= c1) {
            own(c0, c1, key);
            return;
        }
        // Sub-pixel: lies between two centres, touches at most two columns.
        const int a = int(xs + 2.0) - 2; // floor for xs >= -2
        const double boundary = a + 1.0;
        if (xe <= boundary) {
            vote(a, xe - xs, key);
        } else {
            vote(a, boundary - xs, key);
            vote(a + 1, xe - boundary, key);
        }
    }
    // add() for segments [begin, end) of a lane's parallel arrays, mapped by `map`: the same rule, with
    // the case that dominates dense data (a sub-pixel segment inside one column, which only votes) done
    // in line, so a million segments cost a few milliseconds.
    void add_segments(const double* starts, const double* ends, const uint8_t* keys, size_t begin, size_t end,
                      const TimeMapping& map) noexcept;
    // Sub-pixel segments of several keys merged into one stretch xs..xe (a LaneSummary bucket, less
    // than a pixel): in each column the stretch touches, each key votes with its share of the
    // stretch (`shares`, the fraction of it its segments covered) times the width covered there. Such
    // a stretch never owns a column. Columns are voted on in order, as the rule needs.
    void add_shares(double xs, double xe, const uint8_t* keys, const float* shares, int n) noexcept {
        if (xe < 0.0 || xs > width_) return;
        if (xs < -1.0) xs = -1.0;
        if (xe > width_ + 1.0) xe = width_ + 1.0;
        const int first = int(xs + 2.0) - 2; // floor for xs >= -2
        for (int a = first; a == first || a < xe; ++a) {
            // A stretch of no length (events at one instant) counts as LaneRasterizer::vote does.
            const double covered = std::max(1e-9, std::min(xe, a + 1.0) - std::max(xs, double(a)));
            for (int i = 0; i < n; ++i)
                if (keys[i] < kMaxKeys) vote(a, covered * double(shares[i]), keys[i]);
        }
    }
    // Finishes the lane and appends its merged runs to `out`.
    void finish(std::vector<PixelRun>& out);

private:
    static int ceil_small(double v) noexcept { // ceil for v >= -2, without calling std::ceil
        const int i = int(v + 2.0) - 2;
        return double(i) < v ? i + 1 : i;
    }
    void own(int c0, int c1, uint8_t key) noexcept;
    // Inline: with dense data nearly every segment is a vote, so this is the hot path.
    void vote(int column, double covered, uint8_t key) noexcept {
        if (column < 0 || column >= width_) return;
        if (column != vote_col_) {
            flush_vote();
            vote_col_ = column;
        }
        // A zero-length segment still counts: it is an event that happened.
        votes_[key] += float(covered > 1e-9 ? covered : 1e-9);
        vote_mask_ |= uint64_t(1) << key;
    }
    void flush_vote() noexcept;

    int width_ = 0;
    int min_col_ = 0; // touched columns, so finish() scans only those
    int max_col_ = -1;
    std::vector<uint8_t> columns_;
    int vote_col_ = -1;
    uint64_t vote_mask_ = 0;
    float votes_[kMaxKeys] = {};
};

} // namespace clab::plots
