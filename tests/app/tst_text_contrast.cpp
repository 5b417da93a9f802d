// Every text of the main window (and of the controls panel's note and the "Be the scheduler"
// window) against what is behind it, at the desk and in presenter mode: WCAG
// contrast ratio ≥ 4.5:1 ("AA" for body text). The text colour is the widget's own (its palette,
// which style sheets set too); the background is what the window really drew behind the text: the
// most common colour of the grabbed pixels in the widget's rectangle (text covers a minority of
// them). Disabled controls are left out, as WCAG leaves them out.
#include "core/experiment/runner.h"
#include "gui/controls_panel.h"
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/summary_panel.h"
#include "sched/scheduler_window.h"
#include "test_settings.h"

#include <QAbstractButton>
#include <QGroupBox>
#include <QHash>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTest>
#include <QToolBar>
#include <cmath>

using namespace clab;

namespace {
double luminance(const QColor& c) {
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
double contrast(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
// The ink of a text the palette cannot tell (a checked button's style-sheet colour): the colour
// of at least a few pixels that stands out most from the background.
QColor strongest_ink(const QImage& image, const QRect& rect, const QColor& bg) {
    QHash<QRgb, int> counts;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            ++counts[image.pixel(x, y)];
    QColor best = bg;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() >= 4 && contrast(QColor(it.key()), bg) > contrast(best, bg)) best = QColor(it.key());
    return best;
}
QColor most_common(const QImage& image, const QRect& rect) {
    QHash<QRgb, int> counts;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            ++counts[image.pixel(x, y)];
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    return QColor(best);
}
// Every enabled, visible label, button and group title of `root` (grabbed as `image`) with less
// than 4.5:1 against what is drawn behind it.
QStringList contrast_faults(QWidget* root, const QImage& image, int* checked) {
    QStringList faults;
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        if (!widget->isVisible() || !widget->isEnabled() || widget->width() < 4 || widget->height() < 4)
            continue;
        const auto* label = qobject_cast<QLabel*>(widget);
        const auto* button = qobject_cast<QAbstractButton*>(widget);
        const auto* group = qobject_cast<QGroupBox*>(widget);
        QString text = label ? label->text() : button ? button->text() : group ? group->title() : QString();
        if (text.trimmed().isEmpty()) continue;
        // Only what is on screen: a widget scrolled out of its area shows nothing.
        const QRect shown = widget->visibleRegion().boundingRect();
        if (shown.width() < 4 || shown.height() < 4) continue;
        const QRect rect(widget->mapTo(root, shown.topLeft()), shown.size());
        // A group box's title sits in its top strip; a label or button fills its rectangle.
        // A push button's frame is not behind its text (a default button's blue frame outnumbers
        // any one shade of its gradient fill).
        const QRect behind =
            group ? QRect(rect.topLeft(), QSize(rect.width(), widget->fontMetrics().height()))
            : qobject_cast<const QPushButton*>(widget) && rect.height() > 12 ? rect.adjusted(3, 3, -3, -3)
                                                                             : rect;
        const QColor bg = most_common(image, behind);
        const QColor fg = button && button->isChecked()
                              ? strongest_ink(image, behind, bg)
                              : widget->palette().color(QPalette::Active, widget->foregroundRole());
        const double ratio = contrast(fg, bg);
        ++*checked;
        if (ratio < 4.5)
            faults << QStringLiteral("%1 '%2' (%3): %4 on %5 is %6:1")
                          .arg(QString::fromLatin1(widget->metaObject()->className()), text.left(40),
                               widget->objectName(), fg.name(), bg.name())
                          .arg(ratio, 0, 'f', 2);
    }
    return faults;
}
void report(const QStringList& faults) {
    for (const QString& fault : faults)
        qWarning("%s", qPrintable(fault));
}
} // namespace

class TestTextContrast : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void everyTextIsReadable_data() {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<QString>("lesson");
        for (const char* lesson : {"4", "9", "18"}) {
            QTest::newRow(qPrintable(QStringLiteral("desk, lesson %1").arg(lesson))) << false << lesson;
            QTest::newRow(qPrintable(QStringLiteral("presenter, lesson %1").arg(lesson))) << true << lesson;
        }
    }
    void everyTextIsReadable() {
        QFETCH(bool, presenter);
        QFETCH(QString, lesson);
        cli::GuiOptions options;
        MainWindow w(options);
        w.show();
        if (presenter) w.setPresenterMode(true);
        w.showNormal();
        w.setGeometry(0, 0, presenter ? 1920 : 1600, presenter ? 1080 : 1000);
        QVERIFY(w.openLesson(lesson, 1));
        // The summary's figures, headline and notes: from a short real run of the step.
        ExperimentSpec spec = w.lab()->runSpec();
        spec.iterations = std::min<int64_t>(spec.iterations, 20'000);
        spec.io_ms = std::min(spec.io_ms, 2.0);
        spec.timeout_s = 5;
        const Summary summary = Runner::run(spec);
        w.lab()->summary()->showSummary(summary);
        QTest::qWait(100); // deferred restyles (presenter mode sets style sheet and palette in turn)
        const QImage image = w.grab().toImage();
        int checked = 0;
        const QStringList faults = contrast_faults(&w, image, &checked);
        report(faults);
        QVERIFY2(checked >= 20, qPrintable(QString::number(checked)));
        QVERIFY2(faults.isEmpty(), qPrintable(QStringLiteral("%1 texts below 4.5:1, the first: %2")
                                                  .arg(faults.size())
                                                  .arg(faults.value(0))));
    }

    void controlsPanelIsReadable() {
        // A step with nothing to adjust says so: that note was palette(mid), 1.7:1 on the window grey.
        gui::ControlsPanel panel;
        panel.setStep(ExperimentSpec{}, {});
        panel.resize(600, 60);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTest::qWait(20);
        int checked = 0;
        const QStringList faults = contrast_faults(&panel, panel.grab().toImage(), &checked);
        report(faults);
        QVERIFY2(checked >= 1, qPrintable(QString::number(checked)));
        QVERIFY2(faults.isEmpty(), qPrintable(faults.value(0)));
    }

    void schedulerWindowIsReadable() {
        // "Be the scheduler": the columns' titles in the workers' colours, the puzzle's origin note.
        sched_ui::SchedulerWindow::Options options;
        options.puzzle = QStringLiteral("inplace");
        options.shipped_minor = 11;
        sched_ui::SchedulerWindow w(options);
        w.resize(1400, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.runWorker(0));
        QTest::qWait(50);
        int checked = 0;
        const QStringList faults = contrast_faults(&w, w.grab().toImage(), &checked);
        report(faults);
        QVERIFY2(checked >= 8, qPrintable(QString::number(checked)));
        QVERIFY2(faults.isEmpty(), qPrintable(QStringLiteral("%1 texts below 4.5:1, the first: %2")
                                                  .arg(faults.size())
                                                  .arg(faults.value(0))));
    }
};

QTEST_MAIN(TestTextContrast)
#include "tst_text_contrast.moc"
