#include "register.h"

namespace clab {
// Placeholder until the aio engine lands: registers nothing.
void register_asyncio_engine() {}
} // namespace clab
