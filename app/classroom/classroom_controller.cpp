// ClassroomController: run bookkeeping and the commands themselves. Actions, menus, the history
// dock and the file dialogs are in classroom_actions.cpp.
#include "classroom_controller.h"

#include "bookmarks.h"
#include "compare_window.h"
#include "plot_export.h"
#include "presenter_mode.h"
#include "replay_window.h"
#include "run_file.h"
#include "run_loader.h"
#include "slow_motion.h"
#include "summary_csv.h"
#include "timeline_markers.h"
#include "trace_export.h"

#include <QEvent>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QListView>
#include <QMainWindow>
#include <QProgressDialog>
#include <algorithm>

namespace clab::classroom {

ClassroomController::ClassroomController(ClassroomHost host, QObject* parent)
    : QObject(parent)
    , host_(std::move(host))
    , history_(new RunHistory(this))
    , pinned_(new CompareModel(this))
    , presenter_(std::make_unique<PresenterMode>(host_.window, host_.lesson_widgets)) {
    slow_ = new SlowMotionControl(host_.window);
    slow_->setObjectName(QStringLiteral("slowMotion"));
    slow_->setEnabled(bool(host_.set_time_scale));
    if (!host_.set_time_scale) slow_->setToolTip(tr("Slow motion is not available in this build"));
    connect(slow_, &SlowMotionControl::scaleChanged, this, [this](double scale) {
        if (host_.set_time_scale) host_.set_time_scale(scale);
        emit message(scale > 1 ? tr("Slow motion %1: the next run takes about %1 longer; times are shown at "
                                    "normal speed.")
                                     .arg(slow_motion_text(scale))
                               : tr("Slow motion off"));
    });
    // A run that leaves the history leaves nothing behind (its trace can be large).
    connect(history_, &RunHistory::runRemoved, this, [this](const RunPtr& run) {
        const int row = int(pinned_->runs().indexOf(run));
        if (row >= 0) pinned_->unpin(row);
    });
    loader_ = new RunLoader(this);
    connect(loader_, &RunLoader::finished, this, &ClassroomController::onRunLoaded);
    connect(loader_, &RunLoader::progressed, this, [this](double done) {
        if (auto* dialog = qobject_cast<QProgressDialog*>(load_progress_.data()))
            dialog->setValue(int(done * 1000));
    });
    buildActions();
    buildDock();
    if (host_.window) host_.window->installEventFilter(this);
}

ClassroomController::~ClassroomController() = default;

bool ClassroomController::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::FontChange && watched == host_.window) {
        presenter_->followFont(compare_);
        for (const QPointer<ReplayWindow>& w : std::as_const(replays_))
            presenter_->followFont(w);
    }
    return QObject::eventFilter(watched, event);
}

RunPtr ClassroomController::selectedRun() const {
    if (list_ && list_->selectionModel()) {
        const QModelIndexList rows = list_->selectionModel()->selectedRows();
        if (!rows.isEmpty()) return history_->run(rows.front().row());
    }
    return history_->latest();
}

RunPtr ClassroomController::addRun(const Summary& summary, const Trace& trace) {
    return addRun(summary, std::make_shared<const Trace>(trace));
}

RunPtr ClassroomController::addRun(const Summary& summary, std::shared_ptr<const Trace> trace) {
    auto run = std::make_shared<RunRecord>();
    run->spec = summary.spec;
    run->summary = summary;
    run->trace = trace ? std::move(trace) : empty_trace();
    run->created = QDateTime::currentDateTime();
    if (host_.step_label) run->lesson = host_.step_label();
    if (host_.step_bookmarks) merge_lesson_bookmarks(*run, host_.step_bookmarks());
    history_->add(run);
    emit runAdded(run);
    return run;
}

void ClassroomController::onRunFinished(const Summary& summary, const Trace& trace) {
    if (trace.events.empty()) return; // nothing ran (a spec error): nothing to replay or save
    onRunFinished(summary, std::make_shared<const Trace>(trace));
}

void ClassroomController::onRunFinished(const Summary& summary, std::shared_ptr<const Trace> trace) {
    if (!trace || trace->events.empty()) return; // nothing ran (a spec error): nothing to replay or save
    const RunPtr run = addRun(summary, std::move(trace));
    showOnLab(run);
}

void ClassroomController::onSummaryUpdated(const Summary& summary) {
    // The same run with its baseline's speedup: keep the newer figures.
    const RunPtr run = history_->latest();
    if (!run || run->summary.wall_s != summary.wall_s || run->summary.events != summary.events) return;
    run->summary = summary;
    history_->touch(run);
    pinned_->refresh(run);
}

void ClassroomController::showOnLab(const RunPtr& run) {
    if (!host_.lab_timeline || !run) return;
    show_bookmarks(host_.lab_timeline(), run->bookmarks);
}

bool ClassroomController::saveRun(const RunPtr& run, const QString& path, QString& error) {
    if (!run) {
        error = tr("there is no run to save yet: run the experiment first");
        return false;
    }
    return save_run_file(*run, path, error);
}

RunPtr ClassroomController::openRun(const QString& path, QString& error) {
    DecodeResult result = load_run_file(path);
    if (!result.run) {
        error = result.error;
        return nullptr;
    }
    auto run = std::make_shared<RunRecord>(std::move(*result.run));
    history_->add(run);
    emit runAdded(run);
    return run;
}

