#include "progress_marks.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <algorithm>
#include <cmath>

namespace clab::gui {

namespace {
const QColor kBlue(0x00, 0x72, 0xB2);
const QColor kGreen(0x00, 0x9E, 0x73);
const QColor kGrey(0x99, 0x99, 0x99);
constexpr int kSize = 32; // drawn large, scaled down by the view: crisp at any font size

QPixmap canvas() {
    QPixmap pm(kSize, kSize);
    pm.fill(Qt::transparent);
    return pm;
}

void draw_check(QPainter& p, const QRectF& r) {
    p.setPen(Qt::NoPen);
    p.setBrush(kGreen);
    p.drawEllipse(r);
    QPainterPath tick;
    tick.moveTo(10, 16.5);
    tick.lineTo(14.5, 21);
    tick.lineTo(22.5, 11.5);
    p.setPen(QPen(Qt::white, 3.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(tick);
}

QIcon draw_step_mark(StepMark mark) {
    QPixmap pm = canvas();
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(8, 8, kSize - 16, kSize - 16);
    switch (mark) {
    case StepMark::NotVisited:
        p.setPen(QPen(kGrey, 2.5));
        p.drawEllipse(r);
        break;
    case StepMark::Visited:
        p.setPen(Qt::NoPen);
        p.setBrush(kBlue);
        p.drawEllipse(r);
        break;
    case StepMark::Answered:
        draw_check(p, QRectF(3, 3, kSize - 6, kSize - 6));
        break;
    }
    p.end();
    return QIcon(pm);
}

QIcon draw_lesson_progress(double fraction) {
    QPixmap pm = canvas();
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(3, 3, kSize - 6, kSize - 6);
    if (fraction >= 1.0) {
        draw_check(p, r);
    } else {
        p.setPen(QPen(kGrey, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r);
        if (fraction > 0) {
            p.setPen(Qt::NoPen);
            p.setBrush(kBlue);
            p.drawPie(r.adjusted(4, 4, -4, -4), 90 * 16, -int(std::lround(fraction * 360 * 16)));
        }
    }
    p.end();
    return QIcon(pm);
}

} // namespace

// Icons are drawn once and reused: the view asks for them on every repaint.
QIcon step_mark_icon(StepMark mark) {
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(mark));
    if (it == cache.end()) it = cache.insert(int(mark), draw_step_mark(mark));
    return *it;
}

QIcon lesson_progress_icon(double fraction) {
    static QHash<int, QIcon> cache;
    const int percent = int(std::lround(std::clamp(fraction, 0.0, 1.0) * 100));
    auto it = cache.find(percent);
    if (it == cache.end()) it = cache.insert(percent, draw_lesson_progress(percent / 100.0));
    return *it;
}

} // namespace clab::gui
