// Helpers shared by the process tests: run an engine directly, and read the process table.
#pragma once

#include "core/experiment/engine.h"
#include "core/processes/forkserver.h"
#include "core/trace/recorder.h"
#include "core/trace/trace.h"

#include <atomic>
#include <dirent.h>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace clab::testing_util {

// Runs one engine of `spec.engine` on this thread, the way the Runner does.
inline Summary run_engine(const ExperimentSpec& spec, Recorder& recorder, const StopSignal& cancel) {
    auto engine = make_engine(spec.engine);
    EXPECT_NE(engine, nullptr) << "engine not registered";
    Summary summary;
    summary.spec = spec;
    if (!engine) return summary;
    RunContext ctx{recorder, cancel, cancel.flag(), recorder.add_lane(LaneKind::Main, "MainThread"),
                   now_ns()};
    engine->run(spec, ctx, summary);
    return summary;
}

inline Summary run_engine(const ExperimentSpec& spec, Trace& trace) {
    Recorder recorder;
    StopSignal cancel;
    Summary summary = run_engine(spec, recorder, cancel);
    trace.pull(recorder);
    return summary;
}

// pid -> parent pid for every process in /proc (zombies included: a zombie is a leftover too).
inline std::vector<std::pair<pid_t, pid_t>> process_table() {
    std::vector<std::pair<pid_t, pid_t>> table;
    DIR* dir = opendir("/proc");
    if (!dir) return table;
    while (dirent* entry = readdir(dir)) {
        const pid_t pid = pid_t(std::atoi(entry->d_name));
        if (pid <= 0) continue;
        std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        const auto paren = line.rfind(')');
        if (paren == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (sscanf(line.c_str() + paren + 1, " %c %d", &state, &ppid) == 2)
            table.emplace_back(pid, pid_t(ppid));
    }
    closedir(dir);
    return table;
}

// Our children and grandchildren, except the forkserver itself (it lives as long as the program,
// like Python's); the forkserver's children count.
inline std::vector<pid_t> leftover_processes() {
    const pid_t self = getpid();
    const pid_t server = proc::Forkserver::instance().server_pid();
    std::vector<pid_t> left;
    for (const auto& [pid, ppid] : process_table())
        if ((ppid == self && pid != server) || (server > 0 && ppid == server)) left.push_back(pid);
    return left;
}

// Waits briefly for the kernel to finish tearing down (normally immediate).
inline std::vector<pid_t> leftover_processes_after_settle() {
    std::vector<pid_t> left;
    for (int i = 0; i < 50; ++i) {
        left = leftover_processes();
        if (left.empty()) break;
        usleep(10'000);
    }
    return left;
}

inline std::vector<const LaneInfo*> process_lanes(const Trace& trace) {
    std::vector<const LaneInfo*> lanes;
    for (const auto& lane : trace.lanes)
        if (lane.kind == LaneKind::Process) lanes.push_back(&lane);
    return lanes;
}

inline std::vector<Event> events_of(const Trace& trace, uint32_t lane, EventKind kind) {
    std::vector<Event> out;
    for (const auto& e : trace.events)
        if (e.lane == lane && e.kind == kind) out.push_back(e);
    return out;
}

inline size_t count_kind(const Trace& trace, EventKind kind) {
    size_t n = 0;
    for (const auto& e : trace.events)
        n += e.kind == kind;
    return n;
}

} // namespace clab::testing_util
