#include "recorder.h"

#include <algorithm>
#include <bit>
#include <new>

namespace clab {

namespace recorder_detail {
thread_local constinit ThreadCache t_cache;
} // namespace recorder_detail

namespace {
std::atomic<uint64_t> g_next_recorder_id{1};

// chunk_begin(k) for every k: the events of all chunks before it.
constexpr auto kChunkBegins = [] {
    std::array<uint64_t, EventBuffer::kMaxChunks + 1> begins{};
    for (size_t k = 0; k < EventBuffer::kMaxChunks; ++k)
        begins[k + 1] = begins[k] + EventBuffer::chunk_size(k);
    return begins;
}();
} // namespace

uint64_t EventBuffer::chunk_begin(size_t chunk) noexcept {
    return kChunkBegins[chunk];
}

size_t EventBuffer::chunk_of(uint64_t index) noexcept {
    // The last chunk beginning at or before `index`.
    return size_t(std::upper_bound(kChunkBegins.begin(), kChunkBegins.end(), index) - kChunkBegins.begin()) -
           1;
}

// Chunks are raw storage from the pool (an Event is an implicit-lifetime type: stored by
// assignment), made resident by the pool (ChunkPool::take, populate_next_window).
EventBuffer::EventBuffer(ChunkPool& pool)
    : pool_(pool) {
    // The first chunk is part of the buffer: a thread's first events never allocate.
    chunk_ = first_chunk_.data();
    chunks_[0].store(chunk_, std::memory_order_relaxed);
    chunk_end_ = chunk_size(0);
}

bool EventBuffer::next_chunk() noexcept {
    if (chunk_end_ < chunk_begin_ + chunk_size(chunk_index_)) { // more of a large chunk
        populate_next_window();
        return true;
    }
    const size_t next = chunk_index_ + 1;
    if (next >= kMaxChunks) return false;
    const size_t bytes = kFirstPieceBytes << (next - 1);
    Event* chunk = static_cast<Event*>(pool_.take(bytes));
    if (chunk == nullptr) return false;
    chunks_[next].store(chunk, std::memory_order_release);
    chunk_ = chunk;
    chunk_index_ = next;
    chunk_begin_ = chunk_begin(next);
    if (bytes < ChunkPool::kBlock) {
        chunk_end_ = chunk_begin_ + chunk_size(next); // resident already (ChunkPool::take)
    } else {
        resident_bytes_ = 0;
        populate_next_window();
    }
    return true;
}

// A chunk of a block or more becomes resident a block at a time, as it fills: the trace memory is
// made resident by the pool (trace_memory.h), and a huge page's worth of events at a time is
// what its first write made resident before.
void EventBuffer::populate_next_window() noexcept {
    const size_t bytes = kFirstPieceBytes << (chunk_index_ - 1);
    const size_t more = std::min(ChunkPool::kBlock, bytes - resident_bytes_);
    ChunkPool::populate(reinterpret_cast<char*>(chunk_) + resident_bytes_, more);
    resident_bytes_ += more;
    chunk_end_ = chunk_begin_ + std::min<uint64_t>(chunk_size(chunk_index_), resident_bytes_ / sizeof(Event));
}

size_t EventBuffer::copy_range(uint64_t from, uint64_t to, std::vector<Event>& out) const {
    // No reserve here: one exact reserve per buffer would reallocate `out` once per buffer, and a
    // thousand threads' buffers made the snapshot quadratic. The Recorder reserves for all of them.
    for (uint64_t at = from; at < to;) {
        const size_t index = chunk_of(at);
        const Event* chunk = chunks_[index].load(std::memory_order_acquire);
        const uint64_t offset = at - chunk_begin(index);
        const uint64_t take = std::min<uint64_t>(chunk_size(index) - offset, to - at);
        out.insert(out.end(), chunk + offset, chunk + offset + take);
        at += take;
    }
    return size_t(to - from);
}

size_t EventBuffer::drain_into(std::vector<Event>& out) {
    const uint64_t published = published_.load(std::memory_order_acquire);
    const size_t n = copy_range(read_, published, out);
    read_ = published;
    return n;
}

size_t EventBuffer::copy_published(std::vector<Event>& out) const {
    return copy_range(0, published_.load(std::memory_order_acquire), out);
}

Recorder::Recorder()
    : id_(g_next_recorder_id.fetch_add(1))
    , origin_ns_(now_ns()) {
    calibrate_stamp_clock(); // the first events as cheap as the later ones (once per process)
}
Recorder::~Recorder() = default;

uint32_t Recorder::add_lane(LaneKind kind, std::string name, uint32_t parent, int64_t os_id) {
    std::lock_guard lock(mutex_);
    LaneInfo info;
    info.id = uint32_t(lanes_.size());
    info.kind = kind;
    info.name = std::move(name);
    info.parent = parent;
    info.os_id = os_id;
    lanes_.push_back(std::move(info));
    return lanes_.back().id;
}

void Recorder::rename_lane(uint32_t lane, std::string name) {
    std::lock_guard lock(mutex_);
    if (lane < lanes_.size()) lanes_[lane].name = std::move(name);
}

std::vector<LaneInfo> Recorder::lanes() const {
    std::lock_guard lock(mutex_);
    return lanes_;
}

size_t Recorder::lane_count() const {
    std::lock_guard lock(mutex_);
    return lanes_.size();
}

EventBuffer& Recorder::register_thread() {
    std::lock_guard lock(mutex_);
    buffers_.push_back(std::make_unique<EventBuffer>(pool_));
    buffers_.back()->older_ = newest_.load(std::memory_order_relaxed);
    newest_.store(buffers_.back().get(), std::memory_order_release);
    recorder_detail::ThreadCache& cache = recorder_detail::this_thread_cache();
    cache.recorder_id = id_;
    cache.buffer = buffers_.back().get();
    return *buffers_.back();
}

// The buffers registered so far, oldest first, without the lock: the list is append-only and its
// buffers live as long as the Recorder. The reader's copies then run unlocked too, so a drain of
// millions of events (whose fresh pages fault at ~13 µs each here: hundreds of ms) never keeps a
// new thread's first event, or the monitor's, waiting on the lock.
// One allocation (a thousand threads' buffers must not make a reader allocate ten times).
std::vector<EventBuffer*> Recorder::all_buffers() const {
    EventBuffer* const newest = newest_.load(std::memory_order_acquire);
    size_t count = 0;
    for (const EventBuffer* buffer = newest; buffer != nullptr; buffer = buffer->older())
        ++count;
    std::vector<EventBuffer*> all(count);
    for (EventBuffer* buffer = newest; buffer != nullptr; buffer = buffer->older())
        all[--count] = buffer;
    return all;
}

size_t Recorder::drain(std::vector<Event>& out) {
    const std::vector<EventBuffer*> buffers = all_buffers();
    uint64_t total = 0;
    for (const EventBuffer* buffer : buffers)
        total += buffer->unread();
    out.reserve(out.size() + total);
    size_t n = 0;
    for (EventBuffer* buffer : buffers)
        n += buffer->drain_into(out);
    return n;
}

size_t Recorder::snapshot(std::vector<Event>& out) const {
    const std::vector<EventBuffer*> buffers = all_buffers();
    uint64_t total = 0;
    for (const EventBuffer* buffer : buffers)
        total += buffer->published();
    out.reserve(out.size() + total);
    size_t n = 0;
    for (const EventBuffer* buffer : buffers)
        n += buffer->copy_published(out);
    return n;
}

uint64_t Recorder::dropped() const noexcept {
    uint64_t n = 0;
    for (const EventBuffer* buffer = newest_.load(std::memory_order_acquire); buffer != nullptr;
         buffer = buffer->older())
        n += buffer->dropped();
    return n;
}

uint64_t Recorder::recorded() const noexcept {
    uint64_t n = 0;
    for (const EventBuffer* buffer = newest_.load(std::memory_order_acquire); buffer != nullptr;
         buffer = buffer->older())
        n += buffer->published();
    return n;
}

} // namespace clab
