#include "info_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace clab::gui {

InfoBar::InfoBar(QWidget* parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("infoBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    icon_ = new QLabel(this);
    text_ = new QLabel(this);
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    close_ = new QToolButton(this);
    close_->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close_->setAutoRaise(true);
    close_->setToolTip(tr("Dismiss"));
    close_->setAccessibleName(tr("Dismiss the message"));
    connect(close_, &QToolButton::clicked, this, &QWidget::hide);
    layout->addWidget(icon_, 0, Qt::AlignTop);
    layout->addWidget(text_, 1);
    layout->addWidget(close_, 0, Qt::AlignTop);
    hide();
}

void InfoBar::showMessage(const QString& text, Severity severity) {
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QString background = QStringLiteral("#E8F1FB");
    QString border = QStringLiteral("#8DB6E2");
    if (severity == Severity::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        background = QStringLiteral("#FDECEC");
        border = QStringLiteral("#E4A0A0");
    } else if (severity == Severity::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        background = QStringLiteral("#FFF5E0");
        border = QStringLiteral("#E8C47A");
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon_->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    setStyleSheet(QStringLiteral("#infoBar { background: %1; border: 1px solid %2; border-radius: 4px; }"
                                 "#infoBar QLabel { color: #202020; }")
                      .arg(background, border));
    text_->setText(text);
    show();
}

QString InfoBar::text() const {
    return isHidden() ? QString() : text_->text(); // shown, even while the window itself is not
}

} // namespace clab::gui
