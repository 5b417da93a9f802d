#include "spec.h"

#include <algorithm>
#include <array>
#include <utility>

namespace clab {

namespace {
// One table per enum: the name used on the command line, in lesson files and in JSON.
template <typename E, size_t N> using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<EngineKind, 7> kEngines{{{EngineKind::Sequential, "sequential"},
                                         {EngineKind::Threads, "threads"},
                                         {EngineKind::ThreadPool, "thread-pool"},
                                         {EngineKind::Processes, "processes"},
                                         {EngineKind::ProcessPool, "process-pool"},
                                         {EngineKind::Asyncio, "asyncio"},
                                         {EngineKind::Python, "python"}}};
constexpr Names<WorkloadKind, 9> kWorkloads{{{WorkloadKind::Cpu, "cpu"},
                                             {WorkloadKind::Sleep, "sleep"},
                                             {WorkloadKind::Net, "net"},
                                             {WorkloadKind::Mixed, "mixed"},
                                             {WorkloadKind::Counter, "counter"},
                                             {WorkloadKind::Deadlock, "deadlock"},
                                             {WorkloadKind::Payload, "payload"},
                                             {WorkloadKind::Blend, "blend"},
                                             {WorkloadKind::BlockLoop, "block-loop"}}};
constexpr Names<GilMode, 3> kGil{
    {{GilMode::On, "on"}, {GilMode::Off, "off"}, {GilMode::PerInterpreter, "per-interpreter"}}};
constexpr Names<CounterUpdate, 2> kUpdates{
    {{CounterUpdate::InPlace, "inplace"}, {CounterUpdate::Call, "call"}}};
constexpr Names<StartMethod, 3> kStartMethods{
    {{StartMethod::Fork, "fork"}, {StartMethod::Spawn, "spawn"}, {StartMethod::Forkserver, "forkserver"}}};
constexpr Names<Blocker, 2> kBlockers{{{Blocker::Cpu, "cpu"}, {Blocker::Sleep, "sleep"}}};
constexpr Names<Offload, 3> kOffloads{
    {{Offload::None, "none"}, {Offload::Thread, "thread"}, {Offload::Process, "process"}}};

template <typename E, size_t N> std::string_view name_of(const Names<E, N>& names, E value) {
    for (const auto& [v, name] : names)
        if (v == value) return name;
    return "?";
}

template <typename E, size_t N> std::optional<E> value_of(const Names<E, N>& names, std::string_view text) {
    for (const auto& [v, name] : names)
        if (name == text) return v;
    return std::nullopt;
}
} // namespace

std::string_view to_string(EngineKind v) {
    return name_of(kEngines, v);
}
std::string_view to_string(WorkloadKind v) {
    return name_of(kWorkloads, v);
}
std::string_view to_string(GilMode v) {
    return name_of(kGil, v);
}
std::string_view to_string(CounterUpdate v) {
    return name_of(kUpdates, v);
}
std::string_view to_string(StartMethod v) {
    return name_of(kStartMethods, v);
}
std::string_view to_string(Blocker v) {
    return name_of(kBlockers, v);
}
std::string_view to_string(Offload v) {
    return name_of(kOffloads, v);
}

std::optional<EngineKind> parse_engine(std::string_view s) {
    return value_of(kEngines, s);
}
std::optional<WorkloadKind> parse_workload(std::string_view s) {
    return value_of(kWorkloads, s);
}
std::optional<GilMode> parse_gil(std::string_view s) {
    return value_of(kGil, s);
}
std::optional<CounterUpdate> parse_update(std::string_view s) {
    return value_of(kUpdates, s);
}
std::optional<StartMethod> parse_start_method(std::string_view s) {
    return value_of(kStartMethods, s);
}
std::optional<Blocker> parse_blocker(std::string_view s) {
    return value_of(kBlockers, s);
}
std::optional<Offload> parse_offload(std::string_view s) {
    return value_of(kOffloads, s);
}

std::optional<std::string> validate(const ExperimentSpec& s) {
    if (s.tasks < 1 || s.tasks > 100'000) return "tasks must be between 1 and 100000";
    if (s.workers < 0 || s.workers > 1024) return "workers must be between 0 (default) and 1024";
    if (s.iterations < 0 || s.iterations > 10'000'000'000LL) return "iterations must be between 0 and 10^10";
    if (s.io_ms < 0 || s.io_ms > 60'000) return "io_ms must be between 0 and 60000";
    if (s.io_count < 0 || s.io_count > 1'000'000) return "io_count must be between 0 and 1000000";
    if (s.switch_interval_ms < 0.1 || s.switch_interval_ms > 100)
        return "switch_interval_ms must be between 0.1 and 100";
    if (s.chunksize < 1 || s.chunksize > 1'000'000) return "chunksize must be at least 1";
    if (s.payload_bytes < 0 || s.payload_bytes > 1'000'000'000LL)
        return "payload_bytes must be between 0 and 10^9";
    if (s.concurrency < 0) return "concurrency must be 0 (unlimited) or more";
    if (s.cpu_percent < 0 || s.cpu_percent > 100) return "cpu_percent must be between 0 and 100";
    if (s.cpus < 0) return "cpus must be 0 (all) or more";
    if (s.time_scale < 1 || s.time_scale > 100) return "time_scale must be between 1 and 100";
    if (s.timeout_s < 0) return "timeout_s must be 0 (none) or more";
    if (s.workload == WorkloadKind::Deadlock && s.tasks < 2) return "the deadlock workload needs 2 tasks";
    if (s.workload == WorkloadKind::BlockLoop && s.engine != EngineKind::Asyncio)
        return "the block-loop workload runs on the asyncio engine";
    if (s.engine == EngineKind::Python && s.script.empty() && s.source.empty())
        return "the python engine needs a program: --script FILE (or a lesson step with a python snippet)";
    if (s.max_processes < 1 || s.max_processes > 4096) return "max_processes must be between 1 and 4096";
    return std::nullopt;
}

ExperimentSpec sequential_baseline(const ExperimentSpec& spec) {
    ExperimentSpec base = spec;
    base.engine = EngineKind::Sequential;
    base.workers = 1;
    base.gil = GilMode::On;
    base.cpus = 0;
    return base;
}

double sequential_wait_s(const ExperimentSpec& spec) {
    const double each_s = spec.io_count * spec.io_ms / 1000.0 * std::max(1.0, spec.time_scale);
    switch (spec.workload) {
    case WorkloadKind::Sleep:
    case WorkloadKind::Net:
        return spec.tasks * each_s;
    case WorkloadKind::Mixed: // task 0 computes, the others wait
        return std::max(0, spec.tasks - 1) * each_s;
    case WorkloadKind::Blend:
        return spec.tasks * each_s * (100 - spec.cpu_percent) / 100.0;
    default:
        return 0;
    }
}

} // namespace clab
