// ChunkPool: the memory a Recorder's event chunks live in.
//
// On this machine's hypervisor the first write to a fresh 4 KiB page costs ~13 µs (the guest's page
// fault plus the host's shadow-page fault): ~100 ns for each of the 170 events a page holds, five
// times the cost of recording one. A 2 MiB huge page costs one fault for 87,000 events (measured:
// 80-130 ns per event in 4 KiB chunks, 12-16 ns in huge-page chunks, fresh memory both). So chunks
// of every thread of a Recorder are carved out of shared 2 MiB blocks advised for huge pages: a
// thread with a few hundred events gets them on a huge page too, without a huge page of its own.
//
// Pieces are powers of two and split buddy-style from their block; nothing is given back before
// the pool goes away, so at most one free piece of each size is ever left over: less than 2 MiB
// in all (the only memory the pool holds beyond what was asked of it). The first kSmallBytes are
// served from a region of ordinary pages instead, so a run that records little (most lesson runs:
// a few thousand events; lesson 16's 1000 asyncio requests: ~18,000) holds what it touched, not a
// huge page: an engine run's peak RSS is compared with python3's. The price: those pages cost the
// 4 KiB rate (512 KiB: ~1.7 ms per run here). Past them a run holds 1-2.5 MiB more than with
// ordinary pages (the partly filled block, the untouched ends of the threads' last chunks, which
// a huge page makes resident: measured for 50,000 to 2,000,000 events). Pieces of 2 MiB and
// more get a mapping of their own, huge too. Everything is unmapped when the pool goes away: the
// memory goes back to the system at once (issue 19: a long-lived GUI keeps no huge pages of a
// finished run).
//
// Trace memory is no part of the program a run shows (core/trace/trace_memory.h): the pool makes
// it resident itself, through trace_memory::populate, so that a run's peak leaves it out exactly.
// A block is made resident when it is mapped (one huge page), a piece of the ordinary-page region
// when it is taken (its pages not made resident before); a piece of 2 MiB or more (a mapping of
// its own) is not: its user populates it a block at a time as it fills it (EventBuffer).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace clab {

class ChunkPool {
public:
    static constexpr size_t kSmallestPiece = size_t(1) << 10;
    static constexpr size_t kBlock = size_t(2) << 20; // a huge page
    // Served from ordinary pages first: up to this much a Recorder costs only what it touched
    // (~21,800 events).
    static constexpr size_t kSmallBytes = size_t(512) << 10;

    ChunkPool() = default;
    ~ChunkPool();
    ChunkPool(const ChunkPool&) = delete;
    ChunkPool& operator=(const ChunkPool&) = delete;

    // `bytes` must be a power of two, at least kSmallestPiece. Thread-safe (rare: once per chunk).
    // nullptr when the system refuses the memory. The piece is aligned to min(bytes, kBlock).
    // Resident when it returns if smaller than kBlock; a larger one is left to populate().
    void* take(size_t bytes) noexcept;
    // Makes part of a piece of kBlock or more resident (whole pages, not resident before).
    static void populate(void* address, size_t bytes) noexcept;

    // Bytes mapped from the system so far (blocks, the small region and own mappings).
    size_t mapped_bytes() const noexcept;

private:
    static constexpr size_t kClasses = 22; // free pieces of 2^0 .. 2^21 bytes (only >= 2^10 used)
    char* map(size_t bytes, bool huge) noexcept;
    char* split_from(size_t cls, size_t want) noexcept;
    void make_resident(char* piece, size_t bytes) noexcept;

    mutable std::mutex mutex_;
    std::array<char*, kClasses> free_{};             // at most one free piece per size
    std::vector<std::pair<char*, size_t>> mappings_; // all of them, unmapped at the end
    bool small_region_made_ = false;
    char* small_region_ = nullptr;
    std::bitset<kSmallBytes / 4096> small_resident_; // its pages made resident so far
};

} // namespace clab
