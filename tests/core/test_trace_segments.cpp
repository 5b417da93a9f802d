// Segments are a pure function of the events: lane states, returns from sub-activities, core lanes.
#include "core/trace/segments.h"

#include <gtest/gtest.h>
#include <random>

using namespace clab;

namespace {
Event ev(int64_t t, uint32_t lane, EventKind kind, uint16_t cpu = 0, uint64_t arg = 0) {
    return Event{t, lane, kind, cpu, arg};
}

Trace two_threads_sharing_the_gil() {
    Trace trace;
    trace.lanes = {{0, LaneKind::Thread, "Thread-1"}, {1, LaneKind::Thread, "Thread-2"}};
    trace.events = {
        ev(0, 0, EventKind::GilWaitBegin, 0),  ev(1, 0, EventKind::GilAcquired, 0),
        ev(2, 1, EventKind::GilWaitBegin, 1),  ev(5, 1, EventKind::GilDropRequest, 1, 0),
        ev(6, 0, EventKind::GilRelease, 0),    ev(6, 0, EventKind::GilForcedWaitBegin, 0),
        ev(7, 1, EventKind::GilAcquired, 1),   ev(7, 0, EventKind::GilForcedWaitEnd, 0),
        ev(7, 0, EventKind::GilWaitBegin, 0),  ev(9, 1, EventKind::IoBegin, 1),
        ev(10, 0, EventKind::GilAcquired, 1),  ev(12, 1, EventKind::IoEnd, 1),
        ev(12, 1, EventKind::GilWaitBegin, 1), ev(14, 0, EventKind::WorkerExit, 1),
        ev(14, 1, EventKind::GilAcquired, 0),  ev(20, 1, EventKind::WorkerExit, 0),
    };
    return trace;
}
} // namespace

TEST(Segments, ThreadLanesFollowTheGil) {
    const Trace trace = two_threads_sharing_the_gil();
    const SegmentSet set = build_segments(trace, 20);
    ASSERT_EQ(set.by_lane.size(), 2u);
    const auto& t1 = set.by_lane[0];
    ASSERT_EQ(t1.size(), 5u);
    EXPECT_EQ(t1[0].state, SegState::GilWait);
    EXPECT_EQ(t1[1].state, SegState::Running);
    EXPECT_EQ(t1[1].start_ns, 1);
    EXPECT_EQ(t1[1].end_ns, 6);
    EXPECT_EQ(t1[2].state, SegState::ForcedWait);
    EXPECT_EQ(t1[3].state, SegState::GilWait);
    EXPECT_EQ(t1[4].state, SegState::Running);
    EXPECT_EQ(t1[4].end_ns, 14);

    const auto& t2 = set.by_lane[1];
    // wait 2..7, run 7..9, blocked 9..12, returns to running for 0 ns, waits 12..14, runs 14..20
    std::vector<SegState> states;
    for (const auto& s : t2)
        states.push_back(s.state);
    EXPECT_EQ(states, (std::vector<SegState>{SegState::GilWait, SegState::Running, SegState::BlockedIo,
                                             SegState::Running, SegState::GilWait, SegState::Running}));
    EXPECT_EQ(t2[2].start_ns, 9);
    EXPECT_EQ(t2[2].end_ns, 12);
}

TEST(Segments, SegmentsOfALaneNeverOverlap) {
    const SegmentSet set = build_segments(two_threads_sharing_the_gil(), 20);
    for (const auto& lane : set.by_lane)
        for (size_t i = 0; i < lane.size(); ++i) {
            EXPECT_LE(lane[i].start_ns, lane[i].end_ns);
            if (i > 0) {
                EXPECT_LE(lane[i - 1].end_ns, lane[i].start_ns);
            }
        }
}

TEST(Segments, CoreLanesShowWhoRanWhere) {
    const SegmentSet set = build_segments(two_threads_sharing_the_gil(), 20);
    ASSERT_GE(set.by_core.size(), 2u);
    // Thread-1 ran on core 0 from 1 to 6; Thread-2 ran on core 1 from 7 to 9.
    ASSERT_FALSE(set.by_core[0].empty());
    EXPECT_EQ(set.by_core[0][0].who, 0u);
    EXPECT_EQ(set.by_core[0][0].start_ns, 1);
    EXPECT_EQ(set.by_core[0][0].end_ns, 6);
    ASSERT_FALSE(set.by_core[1].empty());
    EXPECT_EQ(set.by_core[1][0].who, 1u);
    EXPECT_EQ(set.by_core[1][0].start_ns, 7);
    EXPECT_EQ(set.by_core[1][0].end_ns, 9);
}

TEST(Segments, MigrationMovesTheCoreSegment) {
    Trace trace;
    trace.lanes = {{0, LaneKind::Process, "Process-1"}};
    trace.events = {ev(0, 0, EventKind::Running, 0), ev(10, 0, EventKind::CpuMigrated, 1),
                    ev(20, 0, EventKind::WorkerExit, 1)};
    const SegmentSet set = build_segments(trace, 30);
    ASSERT_EQ(set.by_lane[0].size(), 1u);
    EXPECT_EQ(set.by_lane[0][0].state, SegState::RunningFree);
    EXPECT_EQ(set.by_lane[0][0].end_ns, 20);
    ASSERT_EQ(set.by_core.size(), 2u);
    ASSERT_EQ(set.by_core[0].size(), 1u);
    EXPECT_EQ(set.by_core[0][0].end_ns, 10);
    ASSERT_EQ(set.by_core[1].size(), 1u);
    EXPECT_EQ(set.by_core[1][0].start_ns, 10);
    EXPECT_EQ(set.by_core[1][0].end_ns, 20);
}

