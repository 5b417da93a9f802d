#include "lesson_navigator_model.h"

#include "progress_marks.h"

#include <QFont>

namespace clab::gui {

namespace {
// internalId: 0 for lesson rows; lesson index + 1 for step rows (so parent() needs no lookup).
constexpr quintptr kLessonRow = 0;
} // namespace

LessonNavigatorModel::LessonNavigatorModel(QObject* parent)
    : QAbstractItemModel(parent) {}

void LessonNavigatorModel::setLessons(const QList<lessons::Lesson>& lessons) {
    beginResetModel();
    lessons_ = lessons;
    endResetModel();
}

QString LessonNavigatorModel::markKey(const QString& lesson_id, int step) {
    return lesson_id + QLatin1Char('#') + QString::number(step);
}

void LessonNavigatorModel::setVisited(const QString& lesson_id, int step, bool visited) {
    const QString key = markKey(lesson_id, step);
    if (visited_.contains(key) == visited) return;
    if (visited)
        visited_.insert(key);
    else
        visited_.remove(key);
    markChanged(lesson_id, step);
}

void LessonNavigatorModel::setAnswered(const QString& lesson_id, int step, bool answered) {
    const QString key = markKey(lesson_id, step);
    if (answered_.contains(key) == answered) return;
    if (answered)
        answered_.insert(key);
    else
        answered_.remove(key);
    markChanged(lesson_id, step);
}

void LessonNavigatorModel::setSolved(const QString& lesson_id, int step, int solved) {
    const QString key = markKey(lesson_id, step);
    if (solved_.value(key) == solved) return;
    if (solved > 0)
        solved_.insert(key, solved);
    else
        solved_.remove(key);
    markChanged(lesson_id, step);
}

int LessonNavigatorModel::solved(const QString& lesson_id, int step) const {
    return solved_.value(markKey(lesson_id, step));
}

int LessonNavigatorModel::solvedCount(int lesson) const {
    int n = 0;
    for (int s = 0; s < lessons_[lesson].steps.size(); ++s)
        n += solved(lessons_[lesson].id, s);
    return n;
}

int LessonNavigatorModel::exerciseCount(int lesson) const {
    int n = 0;
    for (const lessons::Step& step : lessons_[lesson].steps)
        n += int(step.exercises.size());
    return n;
}

bool LessonNavigatorModel::visited(const QString& lesson_id, int step) const {
    return visited_.contains(markKey(lesson_id, step));
}

bool LessonNavigatorModel::answered(const QString& lesson_id, int step) const {
    return answered_.contains(markKey(lesson_id, step));
}

void LessonNavigatorModel::clearProgress() {
    visited_.clear();
    answered_.clear();
    solved_.clear();
    if (lessons_.isEmpty()) return;
    // Every row's marks may change: announce it lesson by lesson (a dataChanged range stays in one parent).
    emit dataChanged(index(0, 0), index(int(lessons_.size()) - 1, 0));
    for (int l = 0; l < lessons_.size(); ++l)
        if (!lessons_[l].steps.isEmpty())
            emit dataChanged(indexOf(l, 0), indexOf(l, int(lessons_[l].steps.size()) - 1));
}

void LessonNavigatorModel::markChanged(const QString& lesson_id, int step) {
    for (int l = 0; l < lessons_.size(); ++l) {
        if (lessons_[l].id != lesson_id) continue;
        const QModelIndex lesson_row = indexOf(l);
        emit dataChanged(lesson_row, lesson_row);
        if (step >= 0 && step < lessons_[l].steps.size()) {
            const QModelIndex step_row = indexOf(l, step);
            emit dataChanged(step_row, step_row);
        }
    }
}

int LessonNavigatorModel::visitedCount(int lesson) const {
    int n = 0;
    for (int s = 0; s < lessons_[lesson].steps.size(); ++s)
        n += visited(lessons_[lesson].id, s) ? 1 : 0;
    return n;
}

QModelIndex LessonNavigatorModel::indexOf(int lesson, int step) const {
    if (lesson < 0 || lesson >= lessons_.size()) return {};
    if (step < 0) return createIndex(lesson, 0, kLessonRow);
    if (step >= lessons_[lesson].steps.size()) return {};
    return createIndex(step, 0, quintptr(lesson) + 1);
}

QModelIndex LessonNavigatorModel::index(int row, int column, const QModelIndex& parent) const {
    if (column != 0 || row < 0) return {};
    if (!parent.isValid()) return row < lessons_.size() ? createIndex(row, 0, kLessonRow) : QModelIndex();
    if (parent.internalId() != kLessonRow || parent.column() != 0) return {}; // steps have no children
    return indexOf(parent.row(), row);
}

QModelIndex LessonNavigatorModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kLessonRow) return {};
    return createIndex(int(child.internalId() - 1), 0, kLessonRow);
}

int LessonNavigatorModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return int(lessons_.size());
    if (parent.column() != 0 || parent.internalId() != kLessonRow) return 0;
    return parent.row() < lessons_.size() ? int(lessons_[parent.row()].steps.size()) : 0;
}

int LessonNavigatorModel::columnCount(const QModelIndex&) const {
    return 1;
}

Qt::ItemFlags LessonNavigatorModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant LessonNavigatorModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.column() != 0) return {};
    const bool is_lesson = index.internalId() == kLessonRow;
    const int lesson = is_lesson ? index.row() : int(index.internalId() - 1);
    if (lesson >= lessons_.size()) return {};
    const lessons::Lesson& l = lessons_[lesson];
    const int step = is_lesson ? -1 : index.row();
    if (!is_lesson && step >= l.steps.size()) return {};

    switch (role) {
    case Qt::DisplayRole:
        if (is_lesson) return QStringLiteral("%1. %2").arg(l.number).arg(l.title);
        if (const int exercises = int(l.steps[step].exercises.size()); exercises > 0)
            // The count before the title: a narrow navigator elides the end of the line.
            return tr("%1  %3/%4 solved · %2")
                .arg(step + 1)
                .arg(l.steps[step].title)
                .arg(solved(l.id, step))
                .arg(exercises);
        return QStringLiteral("%1  %2").arg(step + 1).arg(l.steps[step].title);
    case Qt::ToolTipRole: {
        const int exercises = is_lesson ? exerciseCount(lesson) : int(l.steps[step].exercises.size());
        const QString solved_text = exercises > 0
                                        ? tr("Exercises solved: %1 of %2")
                                              .arg(is_lesson ? solvedCount(lesson) : solved(l.id, step))
                                              .arg(exercises)
                                        : QString();
        if (is_lesson) {
            QString tip = l.summary.isEmpty() ? l.title
                                              : QStringLiteral("<b>%1</b><br>%2")
                                                    .arg(l.title.toHtmlEscaped(), l.summary.toHtmlEscaped());
            return solved_text.isEmpty() ? tip : tip + QStringLiteral("<br>") + solved_text;
        }
        const QString seen = answered(l.id, step)  ? tr("Visited; prediction answered")
                             : visited(l.id, step) ? tr("Visited")
                                                   : tr("Not visited yet");
        return solved_text.isEmpty() ? seen : seen + QStringLiteral(". ") + solved_text;
    }
    case Qt::DecorationRole:
        if (is_lesson)
            return lesson_progress_icon(
                l.steps.isEmpty() ? 0.0 : double(visitedCount(lesson)) / double(l.steps.size()));
        return step_mark_icon(answered(l.id, step)  ? StepMark::Answered
                              : visited(l.id, step) ? StepMark::Visited
                                                    : StepMark::NotVisited);
    case Qt::FontRole:
        if (is_lesson) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case LessonIndexRole:
        return lesson;
    case StepIndexRole:
        return step;
    case VisitedRole:
        return is_lesson ? visitedCount(lesson) == l.steps.size() && !l.steps.isEmpty() : visited(l.id, step);
    case AnsweredRole:
        return is_lesson ? false : answered(l.id, step);
    case SolvedRole:
        return is_lesson ? solvedCount(lesson) : solved(l.id, step);
    case ExercisesRole:
        return is_lesson ? exerciseCount(lesson) : int(l.steps[step].exercises.size());
    case ProgressRole:
        return is_lesson ? QStringLiteral("%1/%2").arg(visitedCount(lesson)).arg(l.steps.size()) : QVariant();
    default:
        return {};
    }
}

QHash<int, QByteArray> LessonNavigatorModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(LessonIndexRole, "lessonIndex");
    names.insert(StepIndexRole, "stepIndex");
    names.insert(VisitedRole, "visited");
    names.insert(AnsweredRole, "answered");
    names.insert(ProgressRole, "progress");
    names.insert(SolvedRole, "solved");
    names.insert(ExercisesRole, "exercises");
    return names;
}

} // namespace clab::gui
