// The fork gate: under AddressSanitizer and ThreadSanitizer, no observer thread of ours is inside the
// allocator while a worker process is forked.
//
// A child forked from a multithreaded parent has only the forking thread, and every lock as it was
// at that instant. glibc's malloc takes its locks around fork() and resets them in the child;
// AddressSanitizer's allocator in GCC 12's libasan does not (LLVM's compiler-rt added such atfork
// handlers later), so a worker forked while another thread refilled or drained its allocator cache
// deadlocked at its first allocation (test_process_pool under ASan: a worker stuck in
// SizeClassAllocator64::GetFromAllocator, the others waiting behind it for the call queue's lock,
// the test's future waiting 30 s). GCC 12's libtsan left its allocator's region lock held the same
// way (a fork-method pool worker under TSan stuck in the same function, 1 of 24 runs two at a
// time), so the gate is on under ThreadSanitizer too.
//
// The threads that observe running workers (the events reader, the core sampler's drainer, the
// thread sampler) are ObserverThreads: counted "at work" from before they are created until they are
// joined - their start-up and exit allocate too (a fork just after the events reader was created hung
// its first worker) - except while they wait, which they mark with Waiting. Another thread that
// observes now and then (the runner's core-utilisation monitor) marks its work with Observing. A fork
// (Forking, across fork() only) waits until no observer is at work, and observers that come while a
// fork waits wait for it: observers taking turns cannot starve a fork (std::shared_mutex, a
// reader-preferring rwlock, let them). Never nest Observing in an ObserverThread, nor fork from one.
// The host program's event loop marks when it is out of its wait for events (host_thread_busy:
// the GUI thread, app/gui/fork_gate_hook.h); a fork prefers it waiting but never waits for it long.
// Other threads of the host program (a caller's threads, Qt's own) are not covered: only an
// allocator with its own fork handlers could cover those.
//
// Without a sanitizer all of this compiles to nothing (ObserverThread is std::thread): release
// builds fork and observe exactly as before. Header-only: clab_sample, below clab_processes, uses it.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLAB_FORK_GATE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CLAB_FORK_GATE 1
#endif
#endif

#include <thread>

#if defined(CLAB_FORK_GATE)
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>
#endif

namespace clab::fork_gate {

#if defined(CLAB_FORK_GATE)

namespace detail {
struct State {
    std::mutex mutex;
    std::condition_variable changed;
    int at_work = 0;      // observers at work
    int hosts_busy = 0;   // host threads (the GUI's event loop) out of their wait
    int forks = 0;        // forks waiting or under way
    bool forking = false; // one is under way
};
inline State& state() noexcept {
    static State s;
    return s;
}
inline void enter() noexcept {
    State& s = state();
    std::unique_lock lock(s.mutex);
    s.changed.wait(lock, [&] { return s.forks == 0; });
    ++s.at_work;
}
inline void leave() noexcept {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (--s.at_work == 0 && s.forks > 0) s.changed.notify_all();
}
} // namespace detail

// An observer's stretch of work, on a thread that is not an ObserverThread.
class Observing {
public:
    Observing() noexcept { detail::enter(); }
    ~Observing() { detail::leave(); }
    Observing(const Observing&) = delete;
    Observing& operator=(const Observing&) = delete;
};

// An ObserverThread's wait (poll, sleep, condition variable): a fork may go ahead meanwhile.
class Waiting {
public:
    Waiting() noexcept { detail::leave(); }
    ~Waiting() { detail::enter(); }
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;
};

// A host program's event loop (the GUI thread) says when it leaves and enters its wait for events.
// It allocates whenever it is out of that wait, but it may itself be waiting for the thread that
// forks (a window that closes joins its run), so a fork cannot wait for it unconditionally: a fork
// waits up to kHostGraceMs for it to be in its wait, and an event loop that leaves its wait while
// fork() itself is under way waits for fork() to return.
inline constexpr int kHostGraceMs = 200;
inline void host_thread_busy(bool busy) noexcept {
    thread_local bool marked = false;
    if (marked == busy) return;
    detail::State& s = detail::state();
    std::unique_lock lock(s.mutex);
    if (busy) {
        s.changed.wait(lock, [&] { return !s.forking; });
        ++s.hosts_busy;
    } else if (--s.hosts_busy == 0 && s.forks > 0) {
        s.changed.notify_all();
    }
    marked = busy;
}

// Held by the forking thread across fork(), in the parent only: the child leaves by _exit or exec
// and never looks at the gate.
class Forking {
public:
    Forking() noexcept {
        detail::State& s = detail::state();
        std::unique_lock lock(s.mutex);
        ++s.forks;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHostGraceMs);
        for (;;) {
            const bool observers_idle = s.at_work == 0 && !s.forking;
            if (observers_idle && (s.hosts_busy == 0 || std::chrono::steady_clock::now() >= give_up)) break;
            if (observers_idle)
                s.changed.wait_until(lock, give_up);
            else
                s.changed.wait(lock);
        }
        s.forking = true;
    }
    ~Forking() {
        detail::State& s = detail::state();
        std::lock_guard lock(s.mutex);
        s.forking = false;
        --s.forks;
        s.changed.notify_all();
    }
    Forking(const Forking&) = delete;
    Forking& operator=(const Forking&) = delete;
};

// std::thread's subset we use, counted at work from before its creation until join() returns.
class ObserverThread {
public:
    ObserverThread() noexcept = default;
    template <class F> explicit ObserverThread(F&& body) {
        detail::enter();
        try {
            thread_ = std::thread(std::forward<F>(body));
        } catch (...) {
            detail::leave();
            throw;
        }
    }
    ObserverThread(ObserverThread&& other) noexcept
        : thread_(std::move(other.thread_)) {}
    ObserverThread& operator=(ObserverThread&& other) noexcept {
        thread_ = std::move(other.thread_); // std::terminate if this one still runs, as std::thread
        return *this;
    }
    ~ObserverThread() = default; // std::terminate if still joinable, as std::thread
    bool joinable() const noexcept { return thread_.joinable(); }
    void join() {
        thread_.join();
        detail::leave();
    }

private:
    std::thread thread_;
};

#else

class Observing {
public:
    Observing() noexcept {}
    Observing(const Observing&) = delete;
    Observing& operator=(const Observing&) = delete;
};

class Waiting {
public:
    Waiting() noexcept {}
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;
};

class Forking {
public:
    Forking() noexcept {}
    Forking(const Forking&) = delete;
    Forking& operator=(const Forking&) = delete;
};

inline void host_thread_busy(bool) noexcept {}

using ObserverThread = std::thread;

#endif

} // namespace clab::fork_gate
