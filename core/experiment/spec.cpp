#include "spec.h"

#include <algorithm>
#include <array>
#include <cstdio>
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

namespace {
// One numeric field: its range and how to read it as a double (exact for every value in range).
struct NumericField {
    FieldRange range;
    double (*get)(const ExperimentSpec&);
};

template <auto Member> double read(const ExperimentSpec& s) {
    return double(s.*Member);
}

// A run longer than a day is a typo, and a bigger figure only risks overflowing a deadline.
constexpr double kLongestTimeoutS = 86'400;
const NumericField kNumericFields[] = {
    {{"tasks", 1, 100'000, true, ""}, read<&ExperimentSpec::tasks>},
    {{"workers", 0, 1024, true, "default"}, read<&ExperimentSpec::workers>},
    {{"iterations", 0, 10'000'000'000.0, true, ""}, read<&ExperimentSpec::iterations>},
    {{"io_ms", 0, 60'000, false, ""}, read<&ExperimentSpec::io_ms>},
    {{"io_count", 0, 1'000'000, true, ""}, read<&ExperimentSpec::io_count>},
    {{"switch_interval_ms", 0.1, 100, false, ""}, read<&ExperimentSpec::switch_interval_ms>},
    {{"chunksize", 1, 1'000'000, true, ""}, read<&ExperimentSpec::chunksize>},
    {{"payload_bytes", 0, 1'000'000'000, true, ""}, read<&ExperimentSpec::payload_bytes>},
    {{"concurrency", 0, 100'000, true, "unlimited"}, read<&ExperimentSpec::concurrency>},
    {{"cpu_percent", 0, 100, true, ""}, read<&ExperimentSpec::cpu_percent>},
    {{"cpus", 0, 1024, true, "all"}, read<&ExperimentSpec::cpus>},
    {{"time_scale", 1, 100, false, ""}, read<&ExperimentSpec::time_scale>},
    {{"timeout_s", 0, kLongestTimeoutS, false, "none"}, read<&ExperimentSpec::timeout_s>},
    {{"crash_task", -1, 100'000, true, ""}, read<&ExperimentSpec::crash_task>},
};

std::string format_bound(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}
} // namespace

std::optional<FieldRange> field_range(std::string_view name) {
    for (const NumericField& f : kNumericFields)
        if (f.range.name == name) return f.range;
    return std::nullopt;
}

std::string describe_range(const FieldRange& r) {
    std::string low = format_bound(r.min);
    if (r.min == 0 && !r.zero.empty()) low += " (" + std::string(r.zero) + ")";
    return "between " + low + " and " + format_bound(r.max);
}

std::optional<std::string> validate(const ExperimentSpec& s) {
    for (const NumericField& f : kNumericFields) {
        const double v = f.get(s);
        if (!(v >= f.range.min && v <= f.range.max)) // also refuses NaN
            return std::string(f.range.name) + " must be " + describe_range(f.range);
    }
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
