// The fork gate (core/sync/fork_gate.h): under AddressSanitizer a fork waits for the observers at
// work - an ObserverThread from before its creation until it is joined, except while it waits - and
// a waiting fork goes before observers that come after it, so observers taking turns cannot starve
// it. Ordered by the gate's own state (a fork counted as waiting), never by a sleep. Without
// AddressSanitizer the gate is nothing.
#include "core/sync/fork_gate.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

using namespace clab::fork_gate;

#if defined(CLAB_FORK_GATE)

namespace {

// True once the gate's counts are as `expected` says (within `limit`).
template <class Expected> bool state_within(Expected expected, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        {
            detail::State& s = detail::state();
            std::lock_guard lock(s.mutex);
            if (expected(s)) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}
bool forks_pending_within(int forks, std::chrono::seconds limit) {
    return state_within([forks](const detail::State& s) { return s.forks == forks; }, limit);
}
bool at_work_within(int observers, std::chrono::seconds limit) {
    return state_within([observers](const detail::State& s) { return s.at_work == observers; }, limit);
}

// A thread that forks (takes the gate as a fork would) and says so.
std::thread forker(std::atomic<bool>& forked) {
    return std::thread([&forked] {
        const Forking gate;
        forked = true;
    });
}

} // namespace

TEST(ForkGate, AForkWaitsForTheObserverAtWorkAndGoesBeforeThoseAfterIt) {
    std::atomic<int> step{0};
    int fork_step = -1, late_observer_step = -1;
    std::optional<Observing> working(std::in_place);
    std::thread fork([&] {
        const Forking gate;
        fork_step = step.fetch_add(1);
    });
    ASSERT_TRUE(forks_pending_within(1, std::chrono::seconds(20)));
    EXPECT_EQ(step.load(), 0) << "the fork went ahead while an observer was at work";
    std::thread late_observer([&] {
        const Observing gate; // comes while the fork waits: waits for it
        late_observer_step = step.fetch_add(1);
    });
    working.reset();
    fork.join();
    late_observer.join();
    EXPECT_EQ(fork_step, 0);
    EXPECT_EQ(late_observer_step, 1) << "an observer that came after a waiting fork went first";
}

TEST(ForkGate, AnObserverThreadCountsFromItsCreationUntilJoinedExceptWhileItWaits) {
    std::mutex mutex;
    std::condition_variable cv;
    bool go = false;
    ObserverThread observer([&] {
        const Waiting waiting;
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return go; });
    });
    // While it waits (or before it got there: then the fork waits for it to), a fork goes ahead.
    std::atomic<bool> forked{false};
    std::thread fork = forker(forked);
    fork.join();
    EXPECT_TRUE(forked.load());
    {
        std::lock_guard lock(mutex);
        go = true;
    }
    cv.notify_all();
    // Done waiting, it counts again - through its exit, until join() returns.
    ASSERT_TRUE(at_work_within(1, std::chrono::seconds(20)));
    std::atomic<bool> forked_again{false};
    std::thread fork_again = forker(forked_again);
    ASSERT_TRUE(forks_pending_within(1, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // room for a wrong early fork only
    EXPECT_FALSE(forked_again.load()) << "a fork went ahead before the observer thread was joined";
    observer.join();
    fork_again.join();
    EXPECT_TRUE(forked_again.load());
}

#else

TEST(ForkGate, IsNothingWithoutAddressSanitizer) {
    static_assert(std::is_empty_v<Observing> && std::is_empty_v<Waiting> && std::is_empty_v<Forking>);
    static_assert(std::is_same_v<ObserverThread, std::thread>);
    const Observing observing;
    const Forking forking; // would wait for ever if it were the gate
    SUCCEED();
}

#endif
