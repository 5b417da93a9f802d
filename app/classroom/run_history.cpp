#include "run_history.h"

#include "plots/memory_release.h"

namespace clab::classroom {

RunHistory::RunHistory(QObject* parent)
    : QAbstractListModel(parent) {}

void RunHistory::setLimits(int runs, size_t budget_bytes) {
    max_runs_ = std::max(1, runs);
    budget_bytes_ = budget_bytes;
    enforceLimits();
    emit limitsChanged();
}

int RunHistory::add(RunPtr run) {
    if (!run) return -1;
    ++counter_;
    if (run->name.isEmpty())
        run->name = QStringLiteral("Run %1 · %2").arg(counter_).arg(describe_spec(run->spec));
    if (!run->created.isValid()) run->created = QDateTime::currentDateTime();
    const int row = int(runs_.size());
    beginInsertRows(QModelIndex(), row, row);
    runs_.append(run);
    endInsertRows();
    emit runAdded(run);
    enforceLimits();
    return rowOf(run);
}

void RunHistory::enforceLimits() {
    while (runs_.size() > 1 && (runs_.size() > max_runs_ || bytesHeld() > budget_bytes_))
        remove(0);
    emit heldChanged();
}

size_t RunHistory::bytesHeld() const {
    size_t n = 0;
    for (const RunPtr& r : runs_)
        n += run_bytes(*r);
    return n;
}

RunPtr RunHistory::run(int row) const {
    return row >= 0 && row < runs_.size() ? runs_[row] : nullptr;
}

void RunHistory::remove(int row) {
    if (row < 0 || row >= runs_.size()) return;
    beginRemoveRows(QModelIndex(), row, row);
    const RunPtr gone = runs_.takeAt(row);
    endRemoveRows();
    emit runRemoved(gone);
    emit heldChanged();
    // The run's events go once nothing else shows it (a replay window may still).
    if (gone.use_count() == 1 && run_bytes(*gone) > (size_t(4) << 20)) plots::release_freed_memory_soon();
}

void RunHistory::touch(const RunPtr& run) {
    const int row = rowOf(run);
    if (row >= 0) emit dataChanged(index(row), index(row));
}

int RunHistory::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(runs_.size());
}

QVariant RunHistory::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const RunRecord& r = *runs_[index.row()];
    switch (role) {
    case Qt::DisplayRole: {
        QString text = QStringLiteral("%1 — %2 s").arg(r.name).arg(comparable_wall_s(r.summary), 0, 'f', 3);
        if (!r.summary.completed) text += r.summary.cancelled ? tr(" (stopped)") : tr(" (failed)");
        if (!r.bookmarks.isEmpty()) text += QStringLiteral("  🔖%1").arg(r.bookmarks.size());
        return text;
    }
    case Qt::EditRole:
        return r.name;
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2\n%3 events, finished %4")
            .arg(r.name, describe_spec(r.spec))
            .arg(r.trace->events.size())
            .arg(r.created.toString(QStringLiteral("HH:mm:ss")));
    default:
        return {};
    }
}

Qt::ItemFlags RunHistory::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool RunHistory::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid)) return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty()) return false;
    runs_[index.row()]->name = name;
    emit dataChanged(index, index);
    return true;
}

} // namespace clab::classroom
