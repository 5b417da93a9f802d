// The base of every engine whose workers do Python-speed work (threads, processes, asyncio): its
// prepare() computes the calibration (core/workload/calibration.h), so the first run after a cold
// cache does not count python3's timing runs in its wall time.
#pragma once

#include "calibration.h"
#include "core/experiment/engine.h"

namespace clab {

class CalibratedEngine : public Engine {
public:
    void prepare(const ExperimentSpec&, const StopSignal&) override { (void)calibration(); }
};

} // namespace clab
