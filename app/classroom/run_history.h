// The session's runs, newest last: every finished run lands here (with its trace), so a class can
// go back to "the run before we changed the slider", replay it, pin it for comparison or save it.
// A list model for the history dock; memory stays bounded by dropping the oldest runs (the dock
// says how many are kept): a long class session must not grow without end (issue 19).
#pragma once

#include "run_record.h"

#include <QAbstractListModel>
#include <QList>

namespace clab::classroom {

class RunHistory : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int kDefaultMaxRuns = 20;
    // ~48 MB of events at 24 B each, held once (the lab's timeline shares the newest run's). A class
    // keeps its last few runs; one run of millions of events (a lock-heavy step) stays alone.
    static constexpr size_t kDefaultMaxEvents = 2'000'000;

    explicit RunHistory(QObject* parent = nullptr);

    // Keeps at most `runs` runs and `events` events in total (the oldest go first; the newest run
    // always stays, however large).
    void setLimits(int runs, size_t events);
    int maxRuns() const { return max_runs_; }
    size_t maxEvents() const { return max_events_; }

    // Adds a finished run; names it "Run N · <spec>" when it has no name. Returns its row.
    int add(RunPtr run);
    RunPtr run(int row) const;
    RunPtr latest() const { return runs_.isEmpty() ? nullptr : runs_.back(); }
    int rowOf(const RunPtr& run) const { return int(runs_.indexOf(run)); }
    const QList<RunPtr>& runs() const { return runs_; }
    void remove(int row);
    // A run's bookmarks changed (the view shows their count).
    void touch(const RunPtr& run);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

signals:
    void runAdded(const clab::classroom::RunPtr& run);
    void runRemoved(const clab::classroom::RunPtr& run);
    void limitsChanged();

private:
    void enforceLimits();

    QList<RunPtr> runs_;
    int counter_ = 0;
    int max_runs_ = kDefaultMaxRuns;
    size_t max_events_ = kDefaultMaxEvents;
};

} // namespace clab::classroom
