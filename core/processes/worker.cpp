#include "worker.h"

#include "core/workload/cpu_work.h"
#include "fd_io.h"
#include "task_runner.h"

#include <algorithm>
#include <climits>
#include <csignal>
#include <ctime>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace clab::proc {

namespace {

// A cross-process lock made of a pipe holding one token byte: read it to acquire, write it back to
// release. Works across fork, exec and the forkserver alike (it is just two inherited fds), like
// the semaphore behind multiprocessing.Queue's reader/writer locks. fd -1: no lock.
class TokenLock {
public:
    TokenLock(int read_fd, int write_fd)
        : r_(read_fd)
        , w_(write_fd) {}
    bool acquire() const noexcept {
        char token;
        return r_ < 0 || read_all(r_, &token, 1);
    }
    void release() const noexcept {
        const char token = 1;
        if (w_ >= 0) write_all(w_, &token, 1);
    }

private:
    int r_, w_;
};

// Collects this process's events and streams them to the parent over the events pipe (kFdEvents,
// events_reader.h), never behind a result. Results go to the result pipe `fd` under `lock`.
class StreamingSink final : public EventSink {
public:
    StreamingSink(uint16_t sender, int fd, int events_fd, const TokenLock& lock)
        : sender_(sender)
        , fd_(fd)
        , events_fd_(events_fd)
        , lock_(lock) {
        events_.reserve(4096);
    }
    void add(EventKind kind, uint64_t arg = 0) noexcept override { add_at(now_ns(), kind, arg); }
    void add_at(int64_t t_ns, EventKind kind, uint64_t arg) noexcept {
        Event e;
        e.t_ns = t_ns;
        e.lane = 0; // "my lane": the parent maps the sender to its lane
        e.kind = kind;
        e.cpu = current_cpu();
        e.arg = arg;
        events_.push_back(e);
        if (events_.size() >= kMaxBuffered) flush();
    }
    void progress() noexcept override { flush(); }
    // Every buffered event, in frames of at most PIPE_BUF bytes: each write is atomic, so workers
    // sharing the events pipe never interleave and need no lock (a worker killed mid-flush cannot
    // leave one taken either).
    void flush() noexcept override {
        for (size_t sent = 0; sent < events_.size(); sent += kEventsPerFrame) {
            const size_t n = std::min(kEventsPerFrame, events_.size() - sent);
            const Frame frame = encode_events(sender_, events_.data() + sent, n);
            if (!write_all(events_fd_, frame.data(), frame.size()))
                _exit(0); // parent gone: nothing left to do
        }
        events_.clear();
    }
    // The buffered events first, then `frame` on the result pipe, under its lock.
    bool send_with_events(const Frame& frame) noexcept {
        flush();
        lock_.acquire();
        const bool ok = write_all(fd_, frame.data(), frame.size());
        lock_.release();
        return ok;
    }

private:
    static constexpr size_t kMaxBuffered = 8192;
    // The frame header, the body's 8 spare bytes and the events within PIPE_BUF (4096 on Linux).
    static constexpr size_t kEventsPerFrame = (PIPE_BUF - sizeof(FrameHeader) - 8) / sizeof(Event);

    uint16_t sender_;
    int fd_;
    int events_fd_;
    const TokenLock& lock_;
    std::vector<Event> events_;
};

// CPython's interpreter start-up or finalisation, as real work (our steps, ~50 us between looks at
// the clock) until this process's CPU clock reads `until_ns`. CPU time, not wall time: on a busy
// machine it takes longer, as python3's does. No stop check of its own: a Stop kills the worker
// (kill_on_stop.h), as it would kill python3's mid-import.
void spend_cpu_until(int64_t until_ns) noexcept {
    uint64_t x = uint64_t(until_ns);
    while (process_cpu_ns() < until_ns)
        x = spin_steps(x, 50'000);
    asm volatile("" : : "r"(x));
}

} // namespace

void prepare_child_process(int cpus) noexcept {
    // A worker never outlives the parent thread that started it (no orphans if the app dies).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    // `cpus` = the first N cores this process may use (lesson 2: two processes on one core).
    cpu_set_t pinned;
    if (first_cores(cpus, pinned)) sched_setaffinity(0, sizeof pinned, &pinned);
}

bool first_cores(int cpus, cpu_set_t& out) noexcept {
    CPU_ZERO(&out);
    cpu_set_t allowed;
    if (cpus <= 0 || sched_getaffinity(0, sizeof allowed, &allowed) != 0) return false;
    int taken = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && taken < cpus; ++cpu)
        if (CPU_ISSET(cpu, &allowed)) {
            CPU_SET(cpu, &out);
            ++taken;
        }
    return taken > 0;
}

