#include "main_window.h"

#include "baseline.h"
#include "check_questions_box.h"
#include "classroom/attach.h"
#include "editor/code_store.h"
#include "editor/step_code.h"
#include "info_bar.h"
#include "lab_panel.h"
#include "lesson_navigator_model.h"
#include "lessons/expectation.h"
#include "lessons/lesson_progress.h"
#include "lessons/lesson_repository.h"
#include "prediction_box.h"
#include "run_controller.h"
#include "startup_probe.h"
#include "step_view.h"
#include "summary_text.h"
#include "tab_order.h"
#include "toolbar_rows.h"
#include "wrapping_delegate.h"
#include "wrapping_status_bar.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace clab {

using gui::Severity;

MainWindow::MainWindow(const cli::GuiOptions& options, QWidget* parent)
    : QMainWindow(parent)
    , options_(options)
    , progress_(std::make_unique<lessons::LessonProgress>()) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Concurrency Lab"));
    buildLayout();
    gui::startup_mark("layout");
    buildActions();
    buildMenus();
    buildToolBar();
    default_state_ = saveState();
    gui::startup_mark("menus");

    repository_ = new lessons::LessonRepository(this);
    connect(repository_, &lessons::LessonRepository::reloaded, this, &MainWindow::lessonsReloaded);
    repository_->setDirectory(options_.lessons_dir);
    gui::startup_mark("lessons");

    restoreSession();

    // Where to start: the command line, else where the student left off, else the first lesson.
    bool opened = false;
    if (!options_.lesson.isEmpty()) {
        opened = openLesson(options_.lesson, options_.step);
    } else if (const auto last = progress_->lastPosition()) {
        opened = openLesson(last->first, last->second);
        if (!opened) info_->hide(); // a lesson that went away is not worth a message
    }
    if (!opened && !model_->lessons().isEmpty() && lesson_ < 0) openStep(0, 0);
    gui::startup_mark("step");

    classroom::attach_classroom(this); // compare, replay, exports, slow motion, presenter look
    new gui::ToolBarRows(this);        // every toolbar button stays on screen, in rows if need be

    if (options_.presenter) QTimer::singleShot(0, this, [this] { setPresenterMode(true); });
    if (!options_.screenshot.isEmpty()) QTimer::singleShot(0, this, &MainWindow::startScreenshot);
}

MainWindow::~MainWindow() {
    lab_->shutdown();
}

