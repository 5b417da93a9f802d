// The compare table: pinned runs side by side, one row per run. Columns are the figures a class
// compares across engines and slider settings (lesson 18 pins four engines at once). Wall times
// are shown without slow motion's stretch (comparable_wall_s), so a 10× slow run still compares.
#pragma once

#include "run_record.h"

#include <QAbstractTableModel>
#include <QList>

namespace clab::classroom {

class CompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        Engine,
        Workers,
        WallTime,
        Speedup, // against the sequential baseline, when the run had one
        VsFirst, // the first pinned run's wall time / this run's: "how much faster than run 1"
        CpuTime, // processor time of the run (lesson 16: threads against asyncio)
        PeakMemory,
        GilSwitches,
        LostUpdates,
        LoopLag, // max loop lag, ms
        IpcBytes,
        ColumnCount
    };
    // Raw numbers for sorting and tests (Qt::DisplayRole gives the formatted text).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit CompareModel(QObject* parent = nullptr);

    // At most this many runs side by side. Every pinned run is a full timeline in the Compare window,
    // drawn on the window's thread: eight fit the window (lesson 18 pins four), twenty big ones took
    // seconds to open (a random session stalled there).
    static constexpr int kMaxPinned = 8;

    // Pins a run (no-op if already pinned). Returns its row; -1 if the table is full (kMaxPinned).
    int pin(const RunPtr& run);
    bool isFull() const { return runs_.size() >= kMaxPinned; }
    void unpin(int row);
    void clear();
    bool isPinned(const RunPtr& run) const;
    // The run's figures changed (its baseline arrived, it was renamed elsewhere).
    void refresh(const RunPtr& run);
    RunPtr run(int row) const;
    const QList<RunPtr>& runs() const { return runs_; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override; // rename

signals:
    void pinnedChanged();

private:
    QVariant sortValue(const RunRecord& run, int column) const;
    QString displayText(const RunRecord& run, int column) const;

    QList<RunPtr> runs_;
};

} // namespace clab::classroom
