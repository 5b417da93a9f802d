#include "big_buffer.h"

#include <algorithm>
#include <mutex>
#include <new>
#include <sched.h>
#include <sys/mman.h>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace clab {

namespace {

// The mappings waiting to be given back, and whether a releaser thread is draining them.
struct ReleaseQueue {
    std::mutex mutex;
    std::vector<std::pair<void*, size_t>> mappings;
    size_t bytes_pending = 0; // in `mappings` or being given back
    bool releasing = false;
};

// Never destroyed: a releaser thread may still be giving pages back while the program exits.
ReleaseQueue& release_queue() {
    static ReleaseQueue* const queue = new ReleaseQueue;
    return *queue;
}

void drain(ReleaseQueue& queue) {
    for (;;) {
        std::pair<void*, size_t> mapping;
        {
            std::lock_guard lock(queue.mutex);
            if (queue.mappings.empty()) {
                queue.releasing = false;
                return;
            }
            mapping = queue.mappings.back();
            queue.mappings.pop_back();
        }
        // In 1 MiB pieces with a yield after each: the stopping run's threads (and the monitor
        // that ends with them) get the CPU back every ~0.1 ms instead of after 10-30 ms of page
        // freeing. Measured on a loaded 2-core VM (bench_stop): the stop's median went from 12-16
        // ms with one munmap per buffer to 1-5 ms.
        constexpr size_t kPiece = 1 << 20;
        char* const at = static_cast<char*>(mapping.first);
        for (size_t done = 0; done < mapping.second; done += kPiece) {
            munmap(at + done, std::min(kPiece, mapping.second - done));
            sched_yield();
        }
        std::lock_guard lock(queue.mutex);
        queue.bytes_pending -= mapping.second;
    }
}

} // namespace

BigBuffer::BigBuffer(size_t bytes)
    : size_(bytes) {
    if (bytes == 0) return;
    data_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throw std::bad_alloc();
    }
}

BigBuffer::~BigBuffer() {
    if (data_) munmap(data_, size_);
}

void BigBuffer::release_later() noexcept {
    if (!data_) return;
    const std::pair<void*, size_t> mapping{std::exchange(data_, nullptr), std::exchange(size_, 0)};
    ReleaseQueue& queue = release_queue();
    {
        std::lock_guard lock(queue.mutex);
        try {
            queue.mappings.push_back(mapping);
        } catch (const std::bad_alloc&) {
            munmap(mapping.first, mapping.second); // no room even for the list: give it back here
            return;
        }
        queue.bytes_pending += mapping.second;
        if (queue.releasing) return; // the running releaser takes it too
        queue.releasing = true;
    }
    try {
        std::thread([&queue] { drain(queue); }).detach();
    } catch (const std::exception&) {
        drain(queue); // no thread to be had (RLIMIT_NPROC): give them back here
    }
}

size_t big_buffer_bytes_pending_release() noexcept {
    ReleaseQueue& queue = release_queue();
    std::lock_guard lock(queue.mutex);
    return queue.bytes_pending;
}

bool big_buffer_releaser_running() noexcept {
    ReleaseQueue& queue = release_queue();
    std::lock_guard lock(queue.mutex);
    return queue.releasing;
}

} // namespace clab
