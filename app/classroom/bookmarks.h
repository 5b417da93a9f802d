// Bookmarks: the instructor's labelled markers, and the ones a lesson ships. A lesson step's
// `notice` blocks (lessons/README.md) carry text, a lane and a from/to range in seconds: exactly
// a bookmark, so lessons need no new syntax to place markers on the timeline.
#pragma once

#include "lessons/lesson.h"
#include "run_record.h"

namespace clab::classroom {

// The step's notices that name a time (from_s >= 0) as bookmarks, marked from_lesson.
QList<Bookmark> bookmarks_from_notices(const QList<lessons::Notice>& notices);

// Adds the lesson's bookmarks to a run unless an equal one is there already (a reopened run keeps
// them in its file). Returns how many were added.
int merge_lesson_bookmarks(RunRecord& run, const QList<Bookmark>& lesson_bookmarks);

// Adds a bookmark keeping the list in time order; returns its index.
int add_bookmark(RunRecord& run, const Bookmark& bookmark);

// The bookmark nearest to t_s within tolerance_s, or -1.
int bookmark_near(const RunRecord& run, double t_s, double tolerance_s);

} // namespace clab::classroom
