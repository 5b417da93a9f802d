#include "puzzle_lookup.h"

#include "lessons/lesson_library.h"
#include "lessons/step_spec.h"

namespace clab::sched_ui {

QString lesson_short_name(const QString& id_or_number) {
    bool number = false;
    id_or_number.toInt(&number);
    if (!number) return id_or_number;
    const lessons::LessonLibrary library = lessons::load_lesson_folder(lessons::default_lessons_dir());
    const lessons::Lesson* lesson = library.find(id_or_number);
    return lesson ? lesson->id : id_or_number;
}

std::vector<const sched::Puzzle*> puzzles_for_step(const QString& lesson, int step) {
    return sched::puzzles_for(lesson_short_name(lesson).toStdString(), step);
}

} // namespace clab::sched_ui
