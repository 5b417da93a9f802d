// Recorder and Trace: events from many threads arrive complete, in per-thread order, and merge
// into one time-sorted trace.
#include "core/trace/recorder.h"
#include "core/trace/trace.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>
#include <sched.h>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace clab;

// Counts every allocation of this test program, so a test can check how often a call allocates.
// (GCC cannot see that these replace the global operators and warns about malloc/delete pairs.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<uint64_t> g_allocations{0};
}
void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
// The nothrow form too (std::inplace_merge's temporary buffer): a sanitizer's runtime replaces every
// form it is not given, so its nothrow new met our delete's free() (AddressSanitizer:
// alloc-dealloc-mismatch in Trace.LateBatchesMergeIntoOrder).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size ? size : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

TEST(Recorder, EveryEventOfEveryThreadArrivesInOrder) {
    Recorder recorder;
    constexpr int kThreads = 4;
    constexpr uint64_t kPerThread = 40'000; // crosses several chunk boundaries
    std::vector<uint32_t> lanes;
    for (int i = 0; i < kThreads; ++i)
        lanes.push_back(recorder.add_lane(LaneKind::Thread, "t" + std::to_string(i)));
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            for (uint64_t n = 0; n < kPerThread; ++n)
                recorder.record(lanes[size_t(i)], EventKind::TaskBegin, n);
        });
    // Drain concurrently while the writers run: nothing may be lost or torn.
    Trace trace;
    for (int polls = 0; polls < 50; ++polls)
        trace.pull(recorder);
    for (auto& t : threads)
        t.join();
    trace.pull(recorder);

    ASSERT_EQ(trace.events.size(), kThreads * kPerThread);
    ASSERT_EQ(trace.lanes.size(), size_t(kThreads));
    std::vector<uint64_t> next(kThreads, 0);
    for (size_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (i > 0) {
            ASSERT_LE(trace.events[i - 1].t_ns, e.t_ns);
        }
        ASSERT_LT(e.lane, uint32_t(kThreads));
        // Equal time stamps may reorder across threads but never within one.
        ASSERT_EQ(e.arg, next[e.lane]++) << "lane " << e.lane;
    }
    EXPECT_EQ(recorder.dropped(), 0u);
}

TEST(Trace, LateBatchesMergeIntoOrder) {
    Trace trace;
    trace.append({{10, 0, EventKind::TaskBegin, 0, 0}, {30, 0, EventKind::TaskEnd, 0, 0}});
    const size_t first =
        trace.append({{20, 1, EventKind::TaskBegin, 0, 0}, {40, 1, EventKind::TaskEnd, 0, 0}});
    EXPECT_EQ(first, 1u);
    ASSERT_EQ(trace.events.size(), 4u);
    EXPECT_EQ(trace.events[0].t_ns, 10);
    EXPECT_EQ(trace.events[1].t_ns, 20);
    EXPECT_EQ(trace.events[2].t_ns, 30);
    EXPECT_EQ(trace.events[3].t_ns, 40);
}

TEST(Trace, SortByTimeMergesRunsStablyLikeAFullSort) {
    // What a drain gives (one ascending run per thread, concatenated) and worse: random runs,
    // equal stamps, a reversed tail. The result must be exactly std::stable_sort's, in the trace's
    // one order (event_before).
    std::srand(19);
    for (int round = 0; round < 200; ++round) {
        std::vector<Event> events;
        const int runs = 1 + std::rand() % 9;
        uint64_t serial = 0;
        for (int r = 0; r < runs; ++r) {
            int64_t t = std::rand() % 50;
            const int n = std::rand() % 40;
            for (int i = 0; i < n; ++i) {
                t += std::rand() % 3; // equal stamps on purpose
                events.push_back({t, uint32_t(r), EventKind::TaskBegin, 0, serial++});
            }
        }
        if (round % 10 == 0) std::reverse(events.begin() + long(events.size() / 2), events.end());
        std::vector<Event> expected = events;
        std::stable_sort(expected.begin(), expected.end(), event_before);
        sort_by_time(events);
        ASSERT_EQ(events.size(), expected.size());
        for (size_t i = 0; i < events.size(); ++i) {
            ASSERT_EQ(events[i].t_ns, expected[i].t_ns) << "round " << round << " at " << i;
            ASSERT_EQ(events[i].arg, expected[i].arg) << "round " << round << " at " << i;
        }
    }
}

