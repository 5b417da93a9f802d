// A status bar whose messages are shown whole: a long one ("Finished in 3.21 s. Other programs kept
// 1.6 of this machine's 2 cores busy…") wraps onto a second line instead of being cut at the
// window's edge. showMessage() works as on any QStatusBar (timeouts too); the text goes to a
// word-wrapping label that takes the bar's free width.
#pragma once

#include <QStatusBar>

class QLabel;

namespace clab::gui {

class WrappingStatusBar : public QStatusBar {
    Q_OBJECT
public:
    explicit WrappingStatusBar(QWidget* parent = nullptr);
    QLabel* messageLabel() const { return message_; }

protected:
    void paintEvent(QPaintEvent* event) override; // the panel only: the label shows the message

private:
    QLabel* message_ = nullptr;
};

} // namespace clab::gui
