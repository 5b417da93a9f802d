// The main window never stops for a dialog (issue 19): errors go to the info bar, file, bookmark
// and question dialogs open window-modal and return at once (no nested event loop while a run
// streams), menus pop up instead of exec'ing, replay windows do not pile up, the history says how
// many runs it keeps, and a run file opens off the GUI thread (an absurd one is refused in a line).
#include "classroom/classroom_controller.h"
#include "classroom/replay_window.h"
#include "classroom/run_file.h"
#include "classroom/run_loader.h"
#include "core/builtin_engines.h"
#include "gui/info_bar.h"
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/open_file_dialog.h"
#include "sched/scheduler_window.h"
#include "test_settings.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <functional>
#include <utility>

using namespace clab;
using namespace clab::classroom;

namespace {

lessons::Step small_step(int tasks = 2) {
    lessons::Step step;
    step.title = QStringLiteral("test step");
    step.has_experiment = true;
    step.spec.engine = EngineKind::Threads;
    step.spec.workload = WorkloadKind::Cpu;
    step.spec.tasks = tasks;
    step.spec.iterations = 200'000;
    step.spec.timeout_s = 60;
    step.controls = {{"tasks", false, 1, 8}};
    return step;
}

ClassroomController* classroom_of(MainWindow& w) {
    return w.findChild<ClassroomController*>();
}

// A finished run in the history (the lab's own, through the real window).
bool run_once(MainWindow& w) {
    const int before = classroom_of(w)->history()->rowCount();
    w.lab()->run();
    return QTest::qWaitFor([&] { return !w.lab()->busy(); }, 60'000) &&
           classroom_of(w)->history()->rowCount() > before;
}

// Calls `f` and says whether it came back without spinning an event loop of its own: a timer
// posted before it can only fire inside it if something exec'd a dialog or a menu.
template <typename F> bool returns_at_once(F f) {
    bool inside = true;
    bool nested = false;
    QTimer::singleShot(0, [&] {
        if (!inside) return; // fired afterwards, as it should: leave the dialog open
        nested = true;
        if (QWidget* popup = QApplication::activePopupWidget()) popup->close();
        if (auto* modal = qobject_cast<QDialog*>(QApplication::activeModalWidget())) modal->reject();
    });
    f();
    inside = false;
    QCoreApplication::processEvents(); // let the timer go if it has not
    return !nested;
}

void close_dialogs() {
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* d = qobject_cast<QDialog*>(w); d && d->isVisible()) d->reject();
    if (QWidget* popup = QApplication::activePopupWidget()) popup->close();
    QCoreApplication::processEvents();
}

} // namespace

class TestWindowDialogs : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

