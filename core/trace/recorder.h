// Recorder: where engines write events while they run, and where the GUI (or the Runner) reads
// them from while the run is still going.
//
// Every writing thread gets its own append-only buffer, so the hot path takes no lock and makes
// no allocation (a chunk twice the size of the last once it is full). The single reader drains
// what each buffer has published since the last drain. Buffers belong to the Recorder, not to the
// thread, so events survive the thread that wrote them; their chunks come from the Recorder's
// ChunkPool (huge pages shared by all its threads: see chunk_pool.h for why).
#pragma once

#include "chunk_pool.h"
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

class EventBuffer;

namespace recorder_detail {
// One-entry cache per thread: the buffer this thread last used and which Recorder it belongs to.
// Recorder ids are never reused, so a destroyed Recorder's entry can never be mistaken for a new
// one. constinit: reached directly by inline code, no TLS wrapper call on the hot path.
struct ThreadCache {
    uint64_t recorder_id = 0;
    EventBuffer* buffer = nullptr;
};
extern thread_local constinit ThreadCache t_cache;
// Through an empty asm in sanitizer builds, for the reason stamp_clock.h's this_thread_anchor()
// gives (GCC's UBSan null check of a TLS address reads stale flags).
inline ThreadCache& this_thread_cache() noexcept {
    ThreadCache* cache = &t_cache;
#if defined(__SANITIZE_ADDRESS__)
    asm("" : "+r"(cache));
#endif
    return *cache;
}
} // namespace recorder_detail

class EventBuffer {
public:
    // Chunks grow geometrically. Chunk 0 lies inside the buffer itself (kFirstChunk events), so a
    // thread that records a handful of events costs ~1 KB with the buffer (a thread-per-request
    // run has up to tens of thousands of them) and no piece of the pool. Chunk k >= 1 is a piece
    // of kFirstPieceBytes << (k - 1) bytes, a power of two (the pool packs them without waste),
    // holding as many whole events as fit: a thread that records millions takes a piece only
    // once per doubling.
    static constexpr size_t kFirstChunk = 32; // events in chunk 0
    static constexpr size_t kFirstPieceBytes = ChunkPool::kSmallestPiece;
    static constexpr size_t kMaxChunks = 27; // 1 KiB * (2^26 - 1): ~2.8 G events per writing thread

    explicit EventBuffer(ChunkPool& pool);
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

    // Where event number `index` lives: chunk k holds chunk_size(k) events from chunk_begin(k).
    static size_t chunk_of(uint64_t index) noexcept;
    static constexpr uint64_t chunk_size(size_t chunk) noexcept {
        return chunk == 0 ? kFirstChunk : (kFirstPieceBytes << (chunk - 1)) / sizeof(Event);
    }
    static uint64_t chunk_begin(size_t chunk) noexcept;

    // The buffer registered before this one (nullptr: the first): set once before the buffer is
    // published, so the readers walk every buffer without the Recorder's lock (all_buffers()).
    EventBuffer* older() const noexcept { return older_; }

private:
    friend class Recorder;
    bool next_chunk() noexcept;
    void populate_next_window() noexcept;
    size_t copy_range(uint64_t from, uint64_t to, std::vector<Event>& out) const;

    ChunkPool& pool_;
    EventBuffer* older_ = nullptr;
    std::array<std::atomic<Event*>, kMaxChunks> chunks_{};
    std::atomic<uint64_t> published_{0};
    std::atomic<uint64_t> dropped_{0};
    // writer-owned
    uint64_t size_ = 0;
    Event* chunk_ = nullptr;
    size_t chunk_index_ = 0;
    uint64_t chunk_begin_ = 0;
    uint64_t chunk_end_ = 0;    // the end of the current chunk's resident part
    size_t resident_bytes_ = 0; // of a chunk of ChunkPool::kBlock or more: made resident so far
    // reader-owned
    uint64_t read_ = 0;
    std::array<Event, kFirstChunk> first_chunk_; // chunk 0
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
        buffer().push(stamped(lane, kind, arg));
    }
    // An event stamped elsewhere (a worker process streamed it to us, or stamped() took its
    // stamp earlier): appended as is.
    void record_event(const Event& event) noexcept { buffer().push(event); }
    // Stamps an event without writing it: take the stamp inside a critical section (the GIL's
    // mutex, so transitions of different threads can never overlap on the timeline) and hand it
    // to record_event() after leaving it (the write, and a chunk's first touch, stay outside).
    static Event stamped(uint32_t lane, EventKind kind, uint64_t arg = 0) noexcept {
        Event e;
        e.t_ns = stamp_now_ns(e.cpu);
        e.lane = lane;
        e.kind = kind;
        e.arg = arg;
        return e;
    }
    // The same, stamped later than `floor` (the last stamp taken in the same critical section by
    // any thread: see stamp_after_ns), so events serialised by a mutex keep their true order on
    // the timeline whichever cores stamped them.
    static Event stamped_after(int64_t floor, uint32_t lane, EventKind kind, uint64_t arg = 0) noexcept {
        Event e;
        e.t_ns = stamp_after_ns(floor, e.cpu);
        e.lane = lane;
        e.kind = kind;
        e.arg = arg;
        return e;
    }

    // The reader side takes no lock (see all_buffers()): writers never wait for a reader.
    // One reader at a time: moves newly published events of every buffer to `out` (unsorted: each
    // buffer's events are in order, buffers are interleaved). Returns the count.
    size_t drain(std::vector<Event>& out);
    // Copies every event published so far (all buffers, unsorted) to `out` without consuming
    // anything, so it does not disturb the reader that drains: the Runner's summary uses this.
    size_t snapshot(std::vector<Event>& out) const;
    uint64_t dropped() const noexcept;
    // Any thread: how many events have been published so far, drained or not. The Runner's event
    // budget reads it while a reader drains (a window catching up with millions of events): when
    // drains held the lock, waiting for one let a busy run overshoot its budget up to twice. It
    // sums the writers' own published counts, so recording pays nothing for it.
    uint64_t recorded() const noexcept;
    int64_t origin_ns() const noexcept { return origin_ns_; }

    // The calling thread's buffer for this recorder (created on first use).
    EventBuffer& buffer() noexcept {
        const recorder_detail::ThreadCache& cache = recorder_detail::this_thread_cache();
        if (cache.recorder_id == id_) [[likely]]
            return *cache.buffer;
        return register_thread();
    }

private:
    EventBuffer& register_thread();
    std::vector<EventBuffer*> all_buffers() const;

    const uint64_t id_; // unique per Recorder, so a stale thread-local cache can't alias a new one
    const int64_t origin_ns_;
    ChunkPool pool_;           // before buffers_: their chunks live in it
    mutable std::mutex mutex_; // lanes_ and the registration of a buffer; readers take none
    std::vector<std::unique_ptr<EventBuffer>> buffers_; // owns them
    // The newest of buffers_, each linked to the one before (EventBuffer::older): the readers'
    // lock-free way through them. Buffers live as long as the Recorder.
    std::atomic<EventBuffer*> newest_{nullptr};
    std::vector<LaneInfo> lanes_;
};

} // namespace clab
