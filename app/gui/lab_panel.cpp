#include "lab_panel.h"

#include "baseline.h"
#include "control_catalog.h"
#include "controls_panel.h"
#include "core/trace/io_latency.h"
#include "flow_layout.h"
#include "latency_histogram.h"
#include "run_controller.h"
#include "summary_panel.h"
#include "timeline_pane.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::gui {

namespace {
// "ThreadPoolExecutor" for "thread-pool": the engine control's own words.
QString engine_title(const QString& engine) {
    if (const ControlDef* def = find_control(QStringLiteral("engine"))) {
        const qsizetype i = def->choices.indexOf(engine);
        if (i >= 0 && i < def->choice_labels.size()) return def->choice_labels[i];
    }
    return engine;
}
} // namespace

LabPanel::LabPanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("labPanel"));
    controller_ = new RunController(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    split_ = new QSplitter(Qt::Vertical, this);
    split_->setObjectName(QStringLiteral("labSplitter"));
    split_->setChildrenCollapsible(false);

    auto* top = new QGroupBox(tr("Experiment"), split_);
    top->setObjectName(QStringLiteral("experimentBox"));
    auto* top_layout = new QVBoxLayout(top);
    auto* buttons = new FlowLayout; // wraps in a narrow lab (1280 px, presenter fonts), never cuts
    run_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run"), top);
    run_->setObjectName(QStringLiteral("runButton"));
    run_->setToolTip(tr("Run the experiment (Space)"));
    run_->setDefault(false);
    stop_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"), top);
    stop_->setObjectName(QStringLiteral("stopButton"));
    stop_->setToolTip(tr("Stop the run (Esc)"));
    stop_->setEnabled(false);
    reset_ = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Reset"), top);
    reset_->setObjectName(QStringLiteral("resetButton"));
    reset_->setToolTip(tr("Put every control back to the step's values"));
    engine_label_ = new QLabel(tr("Engine:"), top);
    engine_choice_ = new QComboBox(top);
    engine_choice_->setObjectName(QStringLiteral("compareEngine"));
    engine_choice_->setToolTip(tr("Which engine Run uses; Run all runs every one of them in turn"));
    engine_label_->setBuddy(engine_choice_);
    compare_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Run all"), top);
    compare_->setObjectName(QStringLiteral("compareButton"));
    compare_->setToolTip(tr("Run the same experiment on every engine of this step, one after another, "
                            "then show them side by side"));
    description_ = new QLabel(top);
    description_->setObjectName(QStringLiteral("experimentDescription"));
    description_->setWordWrap(true);
    running_label_ = new QLabel(top);
    running_label_->setObjectName(QStringLiteral("runningLabel"));
    buttons->addWidget(run_);
    buttons->addWidget(stop_);
    buttons->addWidget(reset_);
    buttons->addWidget(engine_label_);
    buttons->addWidget(engine_choice_);
    buttons->addWidget(compare_);
    buttons->addWidget(running_label_);
    top_layout->addLayout(buttons);
    top_layout->addWidget(description_); // its own line: a long description wraps, never cut
    controls_ = new ControlsPanel(top);
    top_layout->addWidget(controls_);

    timeline_ = make_timeline_pane(split_);
    summary_ = new SummaryPanel(split_);

    split_->addWidget(top);
    split_->addWidget(timeline_);
    split_->addWidget(summary_);
    split_->setStretchFactor(0, 0);
    split_->setStretchFactor(1, 1);
    split_->setStretchFactor(2, 0);
    layout->addWidget(split_);
    top_ = top;
    summary_->installEventFilter(this);
    top_->installEventFilter(this);

    connect(run_, &QPushButton::clicked, this, &LabPanel::run);
    connect(stop_, &QPushButton::clicked, this, &LabPanel::stop);
    connect(reset_, &QPushButton::clicked, this, &LabPanel::resetControls);
    connect(compare_, &QPushButton::clicked, this, &LabPanel::runCompare);
    connect(engine_choice_, &QComboBox::currentIndexChanged, this, &LabPanel::updateDescription);
    connect(controls_, &ControlsPanel::specChanged, this, &LabPanel::updateDescription);

    connect(controller_, &RunController::started, this, [this](quint64 run, const ExperimentSpec& spec) {
        if (run <= ignore_up_to_) return; // a run of a step no longer shown
        clock_.start();
        timeline_->beginRun(spec, controller_->sharedTrace());
        summary_->showRunning(tr("Running: %1…").arg(describe_spec(spec)));
        emit runStarted(spec);
    });
    connect(controller_, &RunController::eventsArrived, this,
            [this](quint64 run, const std::vector<Event>& batch) {
                if (run <= ignore_up_to_) return; // a run of a step no longer shown
                timeline_->updateRun(controller_->trace(), batch);
                running_label_->setText(tr("%1 s").arg(clock_.elapsed() / 1000.0, 0, 'f', 1));
            });
    connect(controller_, &RunController::finished, this, [this](quint64 run, const Summary& summary) {
        if (run <= ignore_up_to_) return; // a run of a step no longer shown
        timeline_->finishRun(controller_->trace(), summary);
        summary_->latencyHistogram()->setRun(io_latencies(controller_->trace()), summary.spec);
        summary_->showSummary(summary);
        running_label_->clear();
        emit runFinished(summary);
        emit status(summary_headline(summary).text);
    });
    connect(controller_, &RunController::baselineStarted, this, [this](quint64 run) {
        if (run <= ignore_up_to_) return;
        summary_->setBaselineNote(tr("Measuring the sequential baseline for the speedup…"));
        emit status(tr("Measuring the sequential baseline (the same work, one task after another)…"));
    });
    connect(controller_, &RunController::summaryUpdated, this, [this](quint64 run, const Summary& summary) {
        if (run <= ignore_up_to_) return; // a run of a step no longer shown
        summary_->showSummary(summary);
        const double least_s = sequential_wait_s(sequential_baseline(summary.spec));
        summary_->setBaselineNote(
            summary.baseline_wall_s > 0 ? QString()
            : least_s > controller_->baselineTimeout()
                ? tr("No sequential baseline: one task after another would wait at least %1 s, so it was "
                     "not measured and there is no speedup.")
                      .arg(least_s, 0, 'f', 0)
                : tr("No sequential baseline: it did not finish in time, so no speedup."));
        emit summaryUpdated(summary);
    });
    connect(controller_, &RunController::failed, this, [this](quint64 run, const QString& message) {
        if (run <= ignore_up_to_) return; // a run of a step no longer shown
        summary_->clear();
        summary_->showRunning(tr("The experiment could not run: %1").arg(message));
        endCompare();
        emit runFailed(message);
    });
    connect(controller_, &RunController::busyChanged, this, &LabPanel::onBusyChanged);
    setStep(lessons::Step{});
}

