// The student's code, kept with QSettings between sessions, apart from the lesson files (which are
// never modified): each edited snippet of each step, and each exercise they solved with the code
// that solved it. Keyed by the lesson's short name and the step's number, like LessonProgress.
#pragma once

#include <QSettings>
#include <QString>
#include <memory>
#include <optional>

namespace clab::editor {

class CodeStore {
public:
    CodeStore();                            // the application's settings
    explicit CodeStore(const QString& ini); // a settings file of its own (tests)

    // What the student made of snippet `snippet` (from 0) of `step` (from 1); nothing if unchanged.
    std::optional<QString> snippet(const QString& lesson, int step, int snippet) const;
    // Keeps `code`; code equal to `original` (the lesson's) is forgotten instead.
    void setSnippet(const QString& lesson, int step, int snippet, const QString& code,
                    const QString& original);

    // The code the student is working on for exercise `exercise` (from 0), and whether it solved it.
    std::optional<QString> exerciseCode(const QString& lesson, int step, int exercise) const;
    void setExerciseCode(const QString& lesson, int step, int exercise, const QString& code,
                         const QString& start);
    void markSolved(const QString& lesson, int step, int exercise, const QString& code);
    bool solved(const QString& lesson, int step, int exercise) const;
    int solvedCount(const QString& lesson) const; // for the navigator's progress marks

    // Resetting progress (of a lesson, or of the whole course when `lesson` is empty) forgets the
    // solved marks; the student's code stays.
    void forgetSolved(const QString& lesson = {});

    // "Reset to the lesson's code": forgets the step's edits, exercise code and solved marks.
    void resetStep(const QString& lesson, int step);
    void sync() { settings_->sync(); }

private:
    std::unique_ptr<QSettings> settings_;
};

} // namespace clab::editor
