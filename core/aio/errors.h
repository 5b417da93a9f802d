// The exceptions coroutines see, named after asyncio's. Exceptions are how a coroutine learns
// that it was cancelled or timed out, exactly as in Python (CancelledError is thrown into the
// coroutine at its `await`), so they are part of the programming model here, not error reporting.
#pragma once

#include <stdexcept>

namespace clab::aio {

struct CancelledError : std::runtime_error {
    CancelledError()
        : std::runtime_error("CancelledError") {}
};
struct TimeoutError : std::runtime_error {
    TimeoutError()
        : std::runtime_error("TimeoutError") {}
};
struct InvalidStateError : std::logic_error {
    using std::logic_error::logic_error;
};
struct ConnectionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct IncompleteReadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace clab::aio
