#include "process_engine.h"

#include "engine_common.h"
#include "events_reader.h"
#include "kill_on_stop.h"
#include "launcher.h"
#include "run_stats.h"
#include "worker.h"

#include <algorithm>
#include <atomic>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clab::proc {

namespace {

struct ProcessSlot {
    uint32_t index = 0;
    uint32_t lane = 0;
    std::string name;
    Child child;
    UniqueFd control; // parent -> child: tasks
    UniqueFd results; // child -> parent: results (its events go to the events pipe)
    std::vector<uint64_t> tasks;
    size_t sent = 0;
    size_t done = 0;
    bool exiting = false; // it said goodbye: its death is expected
    bool finished = false;
};

class Run {
public:
    Run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary)
        : spec_(spec)
        , ctx_(ctx)
        , summary_(summary)
        , stats_(ctx.recorder)
        , params_(task_params(spec))
        , payload_(make_payload(spec))
        , kill_on_stop_(ctx.stop) {}

    void execute() {
        const int processes = spec_.workers > 0 ? std::min(spec_.workers, spec_.tasks) : spec_.tasks;
        slots_.resize(size_t(processes));
        for (int t = 0; t < spec_.tasks; ++t)
            slots_[size_t(t % processes)].tasks.push_back(uint64_t(t));
        lanes_ = std::vector<std::atomic<uint32_t>>(size_t(processes));
        for (auto& lane : lanes_)
            lane.store(kNoLane, std::memory_order_relaxed);
        std::string error;
        if (!events_.start([this](uint16_t sender, std::vector<Event>& events) { ingest(sender, events); },
                           events_write_, &error)) {
            summary_.error = "Could not start the events reader: " + error;
            for (auto& slot : slots_)
                slot.finished = true;
        }
        for (size_t i = 0; i < slots_.size() && !cancelled() && summary_.error.empty(); ++i)
            if (!start(slots_[i], uint32_t(i))) break;
        events_write_.reset(); // every worker holds its own end now
        while (!cancelled() && !all_finished())
            wait_and_handle();
        if (cancelled() || !summary_.error.empty()) stop_everything();
        events_.stop(); // every worker is reaped: all their events are in the pipe, and now in the trace
        finish_summary();
    }

private:
    bool cancelled() const { return ctx_.stop.requested(); }
    // On the events reader's thread: a worker's events, onto its lane.
    void ingest(uint16_t sender, std::vector<Event>& events) {
        if (sender >= lanes_.size()) return;
        const uint32_t lane = lanes_[sender].load(std::memory_order_acquire);
        if (lane != kNoLane) stats_.ingest(lane, events);
    }
    bool all_finished() const {
        return std::all_of(slots_.begin(), slots_.end(), [](const ProcessSlot& s) { return s.finished; });
    }

    // p = Process(target=work, args=...); p.start()
    bool start(ProcessSlot& slot, uint32_t index) {
        slot.index = index;
        slot.name =
            std::string(process_class_name(spec_.start_method, false)) + "-" + std::to_string(index + 1);
        slot.lane = stats_.add_worker_lane(slot.name, ctx_.main_lane);
        Pipe control, results;
        std::string error;
        if (!make_pipe(control, &error) || !make_pipe(results, &error)) return fail_start(slot, error);
        ChildEnds ends;
        ends.control() = control.read.get();
        ends.result() = results.write.get();
        ends.fds[kFdEvents - kFdControl] = events_write_.get();
        lanes_[index].store(slot.lane, std::memory_order_release); // before the child can write
        const Preparation prep = preparation(index, spec_.start_method, spec_.cpus, false);
        stats_.record(slot.lane, EventKind::ProcessStartBegin, uint64_t(spec_.start_method));
        if (!start_worker(spec_.start_method, prep, ends, control.write.get(), slot.child, &error))
            return fail_start(slot, error);
        // The child holds its ends now. Ours would keep the pipes alive past its death: a write
        // to a dead worker would wait for room forever instead of failing with EPIPE.
        control.read.reset();
        results.write.reset();
        slot.control = std::move(control.write);
        slot.results = std::move(results.read);
        slot.name += " (pid " + std::to_string(slot.child.pid) + ")";
        stats_.rename(slot.lane, slot.name);
        stats_.watch_process(slot.lane, slot.child.pid); // its real scheduling on the core lanes
        kill_on_stop_.watch(slot.child.pid);
        send_next(slot);
        return true;
    }

    bool fail_start(ProcessSlot& slot, const std::string& error) {
        slot.finished = true;
        summary_.error = "Could not start " + slot.name + ": " + error;
        for (size_t i = slot.index + 1; i < slots_.size(); ++i)
            slots_[i].finished = true; // never started
        return false;
    }

    // conn.send(task): pickle, then write; or the goodbye when its tasks are done.
    void send_next(ProcessSlot& slot) {
        if (slot.sent == slot.tasks.size()) {
            const Frame stop = encode_stop();
            write_all(slot.control.get(), stop.data(), stop.size(), ctx_.stop, slot.child.sentinel.get());
            return;
        }
        CallItem item;
        item.work_id = slot.tasks[slot.sent];
        item.params = params_;
        item.tasks = {slot.tasks[slot.sent]};
        item.payload = payload_;
        stats_.record(ctx_.main_lane, EventKind::SerializeBegin, payload_ ? payload_->size() : 0);
        const Frame frame = encode_call(item, &ctx_.stop);
        if (frame.empty()) return; // stopped while pickling
        stats_.record(ctx_.main_lane, EventKind::SerializeEnd);
        stats_.record(ctx_.main_lane, EventKind::IpcSendBegin, frame.size());
        const bool ok =
            write_all(slot.control.get(), frame.data(), frame.size(), ctx_.stop, slot.child.sentinel.get());
        stats_.record(ctx_.main_lane, EventKind::IpcSendEnd);
        if (ok) stats_.add_ipc_bytes(frame.size());
        ++slot.sent;
    }

