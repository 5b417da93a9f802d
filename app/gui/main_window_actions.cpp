// Menus, toolbar and keyboard of the main window.
#include "controls_panel.h"
#include "lab_panel.h"
#include "main_window.h"
#include "sched/scheduler_action.h" // "Be the scheduler…" (app/sched)

#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QStyle>
#include <QTextEdit>
#include <QToolBar>

namespace clab {

namespace {
// Widgets that need the plain arrow keys themselves; the step shortcuts hand the key over.
bool wants_arrows(QWidget* w) {
    return qobject_cast<QAbstractSlider*>(w) || qobject_cast<QAbstractSpinBox*>(w) ||
           qobject_cast<QLineEdit*>(w) || qobject_cast<QComboBox*>(w) ||
           qobject_cast<QAbstractItemView*>(w) ||
           (qobject_cast<QTextEdit*>(w) && !static_cast<QTextEdit*>(w)->isReadOnly());
}
bool is_text_input(QWidget* w) {
    return qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QLineEdit*>(w) ||
           (qobject_cast<QTextEdit*>(w) && !static_cast<QTextEdit*>(w)->isReadOnly());
}
} // namespace

QAction* MainWindow::action(const QString& name) const {
    return actions_.value(name);
}

void MainWindow::buildActions() {
    auto make = [this](const QString& name, const QString& text,
                       QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
        auto* a = new QAction(text, this);
        a->setObjectName(QStringLiteral("action_") + name);
        if (icon != QStyle::SP_CustomBase) a->setIcon(style()->standardIcon(icon));
        addAction(a); // shortcuts work even when the menu bar is hidden (presenter mode)
        actions_.insert(name, a);
        return a;
    };

    QAction* run = make(QStringLiteral("run"), tr("&Run"), QStyle::SP_MediaPlay);
    run->setShortcut(Qt::Key_Space);
    run->setToolTip(tr("Run the experiment (Space)"));
    connect(run, &QAction::triggered, this, [this] {
        if (is_text_input(QApplication::focusWidget())) return;
        lab_->run();
    });
    QAction* stop = make(QStringLiteral("stop"), tr("&Stop"), QStyle::SP_MediaStop);
    stop->setShortcut(Qt::Key_Escape);
    stop->setToolTip(tr("Stop the run (Esc)"));
    connect(stop, &QAction::triggered, this, [this] {
        if (presenter_ && !lab_->busy()) {
            setPresenterMode(false); // Esc also leaves full screen when nothing runs
            return;
        }
        lab_->stop();
    });
    QAction* reset = make(QStringLiteral("reset"), tr("R&eset controls"), QStyle::SP_BrowserReload);
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(reset, &QAction::triggered, lab_, &gui::LabPanel::resetControls);

    QAction* back = make(QStringLiteral("back"), tr("&Back"), QStyle::SP_ArrowBack);
    back->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence(Qt::Key_Left)});
    back->setToolTip(tr("Previous step (← or Alt+←)"));
    connect(back, &QAction::triggered, this, [this] {
        if (forwardArrowToFocus(Qt::Key_Left)) return;
        this->back();
    });
    QAction* next = make(QStringLiteral("next"), tr("&Next"), QStyle::SP_ArrowForward);
    next->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Right), QKeySequence(Qt::Key_Right)});
    next->setToolTip(tr("Next step (→ or Alt+→)"));
    connect(next, &QAction::triggered, this, [this] {
        if (forwardArrowToFocus(Qt::Key_Right)) return;
        this->next();
    });

    QAction* presenter =
        make(QStringLiteral("presenter"), tr("&Presenter mode"), QStyle::SP_TitleBarMaxButton);
    presenter->setCheckable(true);
    presenter->setShortcut(Qt::Key_F11);
    presenter->setToolTip(tr("Full screen with large fonts, for a projector (F11)"));
    connect(presenter, &QAction::toggled, this, &MainWindow::setPresenterMode);
    QAction* layout = make(QStringLiteral("resetLayout"), tr("Reset &layout"));
    connect(layout, &QAction::triggered, this, &MainWindow::resetLayout);

    QAction* more = make(QStringLiteral("moreWorkers"), tr("More workers"));
    more->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    connect(more, &QAction::triggered, this, [this] {
        if (is_text_input(QApplication::focusWidget())) return;
        if (!lab_->controls()->nudge(QStringLiteral("workers"), 1))
            lab_->controls()->nudge(QStringLiteral("tasks"), 1);
    });
    QAction* fewer = make(QStringLiteral("fewerWorkers"), tr("Fewer workers"));
    fewer->setShortcut(Qt::Key_Minus);
    connect(fewer, &QAction::triggered, this, [this] {
        if (is_text_input(QApplication::focusWidget())) return;
        if (!lab_->controls()->nudge(QStringLiteral("workers"), -1))
            lab_->controls()->nudge(QStringLiteral("tasks"), -1);
    });

    QAction* reset_lesson =
        make(QStringLiteral("resetLessonProgress"), tr("Reset progress of this &lesson…"));
    connect(reset_lesson, &QAction::triggered, this, [this] {
        const lessons::Lesson* l = lesson();
        if (!l) return;
        if (QMessageBox::question(
                this, tr("Reset progress"),
                tr("Forget which steps of “%1” you visited and what you answered?").arg(l->title)) ==
            QMessageBox::Yes)
            resetProgress(false);
    });
    QAction* reset_all = make(QStringLiteral("resetAllProgress"), tr("Reset progress of the &whole course…"));
    connect(reset_all, &QAction::triggered, this, [this] {
        if (QMessageBox::question(this, tr("Reset progress"),
                                  tr("Forget every visited step and every answer of the whole course?")) ==
            QMessageBox::Yes)
            resetProgress(true);
    });

    QAction* open = make(QStringLiteral("openLessons"), tr("&Open lessons folder…"), QStyle::SP_DirOpenIcon);
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::openLessonsFolder);
    QAction* quit = make(QStringLiteral("quit"), tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QAction* shortcuts = make(QStringLiteral("shortcuts"), tr("&Keyboard shortcuts"));
    shortcuts->setShortcut(QKeySequence::HelpContents);
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    QAction* about = make(QStringLiteral("about"), tr("&About Concurrency Lab"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    connect(lab_, &gui::LabPanel::busyChanged, this,
            [this](bool busy) { actions_.value("stop")->setEnabled(busy || presenter_); });
    actions_.value("stop")->setEnabled(false);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(action("openLessons"));
    file->addSeparator();
    file->addAction(action("quit"));
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(action("presenter"));
    view->addAction(action("resetLayout"));
    QMenu* go = menuBar()->addMenu(tr("&Lesson"));
    go->addAction(action("back"));
    go->addAction(action("next"));
    go->addSeparator();
    go->addAction(action("resetLessonProgress"));
    go->addAction(action("resetAllProgress"));
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(action("run"));
    run->addAction(action("stop"));
    run->addAction(action("reset"));
    run->addSeparator();
    run->addAction(action("moreWorkers"));
    run->addAction(action("fewerWorkers"));
    run->addSeparator();
    run->addAction(sched_ui::scheduler_action(this));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action("shortcuts"));
    help->addAction(action("about"));
}

void MainWindow::buildToolBar() {
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(action("back"));
    bar->addAction(action("next"));
    bar->addSeparator();
    bar->addAction(action("run"));
    bar->addAction(action("stop"));
    bar->addAction(action("reset"));
    sched_ui::add_step_button(this, bar); // shown on steps with a scheduler puzzle
    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addAction(action("presenter"));
}

bool MainWindow::forwardArrowToFocus(int key) {
    // Only the plain arrow reaches here for a focused slider / list / field; Alt+arrow always navigates.
    if (QApplication::keyboardModifiers() & Qt::AltModifier) return false;
    QWidget* focus = QApplication::focusWidget();
    if (!focus || !wants_arrows(focus)) return false;
    if (auto* slider = qobject_cast<QAbstractSlider*>(focus)) {
        slider->triggerAction(key == Qt::Key_Left ? QAbstractSlider::SliderSingleStepSub
                                                  : QAbstractSlider::SliderSingleStepAdd);
        return true;
    }
    // sendEvent goes straight to the widget, past the shortcut map, so this does not loop.
    QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier);
    QApplication::sendEvent(focus, &press);
    return true;
}

