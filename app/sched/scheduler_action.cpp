#include "scheduler_action.h"

#include "gui/main_window.h"
#include "puzzle_lookup.h"
#include "scheduler_window.h"

#include <QAction>
#include <QToolBar>
#include <QToolButton>

namespace clab::sched_ui {

namespace {
const char* kName = "action_scheduler";

SchedulerWindow::Options options_for(MainWindow* window) {
    SchedulerWindow::Options o;
    if (const lessons::Lesson* l = window->lesson()) {
        o.lesson = l->id;
        o.step = window->currentStep() + 1;
    }
    return o;
}

bool step_has_puzzle(MainWindow* window) {
    const lessons::Lesson* l = window->lesson();
    return l && !sched::puzzles_for(l->id.toStdString(), window->currentStep() + 1).empty();
}
} // namespace

QAction* scheduler_action(MainWindow* window) {
    if (auto* existing = window->findChild<QAction*>(QString::fromLatin1(kName))) return existing;
    auto* a = new QAction(QObject::tr("Be the &scheduler…"), window);
    a->setObjectName(QString::fromLatin1(kName));
    a->setToolTip(
        QObject::tr("Pick which thread runs each bytecode instruction, and find the race or the deadlock"));
    QObject::connect(a, &QAction::triggered, window, [window] {
        auto* w = new SchedulerWindow(options_for(window), window);
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->show();
    });
    return a;
}

void add_step_button(MainWindow* window, QToolBar* bar) {
    auto* button = new QToolButton(bar);
    button->setDefaultAction(scheduler_action(window));
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setObjectName(QStringLiteral("schedulerStepButton"));
    QAction* entry = bar->addWidget(button);
    entry->setVisible(step_has_puzzle(window));
    QObject::connect(window, &MainWindow::stepOpened, entry,
                     [window, entry] { entry->setVisible(step_has_puzzle(window)); });
}

} // namespace clab::sched_ui
