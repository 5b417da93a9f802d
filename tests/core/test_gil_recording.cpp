// How the GIL records its transitions (issue 18.7): every stamp is taken inside the GIL's critical
// section, so the holder changes on the timeline are the true ones in the true order, and every
// event is written after leaving it, so recording (a chunk's first touch, a thread's first event,
// which allocates its buffer under the Recorder's lock) never lengthens the time the GIL's mutex
// is held and never holds up a hand-over.
//
// A write that blocks is made visible with this executable's own global operator new: a thread's
// first event in a Recorder allocates its buffer, and a thread that recorded into another Recorder
// last registers again (Recorder's one-entry thread cache). While that allocation runs, the test
// checks that another thread can use the GIL (it must not be blocked behind the write).
#include "core/gil/gil.h"
#include "core/trace/recorder.h"
#include "core/trace/trace.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <gtest/gtest.h>
#include <new>
#include <string>
#include <thread>
#include <vector>

using namespace clab;

namespace {
// Runs once, at this thread's next allocation (then disarms itself).
thread_local std::function<void()>* t_on_next_allocation = nullptr;
} // namespace

// Out of line: inlined, GCC pairs its free() with the `new` expressions it sees and warns.
[[gnu::noinline]] void* operator new(std::size_t bytes) {
    if (std::function<void()>* hook = t_on_next_allocation) {
        t_on_next_allocation = nullptr;
        (*hook)();
    }
    if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

// Generous: only a write made inside the critical section keeps the other thread out this long
// (it then waits for the whole of it); otherwise it gets through in microseconds.
constexpr auto kBlockedFor = std::chrono::seconds(5);

// Makes the calling thread's next write to `recorder` allocate (a registration), by recording one
// event into `other` first; at that allocation, `meanwhile` starts on another thread. Tells whether
// `meanwhile` finished while the write was still going. The other thread is joined at the end of
// the scope (a write made inside the critical section holds it up until then).
class BlockedWrite {
public:
    BlockedWrite(Recorder& other, std::function<void()> meanwhile)
        : hook_([this, meanwhile = std::move(meanwhile)] {
            std::packaged_task<void()> task(meanwhile);
            std::future<void> done = task.get_future();
            thread_ = std::thread(std::move(task));
            got_through_ = done.wait_for(kBlockedFor) == std::future_status::ready;
            reached_ = true;
        }) {
        other.record(0, EventKind::WorkerStart); // this thread's cache now points elsewhere
        t_on_next_allocation = &hook_;
    }
    ~BlockedWrite() {
        t_on_next_allocation = nullptr;
        if (thread_.joinable()) thread_.join();
    }
    BlockedWrite(const BlockedWrite&) = delete;
    BlockedWrite& operator=(const BlockedWrite&) = delete;
    bool reached() const { return reached_; }
    bool got_through() const { return got_through_; }

private:
    std::function<void()> hook_;
    std::thread thread_;
    bool reached_ = false;
    bool got_through_ = false;
};

bool is_holder_change(EventKind k) {
    return k == EventKind::GilAcquired || k == EventKind::GilRelease;
}

} // namespace

TEST(GilRecording, TheAcquiredEventIsWrittenAfterTheGilsMutexIsLeft) {
    Recorder recorder, other;
    Gil gil(&recorder, 5'000'000);
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    BlockedWrite write(other, [&] { (void)gil.switch_number(); }); // locks the GIL's mutex
    gil.take(lane);
    ASSERT_TRUE(write.reached());
    EXPECT_TRUE(write.got_through()) << "the GilAcquired event was written inside the critical section";
    gil.drop(lane, GilReleaseReason::Exit);
}

TEST(GilRecording, AHandOverDoesNotWaitForTheReleaseEventToBeWritten) {
    Recorder recorder, other;
    StopSignal stop;
    Gil gil(&recorder, 5'000'000, &stop);
    const uint32_t a = recorder.add_lane(LaneKind::Thread, "a");
    const uint32_t b = recorder.add_lane(LaneKind::Thread, "b");
    gil.take(a);
    // b waits for the GIL (its GilWaitBegin is written once it waits).
    std::promise<void> b_has_it;
    std::thread waiter([&] {
        gil.take(b);
        b_has_it.set_value();
        gil.drop(b, GilReleaseReason::Exit);
    });
    while (gil.drop_requests() == 0 && [&] {
        std::vector<Event> events;
        recorder.snapshot(events);
        return std::none_of(events.begin(), events.end(),
                            [](const Event& e) { return e.kind == EventKind::GilWaitBegin; });
    }())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    {
        // While a's GilRelease is being written, b must be able to take the GIL.
        std::future<void> b_took = b_has_it.get_future();
        BlockedWrite write(other, [&] { b_took.wait(); });
        gil.drop(a, GilReleaseReason::Io);
        ASSERT_TRUE(write.reached());
        EXPECT_TRUE(write.got_through()) << "the hand-over waited for the GilRelease event to be written";
    }
    waiter.join();
}

