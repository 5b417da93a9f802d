#include "toolbar_rows.h"

#include <QEvent>
#include <QMainWindow>
#include <QScreen>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

namespace clab::gui {

ToolBarRows::ToolBarRows(QMainWindow* window)
    : QObject(window)
    , window_(window) {
    QTimer::singleShot(0, this, [this] {
        window_->installEventFilter(this);
        for (QToolBar* bar : window_->findChildren<QToolBar*>(Qt::FindDirectChildrenOnly))
            bar->installEventFilter(this);
        arrange();
    });
}

bool ToolBarRows::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::ChildAdded: // a toolbar added later (the classroom's) is watched too
        if (watched == window_)
            if (auto* bar = qobject_cast<QToolBar*>(static_cast<QChildEvent*>(event)->child()))
                bar->installEventFilter(this);
        schedule();
        break;
    case QEvent::Resize:
    case QEvent::FontChange:
    case QEvent::StyleChange:
    case QEvent::Show:
    case QEvent::Hide:
    case QEvent::LayoutRequest: // a toolbar's buttons came, went or changed their text
        schedule();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void ToolBarRows::schedule() {
    if (scheduled_) return;
    scheduled_ = true;
    // After the event: sizes and fonts are final only once Qt has handled it.
    QTimer::singleShot(0, this, [this] {
        scheduled_ = false;
        arrange();
    });
}

void ToolBarRows::arrange() {
    // A screen narrower than the window's own minimum (under ~960 px) shows it clipped already:
    // a new row makes Qt apply that minimum to the window and push it off the screen.
    const QScreen* screen = window_->screen();
    if (screen != nullptr && screen->availableGeometry().width() < window_->minimumSizeHint().width()) return;
    // The width a row offers: the window's, less the frame Qt's layout keeps around toolbars.
    const int available = window_->width() - 2 * window_->style()->pixelMetric(QStyle::PM_ToolBarFrameWidth);
    int used = 0;
    for (QToolBar* bar : window_->findChildren<QToolBar*>(Qt::FindDirectChildrenOnly)) {
        if (window_->toolBarArea(bar) != Qt::TopToolBarArea || bar->isHidden()) continue;
        // sizeHint is the width with every button shown, also while Qt has squeezed the bar.
        const int wanted = bar->sizeHint().width();
        const bool own_row = used > 0 && used + wanted > available;
        if (own_row != window_->toolBarBreak(bar)) {
            if (own_row)
                window_->insertToolBarBreak(bar);
            else
                window_->removeToolBarBreak(bar);
        }
        used = own_row ? wanted : used + wanted;
    }
}

} // namespace clab::gui