LabPanel::~LabPanel() {
    shutdown();
}

void LabPanel::setStep(const lessons::Step& step) {
    if (controller_->busy()) controller_->stop();
    ignore_up_to_ = controller_->currentRun();
    timeline_->clear();
    running_label_->clear();
    has_experiment_ = step.has_experiment;
    timeline_->setEmptyText(step.has_experiment ? QString() : tr("This step has no experiment to draw."));
    endCompare();
    compare_engines_ = step.has_experiment ? step.compare : QStringList{};
    {
        const QSignalBlocker quiet(engine_choice_);
        engine_choice_->clear();
        for (const QString& engine : compare_engines_)
            engine_choice_->addItem(engine_title(engine), engine);
        const int own = engine_choice_->findData(QString::fromLatin1(to_string(step.spec.engine).data()));
        engine_choice_->setCurrentIndex(std::max(own, 0));
    }
    for (QWidget* w : {static_cast<QWidget*>(engine_label_), static_cast<QWidget*>(engine_choice_),
                       static_cast<QWidget*>(compare_)})
        w->setVisible(!compare_engines_.isEmpty());
    compare_->setText(tr("Run all %1").arg(compare_engines_.size()));
    controls_->setStep(step.spec, step.has_experiment ? step.controls : QList<lessons::Control>{});
    controls_->setVisible(step.has_experiment);
    run_->setEnabled(step.has_experiment);
    reset_->setEnabled(step.has_experiment);
    updateDescription();
    summary_->clear(step.has_experiment
                        ? tr("Press Run (Space) to start the experiment. The numbers of the run appear here.")
                        : tr("This step has no experiment. Read on, then press Next."));
}

