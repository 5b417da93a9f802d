// What the main window remembers (QSettings), how it saves itself for --screenshot, and the
// presenter-mode hook.
#include "classroom/compare_window.h"
#include "editor/code_store.h"
#include "editor/step_code.h"
#include "lab_panel.h"
#include "lesson_navigator_model.h"
#include "lessons/lesson_progress.h"
#include "lessons/lesson_repository.h"
#include "main_window.h"
#include "open_file_dialog.h"
#include "run_controller.h"
#include "step_view.h"
#include "timeline_pane.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <cstdio>

namespace clab {

namespace {
constexpr int kScreenshotSettleMs = 700;      // let the last replot and layout happen
constexpr int kScreenshotTimeoutMs = 180'000; // a run that never ends must not hang a script
constexpr int kMaximiseGraceMs = 400;         // time a window manager takes to maximise

QList<int> default_main_sizes(int width) {
    // Navigator narrow, lesson text readable, the lab gets the rest (1600 px: 260 | 540 | 800).
    const int nav = std::clamp(width * 17 / 100, 200, 290);
    const int text = std::clamp(width * 35 / 100, 380, 640);
    return {nav, text, std::max(420, width - nav - text)};
}
// On a projector the lab is the show: a slim navigator, the lesson text still readable (about 30
// characters of the large font per line at 1280 px), the lab more than half of the width.
QList<int> presenter_main_sizes(int width) {
    const int nav = std::clamp(width * 12 / 100, 170, 240);
    const int text = std::clamp(width * 27 / 100, 340, 560);
    return {nav, text, std::max(560, width - nav - text)};
}
// Controls as tall as they need, the summary a few lines, the timeline everything else.
QList<int> default_lab_sizes(QSplitter* split, int height) {
    const int controls = split->widget(0)->sizeHint().height();
    const int summary = std::max(150, height / 6);
    return {controls, std::max(240, height - controls - summary), summary};
}
} // namespace

void MainWindow::restoreSession() {
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    const bool first_start = geometry.isEmpty() || !restoreGeometry(geometry);
    if (first_start) {
        const QRect screen = QGuiApplication::primaryScreen()
                                 ? QGuiApplication::primaryScreen()->availableGeometry()
                                 : QRect(0, 0, 1600, 1000);
        // The first start fills the screen (maximised; restoreGeometry remembers that state). The
        // normal geometry leaves room for a frame and title bar, so the status bar stays on screen
        // (1280×720) when the student un-maximises. Set as a geometry too: without a window
        // manager (a bare X server, a kiosk) "maximised" alone changes nothing.
        resize(std::min(1600, screen.width() * 9 / 10), std::min(1000, screen.height() * 9 / 10));
        setWindowState(windowState() | Qt::WindowMaximized);
        start_geometry_ = screen;
    }
    // Screenshots have one size, whatever the screen (or the offscreen platform) offers.
    if (!options_.screenshot.isEmpty()) {
        setWindowState(windowState() & ~Qt::WindowMaximized);
        start_geometry_ = QRect();
        resize(options_.screenshot_size);
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!main_split_->restoreState(settings.value(QStringLiteral("window/mainSplitter")).toByteArray()))
        main_split_->setSizes(default_main_sizes(width()));
    if (!lab_->splitter()->restoreState(settings.value(QStringLiteral("window/labSplitter")).toByteArray())) {
        lab_->splitter()->setSizes(default_lab_sizes(lab_->splitter(), height() - 120));
    }
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (start_geometry_.isNull()) return;
    // A window manager maximises the first window within a moment; without one (a bare X server)
    // nothing does, so the window takes the screen itself.
    QTimer::singleShot(kMaximiseGraceMs, this, [this, screen = start_geometry_] {
        if (isMaximized() && !isFullScreen() && frameGeometry().width() < screen.width() * 95 / 100)
            setGeometry(screen);
    });
    start_geometry_ = QRect();
}

void MainWindow::saveSession() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/mainSplitter"), main_split_->saveState());
    settings.setValue(QStringLiteral("window/labSplitter"), lab_->splitter()->saveState());
    progress_->sync();
}

