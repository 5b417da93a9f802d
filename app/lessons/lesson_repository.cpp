#include "lesson_repository.h"

#include "step_spec.h"

#include <QDir>

namespace clab::lessons {

LessonRepository::LessonRepository(QObject* parent)
    : QObject(parent) {
    debounce_.setSingleShot(true);
    debounce_.setInterval(300);
    connect(&debounce_, &QTimer::timeout, this, &LessonRepository::reload);
    connect(&watcher_, &QFileSystemWatcher::directoryChanged, &debounce_, qOverload<>(&QTimer::start));
    connect(&watcher_, &QFileSystemWatcher::fileChanged, &debounce_, qOverload<>(&QTimer::start));
}

void LessonRepository::setDirectory(const QString& dir) {
    library_.dir = dir.isEmpty() ? default_lessons_dir() : dir;
    reload();
}

void LessonRepository::reload() {
    debounce_.stop();
    library_ = load_lesson_folder(library_.dir);
    watch();
    emit reloaded();
}

// Watches the folder (files added, removed, renamed) and every lesson file (edited in place).
// Editors that save by renaming drop the file from the watch, so the list is rebuilt each time.
void LessonRepository::watch() {
    if (!watcher_.files().isEmpty()) watcher_.removePaths(watcher_.files());
    if (!watcher_.directories().isEmpty()) watcher_.removePaths(watcher_.directories());
    if (!QDir(library_.dir).exists()) return;
    watcher_.addPath(library_.dir);
    QStringList files;
    for (const LessonFile& file : library_.files)
        files.append(file.path);
    if (!files.isEmpty()) watcher_.addPaths(files);
}

} // namespace clab::lessons
