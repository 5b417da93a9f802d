#include "thread_start.h"

#include "core/workload/python_thread.h"

#include <cerrno>
#include <fstream>
#include <memory>
#include <sys/resource.h>
#include <system_error>

namespace clab {

void StartedEvent::set() {
    {
        std::lock_guard lock(mutex_);
        set_ = true;
    }
    cond_.notify_all();
}

void StartedEvent::wait() {
    std::unique_lock lock(mutex_);
    cond_.wait(lock, [this] { return set_; });
}

std::thread start_thread(PyThread* starter, std::function<void(StartedEvent&)> body) {
    // Shared: the new thread may still be setting it when the starter has already gone on.
    auto started = std::make_shared<StartedEvent>();
    std::thread thread([started, body = std::move(body)] {
        struct SetOnExit {
            StartedEvent& event;
            ~SetOnExit() { event.set(); }
        } guard{*started};
        body(*started);
    });
    // The wait needs no stop check: the new thread only waits for the GIL, which the starter
    // releases here and every other holder releases when the run stops.
    const bool held = starter && starter->holds_gil();
    if (held) starter->begin_blocking(IoKind::Join);
    started->wait();
    if (held) starter->end_blocking();
    return thread;
}

void ThreadGroup::add(std::thread thread, std::shared_ptr<std::atomic<bool>> finished) {
    entries_.push_back({std::move(thread), std::move(finished)});
}

void ThreadGroup::reap_finished() {
    for (size_t i = 0; i < entries_.size();) {
        if (!entries_[i].finished->load(std::memory_order_acquire)) {
            ++i;
            continue;
        }
        entries_[i].thread.join(); // it is returning: this is brief
        entries_[i] = std::move(entries_.back());
        entries_.pop_back();
    }
}

void ThreadGroup::join_all() {
    for (auto& entry : entries_)
        if (entry.thread.joinable()) entry.thread.join();
    entries_.clear();
}

namespace {
std::string proc_value(const char* path) {
    std::ifstream in(path);
    std::string value;
    in >> value;
    return value.empty() ? "?" : value;
}
} // namespace

std::string thread_start_error(long n, long m, const std::exception& e) {
    std::string message =
        "could not start thread " + std::to_string(n) + " of " + std::to_string(m) + ": " + e.what();
    const auto* system = dynamic_cast<const std::system_error*>(&e);
    if (system && system->code().value() == EAGAIN) {
        rlimit nproc{};
        getrlimit(RLIMIT_NPROC, &nproc);
        const std::string per_user =
            nproc.rlim_cur == RLIM_INFINITY ? "unlimited" : std::to_string(nproc.rlim_cur);
        message += " (limits: " + per_user + " processes and threads per user (ulimit -u), " +
                   proc_value("/proc/sys/kernel/threads-max") + " threads in all (kernel.threads-max), " +
                   proc_value("/proc/sys/kernel/pid_max") + " thread and process ids (kernel.pid_max))";
    }
    return message;
}

} // namespace clab
