// Cursor, bookmarks and a shared time axis on whatever timeline widget the build has.
//
// With the real timeline (plots::TimelineView, the widget itself or a child of it) these call its
// cursor / bookmark / time-range API; on any other widget holding QCustomPlots they draw the same
// things as QCustomPlot items, so replay and bookmarks work on whatever the factory built.
#pragma once

#include "run_record.h"

#include <QList>

class QWidget;

namespace clab::classroom {

// The replay cursor at t_s seconds from the run's start; negative hides it.
void show_cursor(QWidget* timeline, double t_s);
// Replaces the bookmarks drawn on `timeline`.
void show_bookmarks(QWidget* timeline, const QList<Bookmark>& bookmarks);
// Ties the time (x) axes of every plot in `timelines` together: zoom or pan one, all follow.
void link_time_axes(const QList<QWidget*>& timelines);
// Sets the visible time range of every plot in `timeline`.
void set_time_range(QWidget* timeline, double t0_s, double t1_s);
// Stacked timelines (Compare): each keeps every lane readable (its minimum height is the real
// timeline's preferred_height; the window scrolls), and they share one legend. Returns the legend's
// rich text (every lane state drawn in any of them), empty when the timelines are not real ones.
QString share_one_legend(const QList<QWidget*>& timelines);
// Gives every timeline the widest lane-label margin among them, so t = 0 (and every second after
// it) is at the same x in each: runs stacked for comparison line up. Call once they are laid out.
void align_time_axes(const QList<QWidget*>& timelines);
// The time (seconds) under a widget-relative x position in `timeline`'s first plot, or -1.
double time_at(QWidget* timeline, const QPoint& pos_in_timeline);

} // namespace clab::classroom
