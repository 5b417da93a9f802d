#include "register.h"

#include "core/experiment/engine.h"
#include "pool_engine.h"
#include "process_engine.h"

namespace clab {

void register_process_engines() {
    register_engine(EngineKind::Processes, [] { return std::make_unique<proc::ProcessEngine>(); });
    register_engine(EngineKind::ProcessPool, [] { return std::make_unique<proc::ProcessPoolEngine>(); });
}

} // namespace clab
