// Recorder: where engines write events while they run, and where the GUI (or the Runner) reads
// them from while the run is still going.
//
// Every writing thread gets its own append-only buffer, so the hot path takes no lock and makes
// no allocation (a new 8192-event chunk is allocated once per 8192 events). The single reader
// drains what each buffer has published since the last drain. Buffers belong to the Recorder,
// not to the thread, so events survive the thread that wrote them.
#pragma once

#include "event.h"
#include "lane.h"
#include "stamp_clock.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace clab {

class EventBuffer {
public:
    // Chunks grow geometrically: chunk k holds kFirstChunk << k events. A thread that records a
    // handful of events costs ~1 KB (a thread-per-request run has up to tens of thousands of
    // them), a thread that records millions still allocates only once per doubling.
    static constexpr size_t kFirstChunk = 32;
    static constexpr size_t kMaxChunks = 27; // 32 * (2^27 - 1): ~4 G events per writing thread

    EventBuffer();
    ~EventBuffer();
    EventBuffer(const EventBuffer&) = delete;
    EventBuffer& operator=(const EventBuffer&) = delete;

    // Writer side: only the owning thread calls this.
    void push(const Event& event) noexcept {
        if (size_ == chunk_end_) [[unlikely]] {
            if (!next_chunk()) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                return;
            }
        }
        chunk_[size_ - chunk_begin_] = event;
        ++size_;
        published_.store(size_, std::memory_order_release);
    }

    // Reader side: appends everything published since the last call to `out`.
    size_t drain_into(std::vector<Event>& out);
    // Any thread: copies everything published so far to `out` without consuming it.
    size_t copy_published(std::vector<Event>& out) const;
    uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
    // How many events copy_published() / drain_into() would copy now (at least).
    uint64_t published() const noexcept { return published_.load(std::memory_order_acquire); }
    uint64_t unread() const noexcept { return published() - read_; }

    // Where event number `index` lives: chunk k starts at kFirstChunk * (2^k - 1).
    static size_t chunk_of(uint64_t index) noexcept;
    static uint64_t chunk_begin(size_t chunk) noexcept { return kFirstChunk * ((uint64_t(1) << chunk) - 1); }
    static uint64_t chunk_size(size_t chunk) noexcept { return kFirstChunk << chunk; }

private:
    bool next_chunk() noexcept;
    size_t copy_range(uint64_t from, uint64_t to, std::vector<Event>& out) const;

    std::array<std::atomic<Event*>, kMaxChunks> chunks_{};
    std::atomic<uint64_t> published_{0};
    std::atomic<uint64_t> dropped_{0};
    // writer-owned
    uint64_t size_ = 0;
    Event* chunk_ = nullptr;
    size_t chunk_index_ = 0;
    uint64_t chunk_begin_ = 0;
    uint64_t chunk_end_ = 0;
    // reader-owned
    uint64_t read_ = 0;
};

class Recorder {
public:
    Recorder();
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Lanes: thread-safe, rare (once per thread/process/task).
    uint32_t add_lane(LaneKind kind, std::string name, uint32_t parent = kNoLane, int64_t os_id = 0);
    void rename_lane(uint32_t lane, std::string name);
    std::vector<LaneInfo> lanes() const;
    size_t lane_count() const;

    // Hot path: stamps the time (the counter-based StampClock, on now_ns()'s axis within 1 µs)
    // and the CPU and appends to the calling thread's buffer.
    void record(uint32_t lane, EventKind kind, uint64_t arg = 0) noexcept {
        Event e;
        e.t_ns = stamp_now_ns(e.cpu);
        e.lane = lane;
        e.kind = kind;
        e.arg = arg;
        buffer().push(e);
    }
    // An event stamped elsewhere (a worker process streamed it to us): appended as is.
    void record_event(const Event& event) noexcept { buffer().push(event); }

    // Reader side (one reader at a time): moves newly published events of every buffer to `out`
    // (unsorted: each buffer's events are in order, buffers are interleaved). Returns the count.
    size_t drain(std::vector<Event>& out);
    // Copies every event published so far (all buffers, unsorted) to `out` without consuming
    // anything, so it does not disturb the reader that drains: the Runner's summary uses this.
    size_t snapshot(std::vector<Event>& out) const;
    uint64_t dropped() const;
    // Any thread: how many events have been published so far, drained or not (the Runner's event
    // budget reads it every sample).
    uint64_t recorded() const;
    int64_t origin_ns() const noexcept { return origin_ns_; }

    // The calling thread's buffer for this recorder (created on first use).
    EventBuffer& buffer() noexcept;

private:
    EventBuffer& register_thread();

    const uint64_t id_; // unique per Recorder, so a stale thread-local cache can't alias a new one
    const int64_t origin_ns_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<EventBuffer>> buffers_;
    std::vector<LaneInfo> lanes_;
};

} // namespace clab
