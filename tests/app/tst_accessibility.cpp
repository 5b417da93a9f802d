// Every control and view of the app can be found by a screen reader: walking each window through
// QAccessible (the main window on a lesson step with code, an exercise and a prediction; Compare;
// Replay; the scheduler; the dialogs), every widget that takes the keyboard focus or is a button has
// a non-empty accessible name, and every view (lists, tables, text and code views, plots) also has a
// description. Help → Keyboard shortcuts lists every shortcut the windows have.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/replay_window.h"
#include "gui/main_window.h"
#include "gui/shortcuts_dialog.h"
#include "sched/scheduler_window.h"
#include "test_settings.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QAccessible>
#include <QAction>
#include <QDialog>
#include <QShortcut>
#include <QTableWidget>
#include <QTest>
#include <qcustomplot.h>

using namespace clab;

namespace {
Trace finished_trace(Summary& summary) {
    Trace trace;
    trace.origin_ns = 1000;
    trace.lanes.push_back(LaneInfo{0, LaneKind::Main, "MainThread", kNoLane, 1});
    trace.append({Event{1000, 0, EventKind::Running, 0, 0}, Event{5000, 0, EventKind::WorkerExit, 0, 0}});
    summary.completed = true;
    summary.wall_s = 4e-6;
    summary.events = 2;
    return trace;
}

QString describe(const QWidget* w) {
    QString path;
    for (const QWidget* p = w; p; p = p->parentWidget())
        path.prepend(QStringLiteral("/%1(%2)").arg(p->metaObject()->className(), p->objectName()));
    return path;
}

// Parts of a Qt widget that a screen reader reaches through the widget that owns them.
bool is_inner_part(const QWidget* w) {
    const QString name = w->objectName();
    if (name.startsWith(QLatin1String("qt_"))) return true; // spin box editors, scroll area viewports…
    const QWidget* parent = w->parentWidget();
    // A spin box's or combo box's editor; a view's headers and corner button (the view's
    // interface presents its rows and columns).
    return parent &&
           (qobject_cast<const QAbstractSpinBox*>(parent) || qobject_cast<const QComboBox*>(parent) ||
            qobject_cast<const QAbstractItemView*>(parent));
}

bool is_view(const QWidget* w) {
    return qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QTextEdit*>(w) ||
           qobject_cast<const QPlainTextEdit*>(w) || qobject_cast<const QCustomPlot*>(w);
}

bool is_interactive(const QWidget* w) {
    return (w->focusPolicy() & Qt::TabFocus) || qobject_cast<const QAbstractButton*>(w);
}

// "name missing: …" / "description missing: …" for every widget of `window` that needs one.
QStringList unnamed(QWidget* window, int* checked = nullptr) {
    QStringList problems;
    int count = 0;
    QList<QWidget*> widgets = window->findChildren<QWidget*>();
    widgets.prepend(window);
    for (QWidget* w : widgets) {
        if (w->isWindow() && w != window) continue; // another window: walked on its own
        if (is_inner_part(w) || w->focusProxy()) continue;
        const bool view = is_view(w);
        if (!view && !is_interactive(w)) continue;
        ++count;
        QAccessibleInterface* a = QAccessible::queryAccessibleInterface(w);
        if (!a) {
            problems << QStringLiteral("no accessible interface: ") + describe(w);
            continue;
        }
        if (a->text(QAccessible::Name).trimmed().isEmpty())
            problems << QStringLiteral("name missing: ") + describe(w);
        if (view && a->text(QAccessible::Description).trimmed().isEmpty())
            problems << QStringLiteral("description missing: ") + describe(w);
    }
    if (checked) *checked = count;
    return problems;
}

// Qt Test cuts a long failure message: each problem gets a line of its own.
bool report(const QStringList& problems) {
    for (const QString& p : problems)
        qWarning("%s", qPrintable(p));
    return problems.isEmpty();
}

cli::GuiOptions at(const char* lesson, int step) {
    cli::GuiOptions options;
    options.lesson = QString::fromLatin1(lesson);
    options.step = step;
    return options;
}
} // namespace

class TestAccessibility : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void everyControlOfTheMainWindowHasANameAndEveryViewADescription_data() {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<int>("step");
        QTest::newRow("threads, code") << QStringLiteral("gil") << 1;
        QTest::newRow("prediction") << QStringLiteral("gil") << 2;
        QTest::newRow("exercise") << QStringLiteral("race-conditions") << 2;
        QTest::newRow("asyncio") << QStringLiteral("18") << 1;
    }
    void everyControlOfTheMainWindowHasANameAndEveryViewADescription() {
        QFETCH(QString, lesson);
        QFETCH(int, step);
        MainWindow w(at("gil", 1));
        QVERIFY(w.openLesson(lesson, step));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        int checked = 0;
        const QStringList problems = unnamed(&w, &checked);
        QVERIFY2(checked >= 25,
                 qPrintable(QString::number(checked))); // the walk reached the window's controls
        QVERIFY2(report(problems),
                 qPrintable(QStringLiteral("%1 without a name or description").arg(problems.size())));
    }

    void compareReplayAndTheDialogsToo() {
        MainWindow w(at("gil", 1));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* classroom = w.findChild<classroom::ClassroomController*>();
        QVERIFY(classroom);
        Summary summary;
        const Trace trace = finished_trace(summary);
        const classroom::RunPtr run = classroom->addRun(summary, trace);
        QVERIFY(run);
        classroom->pinSelected();
        QStringList problems;
        problems << unnamed(classroom->openCompare());
        problems << unnamed(classroom->openReplay(run));
        gui::ShortcutsDialog shortcuts(&w);
        problems << unnamed(&shortcuts);
        QVERIFY2(report(problems),
                 qPrintable(QStringLiteral("%1 without a name or description").arg(problems.size())));
    }

    void theSchedulerWindowToo() {
        sched_ui::SchedulerWindow::Options o;
        o.puzzle = QStringLiteral("inplace");
        o.shipped_minor = 11;
        sched_ui::SchedulerWindow window(o);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QStringList problems = unnamed(&window);
        QVERIFY2(report(problems),
                 qPrintable(QStringLiteral("%1 without a name or description").arg(problems.size())));
    }
};

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
