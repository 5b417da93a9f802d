#include "run_controller.h"

#include "fork_gate_hook.h"

#include <QMetaType>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace clab::gui {

namespace {
constexpr int kPollMs = 25; // 40 updates a second: smooth, and cheap next to the engines
}

RunController::RunController(QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<clab::Summary>();
    qRegisterMetaType<clab::ExperimentSpec>();
    poll_.setInterval(kPollMs);
    poll_.setTimerType(Qt::PreciseTimer);
    connect(&poll_, &QTimer::timeout, this, &RunController::poll);
    watchEventLoopForForks(); // under ASan only (fork_gate_hook.h)
}

RunController::~RunController() {
    shutdown();
}

quint64 RunController::start(const ExperimentSpec& spec) {
    if (main_) retire(std::move(main_));
    if (baseline_) retire(std::move(baseline_));
    const quint64 id = next_id_++;
    run_id_ = id;
    trace_ = std::make_shared<Trace>(); // whoever shares the last run's events keeps them
    last_summary_ = Summary{};
    last_summary_.spec = spec;

    auto runner = std::make_unique<Runner>();
    // We drain every event into trace_ as it comes: the Runner need not copy and merge them again.
    if (!runner->start(spec, nullptr, EventReader::Caller)) {
        const QString message = QString::fromStdString(runner->error());
        setBusy();
        emit failed(id, message.isEmpty() ? tr("The experiment could not start.") : message);
        return 0;
    }
    main_ = std::move(runner);
    poll_.start();
    setBusy();
    emit started(id, spec);
    return id;
}

void RunController::stop() {
    if (main_) main_->cancel(); // finished() follows from poll() once the engine has wound down
    if (baseline_) retire(std::move(baseline_));
    setBusy();
}

void RunController::shutdown() {
    poll_.stop();
    // Nobody reads these runs any more: their threads end as soon as the engines have stopped,
    // without merging what they recorded (all of them stop together, then each is joined).
    if (main_) main_->abandon();
    if (baseline_) baseline_->abandon();
    for (auto& r : retiring_)
        r->abandon();
    // Runner's destructor joins its thread; every engine ends within 200 ms of a cancel.
    main_.reset();
    baseline_.reset();
    retiring_.clear();
    setBusy();
}

void RunController::retire(std::unique_ptr<Runner> runner) {
    runner->abandon(); // its summary and trace are never read
    retiring_.push_back(std::move(runner));
    poll_.start();
}

void RunController::poll() {
    // Forget runners that were cancelled and have ended by now (deleting them joins a finished thread).
    std::erase_if(retiring_, [](const std::unique_ptr<Runner>& r) { return r->finished(); });
    if (main_) pollMain();
    if (baseline_) pollBaseline();
    if (!main_ && !baseline_ && retiring_.empty()) poll_.stop();
    setBusy();
}

void RunController::pollMain() {
    const bool ended = main_->finished(); // read before draining, so the last drain sees everything
    std::vector<Event> batch;
    main_->recorder().drain(batch);
    trace_->lanes = main_->recorder().lanes();
    if (trace_->origin_ns == 0) trace_->origin_ns = main_->recorder().origin_ns();
    if (!batch.empty()) trace_->append(batch);
    Runner* const polled = main_.get();
    pollOutput(*polled);
    if (main_.get() != polled) return; // a slot started another run meanwhile
    emit eventsArrived(run_id_, batch);
    if (main_.get() != polled) return; // a slot started another run meanwhile
    if (!ended) return;

    Summary summary = main_->wait();
    main_.reset();
    // The events are all in trace_ now (drained after the run had ended): what they say.
    Runner::sum_up_events(*trace_, trace_->end_ns(), summary);
    // The events grew by doubling: up to half the vector is spare room, and the finished run is
    // kept as it is (the history, the lab's timeline, replays) - a lock-heavy step's 3 M events sat in
    // 96 MB. Nothing holds a pointer into the events across this (views look them up when asked).
    std::vector<Event>& events = trace_->events;
    if (events.capacity() - events.size() > events.size() / 8) events.shrink_to_fit();
#ifdef __GLIBC__
    // The run's transient copies (the Runner's own trace, drain batches, the stores' growth) are
    // free now; glibc keeps freed heap pages mapped unless asked, and a session's resident memory
    // would stay at the peak of its largest run (issue 19).
    malloc_trim(0);
#endif
    last_summary_ = summary;
    const quint64 id = run_id_;
    // A real program (the python engine) has no sequential twin to measure a speedup against.
    if (!summary.completed || !baseline_enabled_ || summary.spec.engine == EngineKind::Python) {
        emit finished(id, summary);
        return;
    }
    if (spec_key(summary.spec) == spec_key(sequential_baseline(summary.spec))) {
        baselines_.store(summary.spec, summary.wall_s); // a sequential run is its own baseline
    }
    if (const auto wall = baselines_.find(summary.spec)) {
        apply_baseline(summary, *wall);
        last_summary_ = summary;
        emit finished(id, summary);
        return;
    }
    emit finished(id, summary);
    if (run_id_ == id && !main_) startBaseline(); // unless a slot started another run meanwhile
}

void RunController::pollOutput(Runner& runner) {
    const quint64 id = run_id_;
    for (ProgramOutput::Chunk& chunk : runner.output().drain()) {
        emit outputArrived(id, QByteArray::fromStdString(chunk.bytes),
                           chunk.stream == ProgramOutput::Stream::Err);
        if (main_.get() != &runner) return; // a slot started another run meanwhile
    }
}

void RunController::startBaseline() {
    ExperimentSpec spec = sequential_baseline(last_summary_.spec);
    if (sequential_wait_s(spec) > baseline_timeout_s_) {
        // It would time out for sure (1000 requests of 100 ms one after another take 100 s): say so
        // at once instead of keeping the lab busy for nothing.
        emit summaryUpdated(run_id_, last_summary_);
        return;
    }
    spec.timeout_s = baseline_timeout_s_;
    auto runner = std::make_unique<Runner>();
    // Its events are dropped as they come (pollBaseline): only its wall time counts.
    if (!runner->start(spec, nullptr, EventReader::Caller)) return; // no speedup then; the summary says so
    baseline_ = std::move(runner);
    baseline_clock_.start();
    poll_.start();
    emit baselineStarted(run_id_);
}

void RunController::pollBaseline() {
    // Nobody looks at the baseline's events: drop them as they come so memory stays flat.
    std::vector<Event> discard;
    baseline_->recorder().drain(discard);
    if (!baseline_->finished()) {
        if (baseline_clock_.elapsed() > qint64(baseline_timeout_s_ * 1000) + 1000)
            retire(std::move(baseline_));
        if (!baseline_) emit summaryUpdated(run_id_, last_summary_);
        return;
    }
    const Summary base = baseline_->wait();
    baseline_.reset();
    if (base.completed && base.wall_s > 0) {
        baselines_.store(last_summary_.spec, base.wall_s);
        apply_baseline(last_summary_, base.wall_s);
    }
    emit summaryUpdated(run_id_, last_summary_);
}

void RunController::setBusy() {
    const bool now = busy();
    if (now == was_busy_) return;
    was_busy_ = now;
    emit busyChanged(now);
}

} // namespace clab::gui