void MainWindow::buildLayout() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    info_ = new gui::InfoBar(central);
    layout->addWidget(info_);

    main_split_ = new QSplitter(Qt::Horizontal, central);
    main_split_->setObjectName(QStringLiteral("mainSplitter"));
    main_split_->setChildrenCollapsible(false);

    model_ = new gui::LessonNavigatorModel(this);
    navigator_ = new QTreeView(main_split_);
    navigator_->setObjectName(QStringLiteral("lessonNavigator"));
    navigator_->setAccessibleName(tr("Lessons"));
    navigator_->setAccessibleDescription(tr("Every lesson and its steps; a mark shows the steps visited"));
    navigator_->setModel(model_);
    navigator_->setHeaderHidden(true);
    navigator_->setAnimated(false); // scrolling to the open step needs the final layout at once
    navigator_->setExpandsOnDoubleClick(false);
    navigator_->setIconSize(QSize(14, 14));
    navigator_->setMinimumWidth(180);
    auto* wrapping = new gui::WrappingDelegate(navigator_); // long titles wrap, never elided
    connect(model_, &QAbstractItemModel::modelReset, wrapping, &gui::WrappingDelegate::scheduleRelayout);
    connect(navigator_, &QTreeView::clicked, this, &MainWindow::onNavigatorClicked);
    connect(navigator_, &QTreeView::activated, this, &MainWindow::onNavigatorClicked);

    gui::startup_mark("navigator");
    step_view_ = new gui::StepView(main_split_);
    step_view_->setMinimumWidth(320);
    gui::startup_mark("step_view");
    lab_ = new gui::LabPanel(main_split_);
    gui::startup_mark("lab");
    lab_->setMinimumWidth(420);
    step_view_->code()->setRunController(lab_->controller()); // Run in Python draws on the lab's timeline
    connect(step_view_->code(), &editor::StepCode::exercisesChanged, this, &MainWindow::syncProgressMarks);

    main_split_->addWidget(navigator_);
    main_split_->addWidget(step_view_);
    main_split_->addWidget(lab_);
    main_split_->setStretchFactor(0, 0);
    main_split_->setStretchFactor(1, 2);
    main_split_->setStretchFactor(2, 3);
    layout->addWidget(main_split_, 1);
    setCentralWidget(central);

    setStatusBar(new gui::WrappingStatusBar(this)); // long messages wrap, never cut
    status_run_ = new QLabel(this);
    statusBar()->addPermanentWidget(status_run_);
    statusBar()->showMessage(tr("Ready"));

    connect(step_view_, &gui::StepView::nextRequested, this, &MainWindow::next);
    connect(step_view_, &gui::StepView::backRequested, this, &MainWindow::back);
    connect(step_view_, &gui::StepView::noticeClicked, lab_, &gui::LabPanel::highlight);
    connect(step_view_->predictionBox(), &gui::PredictionBox::answered, this,
            [this](const gui::PredictionAnswer& a) {
                const lessons::Lesson* l = lesson();
                if (!l || !a.given()) return;
                lessons::Answer stored;
                stored.numeric = a.number.has_value();
                stored.choice = a.choice;
                stored.number = a.number.value_or(0);
                progress_->setPrediction(l->id, step_ + 1, stored);
                model_->setAnswered(l->id, step_);
            });
    connect(step_view_->checkQuestions(), &gui::CheckQuestionsBox::checked, this, [this](int, int) {
        const lessons::Lesson* l = lesson();
        if (!l) return;
        const QList<int> picked = step_view_->checkQuestions()->answers();
        for (int q = 0; q < picked.size(); ++q)
            if (picked[q] > 0) progress_->setCheckAnswer(l->id, step_ + 1, q + 1, picked[q]);
    });
    connect(lab_, &gui::LabPanel::runStarted, this, [this](const ExperimentSpec&) {
        status_run_->setText(tr("● running"));
        statusBar()->showMessage(tr("Running the experiment of “%1”…").arg(step_view_->title()));
    });
    connect(lab_, &gui::LabPanel::runFinished, this, &MainWindow::onRunFinished);
    connect(lab_, &gui::LabPanel::summaryUpdated, this, [this](const Summary& summary) {
        if (summary.completed || summary.deadlock) step_view_->predictionBox()->reveal(summary);
        statusBar()->showMessage(summary.speedup > 0 && gui::speedup_applies(summary.spec)
                                     ? tr("%1 Speedup against one task after another: %2×.")
                                           .arg(gui::summary_headline(summary).text)
                                           .arg(summary.speedup, 0, 'f', 2)
                                     : gui::summary_headline(summary).text);
    });
    connect(lab_, &gui::LabPanel::runFailed, this, [this](const QString& message) {
        info_->showMessage(tr("The experiment could not run: %1").arg(message), Severity::Error);
        statusBar()->showMessage(tr("The run failed"));
    });
    connect(lab_, &gui::LabPanel::status, this,
            [this](const QString& text) { statusBar()->showMessage(text); });
    connect(lab_, &gui::LabPanel::busyChanged, this,
            [this](bool busy) { status_run_->setText(busy ? tr("● running") : QString()); });
}

