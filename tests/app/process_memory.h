// This test process's resident memory, for the tests that watch the window's memory over many runs.
#pragma once

#include <cstdio>
#include <unistd.h>

// Resident memory now (/proc/self/statm), MB; 0 if it cannot be read.
inline double rss_mb() {
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    long pages = 0, resident = 0;
    const int n = std::fscanf(f, "%ld %ld", &pages, &resident);
    std::fclose(f);
    return n == 2 ? double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0) : 0;
}

// AddressSanitizer keeps freed blocks in its quarantine (up to 256 MB by default) instead of handing
// them back: under it, resident memory cannot show that memory was given back after runs.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kFreedMemoryIsQuarantined = true;
#else
inline constexpr bool kFreedMemoryIsQuarantined = false;
#endif
inline constexpr const char* kQuarantineSkip =
    "AddressSanitizer's quarantine holds freed memory: resident memory cannot show it given back";
