// The fork gate (core/sync/fork_gate.h): under AddressSanitizer and ThreadSanitizer a fork waits for the
// observers at work - an ObserverThread from before its creation until it is joined, except while it waits -
// and a waiting fork goes before observers that come after it, so observers taking turns cannot starve it; a
// fork prefers the host's event loop in its wait but never waits for it long. Ordered by the gate's own state
// (a fork counted as waiting), never by a sleep. Without a sanitizer the gate is nothing.
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

// The host's event loop (the GUI thread): a fork waits while it is out of its wait for events and
// goes once it is back in it; a loop that stays out does not hold a fork for ever (it may be
// joining the very thread that forks).
TEST(ForkGate, AForkPrefersTheHostLoopInItsWaitButNeverWaitsForItLong) {
    std::mutex mutex;
    std::condition_variable cv;
    int phase = 0; // 1: the host is busy; 2: back in its wait; 3: busy again; 4: done
    auto wait_for_phase = [&](int p) {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return phase >= p; });
    };
    auto enter_phase = [&](int p) {
        {
            std::lock_guard lock(mutex);
            phase = p;
        }
        cv.notify_all();
    };
    std::atomic<int> host_step{0};
    std::thread host([&] { // host_thread_busy marks its own thread
        host_thread_busy(true);
        enter_phase(1);
        wait_for_phase(2);
        host_thread_busy(false);
        wait_for_phase(3);
        host_thread_busy(true);
        wait_for_phase(4);
        host_thread_busy(false);
    });
    wait_for_phase(1);
    std::atomic<bool> forked{false};
    const auto asked = std::chrono::steady_clock::now();
    std::thread fork = forker(forked);
    ASSERT_TRUE(forks_pending_within(1, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(kHostGraceMs / 4)); // room for a wrong early fork
    const bool went_early = forked.load();
    // Only within the grace may it not go (a descheduled test thread may look later than that).
    if (std::chrono::steady_clock::now() - asked < std::chrono::milliseconds(kHostGraceMs)) {
        EXPECT_FALSE(went_early) << "a fork went ahead while the host loop was out of its wait";
    }
    enter_phase(2); // into its wait: the fork goes
    fork.join();
    EXPECT_TRUE(forked.load());
    // Out of its wait for good (until phase 4): a fork still goes, after the grace.
    enter_phase(3);
    ASSERT_TRUE(
        state_within([](const detail::State& s) { return s.hosts_busy == 1; }, std::chrono::seconds(20)));
    std::atomic<bool> forked_anyway{false};
    std::thread fork_anyway = forker(forked_anyway);
    fork_anyway.join();
    EXPECT_TRUE(forked_anyway.load());
    enter_phase(4);
    host.join();
}

#else

TEST(ForkGate, IsNothingWithoutASanitizer) {
    static_assert(std::is_empty_v<Observing> && std::is_empty_v<Waiting> && std::is_empty_v<Forking>);
    static_assert(std::is_same_v<ObserverThread, std::thread>);
    const Observing observing;
    const Forking forking; // would wait for ever if it were the gate
    host_thread_busy(true);
    SUCCEED();
}

#endif
