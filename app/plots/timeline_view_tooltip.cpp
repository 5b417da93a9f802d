// What the timeline says when you hover: the lane, the state, when it started, how long it lasted
// and the event that started it; or the value of a series at that time.
#include "segment_plottable.h"
#include "timeline_view.h"

#include <cmath>

namespace clab::plots {

namespace {
QString seconds_text(double s) {
    return QStringLiteral("%1 s").arg(s, 0, 'f', s < 10 ? 6 : 4);
}

QString duration_text(double s) {
    const double a = std::abs(s);
    if (a < 1e-6) return QStringLiteral("%1 ns").arg(s * 1e9, 0, 'f', 0);
    if (a < 1e-3) return QStringLiteral("%1 µs").arg(s * 1e6, 0, 'f', 1);
    if (a < 1.0) return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', 2);
    return QStringLiteral("%1 s").arg(s, 0, 'f', 3);
}
} // namespace

QString TimelineView::describe_at(const QPoint& pos) const {
    if (QString text = describe_bookmark(pos); !text.isEmpty()) return text;
    for (const Rect& r : rects_) {
        if (!r.rect->rect().contains(pos)) continue;
        return r.plottable ? describe_segment(r, pos) : describe_series(r, pos);
    }
    return {};
}

QString TimelineView::describe_segment(const Rect& r, const QPoint& pos) const {
    const auto hit = r.plottable->hit_test(pos);
    if (!hit) return {};
    const SegmentRecord& s = hit->segment;
    const SegmentStore::Lane& lane = r.store->lane(size_t(hit->row));
    const SegState state = SegState(s.state);
    QString text =
        QStringLiteral("<b>%1</b><br>%2")
            .arg(QString::fromStdString(lane.name).toHtmlEscaped(), state_label(state).toHtmlEscaped());
    // Who ran there (cores, GIL holder, a loop callback's task).
    uint32_t event_lane = lane.source;
    const bool names_worker = r.view == View::Cores || r.view == View::Gil || state == SegState::Callback;
    if (names_worker) {
        if (const LaneInfo* who = model_.lane(s.who)) {
            text += QStringLiteral(": <b>%1</b>").arg(QString::fromStdString(who->name).toHtmlEscaped());
            if (r.view != View::Loop) event_lane = s.who;
        }
    }
    text += QStringLiteral("<br>from %1 for %2").arg(seconds_text(s.start), duration_text(s.end - s.start));
    if (hit->open) text += QStringLiteral(" (still going)");
    if (const Event* e = model_.event_at(event_lane, s.start)) {
        text += QStringLiteral("<br>event: %1")
                    .arg(QString::fromLatin1(kind_name(e->kind).data(), int(kind_name(e->kind).size())));
        if (e->arg != 0 && e->arg != ~uint64_t(0)) text += QStringLiteral(" (arg %1)").arg(e->arg);
        if (e->cpu != 0xFFFF) text += QStringLiteral(" on CPU %1").arg(e->cpu);
    }
    return text;
}

QString TimelineView::describe_series(const Rect& r, const QPoint& pos) const {
    QCPAxis* x = r.rect->axis(QCPAxis::atBottom);
    const double t = x->pixelToCoord(pos.x());
    QStringList lines;
    for (const SeriesFeed& feed : feeds_) {
        if (feed.graph->keyAxis() != x || !feed.v || feed.t->empty()) continue;
        // The step value in force at t: the last change at or before t.
        const auto it = std::upper_bound(feed.t->begin(), feed.t->end(), t);
        if (it == feed.t->begin()) continue;
        const double value = (*feed.v)[size_t(it - feed.t->begin()) - 1];
        lines << QStringLiteral("%1: <b>%2</b>").arg(feed.graph->name().toHtmlEscaped()).arg(value);
    }
    if (lines.isEmpty()) return {};
    return QStringLiteral("at %1<br>").arg(seconds_text(t)) + lines.join(QStringLiteral("<br>"));
}

} // namespace clab::plots
