// "Run both": the step's experiment on its engine, then the student's python snippet in the real
// interpreter, one after the other on the lab's controller (so both are drawn and kept in the run
// history), then the two pinned side by side in Compare with a fidelity note measured in that run
// (editor/fidelity.h). Waits for the engine run's baseline before starting python3, so neither run
// competes with the other for the cores.
#pragma once

#include "core/experiment/summary.h"

#include <QObject>
#include <QPointer>

namespace clab::gui {
class LabPanel;
}
namespace clab::editor {
class CodePanel;
}

namespace clab::classroom {

class ClassroomController;

class RunBoth : public QObject {
    Q_OBJECT
public:
    RunBoth(gui::LabPanel* lab, ClassroomController* classroom, QObject* parent = nullptr);

    // Starts both runs for `panel`'s code; `reveal` is the step's revealed figure (may be empty).
    void start(editor::CodePanel* panel, const QString& reveal);
    bool running() const { return phase_ != Phase::Idle; }
    QString lastNote() const { return note_; }

signals:
    // Both ran and are pinned: the fidelity note. Or one of them did not finish: why, and nothing pinned.
    void finished(bool compared, const QString& note);

private:
    enum class Phase { Idle, Engine, Python };
    void engineSettled();
    void pythonFinished();
    void end(bool compared, const QString& note);

    gui::LabPanel* lab_;
    ClassroomController* classroom_;
    QPointer<editor::CodePanel> panel_;
    QString reveal_;
    Phase phase_ = Phase::Idle;
    Summary engine_;
    Summary python_;
    bool python_arrived_ = false;
    QString note_;
};

} // namespace clab::classroom