TEST(GilRecording, TheWaitBeginEventIsWrittenOutsideTheCriticalSection) {
    Recorder recorder, other;
    StopSignal stop;
    Gil gil(&recorder, 5'000'000, &stop);
    const uint32_t a = recorder.add_lane(LaneKind::Thread, "a");
    const uint32_t b = recorder.add_lane(LaneKind::Thread, "b");
    gil.take(a); // this thread holds the GIL (and has its buffer in `recorder`)
    std::promise<void> drop_now, dropped;
    bool reached = false, got_through = false;
    std::thread waiter([&] {
        // While b's GilWaitBegin is being written, a can drop the GIL (that needs its mutex).
        BlockedWrite write(other, [&] {
            drop_now.set_value();
            dropped.get_future().wait();
        });
        gil.take(b);
        reached = write.reached();
        got_through = write.got_through();
        gil.drop(b, GilReleaseReason::Exit);
    });
    drop_now.get_future().wait();
    gil.drop(a, GilReleaseReason::Io);
    dropped.set_value();
    waiter.join();
    ASSERT_TRUE(reached);
    EXPECT_TRUE(got_through) << "the GilWaitBegin event was written inside the critical section";
}

// The true order of holder changes, known by the threads themselves (only the holder appends to
// `holders`), is the order on the timeline: each hold's GilAcquired..GilRelease lies after the
// previous one's, never overlapping, under contention from four threads that hand the GIL over
// all the time (short blocking calls, and now and then a drop on request). Stamps taken after
// leaving the critical section fail this, and so did stamps taken inside it on two cores whose
// anchors disagreed by more than a hand-over took (tens of ns: 4 runs in 20).
TEST(GilRecording, HolderChangesAreRecordedInTheirTrueOrder) {
    constexpr int kThreads = 4;
    constexpr int kHoldsEach = 3000;
    Recorder recorder;
    StopSignal stop;
    Gil gil(&recorder, 200'000, &stop);
    std::vector<uint32_t> holders; // guarded by the GIL
    holders.reserve(kThreads * kHoldsEach);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t" + std::to_string(t));
        threads.emplace_back([&, lane, t] {
            for (int i = 0; i < kHoldsEach; ++i) {
                gil.take(lane);
                holders.push_back(lane);
                // Some holds are long enough for a drop request (one interval), most are short.
                if (i % 200 == t) {
                    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
                    while (!gil.drop_requested() && std::chrono::steady_clock::now() < until)
                        std::this_thread::yield();
                }
                if (gil.drop_requested()) {
                    gil.drop(lane, GilReleaseReason::Interval);
                } else {
                    gil.drop(lane, GilReleaseReason::Io); // a short blocking call
                    std::this_thread::sleep_for(std::chrono::microseconds(20));
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();

    Trace trace;
    trace.pull(recorder);
    std::vector<Event> changes;
    for (const Event& e : trace.events)
        if (is_holder_change(e.kind)) changes.push_back(e);
    // No two stamps taken under the GIL's mutex are equal (each is later than the one before).
    std::sort(changes.begin(), changes.end(), [](const Event& x, const Event& y) { return x.t_ns < y.t_ns; });
    ASSERT_EQ(changes.size(), 2 * holders.size());
    size_t hold = 0;
    for (size_t i = 0; i + 1 < changes.size(); i += 2, ++hold) {
        const Event& acquired = changes[i];
        const Event& released = changes[i + 1];
        ASSERT_EQ(acquired.kind, EventKind::GilAcquired) << "hold " << hold << ": two holders at once";
        ASSERT_EQ(released.kind, EventKind::GilRelease)
            << "hold " << hold << ": lane " << changes[i + 1].lane << " acquired "
            << changes[i + 1].t_ns - acquired.t_ns << " ns after lane " << acquired.lane
            << " did, before it released (cores " << acquired.cpu << ", " << changes[i + 1].cpu << ")";
        ASSERT_EQ(acquired.lane, holders[hold]) << "hold " << hold << " is out of order on the timeline";
        ASSERT_EQ(released.lane, holders[hold]) << "hold " << hold;
    }
    EXPECT_GT(gil.switch_number(), uint64_t(kThreads * kHoldsEach / 10)) << "the threads should take turns";
}
