#include "wrapping_radio_button.h"

#include <QPaintEvent>
#include <QRegularExpression>
#include <QStyleOptionButton>
#include <QStylePainter>
#include <algorithm>

namespace clab::gui {

namespace {
constexpr int kTextFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap | Qt::TextShowMnemonic;
constexpr int kReadableColumns = 60; // sizeHint's width: a comfortable line, not the whole sentence
} // namespace

WrappingRadioButton::WrappingRadioButton(const QString& text, QWidget* parent)
    : QRadioButton(text, parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

int WrappingRadioButton::textLeft() const {
    QStyleOptionButton opt;
    initStyleOption(&opt);
    opt.rect = QRect(0, 0, 1000, lineHeight());
    return style()->subElementRect(QStyle::SE_RadioButtonContents, &opt, this).left();
}

int WrappingRadioButton::lineHeight() const {
    return QRadioButton::sizeHint().height(); // the style's one-line size: indicator, text, margins
}

QRect WrappingRadioButton::textBounds(int text_width) const {
    return fontMetrics().boundingRect(QRect(0, 0, std::max(1, text_width), 100000), kTextFlags, text());
}

QSize WrappingRadioButton::sizeHint() const {
    const QSize one_line = QRadioButton::sizeHint();
    const int width =
        std::min(one_line.width(), textLeft() + fontMetrics().averageCharWidth() * kReadableColumns);
    return {width, heightForWidth(width)};
}

QSize WrappingRadioButton::minimumSizeHint() const {
    int widest = 0;
    const QString plain = QString(text()).remove(QLatin1Char('&'));
    for (const QString& word : plain.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        widest = std::max(widest, fontMetrics().horizontalAdvance(word));
    // One line high, as QLabel's: layouts ask heightForWidth() for the height at the width they give.
    return {textLeft() + widest + 2, lineHeight()};
}

int WrappingRadioButton::heightForWidth(int width) const {
    const int text_height = textBounds(width - textLeft()).height();
    const int padding = lineHeight() - fontMetrics().height(); // as a one-line button has
    return std::max(lineHeight(), text_height + std::max(0, padding));
}

void WrappingRadioButton::paintEvent(QPaintEvent*) {
    QStylePainter p(this);
    QStyleOptionButton opt;
    initStyleOption(&opt);
    // The indicator sits beside the first line, as on a one-line button.
    QStyleOptionButton first_line = opt;
    first_line.rect = QRect(0, 0, width(), lineHeight());
    QStyleOptionButton indicator = opt;
    indicator.rect = style()->subElementRect(QStyle::SE_RadioButtonIndicator, &first_line, this);
    p.drawPrimitive(QStyle::PE_IndicatorRadioButton, indicator);

    const int left = textLeft();
    const int top = std::max(0, (lineHeight() - fontMetrics().height()) / 2);
    const QRect text_rect(left, top, width() - left, height() - top);
    style()->drawItemText(&p, text_rect, kTextFlags, opt.palette, isEnabled(), text(), QPalette::WindowText);
    if (hasFocus()) {
        QStyleOptionFocusRect focus;
        focus.initFrom(this);
        focus.rect = textBounds(text_rect.width()).translated(text_rect.topLeft()).adjusted(-2, -1, 2, 1);
        focus.rect = focus.rect.intersected(rect());
        p.drawPrimitive(QStyle::PE_FrameFocusRect, focus);
    }
}

bool WrappingRadioButton::hitButton(const QPoint& pos) const {
    return rect().contains(pos);
}

} // namespace clab::gui
