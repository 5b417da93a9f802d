// Menus, toolbar and keyboard of the main window.
#include "controls_panel.h"
#include "editor/interpreter_setting.h" // "Python interpreter…" (app/editor)
#include "lab_panel.h"
#include "main_window.h"
#include "palette.h"
#include "sched/scheduler_action.h" // "Be the scheduler…" (app/sched)
#include "shortcuts_dialog.h"
#include "window_zoom.h"

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
#include <QSettings>
#include <QStyle>
#include <QTextEdit>
#include <QToolBar>
#include <functional>

namespace clab {

namespace {
// Widgets that need the plain arrow keys themselves; the step shortcuts hand the key over.
bool wants_arrows(QWidget* w) {
    return qobject_cast<QAbstractSlider*>(w) || qobject_cast<QAbstractSpinBox*>(w) ||
           qobject_cast<QLineEdit*>(w) || qobject_cast<QComboBox*>(w) ||
           qobject_cast<QAbstractItemView*>(w) ||
           (qobject_cast<QTextEdit*>(w) && !static_cast<QTextEdit*>(w)->isReadOnly());
}
// A message box that does not block (QDialog::open, no nested event loop: runs keep streaming and
// nothing below it can be deleted while it waits). `on_yes` runs if the answer is Yes.
QMessageBox* open_box(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                      QMessageBox::StandardButtons buttons, std::function<void()> on_yes = {}) {
    auto* box = new QMessageBox(icon, title, text, buttons, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (on_yes)
        QObject::connect(box, &QMessageBox::finished, parent, [box, on_yes = std::move(on_yes)](int) {
            if (box->standardButton(box->clickedButton()) == QMessageBox::Yes) on_yes();
        });
    box->open();
    return box;
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
    connect(back, &QAction::triggered, this, &MainWindow::back);
    QAction* next = make(QStringLiteral("next"), tr("&Next"), QStyle::SP_ArrowForward);
    next->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Right), QKeySequence(Qt::Key_Right)});
    next->setToolTip(tr("Next step (→ or Alt+→)"));
    connect(next, &QAction::triggered, this, &MainWindow::next);

