// The GIL's state machine, checked on the events it recorded while real threads fought for it:
// never two holders, drop requests only after a full interval without a switch, forced switches
// hand the GIL to another thread.
#include "core/gil/gil.h"
#include "core/trace/recorder.h"
#include "core/trace/trace.h"
#include "core/workload/python_thread.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <thread>
#include <vector>

using namespace clab;

namespace {

// `threads` CPU-bound PyThreads, each running `iterations` under one GIL with `interval_ms`.
Trace contend(int threads, int64_t iterations, double interval_ms, uint64_t* forced = nullptr) {
    Recorder recorder;
    StopSignal cancel;
    Gil gil(&recorder, int64_t(interval_ms * 1e6), &cancel);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        const uint32_t lane = recorder.add_lane(LaneKind::Thread, "Thread-" + std::to_string(i + 1));
        pool.emplace_back([&, lane] {
            PyThread t(recorder, lane, &gil, cancel);
            t.enter();
            t.run_iterations(iterations);
            t.leave(GilReleaseReason::Exit);
        });
    }
    for (auto& t : pool)
        t.join();
    if (forced) *forced = gil.forced_switches();
    Trace trace;
    trace.pull(recorder);
    return trace;
}

bool is_release(EventKind k) {
    return k == EventKind::GilRelease;
}

} // namespace

TEST(Gil, NeverTwoHolders) {
    const Trace trace = contend(3, 1'500'000, 1.0);
    std::vector<Event> holds;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::GilAcquired || e.kind == EventKind::GilRelease) holds.push_back(e);
    // Acquire and release are stamped under the GIL's mutex: at equal stamps the release came first.
    std::stable_sort(holds.begin(), holds.end(), [](const Event& a, const Event& b) {
        return a.t_ns != b.t_ns ? a.t_ns < b.t_ns : is_release(a.kind) && !is_release(b.kind);
    });
    int holders = 0;
    uint32_t holder = kNoLane;
    size_t acquisitions = 0;
    for (const Event& e : holds) {
        if (e.kind == EventKind::GilAcquired) {
            ++holders;
            ++acquisitions;
            holder = e.lane;
            ASSERT_LE(holders, 1) << "two threads hold the GIL at t=" << e.t_ns;
        } else {
            ASSERT_EQ(e.lane, holder) << "a thread released a GIL it did not hold";
            --holders;
        }
    }
    EXPECT_EQ(holders, 0);
    EXPECT_GT(acquisitions, 6u) << "the threads should have taken turns";
}

TEST(Gil, DropRequestOnlyAfterAFullIntervalWithoutSwitch) {
    constexpr double kIntervalMs = 2.0;
    const Trace trace = contend(2, 2'000'000, kIntervalMs);
    // A waiter's timed wait starts at its GilWaitBegin, after a release woke it, or after its own
    // previous request; the request may only follow a full interval after the latest of those.
    std::map<uint32_t, int64_t> since;
    int64_t last_release = 0;
    int requests = 0;
    for (const Event& e : trace.events) {
        switch (e.kind) {
        case EventKind::GilWaitBegin:
            since[e.lane] = e.t_ns;
            break;
        case EventKind::GilRelease:
            last_release = e.t_ns;
            break;
        case EventKind::GilDropRequest: {
            ++requests;
            const int64_t reference = std::max(since[e.lane], last_release);
            EXPECT_GE(e.t_ns - reference, int64_t(kIntervalMs * 1e6 * 0.99))
                << "drop request after only " << (e.t_ns - reference) / 1000 << " us";
            since[e.lane] = e.t_ns;
            break;
        }
        default:
            break;
        }
    }
    EXPECT_GT(requests, 3);
}

TEST(Gil, ForcedSwitchHandsTheGilToAnotherThread) {
    uint64_t forced = 0;
    const Trace trace = contend(3, 1'500'000, 1.0, &forced);
    EXPECT_GT(forced, 3u);
    size_t checked = 0;
    for (size_t i = 0; i < trace.events.size(); ++i) {
        const Event& drop = trace.events[i];
        if (drop.kind != EventKind::GilRelease || GilReleaseReason(drop.arg) != GilReleaseReason::Interval)
            continue;
        // After a drop on request the dropper cannot grab the GIL straight back.
        for (size_t j = i + 1; j < trace.events.size(); ++j) {
            if (trace.events[j].kind != EventKind::GilAcquired) continue;
            EXPECT_NE(trace.events[j].lane, drop.lane) << "the dropper took the GIL back at once";
            ++checked;
            break;
        }
    }
    EXPECT_EQ(checked, forced);
}

TEST(Gil, AThreadAloneIsNeverAskedToDrop) {
    const Trace trace = contend(1, 300'000, 0.5);
    for (const Event& e : trace.events) {
        EXPECT_NE(e.kind, EventKind::GilDropRequest);
        EXPECT_NE(e.kind, EventKind::GilWaitBegin);
    }
}
