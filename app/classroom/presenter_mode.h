// Presenter mode, the classroom half: the main window goes full screen with large fonts
// (MainWindow::setPresenterMode); this adds the high-contrast theme and big controls. It also
// keeps the "lab only" layout that hides the lesson text so the timelines fill the window (at the
// desk as on a projector).
#pragma once

#include <QList>
#include <QPalette>
#include <QPointer>
#include <QString>

class QWidget;

namespace clab::classroom {

// Black background, white text, yellow accents: readable from the back of a washed-out room.
QPalette high_contrast_palette();
// Thick slider grooves and handles, roomy buttons and toolbar, a visible focus frame.
QString presenter_style_sheet();

class PresenterMode {
public:
    // `window`: gets the theme. `lesson_widgets`: hidden in the lab-only layout, presenting or not.
    PresenterMode(QWidget* window, QList<QWidget*> lesson_widgets);

    void setActive(bool on);
    bool active() const { return active_; }
    void setLabOnly(bool on);
    bool labOnly() const { return lab_only_; }
    // Applies the theme to another top-level window (replay, compare) while active.
    void style(QWidget* other) const;
    // Gives `other` the font style() gives it; again after the window's font changed (a zoom).
    void followFont(QWidget* other) const;

private:
    void apply();
    void showLesson(); // the lesson widgets hide in the lab-only layout

    QPointer<QWidget> window_;
    QList<QPointer<QWidget>> lesson_widgets_;
    QPalette desk_palette_;
    QString desk_style_;
    bool active_ = false;
    bool lab_only_ = false;
};

} // namespace clab::classroom