// One kernel sample stamps every thread it saw with one time, and a live drain hands the lanes over
// in any order: the trace must come out the same whichever arrived first (the timeline's core lanes
// depend on it; a live view once drew one segment more than the finished run's).
TEST(Trace, EqualStampsEndInOneOrderWhateverLaneArrivedFirst) {
    const Event first_of_lane2{5, 2, EventKind::TaskBegin, 0, 1};
    const Event second_of_lane2{5, 2, EventKind::TaskEnd, 0, 2};
    const Event of_lane1{5, 1, EventKind::TaskBegin, 0, 3};
    Trace lane2_first, lane1_first;
    lane2_first.append({first_of_lane2, second_of_lane2});
    lane2_first.append({of_lane1});
    lane1_first.append({of_lane1});
    lane1_first.append({first_of_lane2, second_of_lane2});
    ASSERT_EQ(lane2_first.events.size(), 3u);
    ASSERT_EQ(lane1_first.events.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(lane2_first.events[i].lane, lane1_first.events[i].lane) << i;
        EXPECT_EQ(lane2_first.events[i].arg, lane1_first.events[i].arg) << i;
    }
    EXPECT_EQ(lane2_first.events[0].lane, 1u) << "equal stamps: the lower lane first";
    EXPECT_EQ(lane2_first.events[1].arg, 1u) << "one lane's equal stamps keep their recording order";
}

TEST(EventBuffer, ChunksDoubleAndIndexPrecisely) {
    EXPECT_EQ(EventBuffer::chunk_of(0), 0u);
    EXPECT_EQ(EventBuffer::chunk_of(EventBuffer::kFirstChunk - 1), 0u);
    EXPECT_EQ(EventBuffer::chunk_of(EventBuffer::kFirstChunk), 1u);
    EXPECT_EQ(EventBuffer::chunk_begin(0), 0u);
    for (size_t k = 0; k + 1 < EventBuffer::kMaxChunks; ++k) {
        if (k > 0) { // chunk k fills its power-of-two piece of the pool with whole events
            const uint64_t bytes = uint64_t(EventBuffer::kFirstPieceBytes) << (k - 1);
            EXPECT_LE(EventBuffer::chunk_size(k) * sizeof(Event), bytes);
            EXPECT_GT((EventBuffer::chunk_size(k) + 1) * sizeof(Event), bytes);
            EXPECT_GT(EventBuffer::chunk_size(k), EventBuffer::chunk_size(k - 1));
        }
        EXPECT_EQ(EventBuffer::chunk_begin(k + 1), EventBuffer::chunk_begin(k) + EventBuffer::chunk_size(k));
        EXPECT_EQ(EventBuffer::chunk_of(EventBuffer::chunk_begin(k)), k);
        EXPECT_EQ(EventBuffer::chunk_of(EventBuffer::chunk_begin(k + 1) - 1), k);
    }
}

// The pool hands out disjoint, aligned pieces and holds less than one huge page beyond what was
// asked of it, however the sizes come (threads doubling their chunks in any interleaving).
TEST(ChunkPool, PiecesAreDisjointAlignedAndTheLeftoverIsUnderOneBlock) {
    ChunkPool pool;
    std::srand(7);
    std::vector<std::pair<char*, size_t>> pieces;
    size_t asked = 0;
    std::vector<size_t> next_size(50, ChunkPool::kSmallestPiece); // 50 "threads"
    for (int i = 0; i < 600; ++i) {
        size_t& size = next_size[size_t(std::rand()) % next_size.size()];
        if (size > (size_t(8) << 20)) continue;
        char* p = static_cast<char*>(pool.take(size));
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % std::min(size, ChunkPool::kBlock), 0u) << size;
        p[0] = 1; // writable, at both ends
        p[size - 1] = 1;
        pieces.emplace_back(p, size);
        asked += size;
        size *= 2;
    }
    std::sort(pieces.begin(), pieces.end());
    for (size_t i = 1; i < pieces.size(); ++i)
        ASSERT_LE(pieces[i - 1].first + pieces[i - 1].second, pieces[i].first);
    EXPECT_GE(pool.mapped_bytes(), asked);
    EXPECT_LT(pool.mapped_bytes() - asked, ChunkPool::kBlock);
    EXPECT_EQ(pool.take(1000), nullptr); // not a power of two
}

