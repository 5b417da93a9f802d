#include "descendant_usage.h"

#include <atomic>

namespace clab {

namespace {
std::atomic<int64_t> g_cpu_ns{0};
std::atomic<int64_t> g_maxrss_kb{0};
std::atomic<int64_t> g_instrument_cpu_ns{0};
} // namespace

void add_reaped_descendant(int64_t cpu_ns, int64_t maxrss_kb) noexcept {
    g_cpu_ns.fetch_add(cpu_ns, std::memory_order_relaxed);
    int64_t seen = g_maxrss_kb.load(std::memory_order_relaxed);
    while (maxrss_kb > seen &&
           !g_maxrss_kb.compare_exchange_weak(seen, maxrss_kb, std::memory_order_relaxed)) {
    }
}

DescendantUsage reaped_descendants() noexcept {
    return {g_cpu_ns.load(std::memory_order_relaxed), g_maxrss_kb.load(std::memory_order_relaxed)};
}

void add_instrument_cpu(int64_t cpu_ns) noexcept {
    g_instrument_cpu_ns.fetch_add(cpu_ns, std::memory_order_relaxed);
}

int64_t instrument_cpu_ns() noexcept {
    return g_instrument_cpu_ns.load(std::memory_order_relaxed);
}

} // namespace clab
