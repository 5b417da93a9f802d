// View → Zoom in / out / reset (Ctrl+= / Ctrl+- / Ctrl+0): one zoom for the whole application.
// It scales the application's font, so every window, dialog, the lesson text, the code and its
// output follow (each already follows its window's font for presenter mode), and it sets the
// application property plots::kZoomProperty, which the timelines read to scale their labels and
// lanes. Presenter mode multiplies on top of it. The main window remembers it (QSettings
// view/zoomPercent).
#pragma once

#include <span>

namespace clab::gui {

// The zoom levels, in percent, as desktop browsers offer them; 100 is the desktop's own size.
std::span<const int> zoom_levels();
// The level one step from `percent` (direction +1 or -1), kept within the levels.
int next_zoom_level(int percent, int direction);
// Applies a zoom (clamped to the first and last level) to the application; returns what it applied.
int set_zoom_percent(int percent);
int zoom_percent(); // 100 until set

} // namespace clab::gui
