// A student's progress through the course, kept with QSettings between sessions: which steps they
// visited, what they answered to each prediction and check, and where they left off. Keyed by the
// lesson's short name, so renumbering lessons keeps progress.
#pragma once

#include <QList>
#include <QSettings>
#include <QString>
#include <memory>
#include <optional>

namespace clab::lessons {

// What a student answered: a choice (1-based) or a number.
struct Answer {
    bool numeric = false;
    int choice = 0;
    double number = 0;
};

class LessonProgress {
public:
    LessonProgress();                            // the application's settings
    explicit LessonProgress(const QString& ini); // a settings file of its own (tests, portable installs)

    void markVisited(const QString& lesson, int step);
    bool visited(const QString& lesson, int step) const;
    QList<int> visitedSteps(const QString& lesson) const; // sorted
    // True when every step 1..step_count was visited.
    bool completed(const QString& lesson, int step_count) const;

    // The answer to the prediction of a step (check questions: use checkAnswer*).
    void setPrediction(const QString& lesson, int step, const Answer& answer);
    std::optional<Answer> prediction(const QString& lesson, int step) const;
    // The answer to check question `question` (from 1) of a step.
    void setCheckAnswer(const QString& lesson, int step, int question, int choice);
    std::optional<int> checkAnswer(const QString& lesson, int step, int question) const;

    void setLastPosition(const QString& lesson, int step);
    std::optional<std::pair<QString, int>> lastPosition() const;

    void resetLesson(const QString& lesson);
    void resetAll();
    void sync() { settings_->sync(); }

private:
    std::unique_ptr<QSettings> settings_;
};

} // namespace clab::lessons
