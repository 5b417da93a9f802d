// ClassroomController: actions, menus, toolbar section, the history dock and the file dialogs.
#include "classroom_controller.h"
#include "compare_window.h"
#include "gui/open_file_dialog.h"
#include "plot_export.h"
#include "presenter_mode.h"
#include "replay_window.h"
#include "run_file.h"
#include "slow_motion.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStandardPaths>
#include <QToolBar>
#include <QVBoxLayout>

namespace clab::classroom {

namespace {
// Safe in a file name: "Run 3 · threads ×4, cpu" -> "Run-3-threads-4-cpu".
QString file_stem(const QString& name) {
    QString stem;
    for (const QChar c : name)
        stem += c.isLetterOrNumber() ? c : QLatin1Char('-');
    while (stem.contains(QStringLiteral("--")))
        stem.replace(QStringLiteral("--"), QStringLiteral("-"));
    stem = stem.left(60);
    while (stem.endsWith(QLatin1Char('-')))
        stem.chop(1);
    return stem.isEmpty() ? QStringLiteral("run") : stem;
}

QMenu* find_menu(QMenuBar* bar, const QString& title) {
    for (QAction* a : bar->actions())
        if (a->menu() && a->text().remove(QLatin1Char('&')).compare(title, Qt::CaseInsensitive) == 0)
            return a->menu();
    return nullptr;
}
} // namespace

void ClassroomController::buildActions() {
    auto make = [this](const QString& name, const QString& text, const QKeySequence& key, auto slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(QStringLiteral("action_classroom_") + name);
        if (!key.isEmpty()) a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        actions_.insert(name, a);
        return a;
    };
    make(QStringLiteral("saveRun"), tr("&Save run…"), QKeySequence::Save, [this] { saveRunDialog(); });
    make(QStringLiteral("openRun"), tr("Open &run…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
         &ClassroomController::openRunDialog);
    make(QStringLiteral("exportPlots"), tr("&Plots as PNG, SVG or PDF…"), QKeySequence(Qt::CTRL | Qt::Key_E),
         &ClassroomController::exportPlotsDialog);
    make(QStringLiteral("exportTrace"), tr("&Trace as Chrome Trace JSON (Perfetto)…"), QKeySequence(),
         &ClassroomController::exportTraceDialog);
    make(QStringLiteral("exportCsv"), tr("&Summary as CSV…"), QKeySequence(),
         &ClassroomController::exportCsvDialog);
    make(QStringLiteral("compare"), tr("&Compare runs"), QKeySequence(Qt::Key_F7), [this] { openCompare(); });
    make(QStringLiteral("replay"), tr("&Replay run"), QKeySequence(Qt::Key_F6),
         [this] { openReplay(selectedRun()); });
    make(QStringLiteral("pin"), tr("&Pin run for comparison"), QKeySequence(Qt::Key_P), [this] {
        if (!selectedRun())
            showError(tr("There is no run to pin yet: run the experiment first."));
        else
            pinSelected();
    });
    make(QStringLiteral("bookmark"), tr("Add &bookmark…"), QKeySequence(Qt::Key_B),
         &ClassroomController::bookmarkDialog);
    QAction* lab_only = make(QStringLiteral("labOnly"), tr("&Lab only"), QKeySequence(Qt::Key_L),
                             [this](bool on) { setLabOnly(on); });
    lab_only->setCheckable(true);
    lab_only->setToolTip(tr("Hide the lesson text so the lab fills the window (L)"));
    // Short toolbar labels: the toolbar must fit beside the main one on a 1280-px projector.
    actions_.value(QStringLiteral("pin"))->setIconText(tr("Pin"));
    actions_.value(QStringLiteral("compare"))->setIconText(tr("Compare"));
    actions_.value(QStringLiteral("replay"))->setIconText(tr("Replay"));
    lab_only->setIconText(tr("Lab only (L)"));
    actions_.value(QStringLiteral("compare"))
        ->setToolTip(tr("Pinned runs side by side on one time axis (F7)"));
    actions_.value(QStringLiteral("replay"))->setToolTip(tr("Scrub and step through a finished run (F6)"));
    actions_.value(QStringLiteral("pin"))->setToolTip(tr("Pin the last run for comparison (P)"));

    export_menu_ = new QMenu(tr("&Export"));
    export_menu_->addAction(action(QStringLiteral("exportPlots")));
    export_menu_->addAction(action(QStringLiteral("exportTrace")));
    export_menu_->addAction(action(QStringLiteral("exportCsv")));
    connect(this, &QObject::destroyed, export_menu_, &QObject::deleteLater);
}

void ClassroomController::buildDock() {
    dock_ = new QDockWidget(tr("Run history"), host_.window);
    dock_->setObjectName(QStringLiteral("runHistoryDock"));
    list_ = new QListView;
    list_->setObjectName(QStringLiteral("runHistoryList"));
    list_->setAccessibleName(tr("Run history"));
    list_->setAccessibleDescription(tr("The runs of this session, newest last; Enter replays, F2 renames"));
    list_->setModel(history_);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    list_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(list_, &QListView::doubleClicked, this,
            [this](const QModelIndex& i) { openReplay(history_->run(i.row())); });
    connect(list_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const RunPtr run = history_->run(list_->indexAt(pos).row());
        if (!run) return;
        // popup(), not exec(): no nested event loop while a run streams. The entries act on the run
        // itself, which may have moved (or left the history) by the time one is chosen.
        auto* menu = new QMenu(list_);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(tr("Replay"), this, [this, run] { openReplay(run); });
        menu->addAction(tr("Pin for comparison"), this, [this, run] {
            if (history_->rowOf(run) >= 0) pinRun(run);
        });
        menu->addAction(tr("Save…"), this, [this, run] { saveRunDialog(run); });
        menu->addAction(tr("Rename"), this, [this, run] {
            if (const int row = history_->rowOf(run); row >= 0) list_->edit(history_->index(row));
        });
        menu->addAction(tr("Remove from history"), this,
                        [this, run] { history_->remove(history_->rowOf(run)); });
        menu->popup(list_->viewport()->mapToGlobal(pos));
    });
    // The newest run is the one the commands act on until someone picks another.
    connect(history_, &RunHistory::runAdded, this,
            [this](const RunPtr& run) { list_->setCurrentIndex(history_->index(history_->rowOf(run))); });
    // Say what is kept, so nobody wonders where Run 3 went after Run 23.
    auto* holder = new QWidget(dock_);
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* kept = new QLabel(holder);
    kept->setObjectName(QStringLiteral("runHistoryLimit"));
    kept->setWordWrap(true);
    kept->setContentsMargins(4, 2, 4, 2);
    auto say_kept = [this, kept] {
        kept->setText(tr("The last %1 runs are kept, within %2 MB of recorded events (older ones leave, "
                         "unless saved; the newest always stays). Held now: %3 MB.")
                          .arg(history_->maxRuns())
                          .arg(double(history_->budgetBytes()) / 1048576.0, 0, 'f', 0)
                          .arg(double(history_->bytesHeld()) / 1048576.0, 0, 'f', 1));
    };
    say_kept();
    connect(history_, &RunHistory::limitsChanged, kept, say_kept);
    connect(history_, &RunHistory::heldChanged, kept, say_kept);
    layout->addWidget(kept);
    layout->addWidget(list_, 1);
    dock_->setWidget(holder);
    dock_->hide();
    QAction* toggle = dock_->toggleViewAction();
    toggle->setText(tr("Run &history"));
    toggle->setShortcut(QKeySequence(Qt::Key_F9));
    actions_.insert(QStringLiteral("history"), toggle);
}

void ClassroomController::install() {
    QMainWindow* w = host_.window;
    if (w == nullptr) return;
    w->addDockWidget(Qt::RightDockWidgetArea, dock_);
    dock_->hide();
    for (QAction* a : std::as_const(actions_))
        w->addAction(a); // shortcuts keep working with the menu bar hidden (presenter mode)

    QMenuBar* bar = w->menuBar();
    QMenu* file = find_menu(bar, QStringLiteral("File"));
    QMenu* view = find_menu(bar, QStringLiteral("View"));
    QMenu* run = find_menu(bar, QStringLiteral("Run"));
    QMenu* own = (!file || !view || !run) ? bar->addMenu(tr("&Classroom")) : nullptr;
    if (!file) file = own;
    if (!view) view = own;
    if (!run) run = own;
    // File: before "Quit" (the last action) when there is one.
    QAction* before = file->actions().isEmpty() ? nullptr : file->actions().back();
    file->insertSeparator(before);
    file->insertAction(before, action(QStringLiteral("saveRun")));
    file->insertAction(before, action(QStringLiteral("openRun")));
    file->insertMenu(before, export_menu_);
    file->insertSeparator(before);
    view->addSeparator();
    view->addAction(action(QStringLiteral("labOnly")));
    view->addAction(action(QStringLiteral("compare")));
    view->addAction(action(QStringLiteral("replay")));
    view->addAction(action(QStringLiteral("history")));
    QMenu* slow = view->addMenu(tr("&Slow motion"));
    for (int k : {1, 2, 5, 10, 20}) {
        QAction* a = slow->addAction(slow_motion_text(k), this, [this, k] { slow_->setScale(k); });
        a->setEnabled(bool(host_.set_time_scale));
    }
    run->addSeparator();
    run->addAction(action(QStringLiteral("pin")));
    run->addAction(action(QStringLiteral("bookmark")));

    auto* tools = w->addToolBar(tr("Classroom"));
    tools->setObjectName(QStringLiteral("classroomToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(action(QStringLiteral("pin")));
    tools->addAction(action(QStringLiteral("compare")));
    tools->addAction(action(QStringLiteral("replay")));
    tools->addSeparator();
    // Discoverable where the teacher looks: greyed out at the desk, live in presenter mode.
    tools->addAction(action(QStringLiteral("labOnly")));
    tools->addSeparator();
    tools->addWidget(slow_);
}

void ClassroomController::showError(const QString& text) {
    emit message(text);
    if (host_.show_error) host_.show_error(text);
}

void ClassroomController::askPath(const QString& title, const QString& name, const QString& filter, bool save,
                                  std::function<void(const QString&)> then) {
    if (last_dir_.isEmpty()) last_dir_ = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString start = QDir(last_dir_).filePath(name);
    if (path_chooser_) {
        const QString path = path_chooser_(title, start, save);
        if (!path.isEmpty()) then(path);
        return;
    }
    if (dialog_ &&
        dialog_->isVisible()) { // one question at a time: a second Ctrl+S brings the open one to the front
        dialog_->raise();
        dialog_->activateWindow();
        return;
    }
    // A run file that is not there is said in the dialog, which stays open (never Qt's box).
    auto* dialog = new gui::OpenFileDialog(host_.window, title, save ? start : last_dir_, filter);
    dialog->setObjectName(QStringLiteral("classroomFileDialog"));
    dialog->setAcceptMode(save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog->setFileMode(save ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    // The dialog's own "replace it?" is a QMessageBox::exec() inside accept(): a nested event loop
    // while runs stream (a random session found it). Ask the same question without blocking.
    dialog->setOption(QFileDialog::DontConfirmOverwrite, true);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, save, title, then = std::move(then)](const QString& path) {
                if (path.isEmpty()) return;
                last_dir_ = QFileInfo(path).absolutePath();
                if (save && QFileInfo::exists(path))
                    confirmReplace(title, path, then);
                else
                    then(path);
            });
    dialog_ = dialog;
    dialog->open();
}

void ClassroomController::confirmReplace(const QString& title, const QString& path,
                                         std::function<void(const QString&)> then) {
    auto* box =
        new QMessageBox(QMessageBox::Warning, title,
                        tr("%1 already exists.\nDo you want to replace it?").arg(QFileInfo(path).fileName()),
                        QMessageBox::Yes | QMessageBox::No, host_.window);
    box->setObjectName(QStringLiteral("classroomReplaceQuestion"));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [path, then = std::move(then)](int answer) {
        if (answer == QMessageBox::Yes) then(path);
    });
    dialog_ = box;
    box->open();
}

void ClassroomController::saveRunDialog(RunPtr run) {
    if (!run) run = selectedRun();
    if (!run) return showError(tr("There is no run to save yet: run the experiment first."));
    askPath(tr("Save run"), file_stem(run->name) + QStringLiteral(".clabrun"),
            tr("Concurrency Lab run (*.clabrun)"), true, [this, run](const QString& path) {
                QString error;
                if (saveRun(run, path, error))
                    emit message(tr("Saved “%1” to %2").arg(run->name, path));
                else
                    showError(error);
            });
}

void ClassroomController::openRunDialog() {
    askPath(tr("Open run"), QString(), tr("Concurrency Lab run (*.clabrun);;All files (*)"), false,
            [this](const QString& path) { openRunInBackground(path); });
}

void ClassroomController::exportPlotsDialog() {
    const RunPtr run = selectedRun();
    askPath(tr("Export plots"), file_stem(run ? run->name : QStringLiteral("timeline")) + ".png",
            plot_file_filter(), true, [this](const QString& path) {
                QString error;
                if (exportPlots(path, error))
                    emit message(tr("Plots saved to %1").arg(path));
                else
                    showError(error);
            });
}

void ClassroomController::exportTraceDialog() {
    const RunPtr run = selectedRun();
    if (!run) return showError(tr("There is no run to export yet: run the experiment first."));
    askPath(tr("Export trace"), file_stem(run->name) + QStringLiteral(".json"),
            tr("Chrome Trace JSON (*.json)"), true, [this, run](const QString& path) {
                QString error;
                if (exportTrace(run, path, error))
                    emit message(tr("Trace saved to %1: open it at ui.perfetto.dev").arg(path));
                else
                    showError(error);
            });
}

void ClassroomController::exportCsvDialog() {
    askPath(tr("Export summary"), QStringLiteral("summary.csv"), tr("CSV (*.csv)"), true,
            [this](const QString& path) {
                QString error;
                if (exportSummaries(path, error))
                    emit message(tr("Summary saved to %1").arg(path));
                else
                    showError(error);
            });
}

void ClassroomController::bookmarkDialog() {
    const RunPtr run = selectedRun();
    if (!run) return showError(tr("There is no run to bookmark yet: run the experiment first."));
    if (dialog_ && dialog_->isVisible()) {
        dialog_->raise();
        dialog_->activateWindow();
        return;
    }
    auto* dialog = new QDialog(host_.window);
    dialog->setObjectName(QStringLiteral("bookmarkDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Add bookmark"));
    auto* form = new QFormLayout(dialog);
    auto* time = new QDoubleSpinBox(dialog);
    const double end = std::max(run->trace->seconds(run->trace->end_ns()), 0.0);
    time->setRange(0, end);
    time->setDecimals(4);
    time->setSingleStep(std::max(end / 100, 1e-4));
    time->setSuffix(QStringLiteral(" s"));
    time->setValue(std::clamp(last_hover_s_, 0.0, end));
    auto* label = new QLineEdit(dialog);
    label->setPlaceholderText(tr("e.g. “the I/O thread waits a whole interval here”"));
    form->addRow(tr("Time from the start"), time);
    form->addRow(tr("Label"), label);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    form->addRow(buttons);
    label->setFocus();
    connect(dialog, &QDialog::accepted, this, [this, run, time, label] {
        last_hover_s_ = time->value();
        if (addBookmarkTo(run, time->value(), label->text()))
            emit message(tr("Bookmark “%1” at %2 s").arg(label->text().trimmed()).arg(time->value()));
    });
    dialog_ = dialog;
    dialog->open();
}

} // namespace clab::classroom
