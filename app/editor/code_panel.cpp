#include "code_panel.h"

#include "code_editor.h"
#include "code_store.h"
#include "core/experiment/spec.h"
#include "gui/flow_layout.h"
#include "gui/run_controller.h"
#include "interpreter_setting.h"
#include "output_pane.h"
#include "program_run.h"
#include "python_check.h"

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
    both_ = new QPushButton(tr("Run both"), this);
    both_->setObjectName(QStringLiteral("runBoth"));
    both_->setToolTip(tr("Run the step's experiment on its engine, then this code in Python, and open "
                         "them side by side in Compare"));
    both_->hide();
    // Short words: at 1280×720 the step panel is about 370 px wide, and nothing may be cut off.
    reset_ = new QPushButton(tr("Reset"), this);
    reset_->setToolTip(tr("Reset to the lesson's code (your edits of this step are forgotten)"));
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
    buttons->addWidget(both_);
    buttons->addWidget(reset_);
    layout->addLayout(buttons);
    auto* help = new QHBoxLayout; // exercises only: a row of their own
    help->addWidget(hint_);
    help->addWidget(solution_);
    help->addStretch(1);
    layout->addLayout(help);
    // The interpreter on a row of its own: its name and version never get clipped by the buttons.
    auto* python_row = new QHBoxLayout;
    interpreter_->setWordWrap(true);
    interpreter_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    python_row->addWidget(interpreter_, 1);
    auto* choose = new QPushButton(tr("Python…"), this);
    choose->setObjectName(QStringLiteral("chooseInterpreter"));
    choose->setToolTip(tr("Choose the interpreter Run in Python uses (remembered)"));
    python_row->addWidget(choose);
    layout->addLayout(python_row);
    connect(choose, &QPushButton::clicked, this, [this] {
        auto* dialog = new InterpreterDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open(); // window-modal, no nested event loop
    });
    connect(InterpreterNotifier::instance(), &InterpreterNotifier::changed, this, &CodePanel::setInterpreter);

    fidelity_ = new QLabel(this);
    fidelity_->setObjectName(QStringLiteral("fidelityNote"));
    fidelity_->setWordWrap(true);
    fidelity_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fidelity_->hide();
    layout->addWidget(fidelity_);

    auto* split = new QSplitter(Qt::Vertical, this);
    editor_ = new CodeEditor(split);
    editor_->setAccessibleDescription(
        tr("The step's Python program; Ctrl+Enter runs it in Python, Tab indents, Esc moves on to the "
           "next control"));
    output_ = new OutputPane(split);
    split->addWidget(editor_);
    split->addWidget(output_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    // A few lines of each stay visible however much the notes above take: the step's panel scrolls
    // instead (at 1280x720 a fidelity note left the editor three lines and hid the output).
    const int line = editor_->fontMetrics().lineSpacing();
    editor_->setMinimumHeight(8 * line);
    output_->setMinimumHeight(5 * line);
    layout->addWidget(split, 1);

    setRunController(nullptr);
    connect(run_, &QPushButton::clicked, this, &CodePanel::runInPython);
    connect(stop_, &QPushButton::clicked, this, &CodePanel::stop);
    connect(reset_, &QPushButton::clicked, this, &CodePanel::resetToLesson);
    connect(both_, &QPushButton::clicked, this, &CodePanel::runBothRequested);
    connect(hint_, &QPushButton::clicked, this, [this] {
        if (exercise_) output_->setStatus(tr("Hint: %1").arg(exercise_->hint), true);
    });
    connect(solution_, &QPushButton::clicked, this, &CodePanel::showSolution);
    connect(editor_, &QPlainTextEdit::textChanged, this, &CodePanel::saveEdit);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    shortcut->setWhatsThis(tr("Run the code in Python (in the code editor)"));
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &CodePanel::runInPython);
    auto* enter = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), this);
    enter->setWhatsThis(shortcut->whatsThis());
    enter->setContext(Qt::WidgetWithChildrenShortcut);
    connect(enter, &QShortcut::activated, this, &CodePanel::runInPython);
    setInterpreter(saved_interpreter());
}

CodePanel::~CodePanel() {
    stop();
}

void CodePanel::setInterpreter(const QString& python) {
    python_ = python;
    // The name at once, its version and GIL when the interpreter has answered (asked in the
    // background: the window must not wait for it).
    const auto show = [this](const QString& text) {
        interpreter_->setText(text);
        interpreter_->setToolTip(text);
    };
    show(known_interpreter_description(python).value_or(python.isEmpty() ? QStringLiteral("python3")
                                                                         : python));
    describe_interpreter(python, interpreter_, [this, python, show](const QString& description) {
        if (python == python_) show(description); // not a choice since replaced
    });
}

void CodePanel::setRunBothAvailable(bool available) {
    both_->setVisible(available && !exercise_);
}

void CodePanel::setFidelityNote(const QString& text) {
    fidelity_->setText(text);
    fidelity_->setVisible(!text.isEmpty());
}

QString CodePanel::fidelityNote() const {
    return fidelity_->text();
}

gui::RunController* CodePanel::runController() const {
    return runs_.data();
}