TEST(Segments, PipeStepsReturnToWhatTheWorkerDidBefore) {
    Trace trace;
    trace.lanes = {{0, LaneKind::Process, "Process-1"}};
    trace.events = {ev(0, 0, EventKind::ProcessStartBegin),
                    ev(5, 0, EventKind::ProcessStartEnd),
                    ev(5, 0, EventKind::Idle),
                    ev(8, 0, EventKind::IpcRecvBegin),
                    ev(9, 0, EventKind::IpcRecvEnd),
                    ev(9, 0, EventKind::DeserializeBegin),
                    ev(11, 0, EventKind::DeserializeEnd),
                    ev(11, 0, EventKind::Running),
                    ev(30, 0, EventKind::SerializeBegin),
                    ev(31, 0, EventKind::SerializeEnd),
                    ev(32, 0, EventKind::WorkerExit)};
    const SegmentSet set = build_segments(trace, 40);
    std::vector<SegState> states;
    for (const auto& s : set.by_lane[0])
        if (s.end_ns > s.start_ns) states.push_back(s.state);
    EXPECT_EQ(states, (std::vector<SegState>{SegState::Starting, SegState::Idle, SegState::Transfer,
                                             SegState::Deserializing, SegState::RunningFree,
                                             SegState::Serializing, SegState::RunningFree}));
}

TEST(Segments, LoopCallbacksNameTheirTask) {
    Trace trace;
    trace.lanes = {{0, LaneKind::Loop, "event loop"}, {1, LaneKind::Task, "Task-1"}};
    const uint64_t step_of_task_1 = uint64_t(CallbackKind::TaskStep) | (uint64_t(1 + 1) << 32);
    trace.events = {ev(0, 0, EventKind::SelectBegin),
                    ev(10, 0, EventKind::SelectEnd),
                    ev(11, 0, EventKind::CallbackBegin, 0, step_of_task_1),
                    ev(11, 1, EventKind::TaskStepBegin),
                    ev(15, 1, EventKind::TaskStepEnd, 0, uint64_t(StepOutcome::Awaiting)),
                    ev(15, 0, EventKind::CallbackEnd),
                    ev(16, 0, EventKind::SelectBegin)};
    const SegmentSet set = build_segments(trace, 20);
    ASSERT_EQ(set.by_lane[0].size(), 3u);
    EXPECT_EQ(set.by_lane[0][1].state, SegState::Callback);
    EXPECT_EQ(set.by_lane[0][1].who, 1u);
    ASSERT_EQ(set.by_lane[1].size(), 2u);
    EXPECT_EQ(set.by_lane[1][0].state, SegState::TaskStep);
    EXPECT_EQ(set.by_lane[1][1].state, SegState::Idle);
}

TEST(Segments, IncrementalFeedingEqualsBuildingAtOnce) {
    // Many lanes, random events, fed lane-wise in order but interleaved across lanes differently.
    std::mt19937 rng(7);
    Trace trace;
    for (uint32_t l = 0; l < 6; ++l)
        trace.lanes.push_back({l, LaneKind::Thread, "t" + std::to_string(l)});
    const EventKind kinds[] = {EventKind::GilWaitBegin,   EventKind::GilAcquired,  EventKind::IoBegin,
                               EventKind::IoEnd,          EventKind::Running,      EventKind::CpuMigrated,
                               EventKind::SerializeBegin, EventKind::SerializeEnd, EventKind::Idle};
    int64_t t = 0;
    for (int i = 0; i < 5000; ++i) {
        t += int64_t(rng() % 5);
        trace.events.push_back(ev(t, rng() % 6, kinds[rng() % 9], uint16_t(rng() % 3)));
    }
    const SegmentSet whole = build_segments(trace, t + 10);

    SegmentBuilder builder;
    builder.set_lanes(trace.lanes);
    // Feed lane 5's events last: per-lane order is kept, global order is not.
    for (const Event& e : trace.events)
        if (e.lane != 5) builder.feed(e);
    for (const Event& e : trace.events)
        if (e.lane == 5) builder.feed(e);
    builder.finish(t + 10);
    const SegmentSet& incremental = builder.segments();
    ASSERT_EQ(incremental.by_lane.size(), whole.by_lane.size());
    for (size_t lane = 0; lane < whole.by_lane.size(); ++lane) {
        ASSERT_EQ(incremental.by_lane[lane].size(), whole.by_lane[lane].size()) << "lane " << lane;
        for (size_t i = 0; i < whole.by_lane[lane].size(); ++i) {
            EXPECT_EQ(incremental.by_lane[lane][i].start_ns, whole.by_lane[lane][i].start_ns);
            EXPECT_EQ(incremental.by_lane[lane][i].end_ns, whole.by_lane[lane][i].end_ns);
            EXPECT_EQ(incremental.by_lane[lane][i].state, whole.by_lane[lane][i].state);
        }
    }
}

TEST(Segments, OpenSegmentsShowTheLiveEdge) {
    SegmentBuilder builder;
    builder.set_lanes({{0, LaneKind::Thread, "t"}});
    builder.feed(ev(5, 0, EventKind::GilAcquired, 0));
    const auto open = builder.open_segments(50);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].start_ns, 5);
    EXPECT_EQ(open[0].end_ns, 50);
    EXPECT_EQ(open[0].state, SegState::Running);
    EXPECT_TRUE(builder.segments().by_lane[0].empty());
    ASSERT_EQ(builder.open_core_segments(50).size(), 1u);
}
