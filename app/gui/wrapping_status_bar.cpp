#include "wrapping_status_bar.h"

#include <QLabel>
#include <QStyleOption>
#include <QStylePainter>

namespace clab::gui {

WrappingStatusBar::WrappingStatusBar(QWidget* parent)
    : QStatusBar(parent) {
    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("statusMessage"));
    message_->setWordWrap(true);
    message_->setTextFormat(Qt::PlainText);
    message_->setMinimumWidth(1);
    // Permanent, so QStatusBar never hides it while a message is shown; first, so it is leftmost.
    addPermanentWidget(message_, 1);
    connect(this, &QStatusBar::messageChanged, message_, &QLabel::setText);
}

void WrappingStatusBar::paintEvent(QPaintEvent*) {
    QStylePainter p(this);
    QStyleOption opt;
    opt.initFrom(this);
    p.drawPrimitive(QStyle::PE_PanelStatusBar, opt);
}

} // namespace clab::gui
