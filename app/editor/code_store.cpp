#include "code_store.h"

namespace clab::editor {

namespace {
QString step_group(const QString& lesson, int step) {
    return QStringLiteral("code/%1/step%2").arg(lesson).arg(step);
}
QString snippet_key(const QString& lesson, int step, int snippet) {
    return step_group(lesson, step) + QStringLiteral("/snippet%1").arg(snippet);
}
QString exercise_key(const QString& lesson, int step, int exercise, const char* what) {
    return step_group(lesson, step) + QStringLiteral("/exercise%1_%2").arg(exercise).arg(QLatin1String(what));
}
} // namespace

CodeStore::CodeStore()
    : settings_(std::make_unique<QSettings>()) {}

CodeStore::CodeStore(const QString& ini)
    : settings_(std::make_unique<QSettings>(ini, QSettings::IniFormat)) {}

std::optional<QString> CodeStore::snippet(const QString& lesson, int step, int snippet) const {
    const QVariant value = settings_->value(snippet_key(lesson, step, snippet));
    if (!value.isValid()) return std::nullopt;
    return value.toString();
}

void CodeStore::setSnippet(const QString& lesson, int step, int snippet, const QString& code,
                           const QString& original) {
    if (code == original)
        settings_->remove(snippet_key(lesson, step, snippet));
    else
        settings_->setValue(snippet_key(lesson, step, snippet), code);
}

std::optional<QString> CodeStore::exerciseCode(const QString& lesson, int step, int exercise) const {
    const QVariant value = settings_->value(exercise_key(lesson, step, exercise, "code"));
    if (!value.isValid()) return std::nullopt;
    return value.toString();
}

void CodeStore::setExerciseCode(const QString& lesson, int step, int exercise, const QString& code,
                                const QString& start) {
    if (code == start)
        settings_->remove(exercise_key(lesson, step, exercise, "code"));
    else
        settings_->setValue(exercise_key(lesson, step, exercise, "code"), code);
}

void CodeStore::markSolved(const QString& lesson, int step, int exercise, const QString& code) {
    settings_->setValue(exercise_key(lesson, step, exercise, "solved"), code);
}

bool CodeStore::solved(const QString& lesson, int step, int exercise) const {
    return settings_->contains(exercise_key(lesson, step, exercise, "solved"));
}

int CodeStore::solvedCount(const QString& lesson) const {
    int count = 0;
    settings_->beginGroup(QStringLiteral("code/%1").arg(lesson));
    for (const QString& key : settings_->allKeys())
        if (key.endsWith(QLatin1String("_solved"))) ++count;
    settings_->endGroup();
    return count;
}

void CodeStore::forgetSolved(const QString& lesson) {
    settings_->beginGroup(lesson.isEmpty() ? QStringLiteral("code") : QStringLiteral("code/%1").arg(lesson));
    for (const QString& key : settings_->allKeys())
        if (key.endsWith(QLatin1String("_solved"))) settings_->remove(key);
    settings_->endGroup();
}

void CodeStore::resetStep(const QString& lesson, int step) {
    settings_->remove(step_group(lesson, step));
}

} // namespace clab::editor
