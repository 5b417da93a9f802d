// The step keys of the real main window (issue 20.1): → and ← move between steps, except when the
// focused widget needs the arrows itself (a slider, a spin box, a list, a combo box, an editable
// field), which then gets them as ordinary key presses. Pressing them must never re-enter the
// shortcut (it once recursed until the stack overflowed), whichever widget has the focus and
// whether the key arrives from the window system or from QApplication::sendEvent.
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/step_view.h"
#include "test_settings.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSlider>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace clab;

namespace {
// The first visible, focusable widget of type T inside the window.
template <typename T> T* first_visible(QWidget& window) {
    for (T* w : window.findChildren<T*>())
        if (w->isVisible() && w->isEnabled() && w->focusPolicy() != Qt::NoFocus) return w;
    return nullptr;
}

enum class Expect { Navigates, WidgetKeeps };

struct Target {
    QString kind;
    QWidget* widget = nullptr;
    Expect expect = Expect::Navigates;
};
} // namespace

class TestMainWindowKeys : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

    // Lesson 4 (the GIL) at step 2: a slider, a numeric prediction (spin box), the navigator, the
    // read-only lesson text and buttons, as in the report.
    static cli::GuiOptions gil_step_2() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("4");
        options.step = 2;
        return options;
    }

    static QList<Target> targets(MainWindow& w) {
        QList<Target> list;
        auto add = [&](const QString& kind, QWidget* widget, Expect expect) {
            if (widget) list.append(Target{kind, widget, expect});
        };
        add(QStringLiteral("slider"), first_visible<QSlider>(w), Expect::WidgetKeeps);
        add(QStringLiteral("spin box"), first_visible<QDoubleSpinBox>(w), Expect::WidgetKeeps);
        add(QStringLiteral("combo box"), first_visible<QComboBox>(w), Expect::WidgetKeeps);
        add(QStringLiteral("navigator"), w.navigator(), Expect::WidgetKeeps);
        add(QStringLiteral("lesson text"), first_visible<QTextBrowser>(w), Expect::Navigates);
        add(QStringLiteral("push button"), first_visible<QPushButton>(w), Expect::Navigates);
        add(QStringLiteral("radio button"), first_visible<QRadioButton>(w), Expect::Navigates);
        add(QStringLiteral("window"), &w, Expect::Navigates);
        return list;
    }

    static bool focusOn(MainWindow& w, QWidget* widget) {
        w.activateWindow();
        widget->setFocus(Qt::OtherFocusReason);
        return QTest::qWaitFor(
            [&] {
                return QApplication::focusWidget() == widget->focusProxy() ||
                       QApplication::focusWidget() == widget;
            },
            2000);
    }

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }
    void init() { QSettings().clear(); }

    void theStepKeysWorkWithTheFocusOnEveryKindOfWidget_data() {
        QTest::addColumn<bool>("fromWindowSystem");
        QTest::newRow("sendEvent") << false;
        QTest::newRow("window system") << true;
    }
    void theStepKeysWorkWithTheFocusOnEveryKindOfWidget() {
        QFETCH(bool, fromWindowSystem);
        MainWindow w(gil_step_2());
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const int lesson = w.currentLesson();
        QCOMPARE(w.currentStep(), 1);

        const QList<Target> all = targets(w);
        QStringList kinds;
        for (const Target& t : all)
            kinds << t.kind;
        for (const char* needed : {"slider", "spin box", "navigator", "lesson text", "push button"})
            QVERIFY2(kinds.contains(QLatin1String(needed)), needed);

        for (const Target& t : all) {
            for (const Qt::Key key : {Qt::Key_Right, Qt::Key_Left}) {
                w.openStep(lesson, 1);
                QTest::qWait(1); // new controls show once the event loop ran
                // openStep rebuilt the controls: look the widget up again by kind.
                const QList<Target> fresh = targets(w);
                const auto it = std::find_if(fresh.begin(), fresh.end(),
                                             [&](const Target& f) { return f.kind == t.kind; });
                QVERIFY2(it != fresh.end(), qPrintable(t.kind));
                QWidget* widget = it->widget;
                QVERIFY2(focusOn(w, widget), qPrintable(t.kind));
                auto* slider = qobject_cast<QSlider*>(widget);
                if (slider) slider->setValue((slider->minimum() + slider->maximum()) / 2);
                const int slider_before = slider ? slider->value() : 0;

                if (fromWindowSystem)
                    QTest::keyClick(w.windowHandle(), key);
                else
                    QTest::keyClick(QApplication::focusWidget(), key);

                const QString what = QStringLiteral("%1, %2").arg(t.kind, key == Qt::Key_Right ? "→" : "←");
                const int expected_step =
                    t.expect == Expect::WidgetKeeps ? 1 : (key == Qt::Key_Right ? 2 : 0);
                QVERIFY2(w.currentLesson() == lesson, qPrintable(what));
                QVERIFY2(w.currentStep() == expected_step,
                         qPrintable(QStringLiteral("%1: step %2, expected %3")
                                        .arg(what)
                                        .arg(w.currentStep())
                                        .arg(expected_step)));
                if (slider) // the slider took the key: one step in the key's direction
                    QVERIFY2(slider->value() ==
                                 slider_before + (key == Qt::Key_Right ? 1 : -1) * slider->singleStep(),
                             qPrintable(what));
            }
        }
    }

    void altArrowNavigatesEvenFromASlider() {
        MainWindow w(gil_step_2());
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSlider* slider = first_visible<QSlider>(w);
        QVERIFY(slider);
        QVERIFY(focusOn(w, slider));
        QTest::keyClick(slider, Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(w.currentStep(), 2);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(w.currentStep(), 1);
    }

    void theToolbarsNextNavigatesWhateverHasTheFocus() {
        // Clicking Next (or choosing it in the menu) is not an arrow key: it always moves on.
        MainWindow w(gil_step_2());
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QDoubleSpinBox* spin = first_visible<QDoubleSpinBox>(w);
        QVERIFY(spin);
        QVERIFY(focusOn(w, spin));
        w.action(QStringLiteral("next"))->trigger();
        QCOMPARE(w.currentStep(), 2);
        w.action(QStringLiteral("back"))->trigger();
        QCOMPARE(w.currentStep(), 1);
    }
};

QTEST_MAIN(TestMainWindowKeys)
#include "tst_main_window_keys.moc"
