#include "compare_window.h"

#include "timeline_markers.h"

#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::classroom {

namespace {
constexpr int kLotsPx = 100'000; // "all the rest" for QSplitter::setSizes (it scales to fit)
} // namespace

void CompareWindow::setNote(const QString& text) {
    note_->setText(text);
    note_->setVisible(!text.isEmpty());
}

CompareWindow::CompareWindow(CompareModel* model, TimelineFactory factory, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , model_(model)
    , factory_(std::move(factory)) {
    setWindowTitle(tr("Compare runs"));
    auto* layout = new QVBoxLayout(this);
    note_ = new QLabel(this);
    note_->setObjectName(QStringLiteral("compareNote"));
    note_->setWordWrap(true);
    note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    note_->hide();
    layout->addWidget(note_);
    split_ = new QSplitter(Qt::Vertical, this);
    auto* split = split_;
    layout->addWidget(split);

    table_ = new QTableView(split);
    table_->setAccessibleName(tr("Pinned runs"));
    table_->setAccessibleDescription(tr("The pinned runs' figures side by side"));
    auto* proxy = new QSortFilterProxyModel(table_);
    proxy->setSourceModel(model_);
    proxy->setSortRole(CompareModel::SortRole);
    table_->setModel(proxy);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder); // pin order until the user sorts
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this, proxy](const QPoint& pos) {
        const QModelIndex index = proxy->mapToSource(table_->indexAt(pos));
        if (!index.isValid()) return;
        // popup(), not exec(): no nested event loop while a run streams; the row is looked up
        // again when chosen, since pins may have come and gone meanwhile.
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(tr("Unpin"), this, [this, run = model_->runs().value(index.row())] {
            model_->unpin(int(model_->runs().indexOf(run)));
        });
        menu->addAction(tr("Unpin all"), model_, &CompareModel::clear);
        menu->popup(table_->viewport()->mapToGlobal(pos));
    });

    auto* lower = new QWidget(split);
    auto* lower_layout = new QVBoxLayout(lower);
    lower_layout->setContentsMargins(0, 0, 0, 0);
    legend_ = new QLabel(lower);
    legend_->setObjectName(QStringLiteral("compareLegend"));
    legend_->setWordWrap(true);
    legend_->setTextFormat(Qt::RichText);
    lower_layout->addWidget(legend_);
    auto* scroll = new QScrollArea(lower);
    lower_layout->addWidget(scroll, 1);
    scroll->setWidgetResizable(true);
    scroll->setAccessibleName(tr("Timelines of the pinned runs"));
    stack_ = new QWidget(scroll);
    stack_->setObjectName(QStringLiteral("compareStack"));
    stack_layout_ = new QVBoxLayout(stack_);
    stack_layout_->setContentsMargins(0, 0, 0, 0);
    empty_ =
        new QLabel(tr("Pin a run (Run ▸ Pin run for comparison, or P), change a slider, run again and pin "
                      "that one too: their timelines appear here on one time axis."),
                   stack_);
    empty_->setWordWrap(true);
    empty_->setAlignment(Qt::AlignCenter);
    stack_layout_->addWidget(empty_);
    scroll->setWidget(stack_);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    connect(model_, &CompareModel::pinnedChanged, this, &CompareWindow::rebuild);
    rebuild();
    resize(1300, 900);
}

QList<QWidget*> CompareWindow::timelines() const {
    QList<QWidget*> out;
    for (QWidget* row : rows_)
        out.append(timeline_of_row_.value(row));
    return out;
}

void CompareWindow::rebuild() {
    for (QWidget* row : rows_)
        row->deleteLater();
    rows_.clear();
    timeline_of_row_.clear();
    const QList<RunPtr>& runs = model_->runs();
    empty_->setVisible(runs.isEmpty());
    double longest = 0;
    for (const RunPtr& run : runs) {
        auto* row = new QWidget(stack_);
        auto* v = new QVBoxLayout(row);
        v->setContentsMargins(4, 4, 4, 4);
        auto* title = new QLabel(QStringLiteral("<b>%1</b> — %2 s")
                                     .arg(run->name.toHtmlEscaped())
                                     .arg(comparable_wall_s(run->summary), 0, 'f', 3),
                                 row);
        v->addWidget(title);
        // Slow-motion runs are drawn at normal speed so every row shares one honest time axis.
        const RunRecord shown = at_normal_speed(*run);
        if (run->spec.time_scale > 1)
            title->setText(
                title->text() +
                tr(" <i>(recorded in %1× slow motion, drawn at normal speed)</i>").arg(run->spec.time_scale));
        QWidget* timeline = factory_ ? factory_(row, shown) : new QWidget(row);
        timeline->setMinimumHeight(180); // a real timeline asks for more: share_one_legend below
        v->addWidget(timeline, 1);
        stack_layout_->addWidget(row, 1);
        rows_.append(row);
        timeline_of_row_.insert(row, timeline);
        show_bookmarks(timeline, shown.bookmarks);
        longest = std::max(longest, shown.trace->seconds(shown.trace->end_ns()));
    }
    const QList<QWidget*> all = timelines();
    // One time axis: every run from 0 to the longest run's end, so lengths compare at a glance.
    for (QWidget* t : all)
        set_time_range(t, 0, longest > 0 ? longest * 1.02 : 1.0);
    link_time_axes(all);
    const QString legend = share_one_legend(all);
    // Each timeline asks for the height that labels its lanes and shows its view titles whole; the
    // stack scrolls rather than squeeze them (a view with many lanes scrolls those itself).
    align_time_axes(all);
    legend_->setText(legend);
    legend_->setVisible(!legend.isEmpty());
    fitTable();
}

// Every pinned run's row visible without scrolling the table (lesson 18 pins four).
void CompareWindow::fitTable() {
    table_->resizeRowsToContents();
    int height = table_->horizontalHeader()->height() + 2 * table_->frameWidth() + 4;
    for (int row = 0; row < table_->model()->rowCount(); ++row)
        height += table_->rowHeight(row);
    if (table_->horizontalScrollBar()->isVisible()) height += table_->horizontalScrollBar()->height();
    table_->setMinimumHeight(std::max(height, 60));
    // The plots get the rest: a splitter hands out space by its own sizes, not the table's maximum.
    split_->setSizes({std::max(height, 60), kLotsPx});
}

} // namespace clab::classroom
