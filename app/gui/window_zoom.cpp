#include "window_zoom.h"

#include "plots/palette.h"

#include <QApplication>
#include <QEvent>
#include <QFont>
#include <QPointer>
#include <QWidget>
#include <algorithm>
#include <array>
#include <optional>

namespace clab::gui {

namespace {
constexpr std::array<int, 13> kLevels = {50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300};

std::optional<QFont>& desktop_font() { // the application's font before any zoom
    static std::optional<QFont> font;
    return font;
}
} // namespace

std::span<const int> zoom_levels() {
    return kLevels;
}

int next_zoom_level(int percent, int direction) {
    if (direction > 0) {
        const auto* it = std::upper_bound(kLevels.begin(), kLevels.end(), percent);
        return it == kLevels.end() ? kLevels.back() : *it;
    }
    const auto* it = std::lower_bound(kLevels.begin(), kLevels.end(), percent);
    return it == kLevels.begin() ? kLevels.front() : *(it - 1);
}

int set_zoom_percent(int percent) {
    percent = std::clamp(percent, kLevels.front(), kLevels.back());
    if (percent == 100 && !desktop_font()) { // never zoomed: the font is the desktop's already
        qApp->setProperty(plots::kZoomProperty, 1.0);
        return percent;
    }
    if (!desktop_font()) desktop_font() = QApplication::font();
    // The property first: a timeline re-reads it when its font changes.
    qApp->setProperty(plots::kZoomProperty, percent / 100.0);
    QFont font = *desktop_font();
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * percent / 100.0);
    else if (font.pixelSize() > 0)
        font.setPixelSize(std::max(1, font.pixelSize() * percent / 100));
    QApplication::setFont(font);
    // QApplication::setFont tells the widgets only while the event loop runs (QCoreApplication::exec
    // has started), not at start-up or under Qt Test: tell every widget here, also those under a
    // font of their own (presenter mode's window), whose FontChange never comes: a timeline reads
    // the zoom again. A widget resolves its font again; hearing it twice changes nothing.
    // Guarded: a widget's handler may delete others (a view rebuilt for its new font), and a
    // deleted widget still in the list crashed a random session (issue 19).
    QList<QPointer<QWidget>> widgets;
    for (QWidget* widget : QApplication::allWidgets())
        widgets.append(widget);
    QEvent changed(QEvent::ApplicationFontChange);
    for (const QPointer<QWidget>& widget : widgets)
        if (widget) QApplication::sendEvent(widget, &changed);
    return percent;
}

int zoom_percent() {
    const double zoom = plots::application_zoom();
    return int(zoom * 100.0 + 0.5);
}

} // namespace clab::gui
