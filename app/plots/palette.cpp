#include "palette.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <array>
#include <cmath>

namespace clab::plots {

namespace {

// The translation context of the legend's state names (lupdate reads it from the macro).
class TimelinePalette {
    Q_DECLARE_TR_FUNCTIONS(TimelinePalette)
};

// Okabe & Ito (2008), plus Paul Tol's "muted" set where more hues are needed; greys for waiting.
// Adjusted so that every two states stay apart (CIEDE2000 ≥ 8) for normal vision and under
// simulated deuteranopia and protanopia (tst_palette checks it).
constexpr std::array<QRgb, size_t(SegState::Count)> kStateRgb = {
    0xFF0072B2, // Running: blue, the one that matters most in the GIL lessons
    0xFF009E73, // RunningFree: bluish green
    0xFFE69F00, // GilWait: orange
    0xFFD55E00, // ForcedWait: vermillion
    0xFF56B4E9, // BlockedIo: sky blue
    0xFFCC79A7, // LockWait: reddish purple
    0xFFF0E442, // Starting: yellow
    0xFF996644, // Serializing: brown
    0xFF99DDFF, // Transfer: light cyan
    0xFFBB9999, // Deserializing: dusty pink
    0xFFD0D0D0, // Idle: light grey
    0xFFDDCCAA, // Select: sand (the loop waits in epoll)
    0xFF555555, // Callback: dark grey (when no task is named; task callbacks take the task's colour)
    0xFF115533, // TaskStep: dark green
    0xFF000000, // Crashed: black
    0xFF8B0000, // Deadlocked: dark red
    0xFF666677, // Busy: slate (when the worker is unknown)
    0xFF7F7F7F, // Joining: mid grey (waiting for others to end, not I/O)
    0xFFAA66FF, // GcCollect: violet (CPython's garbage collector, inside a loop callback)
    0xFF331133, // ShuttingDown: dark plum (a process winding down)
};

// Workers: Paul Tol's "muted" scheme, each nudged until it is far from every state colour
// (CIEDE2000 ≥ 12), so a worker's identity on the core and GIL lanes never reads as a state.
constexpr std::array<QRgb, kWorkerColours> kWorkerRgb = {
    0xFFDD6677, 0xFF332288, 0xFFCCBB66, 0xFF44BBAA, 0xFF882255, 0xFF44BBCC,
    0xFF999933, 0xFFAA4499, 0xFF117733, 0xFF88AAFF, 0xFFAACC22, 0xFFFFAABB,
};

} // namespace

QColor state_colour(SegState state) {
    const size_t i = size_t(state);
    return i < kStateRgb.size() ? QColor::fromRgba(kStateRgb[i]) : QColor(Qt::magenta);
}

QColor worker_colour(uint32_t slot) {
    return QColor::fromRgba(kWorkerRgb[slot % kWorkerColours]);
}

QColor key_colour(uint8_t key) {
    if (is_worker_key(key)) return worker_colour(key - kWorkerKeyBase);
    return state_colour(SegState(key));
}

QColor utilisation_colour(size_t core, Look look) {
    // Light looks: near black, mid grey, steel blue, dark teal, brown, dark grey (#b0b0b0 was 2.2:1
    // on white). Dark look: the same ideas in light tones (#222222 vanished on the dark grey).
    static constexpr std::array<QRgb, 6> kOnLight = {0xFF222222, 0xFF8A8A8A, 0xFF4B6A88,
                                                     0xFF2F6F6F, 0xFF6E5A44, 0xFF5A5A5A};
    static constexpr std::array<QRgb, 6> kOnDark = {0xFFE8E8E8, 0xFF9A9A9A, 0xFF8FB3D9,
                                                    0xFF7FC4C4, 0xFFC9A880, 0xFFBDBDBD};
    const auto& rgb = look == Look::Dark ? kOnDark : kOnLight;
    return QColor::fromRgba(rgb[core % rgb.size()]);
}

QString state_label(SegState state) {
    switch (state) {
    case SegState::Running:
        return TimelinePalette::tr("running (holds the GIL)");
    case SegState::RunningFree:
        return TimelinePalette::tr("running (no GIL needed)");
    case SegState::GilWait:
        return TimelinePalette::tr("waiting for the GIL");
    case SegState::ForcedWait:
        // Not "forced switch": that is the summary's count and the ▲ marker. A thread that drops
        // the GIL while a drop request is pending (at its interval, or to wait for I/O) waits here.
        return TimelinePalette::tr("dropped it, waits for a taker");
    case SegState::BlockedIo:
        return TimelinePalette::tr("blocked in I/O / sleep");
    case SegState::LockWait:
        return TimelinePalette::tr("waiting on a lock");
    case SegState::Starting:
        return TimelinePalette::tr("starting up");
    case SegState::Serializing:
        return TimelinePalette::tr("pickling");
    case SegState::Transfer:
        return TimelinePalette::tr("sending through a pipe");
    case SegState::Deserializing:
        return TimelinePalette::tr("unpickling");
    case SegState::Idle:
        return TimelinePalette::tr("idle / suspended at await");
    case SegState::Select:
        return TimelinePalette::tr("loop waits in select");
    case SegState::Callback:
        return TimelinePalette::tr("loop runs a callback");
    case SegState::TaskStep:
        return TimelinePalette::tr("task step runs");
    case SegState::Crashed:
        return TimelinePalette::tr("crashed");
    case SegState::Deadlocked:
        return TimelinePalette::tr("deadlocked");
    case SegState::Busy:
        return TimelinePalette::tr("busy");
    case SegState::Joining:
        return TimelinePalette::tr("waiting (join)");
    case SegState::GcCollect:
        return TimelinePalette::tr("garbage collector runs");
    case SegState::ShuttingDown:
        return TimelinePalette::tr("interpreter shutting down");
    case SegState::Count:
        break;
    }
    return QStringLiteral("?");
}

Theme Theme::desk() {
    Theme t;
    t.background = QColor(0xFF, 0xFF, 0xFF);
    t.lane_background = QColor(0xF4, 0xF5, 0xF7);
    t.text = QColor(0x20, 0x24, 0x2A);
    t.grid = QColor(0xE2, 0xE4, 0xE8);
    t.axis = QColor(0x70, 0x74, 0x7A);
    t.highlight = QColor(0xFF, 0xD7, 0x00, 70);
    t.cursor = QColor(0xC0, 0x10, 0x10);
    t.bookmark = QColor(0x40, 0x40, 0x40);
    t.slow = QColor(0xD5, 0x00, 0x00);
    t.drop_marker = QColor(0xD5, 0x5E, 0x00);
    t.forced_marker = QColor(0x00, 0x00, 0x00);
    t.ready_line = QColor(0x33, 0x22, 0x88);
    t.font = QFont();
    t.font.setPointSizeF(9.0);
    t.title_font = t.font;
    t.title_font.setBold(true);
    t.legend_font = t.font;
    return t;
}

Theme Theme::presenter_theme() {
    Theme t = desk();
    t.presenter = true;
    t.background = Qt::white;
    t.lane_background = QColor(0xEC, 0xEC, 0xEC);
    t.text = Qt::black;
    t.grid = QColor(0xCC, 0xCC, 0xCC);
    t.axis = Qt::black;
    t.highlight = QColor(0xFF, 0xC8, 0x00, 110);
    t.font.setPointSizeF(15.0);
    t.title_font = t.font;
    t.title_font.setBold(true);
    // The legend is read once per run, the plots all the time: a smaller font keeps it a strip.
    t.legend_font = t.font;
    t.legend_font.setPointSizeF(13.0);
    t.lane_fill = 0.86;
    t.axis_pen_width = 2;
    t.line_width = 4;
    t.min_lane_px = 30;
    t.max_lane_px = 56;
    return t;
}

Theme Theme::make(bool presenter, Look look, double zoom) {
    Theme t = presenter ? presenter_theme() : desk();
    t.look = look;
    t.zoom = zoom > 0 ? zoom : 1.0;
    if (t.zoom != 1.0) {
        for (QFont* f : {&t.font, &t.title_font, &t.legend_font})
            f->setPointSizeF(f->pointSizeF() * t.zoom);
        t.min_lane_px = int(std::lround(t.min_lane_px * t.zoom));
        t.max_lane_px = int(std::lround(t.max_lane_px * t.zoom));
    }
    if (look == Look::Dark) {
        // Dark grey, not black: the black (crashed) and dark grey (callback) lanes stay visible.
        t.background = QColor(0x26, 0x28, 0x2C);
        t.lane_background = QColor(0x30, 0x32, 0x36);
        t.text = QColor(0xE8, 0xEA, 0xED);
        t.grid = QColor(0x3C, 0x3E, 0x44);
        t.axis = QColor(0x9A, 0xA0, 0xA6);
        t.highlight = QColor(0xFF, 0xD7, 0x00, 60);
        t.cursor = QColor(0xFF, 0x6E, 0x6E);
        t.bookmark = QColor(0xC8, 0xCC, 0xD0);
        t.slow = QColor(0xFF, 0x6E, 0x6E);
        t.forced_marker = QColor(0xF0, 0xF0, 0xF0); // black vanished on the dark grey (1.4:1)
        t.ready_line = QColor(0xA9, 0x9B, 0xE6);    // a light indigo: #332288 was 1.2:1
    } else if (look == Look::HighContrast) {
        t.background = Qt::white;
        t.lane_background = Qt::white; // no zebra: lanes are parted by white gaps instead
        t.text = Qt::black;
        t.grid = QColor(0x76, 0x76, 0x76);
        t.axis = Qt::black;
        t.highlight = QColor(0xFF, 0xC8, 0x00, 120);
        t.cursor = QColor(0xC0, 0x00, 0x00);
        t.bookmark = Qt::black;
        t.slow = QColor(0xC0, 0x00, 0x00);
        t.font.setBold(true);
        t.legend_font.setBold(true);
        t.lane_fill = std::min(t.lane_fill, 0.8);
        t.axis_pen_width += 1;
        t.line_width += 1;
    }
    return t;
}

Look application_look() {
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return Look::Light;
    if (qApp->property(kHighContrastProperty).toBool()) return Look::HighContrast;
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128 ? Look::Dark : Look::Light;
}

double application_zoom() {
    if (!QCoreApplication::instance()) return 1.0;
    const double zoom = qApp->property(kZoomProperty).toDouble();
    return zoom > 0 ? zoom : 1.0;
}

} // namespace clab::plots
