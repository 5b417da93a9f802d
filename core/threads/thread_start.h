// Thread.start() as CPython does it (Lib/threading.py, Modules/_threadmodule.c):
//
//   _start_new_thread(self._bootstrap, ())   the OS thread is created while the starter holds the GIL
//   self._started.wait()                     the starter waits on a lock, without the GIL ...
//
// ... until the new thread has taken the GIL and run _bootstrap_inner, which sets `_started`. Only
// then does the starter take the GIL back (waiting for it like any other thread). So starting N
// threads hands the GIL to each new thread in turn; the starter never keeps it across the starts.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace clab {

class PyThread;

// threading.Thread._started: set by the new thread once it runs Python (holds the GIL).
class StartedEvent {
public:
    void set();
    void wait();

private:
    std::mutex mutex_;
    std::condition_variable cond_;
    bool set_ = false;
};

// Starts `body` on a new OS thread the way Thread.start() does and returns once it has started.
// `body` must call started.set() right after it took the GIL (PyThread::enter()); if it returns
// without, the event is set on its way out, so the starter can never wait forever. `starter` is the
// calling Python thread (nullptr: not one): when it holds the GIL it releases it for the wait,
// recorded as a Join wait on its lane, and takes it back afterwards.
// Throws std::system_error when the OS refuses the thread (nothing was started then, and the
// starter still holds the GIL as before).
std::thread start_thread(PyThread* starter, std::function<void(StartedEvent&)> body);

// The threads an engine started, joined at the end (`for t in threads: t.join()`). CPython's
// threads are detached and free their stacks when they end; here the ones that have ended are
// joined along the way (reap_finished), so a run can start many more threads in total than the
// system lets exist at once (kernel.pid_max, vm.max_map_count), as in CPython.
class ThreadGroup {
public:
    // `finished` is set by the thread as the very last thing it does.
    void add(std::thread thread, std::shared_ptr<std::atomic<bool>> finished);
    void reap_finished();
    void join_all();
    ~ThreadGroup() { join_all(); }

private:
    struct Entry {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> finished;
    };
    std::vector<Entry> entries_;
};

// "could not start thread N of M: <why>", and when the OS said "try again" (EAGAIN), the limits
// that usually cause it (RLIMIT_NPROC, kernel.threads-max, kernel.pid_max). CPython raises
// RuntimeError("can't start new thread") at the same point.
std::string thread_start_error(long n, long m, const std::exception& e);

} // namespace clab
