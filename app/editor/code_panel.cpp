#include "code_panel.h"

#include "code_editor.h"
#include "code_store.h"
#include "gui/flow_layout.h"
#include "output_pane.h"
#include "python_check.h"
#include "python_process.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>

namespace clab::editor {

namespace {
constexpr double kSnippetTimeoutS = 60; // a snippet run; Stop ends it sooner
}

CodePanel::CodePanel(CodeStore* store, QWidget* parent)
    : QWidget(parent)
    , store_(store) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    task_ = new QLabel(this);
    task_->setObjectName(QStringLiteral("exerciseTask"));
    task_->setWordWrap(true);
    task_->setTextFormat(Qt::MarkdownText);
    task_->hide();
    layout->addWidget(task_);

    auto* buttons = new gui::FlowLayout; // wraps in a narrow column instead of widening it
    run_ = new QPushButton(tr("Run in Python"), this);
    run_->setObjectName(QStringLiteral("runInPython"));
    run_->setToolTip(tr("Run this code in the real interpreter (Ctrl+Enter)"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setObjectName(QStringLiteral("stopPython"));
    stop_->setEnabled(false);
    reset_ = new QPushButton(tr("Reset to the lesson's code"), this);
    reset_->setObjectName(QStringLiteral("resetCode"));
    hint_ = new QPushButton(tr("Hint"), this);
    hint_->setObjectName(QStringLiteral("exerciseHint"));
    solution_ = new QPushButton(tr("Show solution"), this);
    solution_->setObjectName(QStringLiteral("exerciseSolution"));
    hint_->hide();
    solution_->hide();
    interpreter_ = new QLabel(this);
    interpreter_->setObjectName(QStringLiteral("interpreter"));
    buttons->addWidget(run_);
    buttons->addWidget(stop_);
    buttons->addWidget(reset_);
    buttons->addWidget(hint_);
    buttons->addWidget(solution_);
    buttons->addWidget(interpreter_);
    layout->addLayout(buttons);

    auto* split = new QSplitter(Qt::Vertical, this);
    editor_ = new CodeEditor(split);
    output_ = new OutputPane(split);
    split->addWidget(editor_);
    split->addWidget(output_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    process_ = new PythonProcess(this);
    connect(process_, &PythonProcess::output, output_, &OutputPane::append);
    connect(process_, &PythonProcess::finished, this, &CodePanel::finished);
    connect(run_, &QPushButton::clicked, this, &CodePanel::runInPython);
    connect(stop_, &QPushButton::clicked, this, &CodePanel::stop);
    connect(reset_, &QPushButton::clicked, this, &CodePanel::resetToLesson);
    connect(hint_, &QPushButton::clicked, this, [this] {
        if (exercise_) output_->setStatus(tr("Hint: %1").arg(exercise_->hint), true);
    });
    connect(solution_, &QPushButton::clicked, this, &CodePanel::showSolution);
    connect(editor_, &QPlainTextEdit::textChanged, this, &CodePanel::saveEdit);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &CodePanel::runInPython);
    auto* enter = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), this);
    enter->setContext(Qt::WidgetWithChildrenShortcut);
    connect(enter, &QShortcut::activated, this, &CodePanel::runInPython);
    setInterpreter({});
}

void CodePanel::setInterpreter(const QString& python) {
    python_ = python;
    process_->setInterpreter(python);
    interpreter_->setText(interpreter_description(python));
}

QString CodePanel::original() const {
    return exercise_ ? exercise_->start : snippet_;
}

void CodePanel::setSnippet(const QString& lesson, int step, int index, const QString& original) {
    lesson_ = lesson;
    step_ = step;
    index_ = index;
    snippet_ = original;
    exercise_.reset();
    task_->hide();
    hint_->hide();
    solution_->hide();
    loading_ = true;
    editor_->setPlainText(store_->snippet(lesson, step, index).value_or(original));
    loading_ = false;
}

void CodePanel::setExercise(const QString& lesson, int step, int index, const lessons::Exercise& exercise) {
    lesson_ = lesson;
    step_ = step;
    index_ = index;
    exercise_ = exercise;
    start_run_.reset();
    task_->setText(exercise.task + (store_->solved(lesson, step, index) ? tr(" — **solved**") : QString()));
    task_->show();
    hint_->show();
    solution_->show();
    run_->setText(tr("Run and check"));
    loading_ = true;
    editor_->setPlainText(store_->exerciseCode(lesson, step, index).value_or(exercise.start));
    loading_ = false;
}

void CodePanel::saveEdit() {
    if (loading_ || lesson_.isEmpty()) return;
    if (exercise_)
        store_->setExerciseCode(lesson_, step_, index_, editor_->toPlainText(), exercise_->start);
    else
        store_->setSnippet(lesson_, step_, index_, editor_->toPlainText(), snippet_);
}

void CodePanel::resetToLesson() {
    stop();
    store_->resetStep(lesson_, step_);
    loading_ = true;
    editor_->setPlainText(original());
    loading_ = false;
    output_->clear();
    result_.reset();
    if (exercise_) task_->setText(exercise_->task);
}

void CodePanel::showSolution() {
    if (!exercise_) return;
    output_->clear();
    output_->append(tr("# The reference solution (your code is unchanged):\n") + exercise_->solution, false);
}

bool CodePanel::isRunning() const {
    return process_->isRunning();
}

void CodePanel::runInPython() {
    if (process_->isRunning()) return;
    const QString code = editor_->toPlainText();
    output_->clear();
    result_.reset();
    if (const auto syntax = syntax_problem(code, python_)) {
        editor_->markLine(syntax->line, syntax->message);
        output_->setStatus(tr("Line %1: %2 — nothing was run").arg(syntax->line).arg(syntax->message), false);
        return;
    }
    editor_->markLine(0);
    if (exercise_ && exercise_->needs_start_run() && !start_run_) {
        // The figure to compare with: the starting code's run, once per exercise shown.
        pending_code_ = code;
        output_->setStatus(tr("Running the starting code first, to compare with…"), true);
        runCode(exercise_->start);
        return;
    }
    runCode(code);
}

void CodePanel::runCode(const QString& code) {
    run_->setEnabled(false);
    stop_->setEnabled(true);
    process_->start(code, exercise_ ? exercise_->timeout_s : kSnippetTimeoutS);
}

void CodePanel::stop() {
    pending_code_.clear();
    process_->stop();
}

void CodePanel::finished(const lessons::ProgramRun& run) {
    if (!pending_code_.isEmpty()) {
        start_run_ = run;
        const QString code = pending_code_;
        pending_code_.clear();
        output_->clear();
        runCode(code);
        return;
    }
    run_->setEnabled(true);
    stop_->setEnabled(false);
    output_->showEnd(run);
    if (const int line = traceback_line(run.err, process_->scriptPath()); line > 0) {
        const QStringList lines = run.err.trimmed().split(QLatin1Char('\n'));
        editor_->markLine(line, lines.value(lines.size() - 1));
    }
    if (exercise_) grade(run);
    emit runFinished(run);
}

void CodePanel::grade(const lessons::ProgramRun& run) {
    result_ = lessons::check_exercise(*exercise_, run, start_run_ ? &*start_run_ : nullptr);
    output_->append(QStringLiteral("\n") + result_->toString() + QLatin1Char('\n'), !result_->passed);
    if (!result_->passed) return;
    store_->markSolved(lesson_, step_, index_, editor_->toPlainText());
    task_->setText(exercise_->task + tr(" — **solved**"));
    emit solved();
}

} // namespace clab::editor
