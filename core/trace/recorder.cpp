#include "recorder.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace clab {

namespace {
std::atomic<uint64_t> g_next_recorder_id{1};

// One-entry cache per thread: the buffer this thread last used and which Recorder it belongs to.
// Recorder ids are never reused, so a destroyed Recorder's entry can never be mistaken for a new one.
struct ThreadCache {
    uint64_t recorder_id = 0;
    EventBuffer* buffer = nullptr;
};
thread_local ThreadCache t_cache;

// Chunks are raw storage (an Event is an implicit-lifetime type: stored by assignment), so an
// allocation touches no memory; each page is first touched by the event written into it. Chunks
// of 2 MiB and more sit on 2 MiB boundaries and ask for transparent huge pages: one page fault per
// 2 MiB instead of 512 (a fault costs 2-50 µs under this machine's hypervisor: 10-300 ns per event
// with 4 KiB pages).
constexpr size_t kHugePage = size_t(2) << 20;

Event* allocate_chunk(size_t events) noexcept {
    const size_t bytes = events * sizeof(Event);
    if (bytes < kHugePage) return static_cast<Event*>(std::malloc(bytes));
    // The whole rounded allocation: a 3 MiB chunk advised for 3 MiB only would split its second
    // 2 MiB range and leave that half in 4 KiB pages.
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p) ::madvise(p, rounded, MADV_HUGEPAGE);
    return static_cast<Event*>(p);
}
} // namespace

EventBuffer::EventBuffer() {
    // The first chunk up front: a thread's first events never allocate.
    chunk_ = allocate_chunk(kFirstChunk);
    if (chunk_ == nullptr) throw std::bad_alloc();
    chunks_[0].store(chunk_, std::memory_order_relaxed);
    chunk_end_ = kFirstChunk;
}

EventBuffer::~EventBuffer() {
    for (size_t k = 0; k < kMaxChunks; ++k) {
        Event* chunk = chunks_[k].load(std::memory_order_relaxed);
        if (chunk == nullptr) continue;
        // The huge-page advice outlives the chunk: malloc hands the range out again for anything,
        // and each 2 MiB of it touched would then be resident whole (the GUI kept 50-60 MB of huge
        // pages after its largest run, issue 19). Normal pages again before the range goes back.
        const size_t bytes = chunk_size(k) * sizeof(Event);
        if (bytes >= kHugePage) ::madvise(chunk, bytes, MADV_NOHUGEPAGE);
        std::free(chunk);
    }
}

size_t EventBuffer::chunk_of(uint64_t index) noexcept {
    return size_t(std::bit_width(index / kFirstChunk + 1) - 1);
}

bool EventBuffer::next_chunk() noexcept {
    const size_t next = chunk_index_ + 1;
    if (next >= kMaxChunks) return false;
    Event* chunk = allocate_chunk(chunk_size(next));
    if (chunk == nullptr) return false;
    chunks_[next].store(chunk, std::memory_order_release);
    chunk_ = chunk;
    chunk_index_ = next;
    chunk_begin_ = chunk_begin(next);
    chunk_end_ = chunk_begin_ + chunk_size(next);
    return true;
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
    , origin_ns_(now_ns()) {}
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

EventBuffer& Recorder::buffer() noexcept {
    if (t_cache.recorder_id == id_) [[likely]]
        return *t_cache.buffer;
    return register_thread();
}

EventBuffer& Recorder::register_thread() {
    std::lock_guard lock(mutex_);
    buffers_.push_back(std::make_unique<EventBuffer>());
    t_cache.recorder_id = id_;
    t_cache.buffer = buffers_.back().get();
    return *t_cache.buffer;
}

size_t Recorder::drain(std::vector<Event>& out) {
    std::lock_guard lock(mutex_);
    uint64_t total = 0;
    for (const auto& buffer : buffers_)
        total += buffer->unread();
    out.reserve(out.size() + total);
    size_t n = 0;
    for (auto& buffer : buffers_)
        n += buffer->drain_into(out);
    return n;
}

size_t Recorder::snapshot(std::vector<Event>& out) const {
    std::lock_guard lock(mutex_);
    uint64_t total = 0;
    for (const auto& buffer : buffers_)
        total += buffer->published();
    out.reserve(out.size() + total);
    size_t n = 0;
    for (const auto& buffer : buffers_)
        n += buffer->copy_published(out);
    return n;
}

uint64_t Recorder::dropped() const {
    std::lock_guard lock(mutex_);
    uint64_t n = 0;
    for (const auto& buffer : buffers_)
        n += buffer->dropped();
    return n;
}

uint64_t Recorder::recorded() const {
    std::lock_guard lock(mutex_);
    uint64_t n = 0;
    for (const auto& buffer : buffers_)
        n += buffer->published();
    return n;
}

} // namespace clab
