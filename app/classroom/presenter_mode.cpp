#include "presenter_mode.h"

#include <QWidget>

namespace clab::classroom {

QPalette high_contrast_palette() {
    const QColor black(0, 0, 0), ink(255, 255, 255), panel(20, 20, 20), accent(255, 215, 0),
        dim(160, 160, 160), secondary(210, 210, 210);
    QPalette p;
    p.setColor(QPalette::Window, black);
    p.setColor(QPalette::WindowText, ink);
    p.setColor(QPalette::Base, panel);
    p.setColor(QPalette::AlternateBase, QColor(38, 38, 38));
    p.setColor(QPalette::Text, ink);
    p.setColor(QPalette::BrightText, accent);
    p.setColor(QPalette::Button, QColor(30, 30, 30));
    p.setColor(QPalette::ButtonText, ink);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, black);
    p.setColor(QPalette::ToolTipBase, ink);
    p.setColor(QPalette::ToolTipText, black);
    p.setColor(QPalette::Link, QColor(86, 180, 233)); // Okabe-Ito sky blue
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Mid, secondary); // secondary text (labels, notes): still > 7:1 on black
    p.setColor(QPalette::Disabled, QPalette::WindowText, dim);
    p.setColor(QPalette::Disabled, QPalette::Text, dim);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, dim);
    return p;
}

QString presenter_style_sheet() {
    return QStringLiteral(
        "QSlider::groove:horizontal { height: 10px; background: #555; border-radius: 5px; }"
        "QSlider::sub-page:horizontal { background: #ffd700; border-radius: 5px; }"
        "QSlider::handle:horizontal { width: 26px; margin: -9px 0; background: #fff; border: 3px solid "
        "#ffd700;"
        " border-radius: 13px; }"
        "QPushButton, QToolButton { padding: 6px 14px; }"
        "QToolBar { spacing: 10px; padding: 4px; }"
        "QPushButton:focus, QToolButton:focus, QSlider:focus, QComboBox:focus { outline: 3px solid #ffd700; }"
        "QSplitter::handle { background: #333; }"
        "QHeaderView::section { background: #222; color: #fff; padding: 4px; font-weight: bold; }"
        // Panels with a light look of their own follow the palette. Explicit colours, because
        // widgets created later under a style sheet may get the application's light palette.
        "QLabel, QRadioButton, QCheckBox { color: #fff; }"
        "QGroupBox { color: #fff; background: #000; border: 1px solid #666; border-radius: 4px;"
        " margin-top: 1.6em; padding-top: 4px; }"
        "QGroupBox::title { color: #ffd700; subcontrol-origin: margin; left: 8px; padding: 0 4px; }"
        // The scrolled content only: "QScrollArea > QWidget > QWidget" also matched the scroll
        // bars (in their qt_scrollarea_vcontainer), and a scroll bar with any style-sheet rule is
        // drawn by the style sheet: empty boxes instead of arrows and handle.
        "QScrollArea, QScrollArea > #qt_scrollarea_viewport > QWidget { background: #000; }"
        "QTextBrowser { background: #141414; color: #fff; }"
        "#summaryPanel { background: #000; border: 1px solid #666; }"
        "QToolButton:checked { background: #ffd700; color: #000; }"
        // Bars and fields keep black ground under the white text (the slow-motion label and its
        // "1×" were white on the toolbar's light grey: 1.3:1).
        "QToolBar, QStatusBar, QMenuBar { background: #000; color: #fff; }"
        "QToolButton { color: #fff; }"
        "QToolBar QLabel, QStatusBar QLabel { color: #fff; background: transparent; }"
        "QComboBox, QSpinBox, QDoubleSpinBox { background: #141414; color: #fff; border: 1px solid #888; }");
}

PresenterMode::PresenterMode(QWidget* window, QList<QWidget*> lesson_widgets)
    : window_(window) {
    for (QWidget* w : lesson_widgets)
        lesson_widgets_.append(w);
    if (window_) {
        desk_palette_ = window_->palette();
        desk_style_ = window_->styleSheet();
    }
}

void PresenterMode::setActive(bool on) {
    if (on == active_) return;
    if (on && window_) { // remember the desk look as it is now (the user may have changed it)
        desk_palette_ = window_->palette();
        desk_style_ = window_->styleSheet();
    }
    active_ = on;
    apply();
}

void PresenterMode::setLabOnly(bool on) {
    lab_only_ = on;
    // Only what is shown changes: setting the style sheet again would re-polish every widget and
    // drop fonts the presenter look had scaled (the summary's figures fell back to desk size).
    showLesson();
}

void PresenterMode::style(QWidget* other) const {
    if (other == nullptr) return;
    other->setStyleSheet(active_ ? presenter_style_sheet() : QString());
    other->ensurePolished(); // polish now, so the style sheet cannot override the palette later
    other->setPalette(active_ ? high_contrast_palette() : QPalette());
    followFont(other);
}

void PresenterMode::followFont(QWidget* other) const {
    // While presenting, the window's larger font (style sheets stop font propagation, so a copy);
    // at the desk none of its own: the application's, zoomed as View → Zoom says.
    if (other) other->setFont(active_ && window_ ? window_->font() : QFont());
}

void PresenterMode::apply() {
    if (window_) {
        // Style sheet first: removing one restores the palette it saw, so the palette must follow.
        window_->setStyleSheet(active_ ? presenter_style_sheet() : desk_style_);
        window_->setPalette(active_ ? high_contrast_palette() : desk_palette_);
    }
    showLesson();
}

void PresenterMode::showLesson() {
    // Lab only is a layout of its own, at the desk as on the projector (a student on a small
    // screen wants the timeline big too): presenter mode leaves it as it is.
    for (const QPointer<QWidget>& w : lesson_widgets_)
        if (w) w->setVisible(!lab_only_);
}

} // namespace clab::classroom
