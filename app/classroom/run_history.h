// The session's runs, newest last: every finished run lands here (with its trace), so a class can
// go back to "the run before we changed the slider", replay it, pin it for comparison or save it.
// A list model for the history dock; memory stays bounded by dropping the oldest runs: at most
// kDefaultMaxRuns runs and a memory budget in bytes for their recorded events (the dock says both,
// and how much is held now): a long class session must not grow without end (issue 19).
#pragma once

#include "run_record.h"

#include <QAbstractListModel>
#include <QList>

namespace clab::classroom {

class RunHistory : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int kDefaultMaxRuns = 20;
    // The events of the runs kept, held once (the lab's timeline and replay windows share them): a
    // class keeps its last few runs; a run of millions of events (a lock-heavy step, 24 B an event)
    // stays alone. The newest run always stays, however large: it is the one on screen.
    static constexpr size_t kDefaultBudgetBytes = size_t(32) << 20;

    explicit RunHistory(QObject* parent = nullptr);

    // Keeps at most `runs` runs and `budget_bytes` of events in total (the oldest go first; the
    // newest run always stays, however large).
    void setLimits(int runs, size_t budget_bytes);
    int maxRuns() const { return max_runs_; }
    size_t budgetBytes() const { return budget_bytes_; }
    // What the kept runs hold now, counted by their containers (see run_bytes()).
    size_t bytesHeld() const;

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
    // bytesHeld() changed (a run came or went).
    void heldChanged();

private:
    void enforceLimits();

    QList<RunPtr> runs_;
    int counter_ = 0;
    int max_runs_ = kDefaultMaxRuns;
    size_t budget_bytes_ = kDefaultBudgetBytes;
};

} // namespace clab::classroom
