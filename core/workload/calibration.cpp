#include "calibration.h"

#include "core/trace/event.h"
#include "cpu_work.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace clab {

namespace {

// Best of three runs of 2 M iterations inside a function (local variable, like a lesson's worker).
constexpr const char* kPythonProbe = "python3 -c \"import time\n"
                                     "def f(n):\n"
                                     "    count = 0\n"
                                     "    for _ in range(n):\n"
                                     "        count += 1\n"
                                     "best = min(((lambda t: (f(2000000), time.perf_counter() - "
                                     "t)[1])(time.perf_counter())) for _ in range(3))\n"
                                     "print(best / 2000000 * 1e9)\" 2>/dev/null";

constexpr std::string_view kCacheKey = "python_ns_per_iteration";
constexpr off_t kLargestCacheFile = 4096;

// A folder only this user may use: created 0700, or an existing one that is ours, not a symlink,
// and then closed to everybody else. False when it cannot be made so.
bool private_folder(const std::string& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return false;
    if ((st.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0) return false;
    return true;
}

// The folder the cache file lives in, and the folder above it (created 0700 when missing, as the
// XDG base directory specification asks).
struct CacheLocation {
    std::string parent, dir;
};

std::optional<CacheLocation> cache_location() {
    auto from = [](const char* variable, const char* suffix) -> std::optional<std::string> {
        const char* value = std::getenv(variable);
        if (!value || value[0] != '/') return std::nullopt; // relative paths are invalid (XDG)
        return std::string(value) + suffix;
    };
    std::optional<std::string> parent = from("XDG_CACHE_HOME", "");
    if (!parent) parent = from("HOME", "/.cache");
    if (!parent) parent = from("XDG_RUNTIME_DIR", ""); // private (0700) by definition
    if (!parent) return std::nullopt;
    return CacheLocation{*parent, *parent + "/concurrency-lab"};
}

// The cached figure, or 0. Only a small regular file of ours, opened without following a link.
double read_cache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st {};
    char text[128] = {};
    ssize_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        st.st_size < kLargestCacheFile)
        n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0) return 0;
    text[n] = '\0';
    char key[64] = {};
    double value = 0;
    if (std::sscanf(text, "%63s %lf", key, &value) != 2 || key != kCacheKey) return 0;
    return value;
}

// Writes a fresh file and renames it into place: never through a planted link, never half-written.
void write_cache(const CacheLocation& where, const std::string& path, double value) {
    if (mkdir(where.parent.c_str(), 0700) != 0 && errno != EEXIST) return;
    if (!private_folder(where.dir)) return;
    std::string temp = where.dir + "/.calibration-XXXXXX";
    const int fd = mkstemp(temp.data());
    if (fd < 0) return;
    char text[128];
    const int len = std::snprintf(text, sizeof text, "%s %.6g\n", kCacheKey.data(), value);
    const bool written = len > 0 && ::write(fd, text, size_t(len)) == len;
    if (::close(fd) != 0 || !written || std::rename(temp.c_str(), path.c_str()) != 0) ::unlink(temp.c_str());
}

double measure_ns_per_step() {
    constexpr uint32_t kSteps = 200'000;
    double best = 1e9;
    uint64_t x = 1;
    for (int round = 0; round < 7; ++round) {
        const int64_t t0 = now_ns();
        x = spin_steps(x, kSteps);
        const int64_t t1 = now_ns();
        best = std::min(best, double(t1 - t0) / kSteps);
    }
    return std::max(best, 0.05);
}

Calibration compute() {
    Calibration c;
    c.ns_per_step = measure_ns_per_step();
    const std::string path = calibration_cache_path();
    double cached = 0;
    if (const char* env = std::getenv("CLAB_PYTHON_NS_PER_ITERATION"); env && std::atof(env) > 1) {
        c.python_ns_per_iteration = std::atof(env);
        c.source = "environment";
    } else if (!path.empty() && (cached = read_cache(path)) > 0 &&
               plausible_python_ns_per_iteration(cached, c.ns_per_step)) {
        c.python_ns_per_iteration = cached;
        c.source = "cache " + path;
    } else if (const double measured = measure_python_ns_per_iteration()) {
        // No cache, or one this machine cannot have produced: measure again and replace it.
        c.python_ns_per_iteration = measured;
        c.source = "python3 (measured)";
        if (const auto where = cache_location(); where && !path.empty()) write_cache(*where, path, measured);
    } else {
        c.source = "default";
    }
    c.steps_per_iteration = uint32_t(std::max(1.0, c.python_ns_per_iteration / c.ns_per_step + 0.5));
    return c;
}

} // namespace

bool plausible_python_ns_per_iteration(double python_ns_per_iteration, double ns_per_step) {
    if (!(python_ns_per_iteration > 0) || !(ns_per_step > 0)) return false;
    const double steps = python_ns_per_iteration / ns_per_step;
    return steps >= kFewestStepsPerIteration && steps <= kMostStepsPerIteration;
}

std::string calibration_cache_path() {
    const auto where = cache_location();
    return where ? where->dir + "/calibration" : std::string();
}

double measure_python_ns_per_iteration(std::string* error) {
    FILE* pipe = popen(kPythonProbe, "r");
    if (!pipe) {
        if (error) *error = "cannot start python3";
        return 0;
    }
    double value = 0;
    const int fields = fscanf(pipe, "%lf", &value);
    const int status = pclose(pipe);
    if (fields != 1 || status != 0 || value <= 1 || value >= 10'000) {
        if (error) *error = "python3 is not available or printed no figure";
        return 0;
    }
    return value;
}

const Calibration& calibration() {
    static const Calibration instance = compute();
    return instance;
}

} // namespace clab
