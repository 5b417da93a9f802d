// ClassroomController: the classroom features (run history, save/open, exports, compare, replay,
// bookmarks, slow motion, presenter theme) attached to the main window through one narrow
// interface, ClassroomHost. The window only hands over a few pointers and callbacks and reports
// finished runs; everything else lives here (see attach.cpp for the real hookup).
#pragma once

#include "compare_model.h"
#include "core/experiment/summary.h"
#include "core/trace/trace.h"
#include "run_history.h"
#include "timeline_factory.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QListView;
class QMainWindow;
class QMenu;
class QToolBar;

namespace clab::classroom {

class CompareWindow;
class PresenterMode;
class RunLoader;
class ReplayWindow;
class SlowMotionControl;

struct ClassroomHost {
    QMainWindow* window = nullptr;
    TimelineFactory timeline_factory;                // a finished run's timeline (replay, compare)
    std::function<QWidget*()> lab_timeline;          // the lab's timeline: exports and bookmarks
    std::function<void(double)> set_time_scale;      // slow motion for the next runs; empty: none
    std::function<QList<Bookmark>()> step_bookmarks; // the open step's notices that carry a time
    std::function<QString()> step_label;             // "gil · step 2", stored with each run
    // Problems (a file that cannot be read, nothing to replay yet) go to the window's info bar:
    // never a modal box that would stop the window while a run streams. Empty: the status bar.
    std::function<void(const QString&)> show_error;
    QList<QWidget*> lesson_widgets; // hidden in the lab-only layout
};

class ClassroomController : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxReplayWindows = 4; // opening a fifth closes the oldest
    // Answers a file question without a dialog (tests, scripts): the chosen path, or empty to
    // cancel. `save` tells a save question from an open one.
    using PathChooser = std::function<QString(const QString& title, const QString& suggested, bool save)>;

    explicit ClassroomController(ClassroomHost host, QObject* parent = nullptr);
    ~ClassroomController() override;

    RunHistory* history() const { return history_; }
    CompareModel* pinned() const { return pinned_; }
    PresenterMode* presenter() const { return presenter_.get(); }
    SlowMotionControl* slowMotion() const { return slow_; }
    QDockWidget* historyDock() const { return dock_; }
    // "saveRun", "openRun", "exportPlots", "exportTrace", "exportCsv", "compare", "replay",
    // "history", "pin", "bookmark", "labOnly".
    QAction* action(const QString& name) const { return actions_.value(name); }
    QMenu* exportMenu() const { return export_menu_; }

    // Puts the actions into the window's File / View / Run menus (found by title; a "Classroom"
    // menu otherwise), a toolbar section and the history dock.
    void install();

    // The run the menu commands act on: the one selected in the history, else the newest.
    RunPtr selectedRun() const;

    // --- without dialogs (tests, scripts) ---------------------------------------------------
    // The history shares `trace` (the run controller's own events), it does not copy them.
    RunPtr addRun(const Summary& summary, std::shared_ptr<const Trace> trace);
    RunPtr addRun(const Summary& summary, const Trace& trace); // keeps a copy
    bool saveRun(const RunPtr& run, const QString& path, QString& error);
    RunPtr openRun(const QString& path, QString& error); // added to the history
    // Opens a run file off the GUI thread, with progress and Cancel once it takes a moment; the run
    // joins the history and opens in a replay window, a problem goes to the info bar. False if
    // another file is still loading.
    bool openRunInBackground(const QString& path);
    RunLoader* loader() const { return loader_; }
    bool exportPlots(const QString& path, QString& error);
    bool exportTrace(const RunPtr& run, const QString& path, QString& error);
    bool exportSummaries(const QString& path, QString& error); // pinned runs, else the selected one
    // Pins a run for comparison and says so; says why not if the table is full. Returns its row in
    // the compare table, -1 if not pinned.
    int pinRun(const RunPtr& run);
    int pinSelected() { return pinRun(selectedRun()); }
    CompareWindow* openCompare();
    // The lab's "Run all" finished: pins exactly the newest `runs` runs (in the order they ran) and
    // opens the comparison.
    CompareWindow* compareLatest(int runs);
    ReplayWindow* openReplay(const RunPtr& run);
    // Drops a bookmark on the selected run at t_s and shows it on the lab's timeline.
    bool addBookmark(double t_s, const QString& label);
    // Replaces the file dialogs (nullptr: the dialogs again).
    void setPathChooser(PathChooser chooser) { path_chooser_ = std::move(chooser); }

public slots:
    // The host reports runs: first result (the trace is complete), then the summary again once
    // the baseline's speedup is known.
    void onRunFinished(const clab::Summary& summary, std::shared_ptr<const clab::Trace> trace);
    void onRunFinished(const clab::Summary& summary, const clab::Trace& trace); // keeps a copy
    void onSummaryUpdated(const clab::Summary& summary);
    void setPresenterMode(bool on);
    void setLabOnly(bool on);

signals:
    void message(const QString& text); // for the status bar
    void runAdded(const clab::classroom::RunPtr& run);

protected:
    // The window's font changed (View → Zoom, presenter mode): Compare and Replay follow it.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildActions();
    void buildDock();
    void showError(const QString& text);
    void showOnLab(const RunPtr& run);
    void onRunLoaded();
    bool addBookmarkTo(const RunPtr& run, double t_s, const QString& label);
    // Dialogs. None of them blocks: each opens window-modal (QDialog::open, no nested event loop,
    // runs keep streaming) and does its work when answered, on the run chosen when it opened.
    void saveRunDialog(RunPtr run = nullptr);
    void openRunDialog();
    void exportPlotsDialog();
    void exportTraceDialog();
    void exportCsvDialog();
    void bookmarkDialog();
    // A save over an existing file: asks first, without a nested event loop; `then` on Yes.
    void confirmReplace(const QString& title, const QString& path, std::function<void(const QString&)> then);
    void askPath(const QString& title, const QString& name, const QString& filter, bool save,
                 std::function<void(const QString&)> then);

    ClassroomHost host_;
    RunHistory* history_ = nullptr;
    CompareModel* pinned_ = nullptr;
    std::unique_ptr<PresenterMode> presenter_;
    SlowMotionControl* slow_ = nullptr;
    QDockWidget* dock_ = nullptr;
    QListView* list_ = nullptr;
    QMenu* export_menu_ = nullptr;
    QHash<QString, QAction*> actions_;
    QPointer<CompareWindow> compare_;
    QList<QPointer<ReplayWindow>> replays_;
    QString last_dir_;
    PathChooser path_chooser_;
    QPointer<QWidget> dialog_; // the one open file or bookmark dialog
    RunLoader* loader_ = nullptr;
    QPointer<QWidget> load_progress_;
    bool load_cancelled_ = false;
    double last_hover_s_ = 0;
};

} // namespace clab::classroom
