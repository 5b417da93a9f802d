// Colours and fonts of the timeline. States use an Okabe-Ito based palette (safe for the common
// forms of colour blindness, distinct on a washed-out projector); workers get their own cycle of
// colours for the lanes coloured by "who ran here" (cores, the GIL holder, loop callbacks).
#pragma once

#include "core/trace/segments.h"
#include "timeline_geometry.h"

#include <QColor>
#include <QFont>
#include <QString>

namespace clab::plots {

inline constexpr uint8_t kWorkerKeyBase = 32;
inline constexpr int kWorkerColours = 12;

inline constexpr uint8_t state_key(SegState state) noexcept {
    return uint8_t(state);
}
inline constexpr uint8_t worker_key(uint32_t slot) noexcept {
    return uint8_t(kWorkerKeyBase + slot % kWorkerColours);
}
inline constexpr bool is_worker_key(uint8_t key) noexcept {
    return key >= kWorkerKeyBase && key < kWorkerKeyBase + kWorkerColours;
}

QColor state_colour(SegState state);
QColor worker_colour(uint32_t slot);
QColor key_colour(uint8_t key);
// What the legend says for a state, in a student's words.
QString state_label(SegState state);

// The look of the timeline besides its size: light (the desk's), dark (when the desktop is dark), or
// high contrast (black on white, thicker lines, no zebra rows). Lane colours are the same in every
// look, so a colour means one thing everywhere; each look's backgrounds keep every one of them apart
// (tst_palette).
enum class Look { Light, Dark, HighContrast };

// Core utilisation lines: greys and muted tones, so they never read as a worker's colour; dark in
// the light looks, light in the dark one, each at least 3:1 against the plot's background.
QColor utilisation_colour(size_t core, Look look);

// The look the application asks for: high contrast when its property kHighContrastProperty is set
// (app/gui/palette.cpp sets it with the window's palette), else dark when its palette is dark: a
// desktop in dark mode hands Qt a palette with a dark window colour (Qt 6.4 has no
// QStyleHints::colorScheme, which came in 6.5). Views follow it when the palette changes.
inline constexpr char kHighContrastProperty[] = "clab_high_contrast";
Look application_look();

// The window's zoom (View → Zoom, app/gui/window_zoom.cpp), a factor (1 = the desktop's size) kept
// in the application property kZoomProperty; the timelines scale their fonts and lanes by it.
inline constexpr char kZoomProperty[] = "clab_zoom";
double application_zoom();

// Everything that differs between the desk and the projector, and between the looks.
struct Theme {
    bool presenter = false;
    Look look = Look::Light;
    double zoom = 1.0; // fonts and lane sizes are scaled by it
    QColor background;
    QColor lane_background; // alternate rows
    QColor text;
    QColor grid;
    QColor axis;
    QColor highlight; // lane / time-range highlight
    QColor cursor;    // replay cursor
    QColor bookmark;
    QColor slow; // slow callbacks
    // Lines and markers drawn over the background: at least 3:1 against it (WCAG 1.4.11).
    QColor drop_marker;   // GIL drop requests
    QColor forced_marker; // forced switches
    QColor ready_line;    // the event loop's ready-queue length
    QFont font;           // tick labels
    QFont title_font;     // view titles
    QFont legend_font;
    double lane_fill = 0.76; // fraction of a row a lane's bar fills
    int axis_pen_width = 1;
    int line_width = 2;   // step and utilisation lines
    int min_lane_px = 14; // rows get at least this many pixels when the view is laid out
    int max_lane_px = 34; // and grow no thicker than this

    static Theme desk();
    static Theme presenter_theme();
    // The desk or presenter theme in a look, its fonts and lanes scaled by `zoom`.
    static Theme make(bool presenter, Look look, double zoom = 1.0);
};

} // namespace clab::plots
