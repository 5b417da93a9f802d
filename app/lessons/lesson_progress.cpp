#include "lesson_progress.h"

#include <algorithm>

namespace clab::lessons {

namespace {
const QString kGroup = QStringLiteral("progress");

QString key(const QString& lesson, const QString& what) {
    return QStringLiteral("%1/%2/%3").arg(kGroup, lesson, what);
}
} // namespace

LessonProgress::LessonProgress()
    : settings_(std::make_unique<QSettings>()) {}

LessonProgress::LessonProgress(const QString& ini)
    : settings_(std::make_unique<QSettings>(ini, QSettings::IniFormat)) {}

void LessonProgress::markVisited(const QString& lesson, int step) {
    QList<int> steps = visitedSteps(lesson);
    if (steps.contains(step)) return;
    steps.append(step);
    std::sort(steps.begin(), steps.end());
    QVariantList stored;
    for (int s : steps)
        stored.append(s);
    settings_->setValue(key(lesson, QStringLiteral("visited")), stored);
}

bool LessonProgress::visited(const QString& lesson, int step) const {
    return visitedSteps(lesson).contains(step);
}

QList<int> LessonProgress::visitedSteps(const QString& lesson) const {
    QList<int> steps;
    for (const QVariant& value : settings_->value(key(lesson, QStringLiteral("visited"))).toList()) {
        bool ok = false;
        const int step = value.toInt(&ok);
        if (ok && step > 0 && !steps.contains(step)) steps.append(step);
    }
    std::sort(steps.begin(), steps.end());
    return steps;
}

bool LessonProgress::completed(const QString& lesson, int step_count) const {
    const QList<int> steps = visitedSteps(lesson);
    for (int step = 1; step <= step_count; ++step)
        if (!steps.contains(step)) return false;
    return step_count > 0;
}

void LessonProgress::setPrediction(const QString& lesson, int step, const Answer& answer) {
    const QString base = key(lesson, QStringLiteral("prediction/%1/").arg(step));
    settings_->setValue(base + QStringLiteral("numeric"), answer.numeric);
    settings_->setValue(base + QStringLiteral("value"),
                        answer.numeric ? QVariant(answer.number) : QVariant(answer.choice));
}

std::optional<Answer> LessonProgress::prediction(const QString& lesson, int step) const {
    const QString base = key(lesson, QStringLiteral("prediction/%1/").arg(step));
    const QVariant value = settings_->value(base + QStringLiteral("value"));
    if (!value.isValid()) return std::nullopt;
    Answer answer;
    answer.numeric = settings_->value(base + QStringLiteral("numeric")).toBool();
    bool ok = false;
    if (answer.numeric)
        answer.number = value.toDouble(&ok);
    else
        answer.choice = value.toInt(&ok);
    if (!ok) return std::nullopt;
    return answer;
}

void LessonProgress::setCheckAnswer(const QString& lesson, int step, int question, int choice) {
    settings_->setValue(key(lesson, QStringLiteral("check/%1/%2").arg(step).arg(question)), choice);
}

std::optional<int> LessonProgress::checkAnswer(const QString& lesson, int step, int question) const {
    const QVariant value =
        settings_->value(key(lesson, QStringLiteral("check/%1/%2").arg(step).arg(question)));
    bool ok = false;
    const int choice = value.toInt(&ok);
    if (!value.isValid() || !ok) return std::nullopt;
    return choice;
}

void LessonProgress::setLastPosition(const QString& lesson, int step) {
    settings_->setValue(QStringLiteral("position/lesson"), lesson);
    settings_->setValue(QStringLiteral("position/step"), step);
}

std::optional<std::pair<QString, int>> LessonProgress::lastPosition() const {
    const QString lesson = settings_->value(QStringLiteral("position/lesson")).toString();
    const int step = settings_->value(QStringLiteral("position/step")).toInt();
    if (lesson.isEmpty() || step < 1) return std::nullopt;
    return std::make_pair(lesson, step);
}

void LessonProgress::resetLesson(const QString& lesson) {
    settings_->remove(QStringLiteral("%1/%2").arg(kGroup, lesson));
}

void LessonProgress::resetAll() {
    settings_->remove(kGroup);
    settings_->remove(QStringLiteral("position"));
}

} // namespace clab::lessons
