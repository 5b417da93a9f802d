// The code of one step, editable: a tab per python snippet and per exercise, each a CodePanel.
// The step view shows it under the step's text; empty steps hide it.
#pragma once

#include "lessons/lesson.h"

#include <QWidget>

class QTabWidget;

namespace clab::gui {
class RunController;
}

namespace clab::editor {

class CodePanel;
class CodeStore;

class StepCode : public QWidget {
    Q_OBJECT
public:
    explicit StepCode(QWidget* parent = nullptr, CodeStore* store = nullptr);
    ~StepCode() override;

    // Shows step `step` (0-based) of `lesson`; false when it has no python snippet and no exercise.
    bool setStep(const lessons::Lesson& lesson, int step);
    QList<CodePanel*> panels() const;
    // Runs of every panel go to `runs` (the lab's: drawn on its timeline); nullptr: each its own.
    void setRunController(gui::RunController* runs);
    CodeStore* store() const { return store_; }

    // The step's Markdown with each python snippet replaced by a line pointing at its editor tab:
    // the code is shown once, where it can be edited and run.
    static QString textWithoutSnippets(const QString& markdown);

signals:
    void solved(); // an exercise of this step was just solved
    // A solved mark came or went (solved, or "Reset to the lesson's code"): the progress marks follow.
    void exercisesChanged();
    // "Run both" on a snippet of a step with an experiment: its engine run, then `panel`'s code.
    void runBothRequested(clab::editor::CodePanel* panel);

private:
    CodeStore* store_;
    bool own_store_ = false;
    QTabWidget* tabs_ = nullptr;
    gui::RunController* runs_ = nullptr;
};

} // namespace clab::editor
