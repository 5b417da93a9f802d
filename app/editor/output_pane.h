// What a run of the editor's code printed, as it comes (stderr in red), and how it ended: exit
// status, or the problem that kept it from running. A traceback line that names the program's file
// is a link: clicking it moves the editor there (lineActivated).
#pragma once

#include "lessons/exercise_checker.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace clab::editor {

class OutputPane : public QWidget {
    Q_OBJECT
public:
    explicit OutputPane(QWidget* parent = nullptr);

    void clear();
    void append(const QString& text, bool is_stderr);
    void setStatus(const QString& text, bool ok);
    // The end of a run: its status line from what happened.
    void showEnd(const lessons::ProgramRun& run);
    QString text() const;
    QString status() const;

private:
    QPlainTextEdit* text_ = nullptr;
    QLabel* status_ = nullptr;
};

} // namespace clab::editor