// A Recorder that records little costs what it touched: its chunks come from ordinary pages, no
// huge page is mapped before kSmallBytes were asked for.
TEST(ChunkPool, LittleIsServedFromOrdinaryPagesFirst) {
    ChunkPool pool;
    size_t asked = 0;
    while (asked + ChunkPool::kSmallestPiece <= ChunkPool::kSmallBytes) {
        ASSERT_NE(pool.take(ChunkPool::kSmallestPiece), nullptr);
        asked += ChunkPool::kSmallestPiece;
    }
    EXPECT_EQ(pool.mapped_bytes(), ChunkPool::kSmallBytes);
    ASSERT_NE(pool.take(ChunkPool::kSmallestPiece), nullptr);
    EXPECT_EQ(pool.mapped_bytes(), ChunkPool::kSmallBytes + ChunkPool::kBlock);
}

TEST(Recorder, SnapshotCopiesWithoutConsuming) {
    Recorder recorder;
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    for (int i = 0; i < 1000; ++i)
        recorder.record(lane, EventKind::Marker, uint64_t(i));
    std::vector<Event> copy;
    EXPECT_EQ(recorder.snapshot(copy), 1000u);
    std::vector<Event> drained;
    EXPECT_EQ(recorder.drain(drained), 1000u);
    ASSERT_EQ(copy.size(), drained.size());
    EXPECT_EQ(copy.back().arg, 999u);
}

// A thousand threads' buffers (thread-per-request): the snapshot and the drain must allocate the
// output once, not once per buffer (which made them quadratic in the events: issue 20, item 6).
TEST(Recorder, SnapshotAndDrainAllocateOnceWhateverTheNumberOfBuffers) {
    Recorder recorder;
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    constexpr int kThreads = 1000;
    for (int t = 0; t < kThreads; ++t)
        std::thread([&] {
            for (int i = 0; i < 10; ++i)
                recorder.record(lane, EventKind::Marker, uint64_t(i));
        }).join();
    std::vector<Event> copy;
    const uint64_t before_snapshot = g_allocations.load();
    EXPECT_EQ(recorder.snapshot(copy), size_t(kThreads) * 10);
    EXPECT_LE(g_allocations.load() - before_snapshot, 2u);
    std::vector<Event> drained;
    const uint64_t before_drain = g_allocations.load();
    EXPECT_EQ(recorder.drain(drained), size_t(kThreads) * 10);
    EXPECT_LE(g_allocations.load() - before_drain, 2u);
}

TEST(Event, StampsAreMonotonicAndCpuIsKnown) {
    const int64_t a = now_ns();
    const int64_t b = now_ns();
    EXPECT_LE(a, b);
    EXPECT_NE(current_cpu(), 0xFFFF);
}

// Issue 18.7: the recorder stamps with the time-stamp counter (StampClock), not clock_gettime, and
// its stamps sit on now_ns()'s CLOCK_MONOTONIC axis within a microsecond: every stamp falls between
// two clock readings taken around it (± 1 µs), across sleeps longer than the re-anchoring span,
// moves to the other core and the first millisecond before the rate is known; and per thread the
// stamps never go backwards.
TEST(StampClock, StampsStayWithinAMicrosecondOfTheMonotonicClock) {
    constexpr int64_t kMicrosecond = 1000;
    cpu_set_t original;
    CPU_ZERO(&original);
    sched_getaffinity(0, sizeof original, &original);
    const int cpus = CPU_COUNT(&original);
    int64_t last = 0;
    int outside = 0;
    for (int i = 0; i < 3000; ++i) {
        if (i % 100 == 0 && cpus > 1) { // hop to another allowed core now and then
            int want = (i / 100) % cpus, cpu = -1;
            for (int c = 0; c < CPU_SETSIZE && want >= 0; ++c)
                if (CPU_ISSET(c, &original) && want-- == 0) cpu = c;
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof one, &one);
        }
        if (i % 37 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100 * (i % 23)));
        const int64_t before = now_ns();
        const int64_t stamp = stamp_now_ns();
        const int64_t after = now_ns();
        if (stamp < before - kMicrosecond || stamp > after + kMicrosecond) {
            ++outside;
            ADD_FAILURE() << "stamp " << stamp - before
                          << " ns after the reading before it, reading after at " << after - before << " ns";
        }
        EXPECT_GE(stamp, last);
        last = stamp;
        if (outside > 5) break;
    }
    sched_setaffinity(0, sizeof original, &original);
}

