#include "register.h"

#include "core/experiment/engine.h"
#include "thread_engines.h"

namespace clab {

void register_thread_engines() {
    register_engine(EngineKind::Sequential, [] { return std::make_unique<SequentialEngine>(); });
    register_engine(EngineKind::Threads, [] { return std::make_unique<ThreadEngine>(); });
    register_engine(EngineKind::ThreadPool, [] { return std::make_unique<ThreadPoolEngine>(); });
}

} // namespace clab