// _process_worker: get a call item, run it, put the result; until the None sentinel (Stop).
int run_worker(const Preparation& prep) {
    const bool pool = prep.pool != 0;
    const int in_fd = pool ? kFdCall : kFdControl;
    const TokenLock in_lock = pool ? TokenLock(kFdCallLockR, kFdCallLockW) : TokenLock(-1, -1);
    const TokenLock out_lock = pool ? TokenLock(kFdResultLockR, kFdResultLockW) : TokenLock(-1, -1);
    const auto sender = uint16_t(prep.worker_index);
    StreamingSink sink(sender, kFdResult, kFdEvents, out_lock);

    // What python3's child has spent by its target's first line (its interpreter's start, imports,
    // unpickling; a fork child's copy-on-write faults and _bootstrap) beyond ours: inside the lane's
    // "starting up", which ends when the process can run Python.
    spend_cpu_until(prep.startup_cpu_ns);
    sink.add(EventKind::ProcessStartEnd, uint64_t(prep.method));
    FrameHeader header;
    std::vector<uint8_t> body;
    for (;;) {
        // 1. Wait for work (blocked on the call queue; its lock first, in a pool).
        sink.add(EventKind::Idle);
        sink.flush();
        if (!in_lock.acquire()) return 0;
        const bool got =
            read_frame(in_fd, header, body, [&](const FrameHeader&) { sink.add(EventKind::IpcRecvBegin); });
        in_lock.release();
        if (!got) return 0; // the parent closed the queue: leave quietly
        sink.add(EventKind::IpcRecvEnd, sizeof header + body.size());
        if (MsgType(header.type) == MsgType::Stop) {
            // _process_worker returns after result_queue.put(os.getpid()); then _bootstrap's
            // util._exit_function() and the interpreter's finalisation run until the process is
            // gone: "interpreter shutting down" on the lane until the parent sees it exit.
            sink.add(EventKind::ProcessExitBegin);
            sink.send_with_events(encode_exiting(sender, getpid()));
            spend_cpu_until(process_cpu_ns() + prep.shutdown_cpu_ns);
            return 0;
        }
        if (MsgType(header.type) != MsgType::Call) return 3;

        // 2. Unpickle the call item.
        sink.add(EventKind::DeserializeBegin, body.size());
        const std::optional<CallItem> item = decode_call(header, body);
        // conn.recv() returns the object and drops the buffer it read (Connection._recv_bytes'
        // BytesIO): the worker then holds the call item only, as python3's does.
        std::vector<uint8_t>().swap(body);
        sink.add(EventKind::DeserializeEnd);
        if (!item || item->tasks.empty()) return 3;
        const uint64_t first = item->tasks.front();
        sink.add(EventKind::WorkerGet, first);
        if (pool) { // give the call queue's slot back (no message: the manager is not woken)
            const char token = 1;
            write_all(kFdSlots, &token, 1);
            sink.flush(); // the timeline shows the item taken now, not once its result is in
        }

        // 3. Run its tasks (_process_chunk: one after another).
        ResultItem result;
        result.work_id = item->work_id;
        result.results.resize(item->tasks.size());
        for (size_t i = 0; i < item->tasks.size(); ++i)
            run_task(*item, item->tasks[i], sink, result.results[i]);

        // 4. Pickle the result and put it on the result queue.
        const int64_t serialize_begin = now_ns();
        const Frame frame = encode_result(sender, result);
        sink.add_at(serialize_begin, EventKind::SerializeBegin, frame.size());
        sink.add(EventKind::SerializeEnd);
        sink.add(EventKind::IpcSendBegin, frame.size());
        if (!sink.send_with_events(frame)) return 0;
        sink.add(EventKind::IpcSendEnd);
        sink.add(EventKind::WorkerPut, first);
    }
}

} // namespace clab::proc
