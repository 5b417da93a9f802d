#include "compare_model.h"

#include "core/experiment/runner.h"
#include "gui/baseline.h"
#include "gui/summary_text.h"

#include <QLocale>

namespace clab::classroom {

namespace {
QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Counters only mean something for the engines that produce them: show a dash, not a "0"
// that a student could read as a measurement.
// Runs with Python threads sharing one GIL: threads, but also asyncio (the loop and its to_thread
// workers) and a process pool's parent (main, manager and feeder threads). Plain processes each
// have a GIL of their own with nobody to switch to.
bool has_gil(const ExperimentSpec& s) {
    return s.gil != GilMode::Off && s.engine != EngineKind::Processes;
}
bool has_ipc(const ExperimentSpec& s) {
    return s.engine == EngineKind::Processes || s.engine == EngineKind::ProcessPool;
}
bool has_counter(const ExperimentSpec& s) {
    return s.workload == WorkloadKind::Counter;
}
const QString kDash = QStringLiteral("–");

QString bytes_text(uint64_t bytes) {
    return QLocale::c().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat);
}
} // namespace

CompareModel::CompareModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int CompareModel::pin(const RunPtr& run) {
    if (!run) return -1;
    const int existing = int(runs_.indexOf(run));
    if (existing >= 0) return existing;
    if (isFull()) return -1;
    const int row = int(runs_.size());
    beginInsertRows(QModelIndex(), row, row);
    runs_.append(run);
    endInsertRows();
    // "vs first" of every row depends on row 0, which only changes when row 0 changes.
    emit pinnedChanged();
    return row;
}

void CompareModel::unpin(int row) {
    if (row < 0 || row >= runs_.size()) return;
    beginRemoveRows(QModelIndex(), row, row);
    runs_.removeAt(row);
    endRemoveRows();
    if (row == 0 && !runs_.isEmpty())
        emit dataChanged(index(0, VsFirst), index(int(runs_.size()) - 1, VsFirst));
    emit pinnedChanged();
}

void CompareModel::clear() {
    if (runs_.isEmpty()) return;
    beginResetModel();
    runs_.clear();
    endResetModel();
    emit pinnedChanged();
}

void CompareModel::refresh(const RunPtr& run) {
    const int row = int(runs_.indexOf(run));
    if (row < 0) return;
    // Row 0 feeds every row's "vs run 1".
    const int last = row == 0 ? int(runs_.size()) - 1 : row;
    emit dataChanged(index(row, 0), index(last, ColumnCount - 1));
}

bool CompareModel::isPinned(const RunPtr& run) const {
    return runs_.contains(run);
}

RunPtr CompareModel::run(int row) const {
    return row >= 0 && row < runs_.size() ? runs_[row] : nullptr;
}

int CompareModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(runs_.size());
}
int CompareModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompareModel::sortValue(const RunRecord& r, int column) const {
    const Summary& s = r.summary;
    switch (column) {
    case Name:
        return r.name;
    case Engine:
        return qs(to_string(r.spec.engine));
    case Workers:
        return workers_used(r.spec);
    case WallTime:
        return comparable_wall_s(s);
    case Speedup:
        return s.speedup;
    case VsFirst: {
        const double first = comparable_wall_s(runs_.front()->summary);
        const double mine = comparable_wall_s(s);
        return mine > 0 ? first / mine : 0.0;
    }
    case CpuTime:
        return s.cpu_s;
    case PeakMemory:
        return s.peak_rss_mb;
    case GilSwitches:
        return qulonglong(s.gil_switches);
    case LostUpdates:
        return qulonglong(s.lost_updates);
    case LoopLag:
        return s.max_loop_lag_s * 1e3;
    case IpcBytes:
        return qulonglong(s.ipc_bytes);
    default:
        return {};
    }
}

QString CompareModel::displayText(const RunRecord& r, int column) const {
    const Summary& s = r.summary;
    const QVariant v = sortValue(r, column);
    switch (column) {
    case Name:
    case Engine:
        return v.toString();
    case Workers:
        return QString::number(v.toInt());
    case WallTime: {
        QString text = QStringLiteral("%1 s").arg(v.toDouble(), 0, 'f', 3);
        if (!s.completed) text += s.cancelled ? QStringLiteral(" (stopped)") : QStringLiteral(" (failed)");
        return text;
    }
    case Speedup:
        return s.speedup > 0 && gui::speedup_applies(r.spec) ? QStringLiteral("%1×").arg(s.speedup, 0, 'f', 2)
                                                             : kDash;
    case VsFirst:
        return v.toDouble() > 0 ? QStringLiteral("%1×").arg(v.toDouble(), 0, 'f', 2) : kDash;
    case CpuTime:
        return QStringLiteral("%1 s").arg(v.toDouble(), 0, 'f', 3);
    case PeakMemory:
        return s.peak_rss_mb > 0 ? QStringLiteral("%1 MB").arg(s.peak_rss_mb, 0, 'f', 1) : kDash;
    case GilSwitches:
        return has_gil(r.spec) ? QString::number(s.gil_switches) : kDash;
    case LostUpdates:
        return has_counter(r.spec) ? QStringLiteral("%1 of %2").arg(s.lost_updates).arg(s.counter_expected)
                                   : kDash;
    case LoopLag:
        return gui::loop_lag_applies(s) ? QStringLiteral("%1 ms").arg(v.toDouble(), 0, 'f', 1) : kDash;
    case IpcBytes:
        return has_ipc(r.spec) ? bytes_text(s.ipc_bytes) : kDash;
    default:
        return {};
    }
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const RunRecord& r = *runs_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return displayText(r, index.column());
    case Qt::EditRole:
        return index.column() == Name ? QVariant(r.name) : sortValue(r, index.column());
    case SortRole:
        return sortValue(r, index.column());
    case Qt::TextAlignmentRole:
        return index.column() <= Engine ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                        : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == Name) return describe_spec(r.spec);
        if (index.column() == WallTime && r.spec.time_scale > 1)
            return tr("Ran %1 s in slow motion (%2×); shown at normal speed.")
                .arg(r.summary.wall_s, 0, 'f', 3)
                .arg(r.spec.time_scale);
        if (index.column() == Speedup) return tr("Sequential run of the same work ÷ this run's wall time.");
        if (index.column() == VsFirst) return tr("The first pinned run's wall time ÷ this run's.");
        if (index.column() == CpuTime) return tr("Processor time the run used, on all cores together.");
        if (index.column() == PeakMemory)
            return tr("The most memory the run held at once, children included.");
        return {};
    default:
        return {};
    }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;
    switch (section) {
    case Name:
        return tr("Run");
    case Engine:
        return tr("Engine");
    case Workers:
        return tr("Workers");
    case WallTime:
        return tr("Wall time");
    case Speedup:
        return tr("Speedup");
    case VsFirst:
        return tr("vs run 1");
    case CpuTime:
        return tr("CPU time");
    case PeakMemory:
        return tr("Peak memory");
    case GilSwitches:
        return tr("GIL switches");
    case LostUpdates:
        return tr("Lost updates");
    case LoopLag:
        return tr("Loop lag");
    case IpcBytes:
        return tr("IPC bytes");
    default:
        return {};
    }
}

Qt::ItemFlags CompareModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == Name) f |= Qt::ItemIsEditable;
    return f;
}

bool CompareModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.column() != Name)
        return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty()) return false;
    runs_[index.row()]->name = name;
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, SortRole});
    return true;
}

} // namespace clab::classroom
