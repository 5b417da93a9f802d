// Keyboard order of the main window: Tab goes through the panels from left to right (lessons, the
// step, the lab), and inside each panel in reading order (top to bottom, then left to right), so
// controls built later (a step's code panels, the lab's sliders for the step) do not land at the
// end of Qt's creation-order chain.
#pragma once

#include <QList>

class QWidget;

namespace clab::gui {

// Whether Tab should stop at `w` (shown in `window`, enabled, takes Tab focus; not a scroll bar nor
// the inner line edit of a spin box or combo box, which the control itself stands for).
bool takes_tab_focus(const QWidget* w, const QWidget* window);

// Chains the Tab stops of `panels` (in this order) as described above.
void order_tabs(const QList<QWidget*>& panels);

} // namespace clab::gui
