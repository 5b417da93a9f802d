#include "register.h"

#include "asyncio_engine.h"
#include "core/experiment/engine.h"

namespace clab {

void register_asyncio_engine() {
    register_engine(EngineKind::Asyncio, [] { return std::make_unique<aio::AsyncioEngine>(); });
}

} // namespace clab
