// A finished run's timeline is built once and shared by every view that shows it: the lab's
// timeline, a replay window and the compare window over the same run read one TimelineModel (its
// segments are the bulk of what a view holds: 22 bytes a segment, as many segments as events).
// Views used to build a model each, and each rebuild of the compare window built them all again.
//
// Entries are weak: a model lives as long as a view shows it, and the table only finds it for the
// next view. GUI thread only.
#pragma once

#include "timeline_model.h"

#include <memory>

namespace clab::plots {

// The finished model of `trace`: the one a live view already shows, or a new one built now (and
// offered to the next view).
std::shared_ptr<TimelineModel> shared_timeline(const std::shared_ptr<const Trace>& trace);

// A view whose model has finished a run fed live from `model->source()` offers it: a replay of that
// run then shows it without building it again. Returns the model the view should show: `model`,
// or the one another view already built for that run (a Compare opened as the run ended). No-op
// unless the model is finished and reads its events from a non-empty trace.
std::shared_ptr<TimelineModel> offer_shared_timeline(const std::shared_ptr<TimelineModel>& model);

// The run a shared model shows, if it may still be shared: finished and still reading `trace`'s
// events (a model that was reset, or fed another run, is not that run's timeline any more).
bool shows_run(const TimelineModel& model, const Trace* trace);

} // namespace clab::plots
