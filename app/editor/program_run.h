// The editor's code as a run of the `python` engine (core/python): the spec that runs it, and what
// its Summary means in the editor's terms (a ProgramRun: output, exit status, the figures that
// exercises and `expect: python.X` lines read). One way to run a student's program, whether the
// window draws it (through the lab's RunController) or a test runs it headless (run_program).
#pragma once

#include "core/experiment/spec.h"
#include "core/experiment/summary.h"
#include "core/trace/trace.h"
#include "lessons/exercise_checker.h"

#include <QString>

namespace clab::editor {

// `code` run by `python` (empty: python3 on PATH); a run still going after `timeout_s` is stopped.
ExperimentSpec program_spec(const QString& code, const QString& python, double timeout_s);

// What a finished python-engine run left behind: stdout, stderr, exit status, whether it was
// stopped or timed out or never ran, and every summary figure it measured, by its `expect:` name;
// with the run's events also the program figures (lessons::program_figures()).
lessons::ProgramRun program_run(const Summary& summary, const Trace* trace = nullptr);

// The most threads (besides each process's main thread) alive at one moment, from their recorded
// starts and exits (WorkerStart/WorkerExit on thread lanes); a thread never seen to exit counts
// until the end.
int max_threads_alive(const Trace& trace);

// Runs `code` to the end (or the timeout) on the python engine, without a window: the lesson tests.
lessons::ProgramRun run_program(const QString& code, double timeout_s, const QString& python = {});

// The line of the editor's code where a traceback on stderr ends (the last frame in the program's
// file, which the engine names …/clab-snippet-PID-XXXXXX/snippet.py), or 0.
int program_traceback_line(const QString& stderr_text);

} // namespace clab::editor
