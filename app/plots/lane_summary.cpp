#include "lane_summary.h"

#include "timeline_geometry.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

namespace clab::plots {

namespace {
// Checked while merging: a level whose work is more than half of the segments it merged is not worth
// drawing from, and building the rest of it would only cost time.
constexpr size_t kUsefulnessCheckEvery = 4096;

bool worth_it(size_t work, size_t merged) {
    return work * 2 <= merged;
}

// The short segments of the bucket being merged: their stretch, and per colour key the time they cover.
struct Bucket {
    std::array<double, kMaxKeys> time{};
    uint64_t mask = 0;
    size_t members = 0;
    size_t first = 0;
    double start = 0.0;
    double end = 0.0;

    void open(size_t i, double s, double e) {
        first = i;
        start = s;
        end = e;
        members = 0;
    }
    // One more short segment s..e of `key`, in start order after open().
    void add(double s, double e, uint8_t key) {
        key = key < kMaxKeys ? key : uint8_t(kMaxKeys - 1);
        ++members;
        end = std::max(end, e);
        time[key] += e - s > 1e-9 ? e - s : 1e-9; // as LaneRasterizer votes: no length still counts
        mask |= uint64_t(1) << key;
    }
    void flush(const LaneSegments& lane, SummaryLevel& out) {
        if (members == 1) {
            out.add_segment(lane.starts()[first], lane.ends()[first], lane.keys()[first]);
        } else if (members > 1) {
            std::array<uint8_t, kMaxKeys> keys; // only the first n are set and read
            std::array<float, kMaxKeys> shares;
            size_t n = 0;
            const double span = end - start;
            for (uint64_t m = mask; m != 0; m &= m - 1) {
                const int key = std::countr_zero(m);
                keys[n] = uint8_t(key);
                // A stretch of no length (events at one instant) votes with its keys' times directly.
                shares[n] = float(span > 0.0 ? time[size_t(key)] / span : time[size_t(key)] / 1e-9);
                ++n;
            }
            out.add_stretch(start, end, keys.data(), shares.data(), n);
        }
        discard();
    }
    void discard() {
        for (uint64_t m = mask; m != 0; m &= m - 1)
            time[size_t(std::countr_zero(m))] = 0.0;
        mask = 0;
        members = 0;
    }
};
} // namespace

// --- SummaryLevel ---------------------------------------------------------------------------------

void SummaryLevel::add_item(double start, double end, uint8_t key) {
    if (!end_.empty() && end < end_.back()) ends_sorted_ = false;
    max_duration_ = std::max(max_duration_, end - start);
    start_.push_back(start);
    end_.push_back(end);
    key_.push_back(key);
    share_at_.push_back(uint32_t(share_key_.size()));
}

void SummaryLevel::add_segment(double start, double end, uint8_t key) {
    add_item(start, end, key);
}

void SummaryLevel::add_stretch(double start, double end, const uint8_t* keys, const float* shares, size_t n) {
    add_item(start, end, kNoKey);
    share_key_.insert(share_key_.end(), keys, keys + n);
    share_.insert(share_.end(), shares, shares + n);
}

IndexRange SummaryLevel::visible(double t0, double t1) const noexcept {
    const auto hi = std::lower_bound(start_.begin(), start_.end(), t1);
    const size_t end = size_t(hi - start_.begin());
    size_t begin;
    if (ends_sorted_)
        begin = size_t(std::lower_bound(end_.begin(), end_.begin() + long(end), t0) - end_.begin());
    else
        begin = size_t(std::lower_bound(start_.begin(), hi, t0 - max_duration_) - start_.begin());
    return {begin, std::max(begin, end)};
}

size_t SummaryLevel::bytes_used() const noexcept {
    return start_.capacity() * sizeof(double) + end_.capacity() * sizeof(double) + key_.capacity() +
           share_at_.capacity() * sizeof(uint32_t) + share_key_.capacity() +
           share_.capacity() * sizeof(float);
}

// --- LaneSummary -----------------------------------------------------------------------------------

bool LaneSummary::wanted(double seconds_per_px, size_t visible, int width_px) noexcept {
    return width_px > 0 && seconds_per_px > 0.0 && double(visible) >= kMinSegmentsPerPx * width_px;
}

int LaneSummary::exponent_for(double seconds_per_px) noexcept {
    return int(std::floor(std::log2(seconds_per_px / kBucketsPerPx)));
}

size_t LaneSummary::pending(const LaneSegments& lane, double seconds_per_px, size_t visible,
                            int width_px) const noexcept {
    if (!wanted(seconds_per_px, visible, width_px)) return 0;
    if (lane.generation() != generation_) return lane.size();
    const int exponent = exponent_for(seconds_per_px);
    for (const Level& l : levels_)
        if (l.exponent == exponent) return l.useless ? 0 : lane.size() - std::min(lane.size(), l.done);
    return lane.size();
}

const SummaryLevel* LaneSummary::level_for(const LaneSegments& lane, double seconds_per_px, size_t visible,
                                           int width_px) {
    raw_from_ = 0;
    if (!wanted(seconds_per_px, visible, width_px)) return nullptr;
    if (lane.generation() != generation_) { // edited in the middle, or another lane: start over
        levels_.clear();
        generation_ = lane.generation();
    }
    Level& l = level(exponent_for(seconds_per_px));
    l.used = ++uses_;
    if (!l.useless) extend(l, lane);
    if (l.useless) return nullptr;
    raw_from_ = l.done;
    return &l.items;
}

LaneSummary::Level& LaneSummary::level(int exponent) {
    for (Level& l : levels_)
        if (l.exponent == exponent) return l;
    if (levels_.size() >= kMaxLevels) // forget the least recently used
        levels_.erase(std::min_element(levels_.begin(), levels_.end(),
                                       [](const Level& a, const Level& b) { return a.used < b.used; }));
    Level l;
    l.exponent = exponent;
    l.bucket = std::ldexp(1.0, exponent);
    levels_.push_back(std::move(l));
    return levels_.back();
}

void LaneSummary::extend(Level& level, const LaneSegments& lane) {
    const size_t n = lane.size();
    const double* starts = lane.starts();
    const double* ends = lane.ends();
    const uint8_t* keys = lane.keys();
    const double bucket = level.bucket;
    const double inverse = 1.0 / bucket; // exact: the bucket is a power of two
    Bucket merging;
    size_t i = level.done;
    size_t next_check = i + kUsefulnessCheckEvery;
    while (i < n) {
        if (i >= next_check) {
            next_check = i + kUsefulnessCheckEvery;
            if (!worth_it(level.items.work(), level.done)) break;
        }
        if (ends[i] - starts[i] >= bucket) { // long enough to keep
            level.items.add_segment(starts[i], ends[i], lane.keys()[i]);
            level.done = ++i;
            continue;
        }
        // The bucket of starts[i] is [k * bucket, (k + 1) * bucket): a power of two scales exactly, so
        // comparing with its end is comparing floor(start / bucket), without a division per segment.
        const double bucket_end = (std::floor(starts[i] * inverse) + 1.0) * bucket;
        size_t j = i;
        merging.open(i, starts[i], ends[i]);
        while (j < n && starts[j] < bucket_end && ends[j] - starts[j] < bucket) {
            merging.add(starts[j], ends[j], keys[j]);
            ++j;
        }
        if (j == n) { // the lane's last bucket may still grow: its segments stay raw for now
            merging.discard();
            break;
        }
        merging.flush(lane, level.items);
        level.done = i = j;
    }
    if (level.done >= kUsefulnessCheckEvery && !worth_it(level.items.work(), level.done)) {
        level.useless = true;
        level.items = SummaryLevel();
    }
}

size_t LaneSummary::bytes_used() const noexcept {
    size_t n = 0;
    for (const Level& l : levels_)
        n += l.items.bytes_used();
    return n;
}

} // namespace clab::plots