    QAction* presenter =
        make(QStringLiteral("presenter"), tr("&Presenter mode"), QStyle::SP_TitleBarMaxButton);
    presenter->setCheckable(true);
    presenter->setShortcut(Qt::Key_F11);
    presenter->setToolTip(tr("Full screen with large fonts, for a projector (F11)"));
    connect(presenter, &QAction::toggled, this, &MainWindow::setPresenterMode);
    // Freezes the timeline while the run goes on (still recorded); enabled while a run goes on or
    // the view is paused, so a run that ended while paused can still be resumed.
    QAction* pause = make(QStringLiteral("pauseLive"), tr("&Pause live view"), QStyle::SP_MediaPause);
    pause->setCheckable(true);
    pause->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), QKeySequence(Qt::Key_Pause)});
    pause->setToolTip(tr("Freeze the timeline while the run goes on; it is still recorded (Ctrl+Shift+P)"));
    pause->setEnabled(false);
    connect(pause, &QAction::toggled, lab_->timeline(), &gui::TimelinePane::setLivePaused);
    connect(lab_->timeline(), &gui::TimelinePane::livePausedChanged, pause, [this, pause](bool paused) {
        pause->setChecked(paused);
        pause->setEnabled(paused || lab_->busy());
    });
    QAction* contrast = make(QStringLiteral("highContrast"), tr("&High contrast"));
    contrast->setCheckable(true);
    contrast->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
    contrast->setToolTip(tr("Black on white with thicker lines, for the whole window (Ctrl+Shift+H)"));
    contrast->setChecked(QSettings().value(QStringLiteral("view/highContrast"), false).toBool());
    gui::set_high_contrast(contrast->isChecked());
    connect(contrast, &QAction::toggled, this, [](bool on) {
        gui::set_high_contrast(on);
        QSettings().setValue(QStringLiteral("view/highContrast"), on);
    });
    // One zoom for everything: Ctrl+= / Ctrl+- / Ctrl+0 mean the window's zoom wherever the focus is
    // (the code editor too: its code follows the window's font), as in a browser or an IDE.
    QAction* zoom_in = make(QStringLiteral("zoomIn"), tr("Zoom &in"));
    zoom_in->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus)});
    zoom_in->setToolTip(tr("Larger text, code, plots and lanes (Ctrl+=)"));
    QAction* zoom_out = make(QStringLiteral("zoomOut"), tr("Zoom &out"));
    zoom_out->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    zoom_out->setToolTip(tr("Smaller text, code, plots and lanes (Ctrl+-)"));
    QAction* zoom_reset = make(QStringLiteral("zoomReset"), tr("&Reset zoom"));
    zoom_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    zoom_reset->setToolTip(tr("The desktop's own size (Ctrl+0)"));
    connect(zoom_in, &QAction::triggered, this,
            [this] { setZoom(gui::next_zoom_level(gui::zoom_percent(), 1)); });
    connect(zoom_out, &QAction::triggered, this,
            [this] { setZoom(gui::next_zoom_level(gui::zoom_percent(), -1)); });
    connect(zoom_reset, &QAction::triggered, this, [this] { setZoom(100); });
    setZoom(QSettings().value(QStringLiteral("view/zoomPercent"), 100).toInt());

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
        const QString id = l->id;
        open_box(this, QMessageBox::Question, tr("Reset progress"),
                 tr("Forget which steps of “%1” you visited and what you answered?").arg(l->title),
                 QMessageBox::Yes | QMessageBox::No, [this, id] {
                     if (const lessons::Lesson* now = lesson(); now && now->id == id) resetProgress(false);
                 });
    });
    QAction* reset_all = make(QStringLiteral("resetAllProgress"), tr("Reset progress of the &whole course…"));
    connect(reset_all, &QAction::triggered, this, [this] {
        open_box(this, QMessageBox::Question, tr("Reset progress"),
                 tr("Forget every visited step and every answer of the whole course?"),
                 QMessageBox::Yes | QMessageBox::No, [this] { resetProgress(true); });
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

    connect(lab_, &gui::LabPanel::busyChanged, this, [this](bool busy) {
        actions_.value("stop")->setEnabled(busy || presenter_);
        actions_.value("pauseLive")->setEnabled(busy || lab_->timeline()->livePaused());
    });
    actions_.value("stop")->setEnabled(false);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(action("openLessons"));
    file->addSeparator();
    file->addAction(action("quit"));
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(action("zoomIn"));
    view->addAction(action("zoomOut"));
    view->addAction(action("zoomReset"));
    view->addSeparator();
    view->addAction(action("presenter"));
    view->addAction(action("highContrast"));
    view->addAction(action("pauseLive"));
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
    run->addSeparator();
    run->addAction(editor::interpreter_action(this)); // the setting Run in Python uses
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

bool MainWindow::event(QEvent* event) {
    // The plain arrows are step shortcuts, but a focused slider / list / field needs them itself.
    // Accepting the ShortcutOverride (it bubbles up from the focus widget to the window when no
    // widget claimed it) makes Qt deliver the key to that widget as an ordinary key press instead
    // of triggering Back / Next. Re-sending the key from the action instead loops: a key press sent
    // by sendEvent goes through the shortcut map again (issue 20.1). Alt+arrow always navigates.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const bool plain_arrow = (key->key() == Qt::Key_Left || key->key() == Qt::Key_Right) &&
                                 (key->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
        if (plain_arrow && wants_arrows(QApplication::focusWidget())) {
            event->accept();
            return true;
        }
    }
    return QMainWindow::event(event);
}

void MainWindow::setZoom(int percent) {
    const int applied = gui::set_zoom_percent(percent);
    QSettings().setValue(QStringLiteral("view/zoomPercent"), applied);
    if (presenter_) setFont(presenterFont()); // presenter mode's larger font is on top of the zoom
    if (QAction* in = action(QStringLiteral("zoomIn"))) in->setEnabled(applied < gui::zoom_levels().back());
    if (QAction* out = action(QStringLiteral("zoomOut")))
        out->setEnabled(applied > gui::zoom_levels().front());
    if (QAction* reset = action(QStringLiteral("zoomReset")))
        reset->setText(tr("&Reset zoom (%1%)").arg(applied));
}

void MainWindow::showShortcuts() {
    // Read from the window's actions (shortcuts_dialog.cpp); not modal, so a run keeps drawing.
    auto* dialog = new gui::ShortcutsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showAbout() {
    open_box(this, QMessageBox::Information, tr("About Concurrency Lab"),
             tr("<h3>Concurrency Lab %1</h3><p>Learn Python concurrency by running it: real threads "
                "under a CPython-faithful GIL, real processes and a real event loop, drawn as they "
                "run.</p><p>Every number and every bar comes from what the run really recorded on "
                "this machine.</p>")
                 .arg(QStringLiteral(CLAB_VERSION)),
             QMessageBox::Ok);
}

} // namespace clab