void MainWindow::showShortcuts() {
    const QString rows =
        tr("<tr><td><b>Space</b></td><td>Run the experiment</td></tr>"
           "<tr><td><b>Esc</b></td><td>Stop the run (leave presenter mode when idle)</td></tr>"
           "<tr><td><b>Ctrl+R</b></td><td>Reset the controls to the step's values</td></tr>"
           "<tr><td><b>← / →</b>, <b>Alt+← / Alt+→</b></td><td>Previous / next step</td></tr>"
           "<tr><td><b>+ / −</b></td><td>More / fewer workers</td></tr>"
           "<tr><td><b>F11</b></td><td>Presenter mode</td></tr>"
           "<tr><td><b>Ctrl+O</b></td><td>Open a lessons folder</td></tr>"
           "<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr>");
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"),
                    QStringLiteral("<table cellspacing='6'>%1</table>").arg(rows), QMessageBox::Close, this);
    box.exec();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Concurrency Lab"),
        tr("<h3>Concurrency Lab %1</h3><p>Learn Python concurrency by running it: real threads "
           "under a CPython-faithful GIL, real processes and a real event loop, drawn as they "
           "run.</p><p>Every number and every bar comes from what the run really recorded on "
           "this machine.</p>")
            .arg(QStringLiteral(CLAB_VERSION)));
}

} // namespace clab
