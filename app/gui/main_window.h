// The main window: lesson navigator | lesson step | lab, in one horizontal splitter, with menus,
// a toolbar, an info bar for problems and a status bar saying what runs.
//
// The window is split by concern over several files: main_window.cpp (layout and lesson
// navigation), main_window_actions.cpp (menus, toolbar, keyboard), main_window_session.cpp
// (settings, --screenshot, presenter mode).
#pragma once

#include "cli/gui_options.h"
#include "core/experiment/summary.h"
#include "lessons/lesson.h"

#include <QFont>
#include <QMainWindow>
#include <memory>

class QAction;
class QLabel;
class QSplitter;
class QTreeView;

namespace clab::lessons {
class LessonProgress;
class LessonRepository;
} // namespace clab::lessons

namespace clab {

namespace gui {
class InfoBar;
class LabPanel;
class LessonNavigatorModel;
class StepView;
} // namespace gui

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const cli::GuiOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens lesson `lesson` (index in the navigator) at step `step` (0-based). False if out of range.
    bool openStep(int lesson, int step);
    // Opens a lesson by number or short name at a 1-based step; explains problems in the info bar.
    bool openLesson(const QString& id, int step_1based);
    int currentLesson() const { return lesson_; }
    int currentStep() const { return step_; }
    const lessons::Lesson* lesson() const;

    // Presenter-mode hook: full screen and large fonts; the classroom features build on it.
    void setPresenterMode(bool on);
    bool presenterMode() const { return presenter_; }
    void resetLayout();
    // View → Zoom (percent, 100 = the desktop's size): the whole application; remembered.
    void setZoom(int percent);

    gui::LessonNavigatorModel* navigatorModel() const { return model_; }
    QTreeView* navigator() const { return navigator_; }
    gui::StepView* stepView() const { return step_view_; }
    gui::LabPanel* lab() const { return lab_; }
    gui::InfoBar* infoBar() const { return info_; }
    lessons::LessonProgress* progress() const { return progress_.get(); }
    QAction* action(const QString& name) const; // "run", "stop", "reset", "back", "next", "presenter" ...

public slots:
    void next();
    void back();
    void openLessonsFolder(); // asks, without blocking; then openLessonsFolderAt
    void openLessonsFolderAt(const QString& dir);
    // Forgets visited steps and answers: of the open lesson, or of the whole course. No dialog
    // (the menu commands ask first).
    void resetProgress(bool whole_course);
    void showShortcuts();
    void showAbout();

signals:
    void presenterModeChanged(bool on);
    void stepOpened(int lesson, int step);

protected:
    bool event(QEvent* event) override; // main_window_actions.cpp: arrows to a focused slider/field
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override; // main_window_session.cpp

private:
    // main_window.cpp
    void buildLayout();
    void lessonsReloaded();
    void syncProgressMarks();
    void onNavigatorClicked(const QModelIndex& index);
    void onRunFinished(const Summary& summary);
    // main_window_actions.cpp
    void buildActions();
    void buildMenus();
    void buildToolBar();
    // main_window_session.cpp
    void restoreSession();
    void saveSession();
    void startScreenshot();
    void finishScreenshot(int exit_code, const QString& message);
    QFont presenterFont() const; // the zoomed application font, larger for a projector

    cli::GuiOptions options_;
    std::unique_ptr<lessons::LessonProgress> progress_;
    lessons::LessonRepository* repository_ = nullptr;
    gui::LessonNavigatorModel* model_ = nullptr;
    QTreeView* navigator_ = nullptr;
    gui::StepView* step_view_ = nullptr;
    gui::LabPanel* lab_ = nullptr;
    gui::InfoBar* info_ = nullptr;
    QSplitter* main_split_ = nullptr;
    QLabel* status_run_ = nullptr;
    QHash<QString, QAction*> actions_;
    QByteArray default_state_;
    int lesson_ = -1;
    int step_ = -1;
    QString lesson_id_; // survives reloads that renumber the list
    bool presenter_ = false;
    QList<int> desk_main_sizes_; // the splitter as it was before presenter mode
    bool desk_maximised_ = false;
    bool screenshot_done_ = false;
    QRect start_geometry_; // first start: the screen the maximised window should cover
};

} // namespace clab
