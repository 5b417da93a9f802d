// The table of contents: lessons at the top level, their steps below, with progress marks
// (visited steps, answered predictions). A plain item model over a copy of the lesson list, so
// the QTreeView and the tests see the same thing.
#pragma once

#include "lessons/lesson.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>

namespace clab::gui {

class LessonNavigatorModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        LessonIndexRole = Qt::UserRole + 1, // int: position in the lesson list
        StepIndexRole,                      // int: 0-based step, -1 on a lesson row
        VisitedRole,                        // bool
        AnsweredRole,                       // bool (step: its prediction was answered)
        ProgressRole,                       // lesson rows: "2/4"
        SolvedRole,                         // int: exercises solved (of the step, or of the lesson)
        ExercisesRole,                      // int: exercises there are (of the step, or of the lesson)
    };

    explicit LessonNavigatorModel(QObject* parent = nullptr);

    void setLessons(const QList<lessons::Lesson>& lessons);
    const QList<lessons::Lesson>& lessons() const { return lessons_; }

    // Progress marks, keyed by lesson id and 0-based step.
    void setVisited(const QString& lesson_id, int step, bool visited = true);
    void setAnswered(const QString& lesson_id, int step, bool answered = true);
    bool visited(const QString& lesson_id, int step) const;
    bool answered(const QString& lesson_id, int step) const;
    // How many of the step's exercises the student solved.
    void setSolved(const QString& lesson_id, int step, int solved);
    int solved(const QString& lesson_id, int step) const;
    void clearProgress();

    QModelIndex indexOf(int lesson, int step = -1) const; // step -1: the lesson row

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    static QString markKey(const QString& lesson_id, int step);
    void markChanged(const QString& lesson_id, int step);
    int visitedCount(int lesson) const;
    int solvedCount(int lesson) const;
    int exerciseCount(int lesson) const;

    QList<lessons::Lesson> lessons_;
    QSet<QString> visited_;
    QSet<QString> answered_;
    QHash<QString, int> solved_;
};

} // namespace clab::gui