void MainWindow::lessonsReloaded() {
    const lessons::LessonLibrary& library = repository_->library();
    model_->setLessons(library.lessons());
    syncProgressMarks();
    navigator_->expandAll();

    const QList<lessons::LessonError> errors = library.errors();
    if (!errors.isEmpty()) {
        QStringList lines;
        for (int i = 0; i < errors.size() && i < 5; ++i)
            lines << errors[i].toString().toHtmlEscaped();
        if (errors.size() > 5) lines << tr("… and %1 more.").arg(errors.size() - 5);
        info_->showMessage(tr("<b>Some lesson files have problems</b> (the other lessons work):<br>%1")
                               .arg(lines.join(QStringLiteral("<br>"))),
                           Severity::Warning);
    } else {
        info_->hide();
    }

    const QList<lessons::Lesson>& list = model_->lessons();
    if (list.isEmpty()) {
        lesson_ = step_ = -1;
        step_view_->showMessage(tr("No lessons found"),
                                tr("No lesson files were found in %1.\n\nUse File ▸ Open lessons folder… to "
                                   "choose a folder with lesson files (NN-name.md).")
                                    .arg(repository_->directory()));
        lab_->setStep(lessons::Step{});
        return;
    }
    // Stay on the lesson the student was reading, even if the list was renumbered.
    if (!lesson_id_.isEmpty()) {
        for (int i = 0; i < list.size(); ++i)
            if (list[i].id == lesson_id_) {
                openStep(i, std::min(step_, int(list[i].steps.size()) - 1));
                return;
            }
        openStep(0, 0);
    }
}

void MainWindow::syncProgressMarks() {
    model_->clearProgress();
    for (const lessons::Lesson& l : model_->lessons())
        for (int s = 0; s < l.steps.size(); ++s) {
            if (progress_->visited(l.id, s + 1)) model_->setVisited(l.id, s);
            if (progress_->prediction(l.id, s + 1)) model_->setAnswered(l.id, s);
            int solved = 0;
            for (int e = 0; e < l.steps[s].exercises.size(); ++e)
                solved += step_view_->code()->store()->solved(l.id, s + 1, e) ? 1 : 0;
            model_->setSolved(l.id, s, solved);
        }
}

const lessons::Lesson* MainWindow::lesson() const {
    const QList<lessons::Lesson>& list = model_->lessons();
    return lesson_ >= 0 && lesson_ < list.size() ? &list[lesson_] : nullptr;
}

bool MainWindow::openStep(int lesson_index, int step) {
    const QList<lessons::Lesson>& list = model_->lessons();
    if (lesson_index < 0 || lesson_index >= list.size()) return false;
    const lessons::Lesson& l = list[lesson_index];
    if (step < 0 || step >= l.steps.size()) return false;
    lesson_ = lesson_index;
    step_ = step;
    lesson_id_ = l.id;

    const bool has_previous = step > 0 || lesson_index > 0;
    const bool has_next = step + 1 < l.steps.size() || lesson_index + 1 < list.size();
    step_view_->showStep(l, step, has_previous, has_next);
    lab_->setStep(l.steps[step]);
    if (const auto saved = progress_->prediction(l.id, step + 1)) {
        gui::PredictionAnswer a;
        a.choice = saved->numeric ? 0 : saved->choice;
        if (saved->numeric) a.number = saved->number;
        const QSignalBlocker block(step_view_->predictionBox());
        step_view_->predictionBox()->setAnswer(a);
    }

    QList<int> checks;
    for (int q = 1; q <= l.steps[step].checks.size(); ++q)
        checks.append(progress_->checkAnswer(l.id, step + 1, q).value_or(0));
    step_view_->checkQuestions()->restoreAnswers(checks);

    progress_->markVisited(l.id, step + 1);
    progress_->setLastPosition(l.id, step + 1);
    model_->setVisited(l.id, step);
    const QModelIndex index = model_->indexOf(lesson_index, step);
    navigator_->expand(model_->indexOf(lesson_index));
    navigator_->setCurrentIndex(index);
    // After the tree has laid out the expanded lesson: its heading at the top, the step visible.
    QTimer::singleShot(0, navigator_, [this, lesson_index, index] {
        navigator_->scrollTo(model_->indexOf(lesson_index), QAbstractItemView::PositionAtTop);
        navigator_->scrollTo(index);
    });
    // Once the step's controls are laid out: Tab through them panel by panel, in reading order.
    QTimer::singleShot(0, this, [this] { gui::order_tabs({navigator_, step_view_, lab_}); });
    setWindowTitle(tr("%1 — Concurrency Lab").arg(l.title));
    statusBar()->showMessage(tr("Lesson %1, step %2 of %3").arg(l.number).arg(step + 1).arg(l.steps.size()));
    emit stepOpened(lesson_index, step);
    return true;
}

