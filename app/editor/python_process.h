// Runs the editor's code in a real interpreter, as `python3 main.py` would, from a private
// temporary folder: output as it comes, then a ProgramRun (exit status, output, wall time) for the
// output pane and the exercise checker. The program gets its own session, so Stop (or the timeout)
// ends its whole process tree at once, pool workers included.
//
// This is the editor's own way to run python until the `python` engine (core/python, issue 12)
// traces runs onto the timeline; then Run in Python goes through the run controller instead and
// this stays for the exercise checks and the lesson tests, which need only output and figures.
#pragma once

#include "lessons/exercise_checker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <memory>

namespace clab::editor {

class PythonProcess : public QObject {
    Q_OBJECT
public:
    explicit PythonProcess(QObject* parent = nullptr);
    ~PythonProcess() override; // stops a run still going: nothing outlives the editor

    // The interpreter: a name on PATH ("python3.12") or a path; empty: python3.
    void setInterpreter(const QString& python) { python_ = python; }
    // Starts `code`; a run already going is stopped first. A run still going after `timeout_s` is stopped.
    void start(const QString& code, double timeout_s);
    void stop(); // ends the process tree (SIGKILL to its session) and reports the run as stopped
    bool isRunning() const { return process_ != nullptr; }
    QString scriptPath() const { return script_; } // the file tracebacks name

    // Runs `code` to the end (or the timeout) and returns what happened, for tests and headless checks.
    static lessons::ProgramRun run(const QString& code, double timeout_s, const QString& python = {});

signals:
    void output(const QString& text, bool is_stderr);
    void finished(const clab::lessons::ProgramRun& run);

private:
    void finish(lessons::ProgramRun run);
    void kill_tree();

    QString python_;
    std::unique_ptr<QTemporaryDir> dir_;
    QString script_;
    QProcess* process_ = nullptr;
    QTimer timeout_;
    QElapsedTimer clock_;
    QString out_;
    QString err_;
    bool timed_out_ = false;
    bool stopped_ = false;
};

} // namespace clab::editor
