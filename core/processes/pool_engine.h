// ProcessPoolEngine: `with ProcessPoolExecutor(max_workers=W) as ex: list(ex.map(f, range(tasks),
// chunksize=C))`. Results are consumed in input order; a dead worker breaks the pool and the run.
#pragma once

#include "core/workload/calibrated_engine.h"

namespace clab::proc {

class ProcessPoolEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

} // namespace clab::proc
