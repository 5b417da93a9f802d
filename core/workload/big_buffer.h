// BigBuffer: a large block of memory (a task's 100 MB payload) that a stop never waits for.
//
// It is an anonymous mmap of 4 KiB pages, what glibc's malloc gives CPython for a 100 MB bytes
// object: the pages are faulted in as they are first written, at the same cost as in python3 on
// the same machine (no huge pages: that would make our copies faster than CPython's). Nothing is
// zeroed up front (the kernel zeroes each page at its first touch, which the copy pays anyway).
//
// Giving 200 MB of touched pages back to the kernel costs 10-30 ms of CPU here (munmap walks every
// page; a VM's nested page tables make it dearer; python3's `del` of the same two objects: 12-15
// ms). On the normal path that is part of the task, as `del data` is in Python. On a stop it would
// delay the run's end, so release_later() hands the mapping to a short-lived releaser thread: the
// stopping thread goes on at once, and the pages are given back in small pieces, yielding the CPU
// between them, while the run winds down and reports (the thread ends when its queue is empty).
// Any engine with big buffers on its stopping path (a pipe transfer's) can use it the same way.
#pragma once

#include <cstddef>

namespace clab {

class BigBuffer {
public:
    // Throws std::bad_alloc when the mapping cannot be made.
    explicit BigBuffer(size_t bytes);
    ~BigBuffer(); // munmap now
    BigBuffer(const BigBuffer&) = delete;
    BigBuffer& operator=(const BigBuffer&) = delete;

    char* data() noexcept { return static_cast<char*>(data_); }
    size_t size() const noexcept { return size_; }

    // Gives the pages back off this thread (see above); the buffer is empty afterwards.
    void release_later() noexcept;

private:
    void* data_ = nullptr;
    size_t size_ = 0;
};

// Bytes handed to release_later() and not yet given back (0 once the releaser is done), and
// whether a releaser thread is still at work.
size_t big_buffer_bytes_pending_release() noexcept;
bool big_buffer_releaser_running() noexcept;

} // namespace clab
