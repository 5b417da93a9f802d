#include "run_both.h"

#include "classroom_controller.h"
#include "compare_window.h"
#include "editor/code_panel.h"
#include "editor/fidelity.h"
#include "gui/lab_panel.h"
#include "gui/run_controller.h"

namespace clab::classroom {

RunBoth::RunBoth(gui::LabPanel* lab, ClassroomController* classroom, QObject* parent)
    : QObject(parent)
    , lab_(lab)
    , classroom_(classroom) {
    // The engine run's summary, then again with its baseline's speedup: keep the newest.
    const auto keep = [this](const Summary& summary) {
        if (phase_ == Phase::Engine) engine_ = summary;
    };
    connect(lab_, &gui::LabPanel::runFinished, this, keep);
    connect(lab_, &gui::LabPanel::summaryUpdated, this, keep);
    connect(lab_, &gui::LabPanel::settled, this, [this] {
        if (phase_ == Phase::Engine) engineSettled();
    });
    connect(lab_, &gui::LabPanel::runFailed, this, [this](const QString& message) {
        if (phase_ == Phase::Engine)
            end(false, tr("Run both: the engine run could not start: %1").arg(message));
    });
}

void RunBoth::start(editor::CodePanel* panel, const QString& reveal) {
    if (!panel || !lab_->hasExperiment()) return;
    if (lab_->busy()) lab_->stop();
    if (panel_) panel_->disconnect(this); // an earlier Run both's panel
    panel_ = panel;
    reveal_ = reveal;
    engine_ = Summary{};
    python_ = Summary{};
    python_arrived_ = false;
    note_.clear();
    panel->setFidelityNote(tr("Run both: running the step's experiment on its engine first…"));
    phase_ = Phase::Engine;
    lab_->run();
}

void RunBoth::engineSettled() {
    if (!engine_.completed) {
        end(false, tr("Run both: the engine run did not finish (%1), so there is nothing to compare.")
                       .arg(engine_.error.empty() ? tr("stopped") : QString::fromStdString(engine_.error)));
        return;
    }
    if (!panel_) return end(false, {});
    phase_ = Phase::Python;
    connect(panel_, &editor::CodePanel::summaryArrived, this, [this](const Summary& summary) {
        python_ = summary;
        python_arrived_ = true;
    });
    connect(panel_, &editor::CodePanel::runFinished, this, &RunBoth::pythonFinished);
    panel_->setFidelityNote(tr("Run both: now your code in Python…"));
    panel_->runInPython();
    if (!panel_->isRunning() && phase_ == Phase::Python) // a syntax error: the panel marked it
        end(false, tr("Run both: your code did not run (see the output), so there is nothing to compare."));
}

void RunBoth::pythonFinished() {
    if (phase_ != Phase::Python) return;
    if (!python_arrived_ || !python_.completed) {
        end(false, tr("Run both: your code did not finish cleanly (%1), so the runs were not pinned.")
                       .arg(python_.error.empty() ? tr("stopped") : QString::fromStdString(python_.error)));
        return;
    }
    const QString note = editor::fidelity_note(engine_, python_, reveal_);
    if (CompareWindow* compare = classroom_->compareLatest(2)) compare->setNote(note);
    end(true, note);
}

void RunBoth::end(bool compared, const QString& note) {
    phase_ = Phase::Idle;
    note_ = note;
    if (panel_) {
        panel_->disconnect(this);
        panel_->setFidelityNote(note);
    }
    emit finished(compared, note);
}

} // namespace clab::classroom
