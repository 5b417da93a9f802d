// A radio button whose text wraps onto as many lines as the width needs, the indicator beside the
// first line. QRadioButton keeps its text on one line and is as wide as the whole sentence, so a
// long prediction choice or check question pushed the lesson panel sideways at 1280 px and was cut.
// Still a QRadioButton: keyboard use (arrows, space, focus), button groups, style sheets and the
// accessible name (its text) work as before.
#pragma once

#include <QRadioButton>

namespace clab::gui {

class WrappingRadioButton : public QRadioButton {
    Q_OBJECT
public:
    explicit WrappingRadioButton(const QString& text, QWidget* parent = nullptr);

    QSize sizeHint() const override;        // the text on one line, up to a readable measure
    QSize minimumSizeHint() const override; // its longest word, one line high
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool hitButton(const QPoint& pos) const override; // the whole button, every line of its text

private:
    int textLeft() const;   // where the text starts: after the indicator and its spacing
    int lineHeight() const; // the height of a one-line radio button: the indicator's row
    QRect textBounds(int text_width) const;
};

} // namespace clab::gui
