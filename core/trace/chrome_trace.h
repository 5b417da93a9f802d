// Export of a run to the Chrome Trace Event format (the JSON object form), which Perfetto
// (ui.perfetto.dev) and chrome://tracing open:
//   {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}
// - one "process" (pid 1) whose "threads" are the run's lanes (thread_name metadata, tid = lane id);
// - every segment of a lane as a complete event ("ph":"X", ts/dur in microseconds from the run's
//   origin, name = the state, cat = "state");
// - the moments the timeline marks (drop requests, forced switches, migrations, deadlock
//   detection, lock hand-offs, ...) as thread-scoped instant events ("ph":"i", "s":"t"), with the
//   event's cpu and arg in "args";
// - core utilisation samples as counter events ("ph":"C", name "core N", args {"busy_percent"});
// - per-core occupancy (who ran on which core) as a second process (pid 2, "CPU cores").
#pragma once

#include "trace.h"

#include <string>

namespace clab {

std::string to_chrome_trace_json(const Trace& trace);
// Writes the JSON to `path`; false and `error` set if the file cannot be written.
bool write_chrome_trace(const Trace& trace, const std::string& path, std::string* error = nullptr);

} // namespace clab
