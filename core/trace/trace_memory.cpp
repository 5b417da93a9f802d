#include "trace_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 // Linux 5.14
#endif

namespace clab::trace_memory {

namespace {
std::mutex g_mutex;
double g_peak_kb = 0;     // the largest (VmHWM - trace memory) of the stretches folded so far
size_t g_trace_bytes = 0; // trace memory made resident since start_peak()
constexpr size_t kPage = 4096;

double high_water_kb() noexcept {
    FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return 0;
    char line[256];
    double kb = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmHWM:", 6) == 0) {
            kb = std::atof(line + 6);
            break;
        }
    std::fclose(f);
    return kb;
}

void restart_high_water() noexcept {
    if (FILE* f = std::fopen("/proc/self/clear_refs", "we")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

void fold() noexcept {
    g_peak_kb = std::max(g_peak_kb, high_water_kb() - double(g_trace_bytes) / 1024.0);
}
} // namespace

void start_peak() noexcept {
    std::lock_guard lock(g_mutex);
    restart_high_water();
    g_peak_kb = 0;
    g_trace_bytes = 0;
}

void populate(void* address, size_t bytes) noexcept {
    std::lock_guard lock(g_mutex);
    fold();
    // One fault for a huge page; without the kernel's help, a write to every page.
    if (::madvise(address, bytes, MADV_POPULATE_WRITE) != 0)
        for (size_t at = 0; at < bytes; at += kPage)
            static_cast<volatile char*>(address)[at] = 0;
    g_trace_bytes += bytes;
    restart_high_water();
}

double peak_kb() noexcept {
    std::lock_guard lock(g_mutex);
    fold();
    return g_peak_kb;
}

size_t populated_bytes() noexcept {
    std::lock_guard lock(g_mutex);
    return g_trace_bytes;
}

} // namespace clab::trace_memory
