// BigBuffer (core/workload/big_buffer.h): a stop never waits for 100 MB of pages to be given back.
// release_later() returns far sooner than giving the same pages back here (munmap) takes, and the
// pages really are given back soon after, by a releaser thread that ends when it is done.
#include "core/trace/event.h"
#include "core/workload/big_buffer.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>

using namespace clab;

namespace {

constexpr size_t kBytes = 64u << 20;

// A sanitizer makes starting a thread cost tens of ms (TSan: 30 ms here, against 170 ms for the
// munmap it instruments too): sanitized builds check only that the pages are given back.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kTimed = false;
#else
constexpr bool kTimed = true;
#endif

// AddressSanitizer keeps a shadow byte for every 8 bytes the program touched, and the shadow of an
// unmapped buffer stays resident: 24,808 KiB after the three buffers were given back, their shadow
// being 3 x 64 MiB / 8 = 24,576 KiB.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kShadowKibPerBuffer = long(kBytes / 8 / 1024);
#else
constexpr long kShadowKibPerBuffer = 0;
#endif

std::unique_ptr<BigBuffer> touched_buffer() {
    auto buffer = std::make_unique<BigBuffer>(kBytes);
    std::memset(buffer->data(), 'x', buffer->size()); // every page faulted in, as after a copy
    return buffer;
}

// The process's resident memory (VmRSS in /proc/self/status), in KiB.
long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value;
            return value;
        }
        status.ignore(1 << 10, '\n');
    }
    return -1;
}

bool wait_until_released() {
    for (int i = 0; i < 2000; ++i) {
        if (big_buffer_bytes_pending_release() == 0 && !big_buffer_releaser_running()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

} // namespace

TEST(BigBuffer, ReleaseLaterReturnsFarSoonerThanGivingThePagesBack) {
    // Each the fastest of three, so that a preemption on a loaded machine does not decide it.
    int64_t munmap_ns = INT64_MAX, handed_ns = INT64_MAX;
    for (int round = 0; round < 3; ++round) {
        auto inline_freed = touched_buffer();
        int64_t t0 = now_ns();
        inline_freed.reset(); // munmap now, on this thread
        munmap_ns = std::min(munmap_ns, now_ns() - t0);

        auto handed = touched_buffer();
        t0 = now_ns();
        handed->release_later();
        handed_ns = std::min(handed_ns, now_ns() - t0);
        EXPECT_EQ(handed->data(), nullptr);
        ASSERT_TRUE(wait_until_released()) << "the releaser did not give 64 MB back in 10 s";
    }
    std::printf("giving back 64 MB of touched pages: %.2f ms; handing them to the releaser: %.3f ms\n",
                double(munmap_ns) * 1e-6, double(handed_ns) * 1e-6);
    if (kTimed) {
        EXPECT_LT(double(handed_ns), 0.25 * double(munmap_ns));
    }
}

TEST(BigBuffer, TheReleaserGivesEveryPageBackAndEnds) {
    ASSERT_TRUE(wait_until_released());
    const long before_kib = resident_kib();
    std::unique_ptr<BigBuffer> buffers[3];
    for (auto& b : buffers)
        b = touched_buffer();
    EXPECT_GE(resident_kib() - before_kib, long(3 * kBytes / 1024));
    for (auto& b : buffers)
        b->release_later();
    EXPECT_GT(big_buffer_bytes_pending_release() + (big_buffer_releaser_running() ? 1 : 0), 0u);
    ASSERT_TRUE(wait_until_released());
    // Nothing of the three buffers is resident any more (other memory may come and go: a third of one).
    EXPECT_LT(resident_kib() - before_kib, long(kBytes / 1024 / 3) + 3 * kShadowKibPerBuffer);
}

TEST(BigBuffer, AnEmptyBufferIsFine) {
    BigBuffer empty(0);
    EXPECT_EQ(empty.size(), 0u);
    empty.release_later();
    EXPECT_EQ(empty.data(), nullptr);
}