bool MainWindow::openLesson(const QString& id, int step_1based) {
    const lessons::LessonLibrary& library = repository_->library();
    const lessons::Lesson* found = library.find(id);
    if (!found) {
        if (const lessons::LessonFile* file = library.find_file(id)) {
            QStringList lines;
            for (const lessons::LessonError& e : file->errors)
                lines << e.toString();
            info_->showMessage(
                tr("Lesson '%1' could not be loaded:<br>%2")
                    .arg(id.toHtmlEscaped(), lines.join(QStringLiteral("<br>")).toHtmlEscaped()),
                Severity::Error);
        } else {
            info_->showMessage(
                tr("There is no lesson '%1' in %2.").arg(id.toHtmlEscaped(), repository_->directory()),
                Severity::Error);
        }
        return false;
    }
    const QList<lessons::Lesson>& list = model_->lessons();
    for (int i = 0; i < list.size(); ++i) {
        if (list[i].id != found->id) continue;
        int step = step_1based - 1;
        if (step >= list[i].steps.size()) {
            info_->showMessage(tr("Lesson %1 has %2 steps; showing the last one.")
                                   .arg(list[i].number)
                                   .arg(list[i].steps.size()),
                               Severity::Warning);
            step = int(list[i].steps.size()) - 1;
        }
        return openStep(i, std::max(0, step));
    }
    return false;
}

void MainWindow::next() {
    const QList<lessons::Lesson>& list = model_->lessons();
    if (lesson_ < 0) return;
    if (step_ + 1 < list[lesson_].steps.size())
        openStep(lesson_, step_ + 1);
    else if (lesson_ + 1 < list.size())
        openStep(lesson_ + 1, 0);
}

void MainWindow::back() {
    const QList<lessons::Lesson>& list = model_->lessons();
    if (lesson_ < 0) return;
    if (step_ > 0)
        openStep(lesson_, step_ - 1);
    else if (lesson_ > 0)
        openStep(lesson_ - 1, int(list[lesson_ - 1].steps.size()) - 1);
}

void MainWindow::onNavigatorClicked(const QModelIndex& index) {
    if (!index.isValid()) return;
    const int l = index.data(gui::LessonNavigatorModel::LessonIndexRole).toInt();
    const int s = index.data(gui::LessonNavigatorModel::StepIndexRole).toInt();
    if (s >= 0) {
        if (l != lesson_ || s != step_) openStep(l, s);
    } else if (l != lesson_) {
        openStep(l, 0);
    }
}

void MainWindow::onRunFinished(const Summary& summary) {
    if (!summary.error.empty() && !summary.deadlock)
        info_->showMessage(QString::fromStdString(summary.error), Severity::Warning);
    if (!summary.completed && !summary.deadlock) return; // a deadlock is the answer to lesson 9's question
    // A prediction about the speedup waits for the baseline (summaryUpdated reveals it then).
    const lessons::Lesson* l = lesson();
    if (!l) return;
    const auto& prediction = l->steps[step_].prediction;
    if (!prediction) return;
    if (!lessons::needs_baseline(prediction->reveal) || summary.baseline_wall_s > 0)
        step_view_->predictionBox()->reveal(summary);
}

} // namespace clab
