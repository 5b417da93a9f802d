// The window's colours: the desktop's own palette (light or dark, whatever the desktop says), or high
// contrast for the whole window: black text on white, a dark blue selection, every text role at least
// 7:1 against its background (WCAG AAA), disabled text included. The timelines follow it through
// plots::application_look().
#pragma once

#include <QPalette>

namespace clab::gui {

void set_high_contrast(bool on);
bool high_contrast();
QPalette high_contrast_palette();

} // namespace clab::gui
