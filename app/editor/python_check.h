// Questions asked of the interpreter before a run: does the code compile (a syntax error marks its
// line before anything runs), and which Python is this (version, GIL or free-threaded)?
#pragma once

#include <QString>
#include <functional>
#include <optional>

class QObject;

namespace clab::editor {

struct SyntaxProblem {
    int line = 0;    // 1-based line of the editor's code
    QString message; // "SyntaxError: expected ':'"
};

// Compiles `code` with `python` (empty: python3) — compile() only, nothing of the program runs.
// Nothing when it compiles or when there is no interpreter to ask (the run will say so).
std::optional<SyntaxProblem> syntax_problem(const QString& code, const QString& python = {});

// "python3 · Python 3.11.2 · GIL" / "… · free-threaded", or why there is none. Asked once per name;
// this one waits for the answer (a dialog validating a choice), so nothing on the way to the first
// window may call it: a pyenv shim takes 0.1-1.5 s to answer.
QString interpreter_description(const QString& python = {});
// The description when it is already known, else nothing (and nothing is asked).
std::optional<QString> known_interpreter_description(const QString& python = {});
// Asks in the background (one process per name however many ask meanwhile) and calls `done` on the
// GUI thread with the description, unless `context` is gone by then. At once when it is known.
void describe_interpreter(const QString& python, QObject* context, std::function<void(const QString&)> done);

} // namespace clab::editor