    void wait_and_handle() {
        std::vector<pollfd> fds;
        std::vector<ProcessSlot*> owners;
        for (auto& slot : slots_) {
            if (slot.finished) continue;
            fds.push_back({slot.results.get(), POLLIN, 0});
            fds.push_back({slot.child.sentinel.get(), POLLIN, 0});
            owners.push_back(&slot);
        }
        // The stop's eventfd ends the wait at once (without one, the stop is seen every 5 ms).
        fds.push_back({ctx_.stop.fd(), POLLIN, 0});
        if (::poll(fds.data(), fds.size(), ctx_.stop.fd() >= 0 ? -1 : 5) <= 0) return;
        for (size_t i = 0; i < owners.size(); ++i) {
            ProcessSlot& slot = *owners[i];
            if (fds[2 * i].revents & POLLIN) read_one(slot);
            if (fds[2 * i + 1].revents & (POLLIN | POLLHUP)) on_sentinel(slot);
        }
    }

    // One message from a worker. false at end of file (the worker is gone).
    bool read_one(ProcessSlot& slot) {
        FrameHeader header;
        std::vector<uint8_t> body;
        int64_t recv_begin = 0;
        if (!read_frame(slot.results.get(), header, body, ctx_.stop,
                        [&](const FrameHeader&) { recv_begin = now_ns(); }))
            return false;
        switch (MsgType(header.type)) {
        case MsgType::Result: {
            // result = conn.recv(): transfer, then unpickle.
            const uint64_t bytes = sizeof header + body.size();
            stats_.record_at(recv_begin, ctx_.main_lane, EventKind::IpcRecvBegin);
            stats_.record(ctx_.main_lane, EventKind::IpcRecvEnd, bytes);
            stats_.add_ipc_bytes(bytes);
            stats_.record(ctx_.main_lane, EventKind::DeserializeBegin, body.size());
            const auto result = decode_result(header, body, &ctx_.stop);
            stats_.record(ctx_.main_lane, EventKind::DeserializeEnd);
            if (result) {
                ++slot.done;
                ++tasks_done_;
            }
            send_next(slot);
            break;
        }
        case MsgType::Exiting:
            slot.exiting = true;
            break;
        default:
            break;
        }
        return true;
    }

    // The process is gone: read what it still sent, reap it (p.join()), say how it ended.
    void on_sentinel(ProcessSlot& slot) {
        const int64_t died_at = now_ns();
        while (!slot.finished && read_one(slot)) {
        }
        reap_child(slot.child, 1000);
        slot.finished = true;
        const int status = slot.child.wait_status;
        if (slot.exiting && WIFEXITED(status)) {
            stats_.record_at(died_at, slot.lane, EventKind::WorkerExit,
                             uint64_t(int64_t(exitcode_of(status))));
            return;
        }
        // A worker our own stop killed (KillOnStop) did not crash: it ends as stop_everything()'s
        // do, and the run says why it stopped.
        if (WIFSIGNALED(status) && !cancelled())
            stats_.record_at(died_at, slot.lane, EventKind::WorkerCrashed, WTERMSIG(status));
        else
            stats_.record_at(died_at, slot.lane, EventKind::WorkerExit,
                             uint64_t(int64_t(exitcode_of(status))));
        if (summary_.error.empty() && !cancelled())
            summary_.error = slot.name + " died with " + describe_wait_status(status) + " after " +
                             std::to_string(slot.done) + " of its " + std::to_string(slot.tasks.size()) +
                             " tasks (exitcode " + std::to_string(exitcode_of(status)) + ")";
    }

    // Stop: p.kill() for every process still running (a stop killed them already: kill_on_stop_),
    // then join them all. Our 100 MB payload is freed first, while the kernel tears them down.
    void stop_everything() {
        for (auto& slot : slots_)
            if (!slot.finished) kill_child(slot.child);
        payload_.reset();
        for (auto& slot : slots_) {
            if (slot.finished || slot.child.pid <= 0) continue;
            reap_child(slot.child, 1000);
            slot.finished = true;
            stats_.record(slot.lane, EventKind::WorkerExit,
                          uint64_t(int64_t(exitcode_of(slot.child.wait_status))));
        }
    }

    void finish_summary() {
        stats_.fill(summary_);
        summary_.broken = false;
        if (cancelled()) summary_.cancelled = true;
        summary_.completed = !cancelled() && summary_.error.empty() && tasks_done_ == spec_.tasks;
    }

    const ExperimentSpec& spec_;
    RunContext& ctx_;
    Summary& summary_;
    RunStats stats_;
    TaskParams params_;
    SharedBytes payload_;
    std::vector<ProcessSlot> slots_;
    int tasks_done_ = 0;
    // The workers' trace (events_reader.h): their sender number indexes lanes_, which the reader
    // thread reads.
    std::vector<std::atomic<uint32_t>> lanes_;
    UniqueFd events_write_; // the workers' end, until the last one has started
    EventsReader events_;
    KillOnStop kill_on_stop_; // last: its kills end before the slots go
};

} // namespace

void ProcessEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    if (const auto why = unsupported_workload(spec)) {
        summary.error = *why;
        return;
    }
    SigpipeGuard sigpipe; // a dead worker's pipe must fail a write, not kill the application
    Run(spec, ctx, summary).execute();
    blame_dead_forkserver(spec, summary.error);
}

} // namespace clab::proc
