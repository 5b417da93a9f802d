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
QString bytes_text(uint64_t bytes) {
    if (bytes >= 1'000'000) return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 1);
    if (bytes >= 1'000) return QStringLiteral("%1 KB").arg(double(bytes) / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(bytes);
}

// What the event that began a segment means, in the student's words: "Thread-2 got the GIL after
// waiting 19.9 ms", not "GIL acquired (arg 19881608)". Empty for events that need no sentence.
// `objects`: what a python run's recorded waits point at.
QString plain_event(const Event& e, const QString& who, const std::vector<std::string>& objects) {
    if (is_sampled(e)) { // inferred from a kernel sample: the arg is the flag and maybe a reason
        Event plain = e;
        plain.arg &= ~kSampledBit;
        switch (e.kind) {
        case EventKind::GilAcquired:
            return QStringLiteral("%1 runs Python on a CPU: it holds the GIL").arg(who);
        case EventKind::Running:
            return QStringLiteral("%1 runs on a CPU").arg(who);
        case EventKind::GilWaitBegin:
            return QStringLiteral("%1 sits in a timed wait, as CPython waits for the GIL").arg(who);
        case EventKind::LockWaitBegin:
            return QStringLiteral("%1 waits in the kernel (futex), as for a lock").arg(who);
        case EventKind::IoBegin:
            return IoKind(plain.arg) == IoKind::Sleep
                       ? QStringLiteral("%1 sleeps in the kernel").arg(who)
                       : QStringLiteral("%1 is blocked in a system call").arg(who);
        default:
            return plain_event(plain, who, objects);
        }
    }
    switch (e.kind) {
    case EventKind::GilAcquired:
        return e.arg == 0 ? QStringLiteral("%1 took the GIL at once").arg(who)
                          : QStringLiteral("%1 got the GIL after waiting %2")
                                .arg(who, duration_text(double(e.arg) * 1e-9));
    case EventKind::GilWaitBegin:
        return QStringLiteral("%1 asked for the GIL and had to wait").arg(who);
    case EventKind::GilRelease:
        switch (GilReleaseReason(e.arg)) {
        case GilReleaseReason::Interval:
            return QStringLiteral("%1 dropped the GIL because a waiting thread asked (a forced switch)")
                .arg(who);
        case GilReleaseReason::Io:
            return QStringLiteral("%1 let go of the GIL for a blocking call").arg(who);
        case GilReleaseReason::Exit:
            return QStringLiteral("%1 let go of the GIL as it ended").arg(who);
        case GilReleaseReason::Lock:
            return QStringLiteral("%1 let go of the GIL to wait for a lock").arg(who);
        }
        break;
    case EventKind::GilForcedWaitBegin:
        return QStringLiteral("%1 was asked to drop the GIL and waits until another thread takes it")
            .arg(who);
    case EventKind::IoBegin:
        switch (IoKind(e.arg)) {
        case IoKind::Sleep:
            return QStringLiteral("%1 called time.sleep()").arg(who);
        case IoKind::Socket:
            return QStringLiteral("%1 sent a request and waits for the reply").arg(who);
        case IoKind::Pipe:
            return QStringLiteral("%1 reads or writes a pipe").arg(who);
        case IoKind::Join:
            return QStringLiteral("%1 called join(): it waits for the others to end").arg(who);
        case IoKind::Connect:
            return QStringLiteral("%1 connects to the server").arg(who);
        case IoKind::SocketCall:
            return QStringLiteral("%1 sends or closes, without the GIL").arg(who);
        }
        break;
    case EventKind::LockWaitBegin:
        if (e.arg < objects.size()) // a python run: the tracer names the object
            return QStringLiteral("%1 waits on %2").arg(who, QString::fromStdString(objects[e.arg]));
        return QStringLiteral("%1 asked for a lock another thread holds").arg(who);
    case EventKind::LockAcquired:
        return QStringLiteral("%1 got the lock").arg(who);
    case EventKind::DeadlockDetected:
        return QStringLiteral("%1 waits for a lock in a cycle of %2 threads: a deadlock").arg(who).arg(e.arg);
    case EventKind::ProcessStartBegin:
        return QStringLiteral("%1 is being started").arg(who);
    case EventKind::ProcessExitBegin:
        return QStringLiteral("%1's interpreter shuts down (atexit handlers, finalisers, exit)").arg(who);
    case EventKind::SerializeBegin:
        return QStringLiteral("%1 pickles %2").arg(who, bytes_text(e.arg));
    case EventKind::DeserializeBegin:
        return QStringLiteral("%1 unpickles %2").arg(who, bytes_text(e.arg));
    case EventKind::IpcSendBegin:
        return QStringLiteral("%1 sends %2 through a pipe").arg(who, bytes_text(e.arg));
    case EventKind::IpcRecvBegin:
        return QStringLiteral("%1 receives through a pipe").arg(who);
    case EventKind::Idle:
        return QStringLiteral("%1 waits for work").arg(who);
    case EventKind::TaskStepBegin:
        return QStringLiteral("the loop resumed %1 up to its next await").arg(who);
    case EventKind::SelectBegin:
        return e.arg == ~uint64_t(0) ? QStringLiteral("the loop waits in select until something is ready")
                                     : QStringLiteral("the loop waits in select for at most %1")
                                           .arg(duration_text(double(e.arg) * 1e-9));
    default:
        break;
    }
    return {};
}
} // namespace

void TimelineView::set_python_details(double sample_hz, std::vector<std::string> waited_objects) {
    sample_hz_ = sample_hz;
    waited_objects_ = std::move(waited_objects);
    if (legend_signature() != legend_signature_) rebuild_legend();
}

QString TimelineView::sampled_note() const {
    if (sample_hz_ <= 0) return QStringLiteral("inferred from kernel thread states sampled by the app");
    return QStringLiteral("inferred from kernel thread states sampled at %1 kHz").arg(sample_hz_ / 1000.0);
}

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
        if (const LaneInfo* who = model_->lane(s.who)) {
            text += QStringLiteral(": <b>%1</b>").arg(QString::fromStdString(who->name).toHtmlEscaped());
            if (r.view != View::Loop) event_lane = s.who;
        }
    }
    text += QStringLiteral("<br>from %1 for %2").arg(seconds_text(s.start), duration_text(s.end - s.start));
    if (hit->open) text += QStringLiteral(" (still going)");
    if (const Event* e = model_->event_at(event_lane, s.start)) {
        const LaneInfo* actor = model_->lane(event_lane);
        const QString who = actor ? QString::fromStdString(actor->name) : QString::fromStdString(lane.name);
        if (const QString said = plain_event(*e, who, waited_objects_); !said.isEmpty()) {
            text += QStringLiteral("<br>") + said.toHtmlEscaped();
            if (e->cpu != 0xFFFF) text += QStringLiteral(", on core %1").arg(e->cpu);
        }
        if (is_sampled(*e)) text += QStringLiteral("<br><i>%1</i>").arg(sampled_note().toHtmlEscaped());
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
