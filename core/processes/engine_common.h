// What both process engines derive from an ExperimentSpec.
#pragma once

#include "core/experiment/spec.h"
#include "wire.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clab::proc {

// nullopt if the processes engines can run this workload, else a sentence saying why not.
std::optional<std::string> unsupported_workload(const ExperimentSpec& spec);
// The task parameters workers need; calibrates Python speed here, in the parent, so no child ever
// measures it again (and a fork child does not run python3).
TaskParams task_params(const ExperimentSpec& spec);
// A worker's Preparation for `method`, with CPython's start-up and exit CPU (calibration.h).
Preparation preparation(uint32_t worker_index, StartMethod method, int cpus, bool pool);
// The Payload workload's bytes, as the lessons make them: `bytes(payload_bytes)`, zeros that
// take no memory until they are first read (bytes.h). Null for other workloads.
SharedBytes make_payload(const ExperimentSpec& spec);
// os.cpu_count(): the pool's default size.
int cpu_count();
// A run with the forkserver start method that failed because the forkserver died (its workers
// die with it, PR_SET_PDEATHSIG) would blame a worker; this puts the forkserver first in `error`.
void blame_dead_forkserver(const ExperimentSpec& spec, std::string& error);

} // namespace clab::proc
