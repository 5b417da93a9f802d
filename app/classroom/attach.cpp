#include "attach.h"

#include "bookmarks.h"
#include "classroom_controller.h"
#include "editor/code_panel.h"
#include "editor/step_code.h"
#include "gui/info_bar.h"
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/run_controller.h"
#include "gui/step_view.h"
#include "plots/timeline_view.h"
#include "run_both.h"

#include <QStatusBar>
#include <QTreeView>

namespace clab::classroom {

ClassroomController* attach_classroom(MainWindow* window) {
    ClassroomHost host;
    host.window = window;
    host.timeline_factory = [window](QWidget* parent, const RunRecord& run) -> QWidget* {
        auto* view = new plots::TimelineView(parent);
        view->set_presenter(window->presenterMode());
        view->load_trace(run.trace);
        view->replot_now();
        return view;
    };
    host.lab_timeline = [window]() -> QWidget* {
        return window->lab() ? window->lab()->timeline() : nullptr;
    };
    host.set_time_scale = [window](double scale) { window->lab()->setTimeScale(scale); };
    host.step_bookmarks = [window]() -> QList<Bookmark> {
        const lessons::Lesson* lesson = window->lesson();
        const int step = window->currentStep();
        if (!lesson || step < 0 || step >= lesson->steps.size()) return {};
        return bookmarks_from_notices(lesson->steps[step].notices);
    };
    host.step_label = [window]() -> QString {
        const lessons::Lesson* lesson = window->lesson();
        return lesson ? QStringLiteral("%1 · step %2").arg(lesson->id).arg(window->currentStep() + 1)
                      : QString();
    };
    host.lesson_widgets = {window->navigator(), window->stepView()};
    host.show_error = [window](const QString& text) {
        window->infoBar()->showMessage(text.toHtmlEscaped(), gui::Severity::Error);
    };

    auto* controller = new ClassroomController(host, window);
    controller->setObjectName(QStringLiteral("classroom"));
    controller->install();
    gui::LabPanel* lab = window->lab();
    QObject::connect(lab, &gui::LabPanel::runFinished, controller, [controller, lab](const Summary& summary) {
        controller->onRunFinished(summary, lab->controller()->sharedTrace());
    });
    QObject::connect(lab, &gui::LabPanel::summaryUpdated, controller, &ClassroomController::onSummaryUpdated);
    QObject::connect(lab, &gui::LabPanel::compareFinished, controller, &ClassroomController::compareLatest);
    auto* both = new RunBoth(lab, controller, controller);
    both->setObjectName(QStringLiteral("runBoth"));
    QObject::connect(window->stepView()->code(), &editor::StepCode::runBothRequested, both,
                     [both, window](editor::CodePanel* panel) {
                         const lessons::Lesson* lesson = window->lesson();
                         const int step = window->currentStep();
                         QString reveal;
                         if (lesson && step >= 0 && step < lesson->steps.size() &&
                             lesson->steps[step].prediction)
                             reveal = lesson->steps[step].prediction->reveal;
                         both->start(panel, reveal);
                     });
    QObject::connect(window, &MainWindow::presenterModeChanged, controller,
                     &ClassroomController::setPresenterMode);
    QObject::connect(controller, &ClassroomController::message, window,
                     [window](const QString& text) { window->statusBar()->showMessage(text, 8000); });
    if (window->presenterMode()) controller->setPresenterMode(true);
    return controller;
}

} // namespace clab::classroom
