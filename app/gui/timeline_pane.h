// What the lab needs from the timeline, behind a small interface: the plots (app/plots) provide
// the real view. The lab never reaches into the plots beyond this.
#pragma once

#include "core/experiment/summary.h"
#include "core/trace/trace.h"
#include "lessons/lesson.h"

#include <QWidget>
#include <memory>

namespace clab::gui {

class TimelinePane : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    // Forget the shown run (a new step).
    virtual void clear() = 0;
    // `trace` is the run's own record of its events, filled as the run goes (RunController::
    // sharedTrace()): the pane may keep it instead of a copy.
    virtual void beginRun(const ExperimentSpec& spec, std::shared_ptr<const Trace> trace) = 0;
    // A poll of the live run: `batch` is what arrived since the last one (already in `trace`).
    virtual void updateRun(const Trace& trace, const std::vector<Event>& batch) = 0;
    virtual void finishRun(const Trace& trace, const Summary& summary) = 0;
    // "What to notice": highlight a lane ("gil", "cores", "loop", "workers", a lane name) and/or a
    // time range (seconds from the run's start; -1 for none).
    virtual void highlight(const lessons::Notice& notice) = 0;
    virtual void setPresenterMode(bool) {}
    // What the empty pane says (empty: the default, "run the experiment").
    virtual void setEmptyText(const QString&) {}
    // Freeze the live picture while the run goes on (it is still recorded); resuming catches up.
    virtual void setLivePaused(bool) {}
    virtual bool livePaused() const { return false; }

signals:
    void livePausedChanged(bool paused);
};

// Builds the best timeline available in this build.
TimelinePane* make_timeline_pane(QWidget* parent);

} // namespace clab::gui
