// Questions asked of the interpreter before a run: does the code compile (a syntax error marks its
// line before anything runs), and which Python is this (version, GIL or free-threaded)?
#pragma once

#include <QString>
#include <optional>

namespace clab::editor {

struct SyntaxProblem {
    int line = 0;    // 1-based line of the editor's code
    QString message; // "SyntaxError: expected ':'"
};

// Compiles `code` with `python` (empty: python3) — compile() only, nothing of the program runs.
// Nothing when it compiles or when there is no interpreter to ask (the run will say so).
std::optional<SyntaxProblem> syntax_problem(const QString& code, const QString& python = {});

// "Python 3.11.2 · GIL" / "Python 3.13.0 · free-threaded", or why there is none. Asked once per name.
QString interpreter_description(const QString& python = {});

} // namespace clab::editor
