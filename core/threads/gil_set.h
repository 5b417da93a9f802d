// The GIL(s) of a run, by mode: one shared GIL (on), none (off: free-threaded, take/drop are
// no-ops), or one GIL per thread (per-interpreter: each thread runs in its own subinterpreter).
#pragma once

#include "core/experiment/spec.h"
#include "core/gil/gil.h"

#include <memory>
#include <mutex>
#include <vector>

namespace clab {

class GilSet {
public:
    GilSet(GilMode mode, Recorder& recorder, int64_t interval_ns, const StopSignal& stop)
        : mode_(mode)
        , recorder_(recorder)
        , interval_ns_(interval_ns)
        , stop_(stop) {}

    // The GIL a new thread runs under (nullptr: none).
    Gil* for_new_thread() {
        if (mode_ == GilMode::Off) return nullptr;
        std::lock_guard lock(mutex_);
        if (mode_ == GilMode::On && !gils_.empty()) return gils_.front().get();
        gils_.push_back(std::make_unique<Gil>(&recorder_, interval_ns_, &stop_));
        return gils_.back().get();
    }
    // Hand-offs between different threads (the first take of a GIL is not a switch).
    uint64_t switches() const {
        std::lock_guard lock(mutex_);
        uint64_t n = 0;
        for (const auto& gil : gils_)
            n += gil->switch_number() > 0 ? gil->switch_number() - 1 : 0;
        return n;
    }
    uint64_t forced_switches() const {
        std::lock_guard lock(mutex_);
        uint64_t n = 0;
        for (const auto& gil : gils_)
            n += gil->forced_switches();
        return n;
    }

private:
    GilMode mode_;
    Recorder& recorder_;
    int64_t interval_ns_;
    const StopSignal& stop_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Gil>> gils_;
};

} // namespace clab
