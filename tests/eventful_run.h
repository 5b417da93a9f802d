// A run that records millions of events a second, for the tests of what the window and the Runner
// do while such a run goes, is stopped or fills its event budget (issue 19).
#pragma once

#include "core/experiment/spec.h"

namespace clab::testing {

// A lock taken for every update of a shared counter (lesson 8's Lock step), and minutes of work,
// so only a stop ends it (or, after seconds, the Runner's event budget).
inline ExperimentSpec eventful_run() {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Counter;
    s.lock = true;
    s.update = CounterUpdate::Call;
    s.tasks = 3;
    s.iterations = 10'000'000'000LL;
    s.timeout_s = 120;
    return s;
}

} // namespace clab::testing