void CodePanel::setRunController(gui::RunController* runs) {
    if (runs_ && runs_ == runs) return;
    stop();
    if (runs_) runs_->disconnect(this);
    run_id_ = 0;
    adopted_ = false;
    if (!runs) {
        if (!own_runs_) {
            own_runs_ = new gui::RunController(this);
            own_runs_->setBaselineEnabled(false);
        }
        runs = own_runs_;
    }
    runs_ = runs;
    connect(runs_, &gui::RunController::started, this, &CodePanel::onRunStarted);
    connect(runs_, &gui::RunController::outputArrived, this, &CodePanel::onOutput);
    connect(runs_, &gui::RunController::finished, this, &CodePanel::onRunEnded);
    connect(runs_, &gui::RunController::failed, this, &CodePanel::onRunFailed);
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
    emit wasReset();
}

void CodePanel::showSolution() {
    if (!exercise_) return;
    output_->clear();
    output_->append(tr("# The reference solution (your code is unchanged):\n") + exercise_->solution, false);
}

bool CodePanel::isRunning() const {
    return run_id_ != 0;
}

void CodePanel::runInPython() {
    if (isRunning()) return;
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

void CodePanel::beginOutput() {
    out_decoder_.resetState();
    err_decoder_.resetState();
    streamed_out_ = 0;
    streamed_err_ = 0;
}

void CodePanel::onOutput(quint64 id, const QByteArray& bytes, bool is_stderr) {
    if (id == 0 || id != run_id_) return;
    (is_stderr ? streamed_err_ : streamed_out_) += bytes.size();
    const QString text = (is_stderr ? err_decoder_ : out_decoder_).decode(bytes);
    if (!text.isEmpty()) output_->append(text, is_stderr);
}

void CodePanel::runCode(const QString& code) {
    beginOutput();
    adopted_ = false;
    ran_code_ = code;
    run_->setEnabled(false);
    stop_->setEnabled(true);
    output_->setStatus(tr("Running in %1…").arg(python_.isEmpty() ? QStringLiteral("python3") : python_),
                       true);
    // started() comes from inside start(): the id is known before any other run can begin.
    starting_ = true;
    const quint64 id =
        runs_->start(program_spec(code, python_, exercise_ ? exercise_->timeout_s : kSnippetTimeoutS));
    starting_ = false;
    if (id != 0) run_id_ = id; // 0: failed() already said why and ended the run
}

void CodePanel::onRunStarted(quint64 id, const ExperimentSpec& spec) {
    if (starting_) return; // our own run
    // Another run on the same controller (the lab's Run) replaced ours: it was cancelled.
    if (run_id_ != 0 && id != run_id_) {
        lessons::ProgramRun replaced;
        replaced.problem = tr("stopped: another run started");
        pending_code_.clear();
        run_id_ = 0;
        adopted_ = false;
        finished(replaced);
    }
    // The lab's Run of an `engine: python` step runs the lesson's snippet: this one's.
    if (run_id_ == 0 && !exercise_ && !snippet_.isEmpty() && spec.engine == EngineKind::Python &&
        spec.script.empty() && QString::fromStdString(spec.source) == snippet_)
        adoptLabRun(id);
}

void CodePanel::adoptLabRun(quint64 id) {
    beginOutput();
    output_->clear();
    result_.reset();
    editor_->markLine(0);
    run_id_ = id;
    adopted_ = true;
    ran_code_ = snippet_;
    run_->setEnabled(false);
    stop_->setEnabled(true);
    output_->setStatus(tr("The step's Run: the lesson's code in %1…")
                           .arg(python_.isEmpty() ? QStringLiteral("python3") : python_),
                       true);
}

void CodePanel::onRunEnded(quint64 id, const Summary& summary) {
    if (id != run_id_ || id == 0) return;
    run_id_ = 0;
    emit summaryArrived(summary);
    const lessons::ProgramRun run = program_run(summary, &runs_->trace()); // the run's events, all in
    // What did not stream (the note on dropped bytes; everything, if nothing streamed).
    const auto rest = [](const std::string& all, qsizetype streamed, QStringDecoder& decoder) -> QString {
        if (qsizetype(all.size()) <= streamed) return {};
        return decoder.decode(QByteArray::fromStdString(all.substr(size_t(streamed))));
    };
    if (const QString out = rest(summary.program_stdout, streamed_out_, out_decoder_); !out.isEmpty())
        output_->append(out, false);
    if (const QString err = rest(summary.program_stderr, streamed_err_, err_decoder_); !err.isEmpty())
        output_->append(err, true);
    finished(run);
}

void CodePanel::onRunFailed(quint64 id, const QString& message) {
    if (run_id_ != 0 && id != run_id_) return;
    if (run_id_ == 0 && !starting_) return;
    run_id_ = 0;
    lessons::ProgramRun failed;
    failed.problem = message;
    pending_code_.clear();
    finished(failed);
}

void CodePanel::stop() {
    pending_code_.clear();
    if (run_id_ != 0 && runs_ && runs_->currentRun() == run_id_) runs_->stop();
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
    const bool edited_since = ran_code_ != editor_->toPlainText();
    if (const int line = program_traceback_line(run.err); line > 0 && !edited_since) {
        const QStringList lines = run.err.trimmed().split(QLatin1Char('\n'));
        editor_->markLine(line, lines.value(lines.size() - 1));
    }
    if (adopted_ && edited_since)
        output_->setStatus(output_->status() + tr(" — the step's Run ran the lesson's code; Run in "
                                                  "Python runs your edits"),
                           run.problem.isEmpty() && run.exit_status == 0);
    adopted_ = false;
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
