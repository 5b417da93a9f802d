#include "python_gc.h"

#include <algorithm>

namespace clab::aio {

PythonGc::PythonGc() {
    population_ = {44, 2518, 14313};
    count_ = {40, 6, 3};
    // Everything in generation 2 got there through a generation-1 collection, and no full
    // collection has run yet (long_lived_total is 0 until the first one).
    long_lived_pending_ = population_[2];
}

int PythonGc::generation_of(uint64_t born) const {
    if (sequence_ == born) return 0;         // no collection since: still young
    if (last_old_sequence_ > born) return 2; // a collection of 1 or 2 since moved it to 2
    return 1;                                // only generation-0 collections since
}

int PythonGc::select_generation() const {
    // gc_select_generation: the oldest generation whose count exceeds its threshold.
    for (int g = kGenerations - 1; g >= 0; --g) {
        if (count_[size_t(g)] <= kThresholds[size_t(g)]) continue;
        if (g == kGenerations - 1 && long_lived_pending_ < long_lived_total_ / 4) continue;
        return g;
    }
    return -1;
}

uint64_t PythonGc::collect(int generation) {
    // gc_collect_main's bookkeeping. Every scanned object survives (no garbage cycles here).
    if (generation + 1 < kGenerations) count_[size_t(generation) + 1] += 1;
    uint64_t young = 0;
    for (int g = 0; g <= generation; ++g) {
        count_[size_t(g)] = 0;
        young += population_[size_t(g)];
        population_[size_t(g)] = 0;
    }
    if (generation < kGenerations - 1) {
        if (generation == kGenerations - 2) long_lived_pending_ += young;
        population_[size_t(generation) + 1] += young;
    } else {
        population_[size_t(generation)] = young;
        long_lived_pending_ = 0;
        long_lived_total_ = young;
    }
    ++sequence_;
    if (generation >= 1) last_old_sequence_ = sequence_;
    ++collections_[size_t(generation)];
    scanned_[size_t(generation)] += young;
    return young;
}

PythonGc::Collection PythonGc::allocate(uint32_t n, uint64_t* born) {
    *born = sequence_;
    population_[0] += n;
    count_[0] += n;
    return due();
}

PythonGc::Collection PythonGc::allocate_pairs(uint32_t n, uint64_t* born) {
    const uint32_t reused = std::min(n, free_pairs_);
    free_pairs_ -= reused;
    *born = sequence_;
    population_[0] += n;
    count_[0] += n - reused;
    return n > reused ? due() : Collection{};
}

void PythonGc::free_pairs(uint32_t n, uint64_t born) {
    if (n == 0) return;
    const uint32_t kept = std::min(n, kMostFreePairs - free_pairs_);
    free_pairs_ += kept;
    uint64_t& population = population_[size_t(generation_of(born))];
    population -= std::min<uint64_t>(population, n);
    count_[0] = std::max<int64_t>(0, count_[0] - int64_t(n - kept));
}

PythonGc::Collection PythonGc::due() {
    Collection c;
    // _PyObject_GC_Link: a collection when the count exceeds threshold0 (gc enabled, not already
    // collecting). The objects just allocated are in generation 0 and are scanned too.
    if (count_[0] > kThresholds[0]) {
        c.generation = select_generation();
        if (c.generation >= 0) c.objects = collect(c.generation);
    }
    return c;
}

void PythonGc::free(uint32_t n, uint64_t born) {
    if (n == 0) return;
    uint64_t& population = population_[size_t(generation_of(born))];
    population -= std::min<uint64_t>(population, n);
    count_[0] = std::max<int64_t>(0, count_[0] - int64_t(n));
}

} // namespace clab::aio
