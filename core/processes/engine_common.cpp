#include "engine_common.h"

#include "core/workload/calibration.h"
#include "forkserver.h"

#include <algorithm>
#include <cstring>
#include <sys/wait.h>
#include <thread>

namespace clab::proc {

std::optional<std::string> unsupported_workload(const ExperimentSpec& spec) {
    switch (spec.workload) {
    case WorkloadKind::Cpu:
    case WorkloadKind::Sleep:
    case WorkloadKind::Blend:
    case WorkloadKind::Payload:
        return std::nullopt;
    default:
        return "the " + std::string(to_string(spec.workload)) +
               " workload does not run on the processes engines (use cpu, sleep, blend or payload)";
    }
}

TaskParams task_params(const ExperimentSpec& spec) {
    TaskParams p;
    p.workload = spec.workload;
    p.iterations = spec.iterations;
    p.steps_per_iteration = calibration().steps_per_iteration;
    p.io_ms = spec.io_ms;
    p.io_count = spec.io_count;
    p.cpu_percent = spec.cpu_percent;
    p.time_scale = spec.time_scale;
    p.crash_task = spec.crash_task;
    return p;
}

Preparation preparation(uint32_t worker_index, StartMethod method, int cpus, bool pool) {
    Preparation prep;
    prep.worker_index = worker_index;
    prep.method = method;
    prep.cpus = cpus;
    prep.pool = pool ? 1 : 0;
    const Calibration& c = calibration();
    const auto m = size_t(method);
    prep.startup_cpu_ns = int64_t(c.process_start_ns[m]);
    prep.shutdown_cpu_ns = int64_t(c.process_exit_extra_ns[m]);
    return prep;
}

SharedBytes make_payload(const ExperimentSpec& spec) {
    if (spec.workload != WorkloadKind::Payload) return nullptr;
    return std::make_shared<const Bytes>(size_t(spec.payload_bytes)); // bytes(payload_bytes)
}

int cpu_count() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : int(n);
}

void blame_dead_forkserver(const ExperimentSpec& spec, std::string& error) {
    if (spec.start_method != StartMethod::Forkserver || error.empty()) return;
    const pid_t pid = Forkserver::instance().server_pid();
    if (pid <= 0) return;
    siginfo_t info{};
    // WNOWAIT: only look; the Forkserver reaps it when it next starts a fresh one.
    if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != pid) return;
    std::string how = "exited with code " + std::to_string(info.si_status);
    if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) {
        const char* name = strsignal(info.si_status);
        how = "was killed by signal " + std::to_string(info.si_status) + " (" + (name ? name : "?") + ")";
    }
    error = "The forkserver process (pid " + std::to_string(pid) + ") " + how +
            ", and the workers it had started died with it. " + error;
}

} // namespace clab::proc
