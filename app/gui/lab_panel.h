// The lab: Run / Stop / Reset, the step's controls, the live timeline and the summary of the
// last run. Owns the RunController; the main window hands it steps and listens for results.
#pragma once

#include "core/experiment/summary.h"
#include "lessons/lesson.h"
#include "timeline_pane.h"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;

namespace clab::gui {

class ControlsPanel;
class RunController;
class SummaryPanel;

class LabPanel : public QWidget {
    Q_OBJECT
public:
    explicit LabPanel(QWidget* parent = nullptr);
    ~LabPanel() override;

    // Shows a step's experiment (or says there is none). Stops a run still going.
    void setStep(const lessons::Step& step);
    bool hasExperiment() const { return has_experiment_; }

    ControlsPanel* controls() const { return controls_; }
    TimelinePane* timeline() const { return timeline_; }
    SummaryPanel* summary() const { return summary_; }
    RunController* controller() const { return controller_; }
    QSplitter* splitter() const { return split_; }

    bool busy() const;
    // Slow motion (classroom): runs stretch by `scale` unless the step has its own time_scale control.
    void setTimeScale(double scale) { time_scale_ = scale; }
    double timeScale() const { return time_scale_; }
    // The spec Run would start now.
    ExperimentSpec runSpec() const;
    // The engines of the step's `compare:` line (empty in an ordinary step). In such a step an engine
    // chooser picks which one Run starts, and "Run all" runs each in turn.
    const QStringList& compareEngines() const { return compare_engines_; }
    bool comparing() const { return compare_total_ > 0; }

public slots:
    void run();
    void stop();
    // Runs the same experiment on every engine of the step's compare list, one after another
    // (each with its baseline), then emits compareFinished. Does nothing in an ordinary step.
    void runCompare();
    void resetControls();
    void highlight(const clab::lessons::Notice& notice);
    void shutdown(); // cancel and join (quit)

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void runStarted(const clab::ExperimentSpec& spec);
    void runFinished(const clab::Summary& summary);    // first result (maybe before the baseline)
    void summaryUpdated(const clab::Summary& summary); // with the baseline's speedup
    void runFailed(const QString& message);
    void busyChanged(bool busy);
    void status(const QString& text); // for the status bar
    void settled();                   // the run and its baseline are done
    void compareFinished(int runs);   // "Run all" completed: the last `runs` runs are the comparison

private:
    void onBusyChanged(bool busy);
    // The experiment box and the summary show all they have: they take the height they need from
    // the timeline (which scrolls) rather than clip a wrapped description or the summary's last row.
    void fitPanels();
    void updateDescription();
    void startNextCompared(); // runCompare's next engine, or compareFinished
    void endCompare();

    RunController* controller_ = nullptr;
    ControlsPanel* controls_ = nullptr;
    TimelinePane* timeline_ = nullptr;
    SummaryPanel* summary_ = nullptr;
    QSplitter* split_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* reset_ = nullptr;
    QLabel* engine_label_ = nullptr;
    QComboBox* engine_choice_ = nullptr; // compare steps only
    QPushButton* compare_ = nullptr;     // compare steps only
    QLabel* description_ = nullptr;
    QLabel* running_label_ = nullptr;
    QElapsedTimer clock_;
    double time_scale_ = 1.0;
    bool has_experiment_ = false;
    quint64 ignore_up_to_ = 0; // results of these runs belong to an earlier step
    QStringList compare_engines_;
    QStringList compare_queue_; // engines "Run all" has yet to start
    int compare_total_ = 0;     // engines of the "Run all" under way; 0: none
    bool fit_pending_ = false;
    QWidget* top_ = nullptr; // the experiment box
};

} // namespace clab::gui
