// concurrency-lab: the GUI by default; `run …` and `lessons check …` run headless.
#include "cli/commands.h"
#include "cli/gui_options.h"
#include "core/builtin_engines.h"
#include "gui/main_window.h"
#include "gui/startup_probe.h"
#include "memory_policy.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <csignal>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    const int64_t main_ns = clab::gui::monotonic_now_ns(); // the start-up benchmark's first mark
    // A worker process (process engine, spawn start method) must not touch Qt at all.
    if (const int rc = clab::cli::maybe_run_worker(argc, argv); rc >= 0) return rc;
    // Before any engine thread starts: what a run allocates goes back when it is freed (issue 19).
    clab::apply_malloc_policy();

    // A write to a pipe or socket whose reader died (a worker, the slow server, `| head`) must fail
    // with EPIPE where it happens, not kill the whole program. Children we start reset it.
    std::signal(SIGPIPE, SIG_IGN);
    clab::register_builtin_engines();
    QCoreApplication::setOrganizationName(QStringLiteral("ConcurrencyLab"));
    QCoreApplication::setApplicationName(QStringLiteral("concurrency-lab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CLAB_VERSION));

    if (argc >= 2 && clab::cli::is_headless_command(argv[1])) {
        QCoreApplication app(argc, argv);
        return clab::cli::run_headless(QCoreApplication::arguments());
    }

    // Parse before creating the QApplication, so --help, --version and bad flags work without a display.
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    clab::cli::GuiOptions options;
    if (const int rc = clab::cli::parse_gui_options(args, options); rc >= 0) return rc;

    QApplication app(argc, argv);
    clab::apply_gui_memory_policy();
    clab::gui::startup_mark("qapp");
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/concurrency-lab.svg")));
    clab::MainWindow window(options);
    const int64_t built_ns = clab::gui::monotonic_now_ns();
    if (clab::gui::startup_probe_requested()) clab::gui::install_startup_probe(&window, main_ns, built_ns);
    window.show();
    return app.exec();
}
