#include "run_in_executor.h"

namespace clab::aio::detail {

uint64_t next_executor_job_id() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
}

} // namespace clab::aio::detail