private slots:
    void initTestCase() {
        register_builtin_engines();
        QVERIFY(settings_dir_.isValid());
        use_private_settings(settings_dir_.path(), QStringLiteral("tst_window_dialogs"));
    }
    void init() { QSettings().clear(); }
    void cleanup() { close_dialogs(); }

    // The stuck state of the report: a modal box from ClassroomController::openReplay.
    void nothingToReplayIsAnInfoBarMessageNotABox() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        ReplayWindow* replay = nullptr;
        QVERIFY(returns_at_once([&] { replay = classroom_of(w)->openReplay(nullptr); }));
        QVERIFY(!replay);
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY2(w.infoBar()->text().contains(QStringLiteral("no run to replay")),
                 qPrintable(w.infoBar()->text()));
        // The same for the other "nothing yet" commands.
        w.infoBar()->hide();
        QVERIFY(returns_at_once([&] { classroom_of(w)->action(QStringLiteral("saveRun"))->trigger(); }));
        QVERIFY(w.infoBar()->text().contains(QStringLiteral("no run to save")));
        QVERIFY(returns_at_once([&] { classroom_of(w)->action(QStringLiteral("pin"))->trigger(); }));
        QVERIFY(!QApplication::activeModalWidget());
    }

    void everyDialogOpensWithoutBlockingWhileARunStreams() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        QVERIFY(run_once(w));
        ClassroomController* classroom = classroom_of(w);
        // A long run streams while each dialog is opened, looked at and cancelled.
        lessons::Step longer = small_step(4);
        longer.spec.iterations = 50'000'000;
        w.lab()->setStep(longer);
        w.lab()->run();
        QVERIFY(w.lab()->busy());
        const QStringList commands = {"saveRun",     "openRun",   "exportPlots",
                                      "exportTrace", "exportCsv", "bookmark"};
        for (const QString& name : commands) {
            QAction* a = classroom->action(name);
            QVERIFY2(a, qPrintable(name));
            QVERIFY2(returns_at_once([&] { a->trigger(); }), qPrintable(name));
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            QVERIFY2(dialog && dialog->isVisible(), qPrintable(name));
            QCOMPARE(dialog->windowModality(), Qt::WindowModal);
            // A second press brings the same dialog forward instead of stacking another.
            a->trigger();
            int open = 0;
            for (QWidget* t : QApplication::topLevelWidgets())
                open += qobject_cast<QDialog*>(t) && t->isVisible();
            QCOMPARE(open, 1);
            dialog->reject();
            QTRY_VERIFY(!QApplication::activeModalWidget());
        }
        for (const QString& name : {QStringLiteral("resetLessonProgress"), QStringLiteral("resetAllProgress"),
                                    QStringLiteral("shortcuts"), QStringLiteral("about")}) {
            QVERIFY2(returns_at_once([&] { w.action(name)->trigger(); }), qPrintable(name));
            close_dialogs();
        }
        QVERIFY(returns_at_once([&] { w.openLessonsFolder(); }));
        close_dialogs();
        w.lab()->stop();
        QVERIFY(QTest::qWaitFor([&] { return !w.lab()->busy(); }, 10'000));
    }

    // Found by the random session (seed 192026, action 454: Ctrl+S, then the save dialog accepted
    // over a run file saved before): QFileDialog's own "replace it?" box is exec'd inside accept().
    // The question is asked without a nested loop; No keeps the old file, Yes replaces it.
    void savingOverAFileAsksWithoutBlocking() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("kept.clabrun"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("the old file");
        }
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        QVERIFY(run_once(w));
        ClassroomController* classroom = classroom_of(w);
        for (const bool replace : {false, true}) {
            classroom->action(QStringLiteral("saveRun"))->trigger();
            auto* files = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            QVERIFY(files);
            files->selectFile(path);
            QVERIFY(returns_at_once([&] { static_cast<QDialog*>(files)->accept(); }));
            QMessageBox* question = nullptr;
            QTRY_VERIFY((question = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())));
            QVERIFY(question->text().contains(QStringLiteral("kept.clabrun")));
            QVERIFY(returns_at_once(
                [&] { question->button(replace ? QMessageBox::Yes : QMessageBox::No)->click(); }));
            QTRY_VERIFY(!QApplication::activeModalWidget());
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll() == "the old file", !replace);
        }
    }

    // Found by the random session (seed 192026, action 1482; seed 7, action 7804): a name typed into
    // a file dialog that is not there, then Enter. Qt's QFileDialog::accept() exec's its own "not
    // found" box (a nested event loop while runs stream). Each of the window's file dialogs says it
    // beside the name instead and stays open; a name that is there is still taken.
    void aMissingNameIsSaidInTheDialogNotInABox() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("there")));
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        auto* interpreter = w.findChild<QAction*>(QStringLiteral("chooseInterpreterAction"));
        QVERIFY(interpreter);
        const QList<std::pair<QString, std::function<void()>>> dialogs = {
            {QStringLiteral("lessons folder"), [&] { w.openLessonsFolder(); }},
            {QStringLiteral("open run"),
             [&] { classroom_of(w)->action(QStringLiteral("openRun"))->trigger(); }},
            {QStringLiteral("python interpreter"),
             [&] {
                 interpreter->trigger();
                 auto* setting = qobject_cast<QDialog*>(QApplication::activeModalWidget());
                 QVERIFY(setting);
                 for (auto* b : setting->findChildren<QPushButton*>())
                     if (b->text().startsWith(QStringLiteral("Browse"))) b->click();
             }},
        };
        for (const auto& [what, open] : dialogs) {
            QVERIFY2(returns_at_once(open), qPrintable(what));
            auto* files = qobject_cast<gui::OpenFileDialog*>(QApplication::activeModalWidget());
            QVERIFY2(files && files->isVisible(), qPrintable(what));
            files->setDirectory(dir.path());
            auto* name = files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
            QVERIFY2(name, qPrintable(what));
            name->setFocus();
            name->clear();
            QTest::keyClicks(name, QStringLiteral("not-there"));
            QVERIFY2(returns_at_once([&] { QTest::keyClick(name, Qt::Key_Return); }), qPrintable(what));
            QCOMPARE(QApplication::activeModalWidget(), files);
            QVERIFY2(files->problem().contains(QStringLiteral("not-there")), qPrintable(files->problem()));
            auto* said = files->findChild<QLabel*>(QStringLiteral("fileDialogProblem"));
            QVERIFY2(said && said->isVisible(), qPrintable(what));
            // The random session's way (accept() straight away) is answered the same.
            QVERIFY2(returns_at_once([&] { static_cast<QDialog*>(files)->accept(); }), qPrintable(what));
            QVERIFY(files->isVisible());
            // Qt's other boxes: "delete it?" from the file list, "Directory not found" from Look in.
            auto* list = files->findChild<QListView*>(QStringLiteral("listView"));
            auto* model = list ? qobject_cast<QFileSystemModel*>(list->model()) : nullptr;
            QVERIFY2(model, qPrintable(what));
            const QModelIndex there = model->index(dir.filePath(QStringLiteral("there")));
            list->setCurrentIndex(there);
            list->selectionModel()->select(there,
                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            list->setFocus();
            QVERIFY2(returns_at_once([&] { QTest::keyClick(list, Qt::Key_Delete); }), qPrintable(what));
            QVERIFY(QFileInfo(dir.filePath(QStringLiteral("there"))).isDir());
            auto* look_in = files->findChild<QComboBox*>(QStringLiteral("lookInCombo"));
            QVERIFY2(look_in && !look_in->isEditable(), qPrintable(what));
            // A new name takes the complaint away.
            QTest::keyClick(name, Qt::Key_X);
            QVERIFY(files->problem().isEmpty());
            files->reject();
            QTRY_VERIFY(QApplication::activeModalWidget() != files);
            close_dialogs();
        }
        // A folder that is there is still taken.
        w.openLessonsFolder();
        auto* files = qobject_cast<gui::OpenFileDialog*>(QApplication::activeModalWidget());
        QVERIFY(files);
        QSignalSpy selected(files, &QFileDialog::fileSelected);
        files->setDirectory(dir.path());
        files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))->setText(QStringLiteral("there"));
        QVERIFY(returns_at_once([&] { static_cast<QDialog*>(files)->accept(); }));
        QCOMPARE(selected.size(), 1);
        QCOMPARE(QFileInfo(selected[0][0].toString()).fileName(), QStringLiteral("there"));
        close_dialogs();
    }

    // The scheduler window's Save…/Load… were QFileDialog::getSaveFileName/getOpenFileName and a
    // QMessageBox: nested event loops. Saving over a file asks beside the name (Save again replaces
    // it), a missing schedule is said beside the name, and the outcome is said under the buttons.
    void theSchedulerSavesAndLoadsWithoutBlocking() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("kept.json"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("the old file");
        }
        sched_ui::SchedulerWindow::Options options;
        options.puzzle = QStringLiteral("call");
        options.shipped_minor = 11;
        sched_ui::SchedulerWindow w(options);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto button = [&](const QString& text) {
            for (auto* b : w.findChildren<QPushButton*>())
                if (b->text() == text) return b;
            return static_cast<QPushButton*>(nullptr);
        };
        const auto name_field = [](QFileDialog* files) {
            return files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        };
        QVERIFY(returns_at_once([&] { button(QStringLiteral("Save…"))->click(); }));
        auto* files = qobject_cast<gui::OpenFileDialog*>(QApplication::activeModalWidget());
        QVERIFY(files);
        files->setDirectory(dir.path());
        QLineEdit* name = name_field(files);
        QVERIFY(name);
        name->setFocus();
        name->setText(QStringLiteral("kept.json"));
        QVERIFY(returns_at_once([&] { QTest::keyClick(name, Qt::Key_Return); }));
        QVERIFY(files->isVisible());
        QVERIFY2(files->problem().contains(QStringLiteral("already exists")), qPrintable(files->problem()));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), QByteArray("the old file"));
        }
        QVERIFY(returns_at_once([&] { QTest::keyClick(name, Qt::Key_Return); })); // Save again: replace
        QTRY_VERIFY(!QApplication::activeModalWidget());
        auto* note = w.findChild<QLabel*>(QStringLiteral("scheduleFileNote"));
        QVERIFY(note);
        QVERIFY2(note->text().contains(QStringLiteral("Saved")), qPrintable(note->text()));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(file.readAll() != QByteArray("the old file"));
        }
        // Load…: a name that is not there is said in the dialog; a bad file under the buttons.
        QVERIFY(returns_at_once([&] { button(QStringLiteral("Load…"))->click(); }));
        files = qobject_cast<gui::OpenFileDialog*>(QApplication::activeModalWidget());
        QVERIFY(files);
        files->setDirectory(dir.path());
        name = name_field(files);
        name->setFocus();
        name->setText(QStringLiteral("not-there.json"));
        QVERIFY(returns_at_once([&] { QTest::keyClick(name, Qt::Key_Return); }));
        QVERIFY(files->isVisible());
        QVERIFY2(files->problem().contains(QStringLiteral("not-there.json")), qPrintable(files->problem()));
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"format\": \"something else\"}");
        bad.close();
        name->setText(QStringLiteral("bad.json"));
        QVERIFY(returns_at_once([&] { QTest::keyClick(name, Qt::Key_Return); }));
        QTRY_VERIFY(!QApplication::activeModalWidget());
        QVERIFY2(note->text().contains(QStringLiteral("not a concurrency-lab schedule")),
                 qPrintable(note->text()));
    }

    void theHistoryMenuPopsUpInsteadOfBlocking() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        QVERIFY(run_once(w));
        ClassroomController* classroom = classroom_of(w);
        classroom->historyDock()->show();
        auto* list = classroom->historyDock()->findChild<QListView*>(QStringLiteral("runHistoryList"));
        QVERIFY(list);
        QTRY_VERIFY(list->isVisible());
        const QPoint at = list->visualRect(classroom->history()->index(0)).center();
        QVERIFY(returns_at_once([&] { emit list->customContextMenuRequested(at); }));
        QTRY_VERIFY(qobject_cast<QMenu*>(QApplication::activePopupWidget()));
        // The run leaves the history while the menu is open: its entries must not touch it.
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        const RunPtr run = classroom->history()->latest();
        classroom->history()->remove(0);
        for (QAction* a : menu->actions())
            if (a->text().contains(QStringLiteral("Pin"))) a->trigger();
        QVERIFY(!classroom->pinned()->runs().contains(run));
        menu->close();
    }

    void replayWindowsDoNotPileUp() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        ClassroomController* classroom = classroom_of(w);
        for (int i = 0; i < ClassroomController::kMaxReplayWindows + 2; ++i)
            QVERIFY(run_once(w));
        const RunPtr latest = classroom->history()->latest();
        ReplayWindow* first = classroom->openReplay(latest);
        QCOMPARE(classroom->openReplay(latest), first); // the same run: the same window
        for (const RunPtr& run : classroom->history()->runs())
            classroom->openReplay(run);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        int open = 0;
        for (QWidget* t : QApplication::topLevelWidgets())
            open += qobject_cast<ReplayWindow*>(t) && t->isVisible();
        QCOMPARE(open, ClassroomController::kMaxReplayWindows);
    }

    void theHistorySaysHowManyRunsItKeeps() {
        MainWindow w(cli::GuiOptions{});
        ClassroomController* classroom = classroom_of(w);
        auto* label = classroom->historyDock()->findChild<QLabel*>(QStringLiteral("runHistoryLimit"));
        QVERIFY(label);
        QVERIFY(label->text().contains(QString::number(classroom->history()->maxRuns())));
        classroom->history()->setLimits(3, 1000);
        QVERIFY(label->text().contains(QStringLiteral("3")));
    }

    void aRunFileOpensOffTheGuiThread() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        QVERIFY(run_once(w));
        ClassroomController* classroom = classroom_of(w);
        QTemporaryDir dir;
        QString error;
        const QString good = dir.filePath(QStringLiteral("good.clabrun"));
        QVERIFY2(classroom->saveRun(classroom->history()->latest(), good, error), qPrintable(error));
        const int before = classroom->history()->rowCount();

        QSignalSpy done(classroom->loader(), &RunLoader::finished);
        QVERIFY(classroom->openRunInBackground(good));
        QVERIFY(classroom->loader()->busy());
        QVERIFY(done.wait(20'000));
        QCOMPARE(classroom->history()->rowCount(), before + 1);
        bool replay_open = false;
        for (QWidget* t : QApplication::topLevelWidgets())
            replay_open |= qobject_cast<ReplayWindow*>(t) && t->isVisible();
        QVERIFY(replay_open);

        // The report's file: 10^8 declared events. Refused in a line, in the info bar, at once.
        QFile file(good);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray bytes = file.readAll();
        qToLittleEndian<quint64>(100'000'000, bytes.data() + 24);
        const QString absurd = dir.filePath(QStringLiteral("absurd.clabrun"));
        QFile out(absurd);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        QVERIFY(classroom->openRunInBackground(absurd));
        QVERIFY(done.wait(20'000));
        QCOMPARE(classroom->history()->rowCount(), before + 1);
        QVERIFY2(w.infoBar()->text().contains(QStringLiteral("at most")), qPrintable(w.infoBar()->text()));
        QVERIFY(!QApplication::activeModalWidget());
    }

    void filesCanBeChosenWithoutADialog() {
        // Tests and scripts answer the file questions themselves.
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->setStep(small_step());
        QVERIFY(run_once(w));
        ClassroomController* classroom = classroom_of(w);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("chosen.clabrun"));
        classroom->setPathChooser([&](const QString&, const QString&, bool) { return path; });
        classroom->action(QStringLiteral("saveRun"))->trigger();
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY(QFile::exists(path));
        QSignalSpy done(classroom->loader(), &RunLoader::finished);
        classroom->action(QStringLiteral("openRun"))->trigger();
        QVERIFY(done.wait(20'000));
        QCOMPARE(classroom->history()->rowCount(), 2);
    }
};

QTEST_MAIN(TestWindowDialogs)
#include "tst_window_dialogs.moc"
