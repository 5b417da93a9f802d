#include "timeline_geometry.h"

#include <algorithm>
#include <bit>

namespace clab::plots {

TimeMapping TimeMapping::make(double t0, double t1, int width) noexcept {
    TimeMapping m;
    m.t0 = t0;
    m.t1 = t1;
    m.width = width > 0 ? width : 0;
    m.px_per_second = (t1 > t0 && width > 0) ? double(width) / (t1 - t0) : 0.0;
    return m;
}

void LaneRasterizer::begin(int width) {
    width_ = std::max(width, 0);
    if (int(columns_.size()) < width_) columns_.resize(size_t(width_), kNoKey);
    std::fill(columns_.begin(), columns_.begin() + width_, kNoKey);
    min_col_ = width_;
    max_col_ = -1;
    vote_col_ = -1;
    vote_mask_ = 0;
}

void LaneRasterizer::add_segments(const double* starts, const double* ends, const uint8_t* keys, size_t begin,
                                  size_t end, const TimeMapping& map) noexcept {
    const double t0 = map.t0;
    const double scale = map.px_per_second;
    const double width = width_;
    for (size_t i = begin; i < end; ++i) {
        // Exactly TimeMapping::to_px, so both paths see the same pixels.
        const double xs = (starts[i] - t0) * scale;
        const double xe = (ends[i] - t0) * scale;
        const uint8_t key = keys[i];
        if (xs >= 0.0 && xe < width && key < kMaxKeys) {
            const int a = int(xs); // floor, xs >= 0
            const double centre = a + 0.5;
            // Inside column a and not over its centre: what add() would send to vote(a, ...).
            if (xe <= a + 1.0 && (xe <= centre || xs > centre)) {
                vote(a, xe - xs, key);
                continue;
            }
        }
        add(xs, xe, key);
    }
}

void LaneRasterizer::own(int c0, int c1, uint8_t key) noexcept {
    // A pending vote in an earlier column is final now; one in c0 itself stays pending (it came from a
    // sub-pixel segment left of c0's centre and will win c0 when flushed).
    if (vote_col_ >= 0 && vote_col_ < c0) flush_vote();
    c0 = std::max(c0, 0);
    c1 = std::min(c1, width_ - 1);
    if (c0 > c1) return;
    std::fill(columns_.begin() + c0, columns_.begin() + c1 + 1, key);
    min_col_ = std::min(min_col_, c0);
    max_col_ = std::max(max_col_, c1);
}

void LaneRasterizer::flush_vote() noexcept {
    if (vote_mask_ == 0) return;
    float best = -1.0f;
    uint8_t best_key = kNoKey;
    for (uint64_t mask = vote_mask_; mask != 0; mask &= mask - 1) {
        const int key = std::countr_zero(mask);
        if (votes_[key] > best) {
            best = votes_[key];
            best_key = uint8_t(key);
        }
        votes_[key] = 0.0f;
    }
    vote_mask_ = 0;
    columns_[size_t(vote_col_)] = best_key;
    min_col_ = std::min(min_col_, vote_col_);
    max_col_ = std::max(max_col_, vote_col_);
    vote_col_ = -1;
}

void LaneRasterizer::finish(std::vector<PixelRun>& out) {
    flush_vote();
    int c = min_col_;
    while (c <= max_col_) {
        const uint8_t key = columns_[size_t(c)];
        int end = c + 1;
        while (end <= max_col_ && columns_[size_t(end)] == key)
            ++end;
        if (key != kNoKey) out.push_back(PixelRun{c, end, key});
        c = end;
    }
    // Reset only what this lane touched: a lane with few segments costs little whatever the width.
    if (min_col_ <= max_col_) std::fill(columns_.begin() + min_col_, columns_.begin() + max_col_ + 1, kNoKey);
    min_col_ = width_;
    max_col_ = -1;
}

} // namespace clab::plots
