// The timeline's legend: every colour on screen, explained; nothing that is not on screen.
#include "legend_swatch.h"
#include "timeline_view.h"

#include <QFontMetrics>
#include <algorithm>
#include <climits>
#include <vector>

namespace clab::plots {

namespace {
uint64_t mix(uint64_t h, uint64_t v) {
    return (h ^ v) * 0x100000001B3ull + (h >> 29);
}

uint64_t worker_keys(const SegmentStore& store) {
    return store.keys_present() & (((uint64_t(1) << kWorkerColours) - 1) << kWorkerKeyBase);
}
} // namespace

uint64_t TimelineView::legend_signature() const {
    uint64_t h = 1469598103934665603ull;
    for (const Rect& r : rects_)
        if (r.store) h = mix(h, r.store->keys_present());
    h = mix(h, model_->drop_requests().empty());
    h = mix(h, model_->forced_switches().empty());
    h = mix(h, model_->gil_forced_waiting().empty());
    h = mix(h, model_->slow_callbacks().empty());
    h = mix(h, model_->utilisation().size());
    h = mix(h, model_->workers().lane_count());
    h = mix(h, model_->slot_lanes().size());
    h = mix(h, model_->has_sampled());
    h = mix(h, uint64_t(sample_hz_));
    return h;
}

void TimelineView::rebuild_legend() {
    legend_signature_ = legend_signature();
    if (!legend_) return;
    legend_->clearItems();
    legend_->setVisible(legend_shown_);
    if (!legend_shown_) return; // a window of several timelines shows one legend for all
    auto add = [this](const QColor& colour, const QString& text,
                      LegendSwatch::Shape shape = LegendSwatch::Shape::Box,
                      QCPScatterStyle::ScatterShape marker = QCPScatterStyle::ssNone) {
        auto* item = new LegendSwatch(legend_, colour, text, shape, marker);
        item->setTextColor(theme_.text);
        legend_->addItem(item);
    };

    // States, in the order of SegState (running first).
    uint64_t state_keys = 0;
    uint64_t by_worker = 0;
    for (const Rect& r : rects_) {
        if (!r.store) continue;
        const uint64_t keys = r.store->keys_present();
        state_keys |= keys & ((uint64_t(1) << int(SegState::Count)) - 1);
        by_worker |= worker_keys(*r.store);
    }
    for (int s = 0; s < int(SegState::Count); ++s)
        if (state_keys & (uint64_t(1) << s)) add(state_colour(SegState(s)), state_label(SegState(s)));
    // A real interpreter's run: some of those states were not recorded but inferred; say so, in few
    // words (the whole sentence, a third of the pane wide, left the legend one column and half the
    // pane high), the tooltip of each such bar says how.
    if (model_->has_sampled())
        add(theme_.text,
            sample_hz_ > 0
                ? QStringLiteral("some states inferred from %1 kHz samples (hover)").arg(sample_hz_ / 1000.0)
                : QStringLiteral("some states inferred from samples (hover)"),
            LegendSwatch::Shape::Heading);

    // Worker colours (cores, the GIL holder, loop callbacks): name the workers behind each colour.
    // With many workers every colour stands for dozens of them: one line says so instead of twelve
    // lines of names that would push the plots off a projector.
    const std::vector<uint32_t>& slot_lanes = model_->slot_lanes();
    if (by_worker && slot_lanes.size() > 2 * size_t(kWorkerColours)) {
        add(theme_.text,
            QStringLiteral("who ran: %1 workers share %2 colours (hover a bar for its name)")
                .arg(slot_lanes.size())
                .arg(kWorkerColours),
            LegendSwatch::Shape::Heading);
    } else if (by_worker) {
        add(theme_.text, QStringLiteral("who ran:"), LegendSwatch::Shape::Heading);
        for (int slot = 0; slot < kWorkerColours; ++slot) {
            if (!(by_worker & (uint64_t(1) << (kWorkerKeyBase + slot)))) continue;
            QStringList names;
            int count = 0;
            for (size_t i = size_t(slot); i < slot_lanes.size(); i += kWorkerColours, ++count)
                if (names.size() < 2)
                    if (const LaneInfo* info = model_->lane(slot_lanes[i]))
                        names << QString::fromStdString(info->name);
            QString text = names.join(QStringLiteral(", "));
            if (count > 2) text += QStringLiteral(" +%1").arg(count - 2);
            add(worker_colour(uint32_t(slot)), text);
        }
    }

    // Series and markers.
    if (is_view_shown(View::Gil)) {
        add(state_colour(SegState::GilWait), QStringLiteral("threads waiting for the GIL"),
            LegendSwatch::Shape::Line);
        if (!model_->gil_forced_waiting().empty())
            add(state_colour(SegState::ForcedWait), QStringLiteral("threads waiting for a taker"),
                LegendSwatch::Shape::Line);
        if (!model_->drop_requests().empty())
            add(theme_.drop_marker, QStringLiteral("drop request"), LegendSwatch::Shape::Marker,
                QCPScatterStyle::ssTriangleInverted);
        if (!model_->forced_switches().empty())
            add(theme_.forced_marker, QStringLiteral("forced switch"), LegendSwatch::Shape::Marker,
                QCPScatterStyle::ssTriangle);
    }
    if (is_view_shown(View::Loop)) {
        add(theme_.ready_line, QStringLiteral("ready-queue length"), LegendSwatch::Shape::Line);
        if (!model_->slow_callbacks().empty())
            add(theme_.slow, QStringLiteral("slow callback (blocks the loop)"));
    }
    if (is_view_shown(View::Utilisation))
        for (size_t i = 0; i < model_->utilisation().size(); ++i)
            add(utilisation_colour(i, theme_.look),
                QString::fromStdString(model_->utilisation()[i].name) + QStringLiteral(" busy"),
                LegendSwatch::Shape::Line);
    update_legend_wrap();
}

namespace {
// Widths of the columns when `items` fill `columns` columns row by row (the legend's fill order).
int row_width(const std::vector<int>& widths, int columns, int spacing) {
    std::vector<int> column(size_t(columns), 0);
    for (size_t i = 0; i < widths.size(); ++i)
        column[i % size_t(columns)] = std::max(column[i % size_t(columns)], widths[i]);
    int total = spacing * (columns - 1);
    for (int w : column)
        total += w;
    return total;
}
} // namespace

// As many columns as fit the width, so the legend never clips and takes as few rows as it can. On a
// projector the legend is read from the back of the room: never smaller than the plots' own text
// (it used to shrink to 10 pt to stay short; the timeline scrolls instead).
void TimelineView::update_legend_wrap() {
    if (!legend_ || legend_->itemCount() == 0) return;
    const int available = std::max(1, plot_->width() - 40);
    const double points = theme_.presenter
                              ? std::max(theme_.legend_font.pointSizeF(), theme_.font.pointSizeF())
                              : theme_.legend_font.pointSizeF();
    QFont font = theme_.legend_font;
    font.setPointSizeF(points);
    const int icon = QFontMetrics(font).height();
    legend_->setIconSize(icon * 3 / 2, icon);
    std::vector<int> widths;
    for (int i = 0; i < legend_->itemCount(); ++i) { // cells of a wrapped grid may be empty
        QCPAbstractLegendItem* item = legend_->item(i);
        if (!item) continue;
        QFont f = item->font(); // keeps the heading's bold italic
        f.setPointSizeF(points);
        item->setFont(f);
        widths.push_back(item->minimumOuterSizeHint().width());
    }
    int columns = 1;
    for (int n = int(widths.size()); n > 1; --n)
        if (row_width(widths, n, legend_->columnSpacing()) <= available) {
            columns = n;
            break;
        }
    if (legend_->wrap() != columns) legend_->setWrap(columns);
    legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-flows the existing items
}

} // namespace clab::plots
