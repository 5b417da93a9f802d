// The engines whose workers are Python-like threads:
//  - SequentialEngine: the baseline. MainThread runs every task in order.
//  - ThreadEngine (threading.Thread): a thread per task ("Thread-1 (worker)", ...), or with
//    `workers` N, N threads that deal the tasks out in order (task i -> thread i % N); the main
//    thread starts them and joins them (blocked, without the GIL).
//  - ThreadPoolEngine (ThreadPoolExecutor.map): the main thread submits every task, then waits for
//    the results in input order.
#pragma once

#include "core/workload/calibrated_engine.h"

namespace clab {

class SequentialEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

class ThreadEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

class ThreadPoolEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

} // namespace clab
