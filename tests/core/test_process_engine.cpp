// ProcessEngine (multiprocessing.Process): real processes, every start method, events streamed
// from the children onto the parent's time axis, a dead child reported, Stop that really stops,
// and no process left behind.
#include "core/experiment/spec.h"
#include "core/processes/engine_common.h"
#include "core/processes/events_reader.h"
#include "core/processes/launcher.h"
#include "core/trace/segments.h"
#include "test_process_util.h"
#include "tests/stop_share.h"

#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <mutex>
#include <sched.h>
#include <set>
#include <thread>

using namespace clab;
using namespace clab::testing_util;

namespace {

ExperimentSpec cpu_spec(StartMethod method, int tasks, int64_t iterations = 20'000) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Processes;
    spec.workload = WorkloadKind::Cpu;
    spec.start_method = method;
    spec.tasks = tasks;
    spec.iterations = iterations;
    return spec;
}

class ProcessEngineTest : public ::testing::Test {
protected:
    void TearDown() override {
        EXPECT_TRUE(leftover_processes_after_settle().empty()) << "a worker process was left behind";
    }
};

class StartMethods : public ProcessEngineTest, public ::testing::WithParamInterface<StartMethod> {};

} // namespace

TEST_P(StartMethods, EveryProcessStartsRunsAndIsJoined) {
    const StartMethod method = GetParam();
    Trace trace;
    const Summary summary = run_engine(cpu_spec(method, 3), trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    EXPECT_GT(summary.process_start_s, 0.0);

    const auto lanes = process_lanes(trace);
    ASSERT_EQ(lanes.size(), 3u);
    const std::string prefix = method == StartMethod::Fork    ? "Process-"
                               : method == StartMethod::Spawn ? "SpawnProcess-"
                                                              : "ForkServerProcess-";
    std::set<std::string> pids;
    for (const LaneInfo* lane : lanes) {
        EXPECT_EQ(lane->name.rfind(prefix, 0), 0u) << lane->name;
        const auto pid_at = lane->name.find("(pid ");
        ASSERT_NE(pid_at, std::string::npos) << lane->name;
        pids.insert(lane->name.substr(pid_at));
        // Start: begun by the parent, ended by the child, both on one clock, method recorded.
        const auto begin = events_of(trace, lane->id, EventKind::ProcessStartBegin);
        const auto end = events_of(trace, lane->id, EventKind::ProcessStartEnd);
        ASSERT_EQ(begin.size(), 1u);
        ASSERT_EQ(end.size(), 1u);
        EXPECT_EQ(begin[0].arg, uint64_t(method));
        EXPECT_EQ(end[0].arg, uint64_t(method));
        EXPECT_LT(begin[0].t_ns, end[0].t_ns);
        // The child ran its task and said where it ran.
        const auto running = events_of(trace, lane->id, EventKind::Running);
        ASSERT_EQ(running.size(), 1u);
        EXPECT_NE(running[0].cpu, 0xFFFF);
        EXPECT_GT(running[0].t_ns, end[0].t_ns);
        EXPECT_EQ(events_of(trace, lane->id, EventKind::TaskEnd).size(), 1u);
        EXPECT_EQ(events_of(trace, lane->id, EventKind::WorkerExit).size(), 1u);
    }
    EXPECT_EQ(pids.size(), 3u) << "three distinct processes";
    int done = 0;
    for (const auto& w : summary.workers)
        done += w.tasks_done;
    EXPECT_EQ(done, 3);
}

INSTANTIATE_TEST_SUITE_P(Methods, StartMethods,
                         ::testing::Values(StartMethod::Fork, StartMethod::Spawn, StartMethod::Forkserver),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST_F(ProcessEngineTest, WorkersShareTheTasksInOrder) {
    ExperimentSpec spec = cpu_spec(StartMethod::Fork, 5, 1000);
    spec.workers = 2;
    Trace trace;
    const Summary summary = run_engine(spec, trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    const auto lanes = process_lanes(trace);
    ASSERT_EQ(lanes.size(), 2u);
    std::vector<std::vector<uint64_t>> order(2);
    for (size_t w = 0; w < 2; ++w)
        for (const Event& e : events_of(trace, lanes[w]->id, EventKind::TaskBegin))
            order[w].push_back(e.arg);
    EXPECT_EQ(order[0], (std::vector<uint64_t>{0, 2, 4}));
    EXPECT_EQ(order[1], (std::vector<uint64_t>{1, 3}));
}

TEST_F(ProcessEngineTest, PayloadCrossesThePipesWithMeasuredPickling) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Processes;
    spec.workload = WorkloadKind::Payload;
    spec.tasks = 2;
    spec.payload_bytes = 1 << 20;
    Trace trace;
    const Summary summary = run_engine(spec, trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    // There and back for each task, every byte.
    EXPECT_GE(summary.ipc_bytes, uint64_t(4) << 20);
    EXPECT_GT(summary.serialize_s, 0.0);
    // Each side's serialise / transfer / deserialise is an event carrying its size.
    size_t big_serialize = 0, big_recv = 0, big_deserialize = 0;
    for (const Event& e : trace.events) {
        big_serialize += e.kind == EventKind::SerializeBegin && e.arg >= (1u << 20);
        big_recv += e.kind == EventKind::IpcRecvEnd && e.arg >= (1u << 20);
        big_deserialize += e.kind == EventKind::DeserializeBegin && e.arg >= (1u << 20);
    }
    EXPECT_EQ(big_serialize, 4u) << "parent pickles 2 tasks, children pickle 2 results";
    EXPECT_EQ(big_recv, 4u);
    EXPECT_EQ(big_deserialize, 4u);
}

TEST_F(ProcessEngineTest, ChildEventsShareTheParentsTimeAxis) {
    Recorder recorder;
    StopSignal cancel;
    const int64_t before = now_ns();
    const Summary summary = run_engine(cpu_spec(StartMethod::Spawn, 2), recorder, cancel);
    const int64_t after = now_ns();
    ASSERT_TRUE(summary.completed) << summary.error;
    Trace trace;
    trace.pull(recorder);
    for (const LaneInfo* lane : process_lanes(trace))
        for (const Event& e : trace.events)
            if (e.lane == lane->id) {
                EXPECT_GE(e.t_ns, before);
                EXPECT_LE(e.t_ns, after);
            }
}

TEST_F(ProcessEngineTest, AKilledProcessIsReportedAndTheOthersFinish) {
    ExperimentSpec spec = cpu_spec(StartMethod::Fork, 3);
    spec.crash_task = 1;
    Trace trace;
    const Summary summary = run_engine(spec, trace);
    EXPECT_FALSE(summary.completed);
    EXPECT_FALSE(summary.broken) << "only a pool breaks";
    EXPECT_NE(summary.error.find("Process-2"), std::string::npos) << summary.error;
    EXPECT_NE(summary.error.find("signal 9"), std::string::npos) << summary.error;
    const auto lanes = process_lanes(trace);
    ASSERT_EQ(lanes.size(), 3u);
    const auto crashed = events_of(trace, lanes[1]->id, EventKind::WorkerCrashed);
    ASSERT_EQ(crashed.size(), 1u);
    EXPECT_EQ(crashed[0].arg, 9u);
    EXPECT_EQ(events_of(trace, lanes[0]->id, EventKind::TaskEnd).size(), 1u);
    EXPECT_EQ(events_of(trace, lanes[2]->id, EventKind::TaskEnd).size(), 1u);
}

// A cancel kills the children mid-computation and reaps them: it takes a small share of the time
// the run had gone (tests/stop_share.h), not the minutes of work the children were given.
TEST_F(ProcessEngineTest, CancelKillsAndReapsQuickly) {
    for (const StartMethod method : {StartMethod::Fork, StartMethod::Forkserver}) {
        Recorder recorder;
        StopSignal cancel;
        ExperimentSpec spec = cpu_spec(method, 3, 5'000'000'000LL); // minutes of work
        clab::testing::StopClock clock;
        auto run = std::async(std::launch::async, [&] { return run_engine(spec, recorder, cancel); });
        std::this_thread::sleep_for(clock.until_due());
        EXPECT_FALSE(leftover_processes().empty()) << "the processes should be running";
        clock.ask();
        cancel.request();
        // A safety net against a hang only: the bound is the share below.
        ASSERT_EQ(run.wait_for(std::chrono::seconds(60)), std::future_status::ready);
        clock.stopped();
        const Summary summary = run.get();
        EXPECT_TRUE(summary.cancelled);
        EXPECT_FALSE(summary.completed);
        EXPECT_TRUE(clock.quick()) << to_string(method) << ": " << clock.describe();
        EXPECT_TRUE(leftover_processes_after_settle().empty()) << to_string(method);
    }
}

// A stop kills the workers at once from its own thread (KillOnStop), so the engine often sees a
// worker's death in the same wake-up as the stop: that worker was killed by us, not crashed. Once a
// time-limit stop said "Process-3 died with signal 9" instead of the time limit, and the timeline
// drew a crash. Many stops, each landing at a different moment of the workers' lives.
TEST_F(ProcessEngineTest, AWorkerOurStopKilledIsNeitherACrashNorAnError) {
    for (int attempt = 0; attempt < 12; ++attempt) {
        Recorder recorder;
        StopSignal cancel;
        const ExperimentSpec spec = cpu_spec(StartMethod::Fork, 3, 5'000'000'000LL);
        auto run = std::async(std::launch::async, [&] { return run_engine(spec, recorder, cancel); });
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + 15 * attempt));
        cancel.request();
        ASSERT_EQ(run.wait_for(std::chrono::seconds(60)), std::future_status::ready);
        const Summary summary = run.get();
        EXPECT_TRUE(summary.cancelled);
        EXPECT_EQ(summary.error, "") << "stop " << attempt;
        Trace trace;
        trace.pull(recorder);
        for (const LaneInfo* lane : process_lanes(trace))
            EXPECT_TRUE(events_of(trace, lane->id, EventKind::WorkerCrashed).empty())
                << lane->name << " was killed by the stop " << attempt;
    }
}

TEST_F(ProcessEngineTest, CpusPinsTheChildrenToTheFirstCores) {
    cpu_set_t allowed;
    ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    int first = -1;
    for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu)
        if (CPU_ISSET(cpu, &allowed)) first = cpu;
    for (const StartMethod method : {StartMethod::Fork, StartMethod::Forkserver}) {
        ExperimentSpec spec = cpu_spec(method, 2, 2'000'000);
        spec.cpus = 1;
        Trace trace;
        const Summary summary = run_engine(spec, trace);
        ASSERT_TRUE(summary.completed) << summary.error;
        for (const LaneInfo* lane : process_lanes(trace))
            for (const Event& e : trace.events) {
                // Events the child stamped itself (the parent stamps start and exit, and the
                // kernel sampler's "not on a core now").
                if (e.lane != lane->id || e.kind == EventKind::ProcessStartBegin ||
                    e.kind == EventKind::WorkerExit || is_sampled(e))
                    continue;
                ASSERT_EQ(e.cpu, first) << to_string(method) << " " << kind_name(e.kind);
            }
    }
}

TEST_F(ProcessEngineTest, AWorkloadItCannotRunIsRefusedInWords) {
    ExperimentSpec spec = cpu_spec(StartMethod::Fork, 2);
    spec.workload = WorkloadKind::Counter;
    Trace trace;
    const Summary summary = run_engine(spec, trace);
    EXPECT_FALSE(summary.completed);
    EXPECT_NE(summary.error.find("counter"), std::string::npos) << summary.error;
    EXPECT_TRUE(process_lanes(trace).empty());
}

TEST_F(ProcessEngineTest, ABlendWaitsOnlyTheRestOfIoMs) {
    // As in the threads and asyncio engines: at cpu_percent 50 a task waits half of io_ms
    // (lesson 18's mixed step compares the engines on exactly this).
    ExperimentSpec spec = cpu_spec(StartMethod::Fork, 1, 1000);
    spec.workload = WorkloadKind::Blend;
    spec.cpu_percent = 50;
    spec.io_ms = 200;
    Trace trace;
    const Summary summary = run_engine(spec, trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    ASSERT_EQ(summary.workers.size(), 1u);
    const double share_of_io_ms = summary.workers[0].blocked_s / 0.2;
    EXPECT_NEAR(share_of_io_ms, 0.5, 0.15);
}

TEST_F(ProcessEngineTest, TheTimelineShowsStartingRunningAndPickling) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Processes;
    spec.workload = WorkloadKind::Payload;
    spec.payload_bytes = 4 << 20;
    spec.tasks = 2;
    spec.crash_task = 1;
    Trace trace;
    run_engine(spec, trace);
    const SegmentSet segments = build_segments(trace, trace.end_ns());
    const auto lanes = process_lanes(trace);
    ASSERT_EQ(lanes.size(), 2u);
    auto states_of = [&](uint32_t lane) {
        std::set<SegState> states;
        for (const Segment& s : segments.by_lane.at(lane))
            states.insert(s.state);
        return states;
    };
    const auto healthy = states_of(lanes[0]->id);
    for (const SegState s : {SegState::Starting, SegState::Idle, SegState::Transfer, SegState::Deserializing,
                             SegState::RunningFree, SegState::Serializing})
        EXPECT_TRUE(healthy.count(s)) << seg_state_name(s);
    EXPECT_TRUE(states_of(lanes[1]->id).count(SegState::Crashed));
    // The children's work shows up on the core lanes too.
    size_t busy = 0;
    for (const auto& core : segments.by_core)
        busy += core.size();
    EXPECT_GT(busy, 0u);
}

// A worker of the processes engine sends its events on the events pipe, read by a thread of the
// parent (the pool's mechanism, events_reader.h), never behind its results: here a 16 MB result is
// in flight, its worker blocked writing it into a result pipe nobody reads (the parent's main
// thread busy elsewhere), and the events it stamped before (TaskEnd, SerializeEnd, IpcSendBegin)
// are in the trace all the same. Before, they waited on the result pipe, behind nothing but
// unread, until the main thread came to read the result.
TEST_F(ProcessEngineTest, WorkerEventsArriveWhileABigResultIsInFlight) {
    using namespace clab::proc;
    SigpipeGuard sigpipe;
    std::mutex mutex;
    std::vector<Event> arrived;
    EventsReader reader;
    UniqueFd events_write;
    std::string error;
    ASSERT_TRUE(reader.start(
        [&](uint16_t, std::vector<Event>& events) {
            std::lock_guard lock(mutex);
            arrived.insert(arrived.end(), events.begin(), events.end());
        },
        events_write, &error))
        << error;
    Pipe control, results;
    ASSERT_TRUE(make_pipe(control, &error) && make_pipe(results, &error)) << error;
    ChildEnds ends;
    ends.control() = control.read.get();
    ends.result() = results.write.get();
    ends.fds[kFdEvents - kFdControl] = events_write.get();
    Preparation prep;
    Child child;
    ASSERT_TRUE(start_worker(StartMethod::Fork, prep, ends, control.write.get(), child, &error)) << error;
    control.read.reset();
    results.write.reset();
    events_write.reset();

    ExperimentSpec spec;
    spec.workload = WorkloadKind::Payload;
    spec.payload_bytes = 16 << 20;
    CallItem item;
    item.params = task_params(spec);
    item.tasks = {0};
    item.payload = make_payload(spec);
    const Frame call = encode_call(item);
    ASSERT_TRUE(write_all(control.write.get(), call.data(), call.size()));
    auto count = [&](EventKind kind) {
        std::lock_guard lock(mutex);
        return std::count_if(arrived.begin(), arrived.end(), [&](const Event& e) { return e.kind == kind; });
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count(EventKind::IpcSendBegin) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(count(EventKind::TaskEnd), 1) << "the worker's TaskEnd waited behind its result";
    EXPECT_EQ(count(EventKind::SerializeEnd), 1);
    EXPECT_EQ(count(EventKind::IpcSendBegin), 1);
    EXPECT_EQ(count(EventKind::IpcSendEnd), 0) << "the result was read before its events arrived";

    // Now the parent reads the result; the worker sends the rest of its events and leaves.
    FrameHeader header;
    std::vector<uint8_t> body;
    ASSERT_TRUE(read_frame(results.read.get(), header, body));
    EXPECT_EQ(MsgType(header.type), MsgType::Result);
    const auto result = decode_result(header, body);
    ASSERT_TRUE(result && result->results.size() == 1 && result->results[0].payload);
    EXPECT_EQ(result->results[0].payload->size(), size_t(16 << 20));
    const Frame stop = encode_stop();
    ASSERT_TRUE(write_all(control.write.get(), stop.data(), stop.size()));
    ASSERT_TRUE(read_frame(results.read.get(), header, body));
    EXPECT_EQ(MsgType(header.type), MsgType::Exiting) << "only results and the goodbye use the result pipe";
    EXPECT_TRUE(reap_child(child, 10'000));
    EXPECT_TRUE(WIFEXITED(child.wait_status) && WEXITSTATUS(child.wait_status) == 0);
    reader.stop();
    EXPECT_EQ(count(EventKind::IpcSendEnd), 1);
}
