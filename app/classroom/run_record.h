// One finished run as the classroom features keep it: what was asked (spec), what was measured
// (summary), everything that happened (trace) and the instructor's bookmarks. Plain data, shared
// between the history list, the compare table, replay and the run file.
//
// The trace is immutable and shared: the RunController that recorded it, the lab's timeline that
// shows it and the history hold the same events once (issue 19: they used to be copied 2-3 times).
#pragma once

#include "core/experiment/spec.h"
#include "core/experiment/summary.h"
#include "core/trace/trace.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <memory>

namespace clab::classroom {

// A labelled marker on the timeline. Times are seconds from the run's start (the timeline's x
// axis), so bookmarks survive saving and reopening a run and can be written in lesson files.
struct Bookmark {
    double t_s = 0;   // where the marker sits
    double to_s = -1; // end of a highlighted range; -1: a single instant
    QString label;
    QString lane;             // "gil", "cores", "loop", "workers", a lane name, or empty (all views)
    bool from_lesson = false; // shipped by the lesson (a `notice` block), not dropped by the instructor

    bool operator==(const Bookmark&) const = default;
};

// One shared empty trace, what a record holds until it has events.
const std::shared_ptr<const Trace>& empty_trace();

struct RunRecord {
    QString name;      // "Run 3 · threads ×4" unless the instructor renamed it
    QDateTime created; // when the run finished (local time, shown in the history list)
    ExperimentSpec spec;
    Summary summary;
    std::shared_ptr<const Trace> trace = empty_trace(); // never null
    QList<Bookmark> bookmarks;
    QString lesson; // "gil · step 2" when the run came from a lesson step; informational
};

using RunPtr = std::shared_ptr<RunRecord>;

// A trace of the record's own to fill or edit (copy on write): whoever shares the old one keeps it
// unchanged. For code that builds a record (decoding, tests); a finished run's trace is never edited.
Trace& edit_trace(RunRecord& run);

// What a kept run holds, counted by its containers (capacity, not size): its events and lanes, its
// bookmarks. What the history's memory budget counts (its timeline is counted by the views).
size_t run_bytes(const RunRecord& run);

// "threads ×4, cpu, 4 tasks": the short description used for default names and table rows.
QString describe_spec(const ExperimentSpec& spec);

// The wall time a student should compare: slow motion stretches a run by spec.time_scale, so the
// displayed figure divides it back out (see README.md, "Slow motion").
double comparable_wall_s(const Summary& summary);

// A copy of `run` whose event times are divided by its time_scale (relative to the run's start),
// for views that put slow-motion and normal runs on one time axis. The recorded run is unchanged;
// only the axis unit differs, as with comparable_wall_s. The scaled events are shared by the views
// that show them (normal_speed_trace, slow_motion.h), not copied for each.
RunRecord at_normal_speed(const RunRecord& run);

} // namespace clab::classroom
