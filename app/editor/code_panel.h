// One python snippet of a step as a place to work: the editor, Run in Python (Ctrl+Enter), Stop,
// "Reset to the lesson's code", the interpreter in use, and the output pane. In exercise mode it
// also shows the task, a hint and the hidden reference solution, and grades every run with the
// exercise's checks. Edits are saved as they are made (CodeStore); the lesson file is never touched.
//
// Runs go through the `python` engine and a RunController (program_run.h): in the window it is the
// lab's, so the program is drawn on the lab's timeline and summary like any engine run, and the
// lab's Stop ends it too. A panel on its own (tests) runs on a controller of its own. The output
// pane shows what the program prints while it runs (RunController::outputArrived). The lab's own
// Run of an `engine: python` step runs this snippet (the lesson's code): the panel whose snippet it
// is shows that run's output and ending as if Run in Python had started it.
#pragma once

#include "lessons/exercise.h"
#include "lessons/exercise_checker.h"

#include <QPointer>
#include <QStringDecoder>
#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;

namespace clab {
struct Summary;
struct ExperimentSpec;
namespace gui {
class RunController;
}
} // namespace clab

namespace clab::editor {

class CodeEditor;
class CodeStore;
class OutputPane;

class CodePanel : public QWidget {
    Q_OBJECT
public:
    CodePanel(CodeStore* store, QWidget* parent = nullptr);
    ~CodePanel() override; // a run of ours still going is stopped

    // Snippet `index` (from 0) of step `step` (from 1) of lesson `lesson`, as the lesson writes it.
    void setSnippet(const QString& lesson, int step, int index, const QString& original);
    // Exercise `index` of the step: the editor holds the student's code, or the starting code.
    void setExercise(const QString& lesson, int step, int index, const lessons::Exercise& exercise);
    void setInterpreter(const QString& python);
    // Where runs go: the lab's controller (drawn on its timeline). nullptr: a controller of its own.
    void setRunController(gui::RunController* runs);
    // Shows "Run both" (a snippet of a step with an experiment): runBothRequested() when pressed.
    void setRunBothAvailable(bool available);
    // The last "Run both"'s fidelity note under the buttons; empty hides it.
    void setFidelityNote(const QString& text);
    QString fidelityNote() const;
    gui::RunController* runController() const;

    CodeEditor* editor() const { return editor_; }
    OutputPane* output() const { return output_; }
    bool isRunning() const;
    std::optional<lessons::ExerciseResult> lastResult() const { return result_; }

public slots:
    void runInPython(); // a syntax error marks its line and nothing runs
    void stop();
    void resetToLesson();
    void showSolution();

signals:
    void runFinished(const clab::lessons::ProgramRun& run);
    // The engine's summary of the same run (the timeline's), for Run both's fidelity note.
    void summaryArrived(const clab::Summary& summary);
    void solved(); // an exercise passed all its checks
    void runBothRequested();
    void wasReset(); // "Reset to the lesson's code": the step's edits and solved marks are gone

private:
    void runCode(const QString& code);
    void onRunStarted(quint64 id, const ExperimentSpec& spec);
    void adoptLabRun(quint64 id); // the lab's Run of this snippet: shown here like our own
    void beginOutput();
    void onOutput(quint64 id, const QByteArray& bytes, bool is_stderr);
    void onRunEnded(quint64 id, const Summary& summary);
    void onRunFailed(quint64 id, const QString& message);
    void finished(const lessons::ProgramRun& run);
    void grade(const lessons::ProgramRun& run);
    void saveEdit();
    QString original() const; // the lesson's code: the snippet, or the exercise's starting code

    CodeStore* store_;
    CodeEditor* editor_ = nullptr;
    OutputPane* output_ = nullptr;
    QPointer<gui::RunController> runs_;
    gui::RunController* own_runs_ = nullptr; // made when no lab's controller is given
    quint64 run_id_ = 0;                     // our run on runs_, 0 when none goes
    bool adopted_ = false;                   // run_id_ is the lab's Run of the lesson's code
    QString ran_code_;                       // the code run_id_ runs (tracebacks name its lines)
    // The output as it comes: one decoder per stream (a character may be split between two
    // polls), and how many bytes of each were shown, so the end adds only what did not stream.
    QStringDecoder out_decoder_{QStringDecoder::Utf8};
    QStringDecoder err_decoder_{QStringDecoder::Utf8};
    qsizetype streamed_out_ = 0;
    qsizetype streamed_err_ = 0;
    QLabel* task_ = nullptr;
    QLabel* interpreter_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* reset_ = nullptr;
    QPushButton* both_ = nullptr;
    QLabel* fidelity_ = nullptr;
    QPushButton* hint_ = nullptr;
    QPushButton* solution_ = nullptr;

    QString lesson_;
    int step_ = 0;
    int index_ = 0;
    QString snippet_;
    std::optional<lessons::Exercise> exercise_;
    QString python_;
    bool loading_ = false;
    bool starting_ = false; // inside runs_->start(): its started()/failed() are about our run
    // Grading a check that compares with the starting code runs that first, then the student's code.
    std::optional<lessons::ProgramRun> start_run_;
    QString pending_code_;
    std::optional<lessons::ExerciseResult> result_;
};

} // namespace clab::editor
