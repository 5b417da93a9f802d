#include "replay_window.h"

#include "bookmarks.h"
#include "timeline_markers.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QShortcut>
#include <QSlider>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::classroom {

namespace {
constexpr int kSliderSteps = 10000;
constexpr int kPlayTickMs = 33;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

bool shown_in_readout(const LaneInfo& lane) {
    return lane.kind != LaneKind::Core && lane.kind != LaneKind::Gil;
}
} // namespace

ReplayWindow::ReplayWindow(RunPtr run, const TimelineFactory& factory, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , run_(std::move(run))
    , cursor_(run_->trace) { // shared: the cursor keeps the trace alive
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Replay — %1").arg(run_->name));
    buildUi(factory);
    show_bookmarks(timeline_, run_->bookmarks);
    toStart();
    resize(1300, 820);
}

void ReplayWindow::buildUi(const TimelineFactory& factory) {
    auto* layout = new QVBoxLayout(this);
    timeline_ = factory ? factory(this, *run_) : new QWidget(this);
    timeline_->setObjectName(QStringLiteral("replayTimeline"));
    layout->addWidget(timeline_, 3);

    auto* bar = new QHBoxLayout;
    auto button = [&](QStyle::StandardPixmap icon, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        b->setAccessibleName(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        bar->addWidget(b);
        return b;
    };
    button(QStyle::SP_MediaSkipBackward, tr("To the start (Home)"), &ReplayWindow::toStart);
    button(QStyle::SP_MediaSeekBackward, tr("One event back (←)"), &ReplayWindow::stepBackward);
    play_ = button(QStyle::SP_MediaPlay, tr("Play slowly / pause (Space)"), &ReplayWindow::togglePlay);
    button(QStyle::SP_MediaSeekForward, tr("One event forward (→)"), &ReplayWindow::stepForward);
    button(QStyle::SP_MediaSkipForward, tr("To the end (End)"), &ReplayWindow::toEnd);
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setRange(0, kSliderSteps);
    slider_->setToolTip(tr("Drag to scrub through the run"));
    slider_->setObjectName(QStringLiteral("replaySlider"));
    slider_->setAccessibleName(tr("Replay position"));
    connect(slider_, &QSlider::valueChanged, this, [this](int v) {
        if (syncing_) return;
        seekSeconds(cursor_.duration_s() * v / kSliderSteps);
    });
    bar->addWidget(slider_, 1);
    time_label_ = new QLabel(this);
    time_label_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("t = 00.000000 s")));
    bar->addWidget(time_label_);
    lane_filter_ = new QComboBox(this);
    lane_filter_->setToolTip(tr("Step through the events of every lane, or of one"));
    lane_filter_->addItem(tr("All lanes"), QVariant::fromValue(uint(kNoLane)));
    for (const LaneInfo& lane : run_->trace->lanes)
        if (shown_in_readout(lane)) lane_filter_->addItem(qs(lane.name), QVariant::fromValue(uint(lane.id)));
    bar->addWidget(lane_filter_);
    speed_ = new QComboBox(this);
    speed_->setToolTip(tr("Playback speed, relative to how fast the run really went"));
    for (const auto& [label, factor] :
         {std::pair{"1/1000×", 1e-3}, {"1/100×", 1e-2}, {"1/10×", 0.1}, {"1×", 1.0}})
        speed_->addItem(QString::fromUtf8(label), factor);
    speed_->setCurrentIndex(1);
    bar->addWidget(speed_);
    auto* mark = new QToolButton(this);
    mark->setText(tr("Bookmark…"));
    mark->setToolTip(tr("Drop a labelled marker at the cursor (B)"));
    connect(mark, &QToolButton::clicked, this, [this] { addBookmarkHere(); });
    bar->addWidget(mark);
    layout->addLayout(bar);

    auto* readout = new QHBoxLayout;
    auto* words = new QVBoxLayout;
    event_label_ = new QLabel(this);
    gil_label_ = new QLabel(this);
    loop_label_ = new QLabel(this);
    for (QLabel* l : {event_label_, gil_label_, loop_label_}) {
        l->setTextFormat(Qt::RichText);
        words->addWidget(l);
    }
    words->addStretch(1);
    readout->addLayout(words, 1);
    lanes_ = new QTableWidget(this);
    lanes_->setColumnCount(2);
    lanes_->setAccessibleName(tr("Lanes at the cursor"));
    lanes_->setAccessibleDescription(tr("The state of every lane at the replay cursor"));
    lanes_->setHorizontalHeaderLabels({tr("Lane"), tr("State at the cursor")});
    lanes_->horizontalHeader()->setStretchLastSection(true);
    lanes_->verticalHeader()->hide();
    lanes_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    lanes_->setSelectionMode(QAbstractItemView::NoSelection);
    lanes_->setFocusPolicy(Qt::NoFocus);
    readout->addWidget(lanes_, 1);
    layout->addLayout(readout, 1);

    play_timer_ = new QTimer(this);
    play_timer_->setInterval(kPlayTickMs);
    connect(play_timer_, &QTimer::timeout, this, &ReplayWindow::playTick);

    auto key = [this](QKeySequence seq, const QString& what, auto slot) {
        auto* s = new QShortcut(seq, this);
        s->setWhatsThis(what); // Help → Keyboard shortcuts lists it
        connect(s, &QShortcut::activated, this, slot);
    };
    key(Qt::Key_Right, tr("One event forward"), &ReplayWindow::stepForward);
    key(Qt::Key_Left, tr("One event back"), &ReplayWindow::stepBackward);
    key(Qt::Key_Home, tr("To the start"), &ReplayWindow::toStart);
    key(Qt::Key_End, tr("To the end"), &ReplayWindow::toEnd);
    key(Qt::Key_Space, tr("Play slowly / pause"), &ReplayWindow::togglePlay);
    key(Qt::Key_B, tr("Bookmark at the cursor"), [this] { addBookmarkHere(); });
}