bool LabPanel::busy() const {
    return controller_->busy();
}

ExperimentSpec LabPanel::runSpec() const {
    ExperimentSpec spec = controls_->spec();
    if (!controls_->keys().contains(QStringLiteral("time_scale"))) spec.time_scale = time_scale_;
    if (!compare_engines_.isEmpty())
        if (const auto engine = parse_engine(engine_choice_->currentData().toString().toStdString()))
            spec.engine = *engine;
    return spec;
}

void LabPanel::run() {
    if (!has_experiment_) return;
    controller_->start(runSpec());
}

void LabPanel::runCompare() {
    if (!has_experiment_ || compare_engines_.isEmpty()) return;
    if (controller_->busy()) controller_->stop();
    compare_queue_ = compare_engines_;
    compare_total_ = int(compare_engines_.size());
    startNextCompared();
}

void LabPanel::startNextCompared() {
    if (compare_total_ == 0) return;
    if (compare_queue_.isEmpty()) {
        const int runs = compare_total_;
        endCompare();
        emit compareFinished(runs);
        return;
    }
    const QString engine = compare_queue_.takeFirst();
    {
        const QSignalBlocker quiet(engine_choice_); // the chooser follows, so the timeline's title is right
        engine_choice_->setCurrentIndex(engine_choice_->findData(engine));
    }
    updateDescription();
    const int done = compare_total_ - int(compare_queue_.size());
    emit status(tr("Run all: %1 (%2 of %3)…").arg(engine_title(engine)).arg(done).arg(compare_total_));
    if (controller_->start(runSpec()) == 0) endCompare();
}

void LabPanel::endCompare() {
    compare_queue_.clear();
    compare_total_ = 0;
}

void LabPanel::stop() {
    endCompare(); // Stop ends a "Run all" too
    if (!controller_->busy()) return;
    controller_->stop();
    emit status(tr("Stopping…"));
}

void LabPanel::resetControls() {
    controls_->resetToDefaults();
}

void LabPanel::highlight(const lessons::Notice& notice) {
    timeline_->highlight(notice);
}

void LabPanel::shutdown() {
    controller_->shutdown();
}

void LabPanel::onBusyChanged(bool busy) {
    stop_->setEnabled(busy);
    run_->setText(busy ? tr("Run again") : tr("Run"));
    emit busyChanged(busy);
    if (!busy) {
        running_label_->clear();
        emit settled();
        // "Run all": the next engine once this run and its baseline are done. Queued, so every
        // listener of settled() sees this run before the next one starts.
        if (comparing()) QTimer::singleShot(0, this, &LabPanel::startNextCompared);
    }
}

void LabPanel::fitPanels() {
    if (fit_pending_) return;
    fit_pending_ = true;
    // The layout settles first (new rows, a font change); then the splitter makes room.
    QTimer::singleShot(0, this, [this] {
        fit_pending_ = false;
        QList<int> sizes = split_->sizes();
        if (sizes.size() != 3) return;
        for (int i : {0, 2}) {
            QWidget* panel = split_->widget(i);
            const int needed = panel->hasHeightForWidth() ? panel->heightForWidth(panel->width())
                                                          : panel->minimumSizeHint().height();
            panel->setMinimumHeight(std::min(needed, height() / 2)); // a dragged handle cannot clip it
            if (sizes[i] >= needed) continue;
            const int take = std::min(needed - sizes[i], std::max(0, sizes[1] - timeline_->minimumHeight()));
            sizes[1] -= take;
            sizes[i] += take;
        }
        if (sizes != split_->sizes()) split_->setSizes(sizes);
    });
}

bool LabPanel::eventFilter(QObject* watched, QEvent* event) {
    // New rows, a note, presenter mode's large figures: the summary's layout asks to be redone.
    if ((watched == summary_ || watched == top_) &&
        (event->type() == QEvent::LayoutRequest || event->type() == QEvent::Resize))
        fitPanels();
    return QWidget::eventFilter(watched, event);
}

void LabPanel::updateDescription() {
    description_->setText(has_experiment_ ? describe_spec(runSpec()) : tr("No experiment in this step."));
}

} // namespace clab::gui
