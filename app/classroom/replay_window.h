// The replay window: a finished run's timeline with a cursor that can be scrubbed, stepped event
// by event (forwards and backwards, on all lanes or one), played slowly, and a readout of what
// every lane, the GIL and the event loop were doing at the cursor (ReplayCursor answers).
#pragma once

#include "replay_cursor.h"
#include "timeline_factory.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QTableWidget;
class QTimer;
class QToolButton;

namespace clab::classroom {

class ReplayWindow : public QWidget {
    Q_OBJECT
public:
    ReplayWindow(RunPtr run, const TimelineFactory& factory, QWidget* parent = nullptr);

    const ReplayCursor& cursor() const { return cursor_; }
    RunPtr run() const { return run_; }
    QWidget* timeline() const { return timeline_; }

public slots:
    void stepForward();
    void stepBackward();
    void seekSeconds(double t_s);
    void toStart();
    void toEnd();
    void togglePlay();
    // Drops a bookmark at the cursor; with `label` empty, asks for one first (without blocking).
    void addBookmarkHere(const QString& label = QString());

signals:
    void bookmarksChanged(const clab::classroom::RunPtr& run);
    void cursorMoved(double t_s);

private:
    void buildUi(const TimelineFactory& factory);
    void refresh();
    uint32_t laneFilter() const;
    void playTick();
    void addBookmarkAt(double t_s, const QString& label);

    RunPtr run_;
    ReplayCursor cursor_;
    QWidget* timeline_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* time_label_ = nullptr;
    QLabel* event_label_ = nullptr;
    QLabel* gil_label_ = nullptr;
    QLabel* loop_label_ = nullptr;
    QTableWidget* lanes_ = nullptr;
    QComboBox* lane_filter_ = nullptr;
    QComboBox* speed_ = nullptr;
    QToolButton* play_ = nullptr;
    QTimer* play_timer_ = nullptr;
    bool syncing_ = false;
    QPointer<QWidget> label_dialog_; // the bookmark's label question, while it is open
};

} // namespace clab::classroom