// Issue 18.7: a run's first events cost what the later ones do. Until the StampClock knew the
// counter's rate (measured over ~1 ms of one core's re-anchors), every stamp read clock_gettime and
// re-anchored: a fresh process's first ~50,000 events cost 28-30 ns instead of ~15. A Recorder now
// measures the rate when it is created, once per process. In a fresh process (this program run
// again for this test alone: a forked child would inherit the rate), a thread that stamps for
// 2.5 ms right after the Recorder was created re-anchors for a small fraction of its stamps
// (before: every stamp of the first millisecond), and every stamp lies within a microsecond of
// the CLOCK_MONOTONIC readings around it (the calibrated rate carries a stamp ~1 ms from its
// anchor).
TEST(StampClock, AFreshProcessKnowsTheRateOnceARecorderExists) {
#if !defined(__x86_64__)
    GTEST_SKIP() << "the counter path is x86-64 only";
#else
    if (std::getenv("CLAB_STAMP_CLOCK_CHILD") == nullptr) {
        const std::string filter = "--gtest_filter=StampClock.AFreshProcessKnowsTheRateOnceARecorderExists";
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            setenv("CLAB_STAMP_CLOCK_CHILD", "1", 1);
            execl("/proc/self/exe", "test_trace_recorder", filter.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "the fresh process failed (output above)";
        return;
    }
    Recorder recorder; // calibrates
    std::thread([] {
        constexpr int64_t kMicrosecond = 1000;
        const int64_t start = now_ns();
        uint64_t stamps = 0;
        int outside = 0;
        for (int64_t before = start; before - start < 2'500'000 && outside <= 5; ++stamps) {
            before = now_ns();
            const int64_t stamp = stamp_now_ns();
            const int64_t after = now_ns();
            if (stamp < before - kMicrosecond || stamp > after + kMicrosecond) {
                ++outside;
                ADD_FAILURE() << "stamp " << stamps << ": " << stamp - before
                              << " ns after the reading before it, reading after at " << after - before
                              << " ns";
            }
        }
        const uint64_t reanchors = stamp_clock_detail::this_thread_anchor().reanchors;
        EXPECT_GE(stamps, 1000u);
        EXPECT_LT(reanchors * 20, stamps) << reanchors << " re-anchors in " << stamps << " stamps";
    }).join();
#endif
}

// What Recorder::record writes is that stamp.
TEST(StampClock, RecordedEventsCarryStampsBetweenTheReadingsAroundThem) {
    Recorder recorder;
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    const int64_t before = now_ns();
    recorder.record(lane, EventKind::Marker, 1);
    const int64_t after = now_ns();
    std::vector<Event> events;
    recorder.drain(events);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_GE(events[0].t_ns, before - 1000);
    EXPECT_LE(events[0].t_ns, after + 1000);
}

// Issue 18.7: a stamp taken inside a critical section and written after it keeps the moment it
// was taken, not the moment of the write.
TEST(StampClock, AnEventStampedEarlierKeepsItsStampWhenWrittenLater) {
    Recorder recorder;
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    const int64_t before = now_ns();
    const Event stamped = Recorder::stamped(lane, EventKind::GilRelease, 3);
    const int64_t after = now_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    recorder.record_event(stamped);
    std::vector<Event> events;
    recorder.drain(events);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_GE(events[0].t_ns, before - 1000);
    EXPECT_LE(events[0].t_ns, after + 1000);
    EXPECT_EQ(events[0].kind, EventKind::GilRelease);
    EXPECT_EQ(events[0].arg, 3u);
    EXPECT_EQ(events[0].lane, lane);
}

// A stamp taken after another thread's under one mutex is later than it even when this core's
// clock runs behind, and this thread's next stamps do not fall back below it. On a thread of its
// own: the floor lies a second ahead (so no preemption can carry the clock past it), and the
// thread's stamps stay raised to it.
TEST(StampClock, AStampAfterAFloorIsLaterThanItAndSoAreTheThreadsNext) {
    std::thread([] {
        uint16_t cpu = 0;
        const int64_t now = stamp_now_ns(cpu);
        EXPECT_GT(stamp_after_ns(now - 1'000'000, cpu), now - 1'000'000); // a floor in the past: as is
        const int64_t floor = stamp_now_ns(cpu) + 1'000'000'000;
        const int64_t raised = stamp_after_ns(floor, cpu);
        EXPECT_EQ(raised, floor + 1); // later, and no later than needed
        EXPECT_GE(stamp_now_ns(cpu), raised);
        const Event e = Recorder::stamped_after(raised + 1000, 7, EventKind::GilAcquired, 9);
        EXPECT_EQ(e.t_ns, raised + 1001);
        EXPECT_EQ(e.lane, 7u);
        EXPECT_EQ(e.kind, EventKind::GilAcquired);
        EXPECT_EQ(e.arg, 9u);
    }).join();
}
