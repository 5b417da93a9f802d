#include "shared_timelines.h"

#include <unordered_map>

namespace clab::plots {

namespace {

// Keyed by the trace's address: an entry's model holds that trace (its source), so the address
// cannot be reused by another trace while the model lives; expired entries are swept on each use.
std::unordered_map<const Trace*, std::weak_ptr<TimelineModel>>& table() {
    static auto* t = new std::unordered_map<const Trace*, std::weak_ptr<TimelineModel>>;
    return *t;
}

void sweep() {
    auto& t = table();
    for (auto it = t.begin(); it != t.end();)
        it = it->second.expired() ? t.erase(it) : std::next(it);
}

} // namespace

bool shows_run(const TimelineModel& model, const Trace* trace) {
    return model.finished() && model.source().get() == trace;
}

std::shared_ptr<TimelineModel> shared_timeline(const std::shared_ptr<const Trace>& trace) {
    sweep();
    if (trace) {
        const auto it = table().find(trace.get());
        if (it != table().end())
            if (std::shared_ptr<TimelineModel> model = it->second.lock();
                model && shows_run(*model, trace.get()))
                return model;
    }
    auto model = std::make_shared<TimelineModel>();
    model->load_trace(trace);
    // A hand-made trace out of time order is read from a sorted copy (load_trace): not shared.
    if (trace && shows_run(*model, trace.get())) table()[trace.get()] = model;
    return model;
}

std::shared_ptr<TimelineModel> offer_shared_timeline(const std::shared_ptr<TimelineModel>& model) {
    sweep();
    if (!model || !model->finished() || !model->source() || model->source()->events.empty()) return model;
    const Trace* trace = model->source().get();
    std::weak_ptr<TimelineModel>& entry = table()[trace];
    if (std::shared_ptr<TimelineModel> other = entry.lock();
        other && other != model && shows_run(*other, trace))
        return other;
    entry = model;
    return model;
}

} // namespace clab::plots
