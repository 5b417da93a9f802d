// A lesson as the app holds it after parsing a lesson file (format: lessons/README.md).
// Plain data: the parser fills it, the GUI shows it, the CLI and the tests run its experiments.
#pragma once

#include "core/experiment/spec.h"
#include "exercise.h"
#include "printable.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace clab::lessons {

// A slider or a choice the student may move in this step. `key` is an ExperimentSpec field name
// as written in lesson files ("tasks", "switch_interval_ms", "gil", "start_method").
struct Control {
    QString key;
    bool is_choice = false; // engine, gil, start_method, update, lock, lock_order, blocker, offload
    double min = 0;
    double max = 0;
};

struct Prediction {
    QString question;
    QStringList choices;  // multiple choice ...
    int answer = 0;       // ... 1-based index of the right choice
    bool numeric = false; // or a number the student types
    double number = 0;
    double tolerance = 0.3; // relative
    QString reveal;         // the summary metric shown next to the answer after the run ("speedup", "wall_s")
};

struct Notice {
    QString text;
    QString lane;       // "gil", "cores", "loop", "workers", a lane name, or empty
    double from_s = -1; // time range to highlight, seconds from the run's start; -1: none
    double to_s = -1;
};

struct CheckQuestion {
    QString question;
    QStringList choices;
    int answer = 0; // 1-based
    QString explain;
};

struct Step {
    QString title;
    QString markdown; // the step's text with python fences kept and data fences removed
    int line = 0;     // line of the step's heading in the file
    bool has_experiment = false;
    ExperimentSpec spec;
    QList<Control> controls;
    QStringList expects; // "speedup < 1.3", "wall_s 1.6..2.6"
    QStringList compare; // engines to run side by side (lesson 18)
    std::optional<Prediction> prediction;
    QList<Notice> notices;
    QList<CheckQuestion> checks;
    QStringList python_snippets;
    bool is_recap = false;     // the closing `## Recap` step (check questions, no experiment)
    QList<int> python_lines;   // line of each snippet's opening fence, parallel to python_snippets
    QList<Exercise> exercises; // ```exercise blocks, in file order
};

struct Lesson {
    QString id;     // short name: "gil"
    int number = 0; // 4
    QString title;
    QString summary;
    QString file; // absolute path it was read from
    QList<Step> steps;
    QString intro;   // Markdown between the front matter and the first step, often empty
    int id_line = 0; // lines of `id:` and `number:`, for messages about the whole folder
    int number_line = 0;
};

// A problem in a lesson file, printed as "file:line: message". Messages quote the file's text, so
// the printed form shows its control characters escaped.
struct LessonError {
    QString file;
    int line = 0;
    QString message;
    QString toString() const {
        return QStringLiteral("%1:%2: %3").arg(printable(file)).arg(line).arg(printable(message));
    }
};

} // namespace clab::lessons
