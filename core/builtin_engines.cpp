#include "builtin_engines.h"

#include "core/aio/register.h"
#include "core/processes/register.h"
#include "core/python/register.h"
#include "core/threads/register.h"

namespace clab {

void register_builtin_engines() {
    static const bool once = [] {
        register_thread_engines();  // sequential, threads, thread-pool
        register_process_engines(); // processes, process-pool
        register_asyncio_engine();  // asyncio
        register_python_engine();   // python (a real interpreter)
        return true;
    }();
    (void)once;
}

} // namespace clab
