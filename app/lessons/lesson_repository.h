// The lesson folder the app shows, kept up to date: loads it, watches the folder and its files, and
// reloads (debounced: an editor's save is several file events) when anything changes.
#pragma once

#include "lesson_library.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace clab::lessons {

class LessonRepository : public QObject {
    Q_OBJECT
public:
    explicit LessonRepository(QObject* parent = nullptr);

    // Loads `dir` now (empty: default_lessons_dir()) and watches it from then on. Emits reloaded().
    void setDirectory(const QString& dir);
    QString directory() const { return library_.dir; }
    const LessonLibrary& library() const { return library_; }

    // How long to wait after the last file event before reloading (default 300 ms).
    void setDebounceInterval(int ms) { debounce_.setInterval(ms); }

public slots:
    void reload();

signals:
    // The library changed (or was loaded again): re-read lessons and errors from library().
    void reloaded();

private:
    void watch();

    LessonLibrary library_;
    QFileSystemWatcher watcher_;
    QTimer debounce_;
};

} // namespace clab::lessons
