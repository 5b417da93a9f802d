// RunController: runs experiments for the window without ever blocking it.
//
// A clab::Runner executes the run on its own thread; a QTimer on the GUI thread drains the run's
// Recorder into a Trace at ~40 Hz and announces the new events. The Runner copies none of them
// (EventReader::Caller): they are held once, and a run that ends, Stop or not, is summed up here
// (Runner::sum_up_events) without the Runner copying and merging millions of events first. Then the
// controller emits finished(), measures (or takes from its cache) the sequential baseline and emits
// summaryUpdated() with the speedup. Every run has an id; anything arriving for an older id is
// dropped. Stop cancels; a Runner replaced by the next run, or still going when the window closes,
// is abandoned (Runner::abandon) and parked until its thread has ended, so Run can be pressed again
// at once and the window closes as soon as the engines have stopped.
//
// Each run records at most its event budget (Runner::kDefaultEventBudget): a run that fills it
// is stopped there, and its summary says why.
#pragma once

#include "baseline.h"
#include "core/experiment/runner.h"
#include "core/trace/trace.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

namespace clab::gui {

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override; // cancels and joins whatever still runs

    // Starts a run (cancelling any earlier one). Returns its id, or 0 if it could not start
    // (failed() was emitted with the reason).
    quint64 start(const ExperimentSpec& spec);
    // Cancels the current run and any baseline measurement. finished() follows with cancelled set.
    void stop();
    // Cancels everything and waits for every thread to end (application quit).
    void shutdown();

    bool running() const { return main_ != nullptr; } // the run itself
    bool measuringBaseline() const { return baseline_ != nullptr; }
    bool busy() const { return running() || measuringBaseline(); }
    quint64 currentRun() const { return run_id_; }
    const Trace& trace() const { return *trace_; } // events of the current (or last) run so far
    // The same events, shared: the timeline and the run history hold this one copy instead of their
    // own (issue 19). The controller appends to it until the run ends and never touches it after:
    // the next run gets a new Trace.
    std::shared_ptr<const Trace> sharedTrace() const { return trace_; }
    const Summary& lastSummary() const { return last_summary_; }
    const BaselineCache& baselines() const { return baselines_; }

    void setBaselineEnabled(bool enabled) { baseline_enabled_ = enabled; }
    void setPollInterval(int ms) { poll_.setInterval(ms); }
    // Longest a baseline may take before it is given up (seconds).
    void setBaselineTimeout(double seconds) { baseline_timeout_s_ = seconds; }
    double baselineTimeout() const { return baseline_timeout_s_; }

signals:
    void started(quint64 run, const clab::ExperimentSpec& spec);
    // A poll of a live run: `batch` holds the events recorded since the last poll (maybe none;
    // each lane's in time order), already appended to trace(). Also the live edge's clock tick.
    void eventsArrived(quint64 run, const std::vector<clab::Event>& batch);
    // What the run's real program (the python engine) printed since the last poll, raw bytes of
    // one stream (a UTF-8 character may be split between two); always before finished().
    void outputArrived(quint64 run, const QByteArray& bytes, bool is_stderr);
    void finished(quint64 run, const clab::Summary& summary);
    // The summary again, now with the baseline's speedup (or a note why there is none).
    void summaryUpdated(quint64 run, const clab::Summary& summary);
    void baselineStarted(quint64 run);
    void failed(quint64 run, const QString& message);
    void busyChanged(bool busy);

private:
    void poll();
    void pollMain();
    void pollOutput(Runner& runner);
    void pollBaseline();
    void startBaseline();
    void retire(std::unique_ptr<Runner> runner);
    void setBusy();

    QTimer poll_;
    quint64 next_id_ = 1;
    quint64 run_id_ = 0;
    std::unique_ptr<Runner> main_;
    std::unique_ptr<Runner> baseline_;
    std::vector<std::unique_ptr<Runner>> retiring_; // cancelled, still ending: deleted once finished
    QElapsedTimer baseline_clock_;
    std::shared_ptr<Trace> trace_ = std::make_shared<Trace>();
    Summary last_summary_;
    BaselineCache baselines_;
    bool baseline_enabled_ = true;
    bool was_busy_ = false;
    double baseline_timeout_s_ = 30.0;
};

} // namespace clab::gui