void MainWindow::resetLayout() {
    restoreState(default_state_);
    main_split_->setSizes(default_main_sizes(width()));
    lab_->splitter()->setSizes(default_lab_sizes(lab_->splitter(), lab_->height()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (presenter_) setPresenterMode(false); // remember the desk geometry, not the full screen
    saveSession();
    lab_->shutdown(); // cancel and join: nothing outlives the window
    event->accept();
}

void MainWindow::setPresenterMode(bool on) {
    if (on == presenter_) return;
    presenter_ = on;
    if (QAction* a = action(QStringLiteral("presenter")); a && a->isChecked() != on) {
        const QSignalBlocker block(a);
        a->setChecked(on);
    }
    if (on) {
        desk_main_sizes_ = main_split_->sizes();
        desk_maximised_ = isMaximized();
        setFont(presenterFont());
        showFullScreen();
        // Without a window manager nothing makes the window full screen: it takes the screen itself.
        QTimer::singleShot(kMaximiseGraceMs, this, [this] {
            const QScreen* s = this->screen();
            if (presenter_ && s && frameGeometry().width() < s->geometry().width() * 95 / 100)
                setGeometry(s->geometry());
        });
        const QScreen* screen = this->screen();
        main_split_->setSizes(presenter_main_sizes(screen ? screen->geometry().width() : width()));
    } else {
        setFont(QFont()); // the application's font again, with the zoom it has now
        if (desk_maximised_)
            showMaximized();
        else
            showNormal();
        if (!desk_main_sizes_.isEmpty()) main_split_->setSizes(desk_main_sizes_);
    }
    lab_->timeline()->setPresenterMode(on);
    emit presenterModeChanged(on); // the classroom features hook in here
}

QFont MainWindow::presenterFont() const {
    QFont big = QApplication::font(); // the desktop's font with View → Zoom applied
    big.setPointSizeF(big.pointSizeF() * 1.45);
    return big;
}

void MainWindow::openLessonsFolder() {
    // Window-modal, answered later (no nested event loop while a run streams).
    // A folder name that is not there is said in the dialog, which stays open (never Qt's box).
    auto* dialog = new gui::OpenFileDialog(this, tr("Open a lessons folder"), repository_->directory());
    dialog->setObjectName(QStringLiteral("lessonsFolderDialog"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openLessonsFolderAt);
    dialog->open();
}

void MainWindow::openLessonsFolderAt(const QString& dir) {
    if (dir.isEmpty()) return;
    lesson_id_.clear();
    lesson_ = step_ = -1;
    repository_->setDirectory(dir);
    if (lesson_ < 0 && !model_->lessons().isEmpty()) openStep(0, 0);
}

void MainWindow::resetProgress(bool whole_course) {
    const lessons::Lesson* l = lesson();
    if (whole_course)
        progress_->resetAll();
    else if (l)
        progress_->resetLesson(l->id);
    if (whole_course || l) step_view_->code()->store()->forgetSolved(whole_course ? QString() : l->id);
    progress_->sync();
    syncProgressMarks();
    // Show the open step afresh: its prediction and check answers are gone too.
    if (l) openStep(lesson_, step_);
    statusBar()->showMessage(whole_course ? tr("Progress of the whole course reset")
                                          : tr("Progress of “%1” reset").arg(l ? l->title : QString()),
                             8000);
}

void MainWindow::startScreenshot() {
    if (lesson_ < 0) {
        finishScreenshot(1, tr("no lesson to show (%1)")
                                .arg(options_.lesson.isEmpty() ? repository_->directory() : options_.lesson));
        return;
    }
    QTimer::singleShot(kScreenshotTimeoutMs, this, [this] {
        finishScreenshot(1, tr("the run did not finish within %1 s").arg(kScreenshotTimeoutMs / 1000));
    });
    connect(lab_, &gui::LabPanel::runFailed, this,
            [this](const QString& message) { finishScreenshot(1, message); });
    if (!lab_->hasExperiment()) {
        QTimer::singleShot(kScreenshotSettleMs, this, [this] { finishScreenshot(0, QString()); });
        return;
    }
    if (!lab_->compareEngines().isEmpty()) {
        // A compare step: "Run all", as its prediction asks, and the compare window it opens is saved
        // next to the main window (FILE-compare.png), at the same size.
        connect(lab_, &gui::LabPanel::compareFinished, this, [this] {
            for (auto* compare : findChildren<classroom::CompareWindow*>())
                compare->resize(options_.screenshot_size);
            QTimer::singleShot(kScreenshotSettleMs, this, [this] { finishScreenshot(0, QString()); });
        });
        lab_->runCompare();
        return;
    }
    // settled: the run and its baseline are done and the summary shows every number.
    connect(lab_, &gui::LabPanel::settled, this, [this] {
        QTimer::singleShot(kScreenshotSettleMs, this, [this] { finishScreenshot(0, QString()); });
    });
    lab_->run();
}

namespace {
// FILE.png → FILE-compare.png
QString compare_shot_path(const QString& path) {
    const QFileInfo info(path);
    const QString suffix = info.suffix().isEmpty() ? QStringLiteral("png") : info.suffix();
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-compare.") + suffix);
}

bool save_shot(QWidget* window, const QString& path) {
    const QPixmap shot = window->grab();
    if (shot.isNull() || !shot.save(path)) {
        fprintf(stderr, "concurrency-lab: could not save the screenshot to %s\n", qPrintable(path));
        return false;
    }
    fprintf(stdout, "saved %s (%dx%d)\n", qPrintable(path), shot.width(), shot.height());
    return true;
}
} // namespace

void MainWindow::finishScreenshot(int exit_code, const QString& message) {
    if (screenshot_done_) return;
    screenshot_done_ = true;
    if (exit_code == 0) {
        if (!save_shot(this, options_.screenshot)) exit_code = 1;
        for (auto* compare : findChildren<classroom::CompareWindow*>())
            if (compare->isVisible() && !save_shot(compare, compare_shot_path(options_.screenshot)))
                exit_code = 1;
    } else {
        fprintf(stderr, "concurrency-lab: no screenshot: %s\n", qPrintable(message));
    }
    lab_->shutdown();
    QCoreApplication::exit(exit_code);
}

} // namespace clab
