// sort_by_time: what a drain or a snapshot gives (one time-ordered run per writing thread,
// concatenated) comes out in time order, equal stamps in their recording order, and a caller that
// no longer wants the result can make a sort of millions of events give up at once (issue 19).
#include "core/trace/trace.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <random>
#include <thread>

using namespace clab;

namespace {

// `runs` time-ordered runs of `each` events, concatenated as a drain gives them; the stamps of
// different runs interleave and collide (equal stamps happen: a coarse clock, two cores).
std::vector<Event> drained_runs(size_t runs, size_t each, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::vector<Event> events;
    events.reserve(runs * each);
    for (size_t r = 0; r < runs; ++r) {
        int64_t t = int64_t(rng() % 100);
        for (size_t i = 0; i < each; ++i) {
            t += int64_t(rng() % 4); // steps of 0 too: equal stamps within a run
            // arg numbers the events in recording order, to check stability.
            events.push_back(Event{t, uint32_t(r), EventKind::Running, 0, uint64_t(events.size())});
        }
    }
    return events;
}

} // namespace

TEST(TraceSort, MergesTheRunsOfADrainStably) {
    for (const size_t runs : {1, 2, 3, 7, 16, 33}) {
        std::vector<Event> events = drained_runs(runs, 1000, unsigned(runs));
        std::vector<Event> expected = events;
        std::stable_sort(expected.begin(), expected.end(), event_before);
        ASSERT_TRUE(sort_by_time(events));
        ASSERT_EQ(events.size(), expected.size());
        for (size_t i = 0; i < events.size(); ++i) {
            ASSERT_EQ(events[i].t_ns, expected[i].t_ns) << runs << " runs, event " << i;
            ASSERT_EQ(events[i].arg, expected[i].arg) << runs << " runs, event " << i << ": not stable";
        }
    }
}

TEST(TraceSort, EmptyAndSingleEventsNeedNoWork) {
    std::vector<Event> none;
    EXPECT_TRUE(sort_by_time(none));
    EXPECT_TRUE(none.empty());
    std::vector<Event> one{Event{5, 0, EventKind::Running, 0, 0}};
    EXPECT_TRUE(sort_by_time(one));
    EXPECT_EQ(one.size(), 1u);
}

// The first batch of a trace is moved in, not copied; later ones still merge into place.
TEST(TraceSort, AppendMergesALateThreadsEvents) {
    Trace trace;
    EXPECT_EQ(trace.append(drained_runs(3, 100, 1)), 0u);
    const size_t first = trace.events.size();
    std::vector<Event> late{Event{1, 9, EventKind::Running, 0, 0}, Event{500, 9, EventKind::Running, 0, 0}};
    trace.append(late);
    EXPECT_EQ(trace.events.size(), first + 2);
    EXPECT_TRUE(std::is_sorted(trace.events.begin(), trace.events.end(),
                               [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; }));
}

TEST(TraceSort, AGiveUpAlreadySetReturnsAtOnce) {
    std::vector<Event> events = drained_runs(8, 1000, 3);
    const std::atomic<bool> give_up{true};
    EXPECT_FALSE(sort_by_time(events, &give_up));
}

// A give-up that comes while millions of events are being merged ends the sort within a small share
// of the time the whole sort takes (a ratio on this machine, never a time bound).
TEST(TraceSort, AGiveUpDuringTheMergeOfMillionsOfEventsEndsItQuickly) {
    const std::vector<Event> input = drained_runs(32, 200'000, 4); // 6.4 M events, 5 passes
    std::vector<Event> events = input;
    using Clock = std::chrono::steady_clock;
    const Clock::time_point whole_start = Clock::now();
    ASSERT_TRUE(sort_by_time(events));
    const double whole_s = std::chrono::duration<double>(Clock::now() - whole_start).count();

    events = input;
    std::atomic<bool> give_up{false};
    std::atomic<bool> gave_up{false};
    Clock::time_point ended;
    std::thread sorter([&] {
        gave_up = !sort_by_time(events, &give_up);
        ended = Clock::now();
    });
    // A while into the merge (a fifth of what the whole sort took), ask it to give up.
    std::this_thread::sleep_for(std::chrono::duration<double>(whole_s / 5));
    const Clock::time_point asked = Clock::now();
    give_up = true;
    sorter.join();
    const double stop_s = std::chrono::duration<double>(ended - asked).count();
    RecordProperty("sort_ms", std::to_string(whole_s * 1e3));
    RecordProperty("give_up_ms", std::to_string(stop_s * 1e3));
    if (!gave_up) GTEST_SKIP() << "the sort was done before the give-up came (" << whole_s << " s in all)";
    EXPECT_LT(stop_s, 0.2 * whole_s) << "gave up " << stop_s * 1e3 << " ms after being asked; the whole sort "
                                     << whole_s * 1e3 << " ms";
}
