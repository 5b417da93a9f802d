// ProcessEngine: multiprocessing.Process. One process per task (or `workers` processes that share
// the tasks in order: process w runs tasks w, w+W, w+2W, ...), started with the spec's start
// method, each fed its tasks over its own pipe like `conn.send(task); conn.recv()`, then joined.
// Each process has its own interpreter and so its own GIL: its lane shows it running free.
#pragma once

#include "core/workload/calibrated_engine.h"

namespace clab::proc {

class ProcessEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

} // namespace clab::proc
