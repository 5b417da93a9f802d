#include "palette.h"

#include "plots/palette.h"

#include <QApplication>
#include <optional>

namespace clab::gui {

namespace {
std::optional<QPalette>& desktop_palette() { // what the desktop gave, while high contrast replaces it
    static std::optional<QPalette> palette;
    return palette;
}
} // namespace

QPalette high_contrast_palette() {
    const QColor white(Qt::white);
    const QColor black(Qt::black);
    const QColor dim(0x4A, 0x4A, 0x4A); // 8.9:1 on white: disabled and placeholder text stay readable
    QPalette p(black, white);
    for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        const bool disabled = group == QPalette::Disabled;
        p.setColor(group, QPalette::Window, white);
        p.setColor(group, QPalette::Base, white);
        p.setColor(group, QPalette::AlternateBase, QColor(0xF0, 0xF0, 0xF0));
        p.setColor(group, QPalette::Button, QColor(0xF0, 0xF0, 0xF0));
        p.setColor(group, QPalette::WindowText, disabled ? dim : black);
        p.setColor(group, QPalette::Text, disabled ? dim : black);
        p.setColor(group, QPalette::ButtonText, disabled ? dim : black);
        p.setColor(group, QPalette::PlaceholderText, dim);
        p.setColor(group, QPalette::BrightText, white);
        p.setColor(group, QPalette::Highlight, QColor(0x00, 0x00, 0x80));
        p.setColor(group, QPalette::HighlightedText, white);
        p.setColor(group, QPalette::Link, QColor(0x00, 0x00, 0xB0));
        p.setColor(group, QPalette::LinkVisited, QColor(0x55, 0x1A, 0x8B));
        p.setColor(group, QPalette::ToolTipBase, white);
        p.setColor(group, QPalette::ToolTipText, black);
        p.setColor(group, QPalette::Light, white);
        p.setColor(group, QPalette::Midlight, QColor(0xD0, 0xD0, 0xD0));
        p.setColor(group, QPalette::Mid, QColor(0x76, 0x76, 0x76));
        p.setColor(group, QPalette::Dark, black);
        p.setColor(group, QPalette::Shadow, black);
    }
    return p;
}

void set_high_contrast(bool on) {
    if (on == high_contrast()) return;
    qApp->setProperty(plots::kHighContrastProperty, on); // before the palette: views read it on its change
    if (on) {
        desktop_palette() = QApplication::palette();
        QApplication::setPalette(high_contrast_palette());
    } else {
        // A palette that sets no role hands the application back to the desktop's (so it follows a
        // later switch to dark mode); one the program had set itself is restored as it was.
        const QPalette saved = desktop_palette().value_or(QPalette());
        QApplication::setPalette(saved.resolveMask() == 0 ? QPalette() : saved);
        desktop_palette().reset();
    }
}

bool high_contrast() {
    return qApp->property(plots::kHighContrastProperty).toBool();
}

} // namespace clab::gui
