#include "workload.h"

#include "big_buffer.h"
#include "core/net/blocking_client.h"
#include "core/trace/recorder.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>

namespace clab {

int64_t ms_to_ns(double ms) {
    return int64_t(ms * 1e6 + 0.5);
}

Workload::Workload(const ExperimentSpec& spec, RunContext& ctx)
    : spec_(spec)
    , ctx_(ctx)
    , stop_(&ctx.stop) {
    const bool needs_locks =
        spec.workload == WorkloadKind::Deadlock || (spec.workload == WorkloadKind::Counter && spec.lock);
    if (needs_locks) {
        // Lanes created after this point get ids below this bound (one per thread, plus slack).
        const size_t max_lanes = ctx.recorder.lane_count() + size_t(spec.tasks) + size_t(spec.workers) + 64;
        locks_ = std::make_unique<LockTable>(2, max_lanes);
    }
    if (spec.workload == WorkloadKind::Deadlock)
        watchdog_ = std::make_unique<DeadlockWatchdog>(*locks_, ctx.recorder, ctx.cancel);
}

Workload::~Workload() = default;

bool Workload::run_task(PyThread& t, int index) {
    Recorder& recorder = t.recorder();
    recorder.record(t.lane(), EventKind::TaskBegin, uint64_t(index));
    bool ok = true;
    switch (spec_.workload) {
    case WorkloadKind::Cpu:
        ok = cpu(t, spec_.iterations);
        break;
    case WorkloadKind::Sleep:
        ok = sleeps(t, spec_.io_count, ms_to_ns(spec_.io_ms), false);
        break;
    case WorkloadKind::Net:
        ok = net(t);
        break;
    case WorkloadKind::Mixed:
        ok = index == 0 ? cpu(t, spec_.iterations) : sleeps(t, spec_.io_count, ms_to_ns(spec_.io_ms), true);
        break;
    case WorkloadKind::Counter:
        ok = counter(t);
        break;
    case WorkloadKind::Deadlock:
        ok = deadlock(t, index);
        break;
    case WorkloadKind::Blend: {
        const int64_t cpu_iterations = spec_.iterations * spec_.cpu_percent / 100;
        const int64_t wait_ns = ms_to_ns(spec_.io_ms * (100 - spec_.cpu_percent) / 100.0);
        ok = cpu(t, cpu_iterations) && (wait_ns == 0 || sleeps(t, spec_.io_count, wait_ns, false));
        break;
    }
    case WorkloadKind::Payload:
        ok = payload(t);
        break;
    case WorkloadKind::BlockLoop:
        ok = cpu(t, spec_.iterations);
        break; // asyncio only (validate refuses it)
    }
    recorder.record(t.lane(), EventKind::TaskEnd, uint64_t(index));
    return ok && !t.stopping();
}

bool Workload::sleeps(PyThread& t, int count, int64_t each_ns, bool measure) {
    for (int i = 0; i < count; ++i) {
        if (!t.blocking_sleep(each_ns)) return false;
        if (measure) {
            std::lock_guard lock(latency_mutex_);
            io_latencies_ns_.push_back(t.last_io_latency_ns());
        }
        t.check_point(); // the loop's back-edge
    }
    return true;
}

void Workload::fail(const std::string& why) {
    {
        std::lock_guard lock(latency_mutex_);
        if (error_.empty()) error_ = why;
    }
    stop_.request();
    std::lock_guard lock(latency_mutex_);
    // Requests still waiting would each sit out their answer (or the client's 10 s patience):
    // shutting their sockets down makes every blocked recv return now.
    for (const int fd : open_sockets_)
        ::shutdown(fd, SHUT_RDWR);
}

bool Workload::net(PyThread& t) {
    if (t.stopping()) return false; // another task already failed: do not even connect
    net::BlockingClient client;
    std::string error;
    int connect_errno = 0;
    // Each blocking call made the way CPython makes it: without the GIL, one at a time, so that a
    // thread takes the GIL back (and waits for it among the others) as often as python3's does.
    const auto without_gil = [&t](IoKind kind, auto&& call) { return t.blocking(kind, call); };
    const auto connect_step = [&](auto&& step) {
        return without_gil(IoKind::Connect, [&] {
            const bool ok = step();
            connect_errno = ok ? 0 : errno;
            return ok;
        });
    };
    // socket.create_connection(("127.0.0.1", port)): getaddrinfo, socket, connect.
    const bool connected = connect_step([&] { return client.resolve(ctx_.server_port, &error); }) &&
                           connect_step([&] { return client.open_socket(&error); }) &&
                           connect_step([&] { return client.connect_resolved(&error); });
    if (!connected) {
        if (t.stopping()) return false; // Stop closed the server under us: not an error
        std::string why = "could not connect to the slow server: " + error;
        if (connect_errno == EMFILE) {
            rlimit limit{};
            getrlimit(RLIMIT_NOFILE, &limit);
            why += " (this program may have only " + std::to_string(limit.rlim_cur) +
                   " files and sockets open at once, see ulimit -n, and the " + std::to_string(spec_.tasks) +
                   " tasks want a connection each)";
        }
        fail(why);
        return false;
    }
    {
        std::lock_guard lock(latency_mutex_);
        open_sockets_.push_back(client.fd());
    }
    {
        // Off the list before the client closes it: fail() never touches a reused descriptor.
        struct Unlist {
            Workload& w;
            int fd;
            ~Unlist() {
                std::lock_guard lock(w.latency_mutex_);
                w.open_sockets_.erase(std::find(w.open_sockets_.begin(), w.open_sockets_.end(), fd));
            }
        } unlist{*this, client.fd()};
        const int64_t latency_us = int64_t(spec_.io_ms * 1000.0 + 0.5);
        for (int i = 0; i < spec_.io_count; ++i) {
            if (t.stopping()) return false;
            // t0 = perf_counter(); conn.sendall(request); conn.recv(64); perf_counter() - t0
            const int64_t asked_ns = now_ns();
            const bool answered =
                without_gil(IoKind::SocketCall, [&] { return client.send_request(latency_us); }) &&
                without_gil(IoKind::Socket, [&] { return client.receive_reply(); });
            if (!answered) {
                if (t.stopping()) return false;
                fail("the slow server did not answer a request");
                return false;
            }
            {
                std::lock_guard lock(latency_mutex_);
                io_latencies_ns_.push_back(now_ns() - asked_ns);
            }
            t.check_point();
        }
    }
    // Leaving `with`: conn.close(), also without the GIL.
    without_gil(IoKind::SocketCall, [&] {
        client.close();
        return true;
    });
    return true;
}

bool Workload::counter(PyThread& t) {
    const uint32_t steps = uint32_t(t.steps_per_iteration());
    const uint32_t quarter = std::max(1u, steps / 4);
    PyLock* lock = spec_.lock ? &locks_->lock(0) : nullptr;
    int64_t until_slow_tick = 1024;
    int64_t made = 0; // added to counter_updates_ on every way out (a plain local: no shared line)
    struct AddOnExit {
        std::atomic<int64_t>& total;
        const int64_t& made;
        ~AddOnExit() { total.fetch_add(made, std::memory_order_relaxed); }
    } add_on_exit{counter_updates_, made};
    for (int64_t i = 0; i < spec_.iterations; ++i) {
        // `with lock:` - entering calls __enter__ without an eval-breaker check (BEFORE_WITH), so a
        // switch inside the block can only come from the call to f() in the call form.
        // The `with` machinery costs about what two loop iterations cost (measured with python3:
        // 4 threads x 300k `with lock: counter += 1` take ~4x the CPU of the bare loop).
        if (lock) {
            t.spin(steps);
            if (!lock->acquire(t)) return false;
        }
        // Where the time goes decides where a switch can fall: in CPython 3.11 about 3/5 of a
        // `counter = counter + f()` iteration runs before f()'s RESUME check (FOR_ITER, the loads,
        // setting up the call), 2/5 after it (return, BINARY_OP, STORE_GLOBAL, JUMP_BACKWARD).
        const bool call = spec_.update == CounterUpdate::Call;
        t.spin(quarter);
        const int64_t value = counter_.load(std::memory_order_relaxed); // LOAD_GLOBAL counter
        t.spin(call ? 2 * quarter : quarter);
        if (call) t.check_point(); // CALL f(): checked at f's RESUME, between read and write
        t.spin(quarter);
        counter_.store(value + 1, std::memory_order_relaxed); // STORE_GLOBAL counter
        ++made;
        t.spin(quarter);
        if (lock) {
            t.spin(steps); // __exit__ runs before the lock is free
            lock->release(t);
            t.check_point(); // CALL lock.__exit__(): checked after it returned, lock released
        }
        t.check_point(); // the loop's back-edge
        if (--until_slow_tick == 0) {
            until_slow_tick = 1024;
            if (!t.slow_tick()) return false;
        }
    }
    return true;
}

bool Workload::deadlock(PyThread& t, int index) {
    const bool reverse = !spec_.lock_order_fixed && index % 2 == 1;
    PyLock& first = locks_->lock(reverse ? 1 : 0);
    PyLock& second = locks_->lock(reverse ? 0 : 1);
    for (int round = 0; round < std::max(1, spec_.io_count); ++round) {
        if (!first.acquire(t)) return false;
        // `time.sleep(io_ms)` while holding the first lock: the other thread takes its first lock.
        if (!t.blocking_sleep(ms_to_ns(spec_.io_ms))) {
            first.release(t);
            return false;
        }
        if (!second.acquire(t)) {
            first.release(t);
            return false;
        }
        const bool ok = t.run_iterations(std::min<int64_t>(spec_.iterations, 10'000));
        second.release(t);
        first.release(t);
        if (!ok) return false;
    }
    return true;
}

bool Workload::payload(PyThread& t) {
    const size_t bytes = size_t(spec_.payload_bytes);
    {
        // `data = b"x" * n; back = bytearray(data)`: two fresh 100 MB blocks whose pages are
        // faulted in as they are written, as in CPython (see big_buffer.h).
        BigBuffer there(bytes);
        BigBuffer back(bytes);
        // Threads share one address space: "sending" is a copy at most. In CPython that copy is
        // one C call without a check point; here it goes in pieces only so that a Stop is seen
        // within a fraction of a millisecond even while every page of a piece still has to be
        // faulted in (no GIL hand-off between them, as in CPython).
        constexpr size_t kPiece = 64 << 10;
        for (size_t at = 0; at < bytes && !t.stopping(); at += kPiece) {
            const size_t n = std::min(kPiece, bytes - at);
            std::memset(there.data() + at, 'x', n);
            std::memcpy(back.data() + at, there.data() + at, n);
        }
        if (t.stopping()) {
            // The run ends now; giving the touched pages back (10-30 ms) can wait for it.
            there.release_later();
            back.release_later();
            return false;
        }
    } // freed on return from the task's frame, before the caller's next check point: a thread
      // that is switched out holds no payload (as in CPython)
    t.check_point();
    return true;
}

void Workload::finish(Summary& summary, uint32_t main_lane) {
    if (watchdog_) watchdog_->stop();
    if (spec_.workload == WorkloadKind::Counter) {
        summary.counter_expected = int64_t(spec_.tasks) * spec_.iterations;
        summary.counter_value = counter_.load();
        // Lost: made, then overwritten by another thread's stale write (equal to expected - value
        // for a run that completed; a stopped run never made the rest).
        summary.lost_updates =
            uint64_t(std::max<int64_t>(0, counter_updates_.load() - summary.counter_value));
        ctx_.recorder.record(main_lane, EventKind::CounterResult, uint64_t(summary.counter_value));
    }
    if (deadlock_detected()) {
        summary.deadlock = true;
        summary.error =
            "deadlock: the threads wait for each other's locks (a wait-for cycle); only Stop ends it";
    }
    if (!error_.empty() && summary.error.empty()) summary.error = error_;
    std::vector<int64_t> latencies;
    {
        std::lock_guard lock(latency_mutex_);
        latencies = io_latencies_ns_;
    }
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        summary.io_latency_median_ms = double(latencies[latencies.size() / 2]) / 1e6;
        summary.io_latency_max_ms = double(latencies.back()) / 1e6;
    }
}

} // namespace clab
