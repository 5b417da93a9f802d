// What a test can read from /proc to prove a run left nothing behind: open fds and threads.
#pragma once

#include <dirent.h>

namespace clab::testing {

inline int count_entries(const char* dir) {
    int n = 0;
    if (DIR* d = opendir(dir)) {
        while (dirent* entry = readdir(d))
            n += entry->d_name[0] != '.';
        closedir(d);
    }
    return n;
}

inline int open_fds() {
    return count_entries("/proc/self/fd");
}
inline int live_threads() {
    return count_entries("/proc/self/task");
}

// ThreadSanitizer starts a background thread of its own the first time it needs one, so under TSan
// one extra thread after a run is the sanitizer's, not ours.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerThreads = 1;
#else
inline constexpr int kSanitizerThreads = 0;
#endif

} // namespace clab::testing