uint32_t ReplayWindow::laneFilter() const {
    return uint32_t(lane_filter_->currentData().toUInt());
}

void ReplayWindow::stepForward() {
    if (cursor_.step_forward(laneFilter())) refresh();
}
void ReplayWindow::stepBackward() {
    if (cursor_.step_backward(laneFilter())) refresh();
}
void ReplayWindow::seekSeconds(double t_s) {
    cursor_.seek_seconds(t_s);
    refresh();
}
void ReplayWindow::toStart() {
    cursor_.seek_start();
    refresh();
}
void ReplayWindow::toEnd() {
    cursor_.seek_end();
    refresh();
}

void ReplayWindow::togglePlay() {
    if (play_timer_->isActive()) {
        play_timer_->stop();
    } else {
        if (cursor_.time_ns() >= cursor_.end_ns()) cursor_.seek_start();
        play_timer_->start();
    }
    play_->setIcon(
        style()->standardIcon(play_timer_->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void ReplayWindow::playTick() {
    const double speed = speed_->currentData().toDouble();
    const double next = cursor_.time_s() + kPlayTickMs * 1e-3 * speed;
    cursor_.seek_seconds(next);
    refresh();
    if (cursor_.time_ns() >= cursor_.end_ns()) togglePlay();
}

void ReplayWindow::addBookmarkHere(const QString& given) {
    const double t_s = cursor_.time_s();
    if (!given.trimmed().isEmpty()) {
        addBookmarkAt(t_s, given);
        return;
    }
    if (label_dialog_ && label_dialog_->isVisible()) {
        label_dialog_->raise();
        return;
    }
    // Window-modal and answered later (QDialog::open): no nested event loop.
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Bookmark"));
    dialog->setLabelText(tr("Label for the marker at %1 s:").arg(t_s, 0, 'f', 6));
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, t_s](const QString& label) { addBookmarkAt(t_s, label); });
    label_dialog_ = dialog;
    dialog->open();
}

void ReplayWindow::addBookmarkAt(double t_s, const QString& label) {
    if (label.trimmed().isEmpty()) return;
    add_bookmark(*run_, Bookmark{t_s, -1, label.trimmed(), QString(), false});
    show_bookmarks(timeline_, run_->bookmarks);
    emit bookmarksChanged(run_);
}

void ReplayWindow::refresh() {
    const double t = cursor_.time_s();
    {
        const QSignalBlocker block(slider_);
        const double d = cursor_.duration_s();
        slider_->setValue(d > 0 ? int(t / d * kSliderSteps + 0.5) : 0);
    }
    time_label_->setText(QStringLiteral("t = %1 s").arg(t, 0, 'f', 6));
    const QString event = qs(cursor_.describe_current());
    event_label_->setText(tr("<b>Event %1 of %2</b> %3")
                              .arg(cursor_.position())
                              .arg(cursor_.event_count())
                              .arg(event.isEmpty() ? tr("(before the first event)") : event.toHtmlEscaped()));
    const std::vector<uint32_t> holders = cursor_.gil_holders();
    QStringList names;
    for (uint32_t h : holders)
        names << qs(cursor_.lane_name(h)).toHtmlEscaped();
    const size_t waiting = cursor_.gil_waiters();
    gil_label_->setText(holders.empty()
                            ? tr("<b>GIL:</b> nobody holds it · %1 waiting").arg(waiting)
                            : tr("<b>GIL:</b> %1 holds it · %2 waiting").arg(names.join(", ")).arg(waiting));
    const uint32_t task = cursor_.loop_task();
    // Only a run with an event loop has a line about it (a threads replay has none).
    loop_label_->setVisible(std::any_of(run_->trace->lanes.begin(), run_->trace->lanes.end(),
                                        [](const LaneInfo& lane) { return lane.kind == LaneKind::Loop; }));
    loop_label_->setText(
        task == kNoLane ? tr("<b>Event loop:</b> no task step running")
                        : tr("<b>Event loop runs:</b> %1").arg(qs(cursor_.lane_name(task)).toHtmlEscaped()));

    lanes_->setRowCount(0);
    for (const LaneInfo& lane : run_->trace->lanes) {
        if (!shown_in_readout(lane)) continue;
        const int row = lanes_->rowCount();
        lanes_->insertRow(row);
        lanes_->setItem(row, 0, new QTableWidgetItem(qs(lane.name)));
        const SegState s = cursor_.lane_state(lane.id);
        lanes_->setItem(row, 1,
                        new QTableWidgetItem(s == SegState::Count ? QStringLiteral("–")
                                                                  : QString::fromUtf8(seg_state_name(s))));
    }
    show_cursor(timeline_, t);
    emit cursorMoved(t);
}

} // namespace clab::classroom
