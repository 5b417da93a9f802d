#include "interpreter.h"

#include "core/sync/stoppable_command.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace clab::py {

namespace {

bool is_file(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<Interpreter> probe(const std::string& name, std::string* error, const StopSignal* stop,
                                 bool* stopped) {
    const std::string shown = name.empty() ? "python3" : name;
    // -E -S: neither the environment nor site (and so not the tracer) take part in the question.
    const auto asked = run_stoppable(
        {shown, "-E", "-S", "-c",
         "import sys; print(sys.executable); print(\"%d %d %d\" % tuple(sys.version_info[:3]))"},
        stop);
    if (stop && stop->requested()) {
        if (stopped) *stopped = true;
        if (error) *error = "stopped while asking " + shown + " for its version";
        return std::nullopt;
    }
    const std::string out = asked ? asked->out : std::string();
    Interpreter found;
    int micro = 0;
    const size_t newline = out.find('\n');
    if (newline == std::string::npos ||
        sscanf(out.c_str() + newline + 1, "%d %d %d", &found.major, &found.minor, &micro) != 3) {
        if (error)
            *error = name.empty() ? "python3 was not found: install the Debian package python3 "
                                    "(sudo apt install python3) or choose an interpreter with --python PATH"
                                  : "'" + name + "' is not a Python interpreter that runs here";
        return std::nullopt;
    }
    found.executable = out.substr(0, newline);
    if (found.executable.empty()) found.executable = shown;
    found.version =
        std::to_string(found.major) + "." + std::to_string(found.minor) + "." + std::to_string(micro);
    if (found.major < 3 || (found.major == 3 && found.minor < 8)) {
        if (error)
            *error = shown + " is Python " + found.version +
                     "; the python engine needs 3.8 or newer (the Debian package python3)";
        return std::nullopt;
    }
    return found;
}

} // namespace

std::optional<Interpreter> find_interpreter(const std::string& requested, std::string* error,
                                            const StopSignal* stop, bool* stopped) {
    static std::mutex mutex;
    static std::map<std::string, Interpreter> cache;
    {
        std::lock_guard lock(mutex);
        if (const auto it = cache.find(requested); it != cache.end()) return it->second;
    }
    auto found = probe(requested, error, stop, stopped);
    if (found) {
        std::lock_guard lock(mutex);
        cache[requested] = *found;
    }
    return found;
}

std::string tracer_dir() {
    std::vector<std::string> candidates;
    if (const char* env = getenv("CLAB_PYTHON_TRACER_DIR"); env && *env) candidates.emplace_back(env);
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        std::string dir(exe, size_t(n));
        dir = dir.substr(0, dir.rfind('/'));
        candidates.push_back(dir + "/../share/concurrency-lab/python");
    }
#ifdef CLAB_TRACER_SOURCE_DIR
    candidates.emplace_back(CLAB_TRACER_SOURCE_DIR);
#endif
#ifdef CLAB_TRACER_INSTALL_DIR
    candidates.emplace_back(CLAB_TRACER_INSTALL_DIR);
#endif
    for (const std::string& dir : candidates)
        if (is_file(dir + "/sitecustomize.py") && is_file(dir + "/clab_tracer/__init__.py")) return dir;
    return {};
}

} // namespace clab::py
