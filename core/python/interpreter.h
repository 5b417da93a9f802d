// Which Python runs a program, and where the tracer it loads lives.
#pragma once

#include "core/sync/stop_signal.h"

#include <optional>
#include <string>

namespace clab::py {

struct Interpreter {
    std::string executable; // sys.executable: the real binary (a pyenv shim is resolved once)
    std::string version;    // "3.11.7"
    int major = 0, minor = 0;
};

// Finds `requested` (empty: python3 on PATH) and asks it for its version (once per name: cached).
// nullopt and a sentence naming the Debian package when there is none or it is older than 3.8.
// Asking can take seconds (a pyenv shim on a cold cache): requesting `stop` ends it at once, kills
// what it started and gives nullopt (and *stopped = true); nothing is cached then.
std::optional<Interpreter> find_interpreter(const std::string& requested, std::string* error,
                                            const StopSignal* stop = nullptr, bool* stopped = nullptr);

// The folder holding the tracer's sitecustomize.py, first that exists of: $CLAB_PYTHON_TRACER_DIR,
// ../share/concurrency-lab/python next to the running executable (an installed copy), the source
// tree's core/python/tracer (a build tree), the configured install folder. Empty if none.
std::string tracer_dir();

} // namespace clab::py