bool ClassroomController::openRunInBackground(const QString& path) {
    if (loader_->busy()) {
        showError(tr("Still opening %1: wait for it or cancel it first.").arg(loader_->path()));
        return false;
    }
    load_cancelled_ = false;
    loader_->start(path);
    // Appears only if the load takes a moment; not modal: the lab goes on meanwhile.
    auto* progress = new QProgressDialog(tr("Opening %1…").arg(QFileInfo(path).fileName()), tr("Cancel"), 0,
                                         1000, host_.window);
    progress->setObjectName(QStringLiteral("runLoadProgress"));
    progress->setWindowTitle(tr("Open run"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setWindowModality(Qt::NonModal);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setMinimumDuration(400);
    progress->setValue(0);
    connect(progress, &QProgressDialog::canceled, this, [this] {
        load_cancelled_ = true;
        loader_->cancel();
    });
    load_progress_ = progress;
    return true;
}

void ClassroomController::onRunLoaded() {
    if (load_progress_) {
        const QSignalBlocker quiet(load_progress_.data()); // closing is not cancelling
        load_progress_->close();
    }
    DecodeResult result = loader_->take();
    if (load_cancelled_ || result.cancelled) {
        emit message(tr("Opening %1 cancelled").arg(loader_->path()));
        return;
    }
    if (!result.run) {
        showError(tr("Could not open the run: %1").arg(result.error));
        return;
    }
    auto run = std::make_shared<RunRecord>(std::move(*result.run));
    history_->add(run);
    emit runAdded(run);
    emit message(tr("Opened “%1” (%2 events)").arg(run->name).arg(run->trace->events.size()));
    openReplay(run);
}

bool ClassroomController::exportPlots(const QString& path, QString& error) {
    QWidget* plots = host_.lab_timeline ? host_.lab_timeline() : nullptr;
    PlotExportOptions options;
    if (const RunPtr run = selectedRun()) options.title = run->name;
    return export_plots(plots, path, error, options);
}

bool ClassroomController::exportTrace(const RunPtr& run, const QString& path, QString& error) {
    if (!run) {
        error = tr("there is no run to export yet: run the experiment first");
        return false;
    }
    return export_chrome_trace(*run, path, error);
}

bool ClassroomController::exportSummaries(const QString& path, QString& error) {
    QList<const RunRecord*> runs;
    for (const RunPtr& r : pinned_->runs())
        runs.append(r.get());
    if (runs.isEmpty())
        if (const RunPtr r = selectedRun()) runs.append(r.get());
    if (runs.isEmpty()) {
        error = tr("there is no run to export yet: run the experiment first");
        return false;
    }
    return save_summary_csv(runs, path, error);
}

int ClassroomController::pinRun(const RunPtr& run) {
    if (!run) return -1;
    const int row = pinned_->pin(run);
    if (row < 0) {
        showError(tr("Compare shows %1 runs at most: unpin one first (right-click it in the Compare "
                     "window's table).")
                      .arg(CompareModel::kMaxPinned));
        return -1;
    }
    emit message(tr("Pinned “%1” for comparison (%2 pinned)").arg(run->name).arg(pinned_->rowCount()));
    return row;
}

CompareWindow* ClassroomController::compareLatest(int runs) {
    const QList<RunPtr>& all = history_->runs();
    pinned_->clear();
    for (qsizetype i = std::max<qsizetype>(0, all.size() - runs); i < all.size(); ++i)
        pinned_->pin(all[i]);
    emit message(tr("%1 runs side by side: the same work on each engine").arg(pinned_->rowCount()));
    return openCompare();
}

CompareWindow* ClassroomController::openCompare() {
    if (!compare_) {
        compare_ = new CompareWindow(pinned_, host_.timeline_factory, host_.window);
        compare_->setAttribute(Qt::WA_DeleteOnClose);
    }
    presenter_->style(compare_);
    compare_->show();
    compare_->raise();
    compare_->activateWindow();
    return compare_;
}

ReplayWindow* ClassroomController::openReplay(const RunPtr& run) {
    if (!run) {
        showError(tr("There is no run to replay yet: run the experiment first."));
        return nullptr;
    }
    // One window per run, and only the last few: a class pressing F6 again and again must not pile
    // up windows (each holds a timeline and keeps its run's trace alive).
    replays_.removeAll(nullptr);
    for (const QPointer<ReplayWindow>& open : std::as_const(replays_))
        if (open->run() == run) {
            open->show();
            open->raise();
            open->activateWindow();
            return open;
        }
    while (replays_.size() >= kMaxReplayWindows)
        if (QPointer<ReplayWindow> oldest = replays_.takeFirst()) oldest->close();
    auto* window = new ReplayWindow(run, host_.timeline_factory, host_.window);
    connect(window, &ReplayWindow::bookmarksChanged, this, [this](const RunPtr& r) {
        history_->touch(r);
        if (r == history_->latest()) showOnLab(r);
    });
    replays_.append(window);
    presenter_->style(window);
    window->show();
    return window;
}

bool ClassroomController::addBookmark(double t_s, const QString& label) {
    return addBookmarkTo(selectedRun(), t_s, label);
}

bool ClassroomController::addBookmarkTo(const RunPtr& run, double t_s, const QString& label) {
    if (!run || label.trimmed().isEmpty() || t_s < 0) return false;
    add_bookmark(*run, Bookmark{t_s, -1, label.trimmed(), QString(), false});
    history_->touch(run);
    if (run == history_->latest()) showOnLab(run);
    for (const QPointer<ReplayWindow>& w : replays_)
        if (w && w->run() == run) show_bookmarks(w->timeline(), run->bookmarks);
    return true;
}

void ClassroomController::setPresenterMode(bool on) {
    presenter_->setActive(on);
    presenter_->style(compare_);
    for (const QPointer<ReplayWindow>& w : replays_)
        presenter_->style(w);
}

void ClassroomController::setLabOnly(bool on) {
    presenter_->setLabOnly(on);
    if (QAction* a = action(QStringLiteral("labOnly")); a && a->isChecked() != on) {
        const QSignalBlocker block(a);
        a->setChecked(on);
    }
}

} // namespace clab::classroom
